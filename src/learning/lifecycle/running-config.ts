// A configuration at work in the Learner: the promoted one becomes the state's (its fields set in
// the content, the posteriors kept, its decay window used by every later outcome), and what the
// kernel reads is the content with the configuration's floor overrides laid over the learned
// floors. A staged candidate gets the same treatment on the same posteriors, for the shadow. Pure.

import type { DomainPack } from "../../domain/domain-pack.ts";
import type { LearnerState } from "../learner-state.ts";
import type { PolicyContent } from "../policy-snapshot.ts";
import { applyConfig, floorOverridesByRegime, withFloorOverrides } from "./apply-config.ts";
import { configHash, type PolicyConfig } from "./policy-config.ts";

/** The state running `config`; the same object when it already does. */
export function adoptConfig(state: LearnerState, config: PolicyConfig): LearnerState {
  if (state.config !== undefined && configHash(state.config) === configHash(config)) return state;
  return { ...state, content: applyConfig(state.content, config), config };
}

/** What the kernel reads of a state: its content, with its configuration's floor overrides. */
export function publishedContent(state: LearnerState, pack: DomainPack): PolicyContent {
  return state.config === undefined ? state.content : underConfig(state.content, state.config, pack);
}

/** The content under a configuration, floor overrides included: the candidate's, for the shadow. */
export function underConfig(content: PolicyContent, config: PolicyConfig, pack: DomainPack): PolicyContent {
  const overrides = floorOverridesByRegime(config, pack);
  const applied = applyConfig(content, config);
  return overrides.some((floor) => floor !== null) ? withFloorOverrides(applied, overrides) : applied;
}
