// A scripted policy lifecycle for the ledger, verify and Durable Object tests: every op, a gated
// and a forced promotion, two rollbacks, made by the real transitions of src/learning/lifecycle,
// so the records are exactly those the lifecycle hands the ledger. No Node or Workers APIs.

import { LLM_PACK } from "../../src/domain/llm/pack.ts";
import { CRITERION_NAMES, type GateVerdict } from "../../src/learning/lifecycle/gate.ts";
import { discard, promote, rollback, stage, type Transition } from "../../src/learning/lifecycle/lifecycle.ts";
import { initialLifecycleState, type LifecycleState } from "../../src/learning/lifecycle/lifecycle-state.ts";
import { configHash, defaultPolicyConfig, parsePolicyConfig, type PolicyConfig } from "../../src/learning/lifecycle/policy-config.ts";
import type { PolicyEventRecord } from "../../src/learning/lifecycle/policy-event.ts";

export const LIFECYCLE_T0_MS = 1_700_000_000_000;
export const DEFAULT_CONFIG: PolicyConfig = defaultPolicyConfig(LLM_PACK);

/** The default LLM configuration with some fields changed, checked by the parser. */
export function changedConfig(changes: Record<string, unknown>): PolicyConfig {
  const parsed = parsePolicyConfig({ ...DEFAULT_CONFIG, ...changes });
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.config;
}

export const CONFIG_A = changedConfig({ exploration_bps: 0 });
export const CONFIG_B = changedConfig({ holdout_bps: 1_000 });
export const HASH_DEFAULT = configHash(DEFAULT_CONFIG);
export const HASH_A = configHash(CONFIG_A);
export const HASH_B = configHash(CONFIG_B);

/** A verdict on `candidateHash` whose criteria pass as given (all of them by default). */
export function verdictOn(candidateHash: string, passes: readonly boolean[] = CRITERION_NAMES.map(() => true)): GateVerdict {
  const criteria = CRITERION_NAMES.map((name, i) => ({ name, pass: passes[i]!, detail: `${name} ${passes[i] ? "passes" : "fails"}` }));
  return { candidateHash, promotable: criteria.every((criterion) => criterion.pass), criteria };
}

/** Applies transitions in turn, keeping the events; a refusal is a bug in the script. */
export class LifecycleScript {
  state: LifecycleState = initialLifecycleState(DEFAULT_CONFIG, LIFECYCLE_T0_MS);
  readonly events: PolicyEventRecord[] = [];
  private clockMs = LIFECYCLE_T0_MS;

  step(transition: (state: LifecycleState, nowMs: number) => Transition): PolicyEventRecord {
    const result = transition(this.state, ++this.clockMs);
    if (!result.ok) throw new Error(`lifecycle script refused: ${result.code} (${result.detail})`);
    this.state = result.state;
    this.events.push(result.event);
    return result.event;
  }
}

/**
 * stage A, discard A, stage A, promote A (gate passed), stage B, promote B (forced, one criterion
 * failing), rollback to A, rollback to the default: eight events, versions 0 0 0 1 1 2 3 4.
 */
export function scriptedLifecycle(): PolicyEventRecord[] {
  const script = new LifecycleScript();
  const failing = CRITERION_NAMES.map((_, i) => i !== 1);
  script.step((state, nowMs) => stage(state, CONFIG_A, nowMs));
  script.step((state, nowMs) => discard(state, nowMs));
  script.step((state, nowMs) => stage(state, CONFIG_A, nowMs));
  script.step((state, nowMs) => promote(state, verdictOn(HASH_A), {}, nowMs));
  script.step((state, nowMs) => stage(state, CONFIG_B, nowMs));
  script.step((state, nowMs) => promote(state, verdictOn(HASH_B, failing), { force: { reason: "the pilot tenant asked for it" } }, nowMs));
  script.step((state, nowMs) => rollback(state, nowMs));
  script.step((state, nowMs) => rollback(state, nowMs));
  return script.events;
}
