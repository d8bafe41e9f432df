// A tenant's own policy settings: how much of its traffic explores (among the plausibly best
// options only) and how much is a holdout served by the fixed warm-start baseline. 0 is allowed
// for both (the original's advice for high-stakes work: no exploration, shadow evaluation
// instead). They live in the policy content, so every snapshot and decision seals them.

import type { LearnerState } from "./learner-state.ts";

export interface PolicySettings {
  readonly explorationBps?: number;
  readonly holdoutBps?: number;
}

/** Exploration above half the traffic is not exploration any more; neither is such a holdout. */
export const SETTING_BPS_MAX = 5_000;

/** The refusal, or null when every given setting is an integer in [0, SETTING_BPS_MAX]. */
export function settingsProblem(settings: PolicySettings): string | null {
  for (const [name, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 0 || Object.is(value, -0) || value > SETTING_BPS_MAX) {
      return `"${name}" expected integer in [0, ${SETTING_BPS_MAX}], got ${String(value)}`;
    }
  }
  return null;
}

/** The state with the settings applied; the same object when nothing changes. */
export function applySettings(state: LearnerState, settings: PolicySettings): LearnerState {
  const content = state.content;
  const explorationBps = settings.explorationBps ?? content.explorationBps;
  const holdoutBps = settings.holdoutBps ?? content.holdoutBps;
  if (explorationBps === content.explorationBps && holdoutBps === content.holdoutBps) return state;
  return { ...state, content: { ...content, explorationBps, holdoutBps } };
}
