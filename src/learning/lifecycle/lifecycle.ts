// The lifecycle's transitions (issue 12): stage one candidate, discard it, promote it through the
// gate (or by force, with a reason), roll back to the previous configuration. Each is pure: it
// returns the next state and the `policy` record to seal, or a refusal; the caller persists both.

import { CRITERION_NAMES, type GateCriterion, type GateVerdict } from "./gate.ts";
import { expectConfig, expectTimeMs, HISTORY_MAX, type LifecycleState } from "./lifecycle-state.ts";
import { configHash, type PolicyConfig } from "./policy-config.ts";
import type { PolicyEventRecord } from "./policy-event.ts";

/** Refusals, in the order they are checked; snake_case sentences naming the broken rule. */
export const LIFECYCLE_CODES = [
  "candidate_already_staged",
  "candidate_same_as_current",
  "no_candidate_staged",
  "verdict_for_another_candidate",
  "force_reason_missing",
  "force_reason_malformed",
  "gate_not_passed",
  "candidate_still_staged",
  "no_previous_configuration",
] as const;
export type LifecycleCode = (typeof LIFECYCLE_CODES)[number];

export type LifecycleRefusal =
  | { readonly ok: false; readonly code: Exclude<LifecycleCode, "gate_not_passed">; readonly detail: string }
  | { readonly ok: false; readonly code: "gate_not_passed"; readonly detail: string; readonly failing: readonly GateCriterion[] };

/**
 * A transition's result. Every successful one also ends the candidate's shadow (stage starts a
 * new one; discard and promote end it; rollback needs none staged), so the caller resets the
 * evaluation's candidate sums and the shadow tally on every `ok`.
 */
export type Transition = { readonly ok: true; readonly state: LifecycleState; readonly event: PolicyEventRecord } | LifecycleRefusal;

/** A force reason is sealed in the chain: long enough to say why, short enough for one record. */
export const REASON_LENGTH_MAX = 1_000;

function refuse(code: Exclude<LifecycleCode, "gate_not_passed">, detail: string): LifecycleRefusal {
  return { ok: false, code, detail };
}

/** Stages a candidate. Refused while one is staged (one at a time) and when it is the current configuration. */
export function stage(state: LifecycleState, config: PolicyConfig, nowMs: number): Transition {
  const candidate = expectConfig(config);
  const stagedAtMs = expectTimeMs(nowMs);
  if (state.candidate !== null) {
    return refuse("candidate_already_staged", `candidate ${state.candidate.hash} is staged: promote or discard it first`);
  }
  const hash = configHash(candidate);
  if (hash === state.current.hash) return refuse("candidate_same_as_current", `the candidate is the current configuration ${hash}`);
  return {
    ok: true,
    state: { ...state, candidate: { config: candidate, hash, stagedAtMs } },
    event: record("stage", hash, state, { version: state.current.version, config: candidate }),
  };
}

/** Discards the staged candidate; production is untouched. */
export function discard(state: LifecycleState, nowMs: number): Transition {
  expectTimeMs(nowMs);
  if (state.candidate === null) return refuse("no_candidate_staged", "no candidate is staged");
  return {
    ok: true,
    state: { ...state, candidate: null },
    event: record("discard", state.candidate.hash, state, { version: state.current.version, config: null }),
  };
}

export interface PromoteOptions {
  /** Promote over a failing gate; the reason is sealed. */
  readonly force?: { readonly reason: string } | null;
}

/**
 * Promotes the staged candidate when the gate's verdict on it passes, or with force and a reason
 * when it does not (the record then says forced, with the reason). A reason given with force
 * is sealed even when the gate passed. The current configuration moves into the history.
 */
export function promote(state: LifecycleState, verdict: GateVerdict, options: PromoteOptions, nowMs: number): Transition {
  const promotedAtMs = expectTimeMs(nowMs);
  const candidate = state.candidate;
  if (candidate === null) return refuse("no_candidate_staged", "no candidate is staged");
  if (verdict.candidateHash !== candidate.hash) {
    return refuse(
      "verdict_for_another_candidate",
      `the verdict judged ${verdict.candidateHash}, the staged candidate is ${candidate.hash}`,
    );
  }
  const force = options.force ?? null;
  const reason = force === null ? null : force.reason;
  if (force !== null) {
    if (typeof reason !== "string" || reason.trim() === "") return refuse("force_reason_missing", "force needs a reason, and it is sealed");
    if (reason.length > REASON_LENGTH_MAX || !reason.isWellFormed()) {
      return refuse("force_reason_malformed", `the reason expected well-formed text of at most ${REASON_LENGTH_MAX} characters`);
    }
  }
  const failing = verdict.criteria.filter((criterion) => !criterion.pass);
  // A verdict not made by gateVerdict would seal a record the verifier refuses: a bug, said at once.
  if (verdict.criteria.map((criterion) => criterion.name).join() !== CRITERION_NAMES.join()) {
    throw new RangeError("verdict lacks the gate's criteria");
  }
  if ((failing.length === 0) !== verdict.promotable) throw new RangeError("verdict.promotable disagrees with its criteria");
  if (!verdict.promotable && force === null) {
    return { ok: false, code: "gate_not_passed", detail: `failing: ${failing.map((c) => c.name).join(", ")}`, failing };
  }
  const version = state.current.version + 1;
  return {
    ok: true,
    state: {
      current: { config: candidate.config, hash: candidate.hash, version, promotedAtMs },
      history: [...state.history, state.current].slice(-HISTORY_MAX),
      candidate: null,
    },
    event: record("promote", candidate.hash, state, {
      version,
      config: candidate.config,
      verdict: verdict.criteria.map(({ name, pass, detail }) => ({ name, pass, detail })),
      forced: !verdict.promotable,
      reason: reason === null ? null : reason.trim(),
    }),
  };
}

/**
 * Returns to the configuration current before this one: the very same config and hash, under a
 * new version (versions only rise, so no number ever names two configurations). The one left is
 * not kept for a "roll forward": it is in the chain and can be staged again. Refused while a
 * candidate is staged, because its shadow was measured against the production being left.
 */
export function rollback(state: LifecycleState, nowMs: number): Transition {
  const promotedAtMs = expectTimeMs(nowMs);
  if (state.candidate !== null) {
    return refuse("candidate_still_staged", `candidate ${state.candidate.hash} is staged against this production: discard it first`);
  }
  const previous = state.history.at(-1);
  if (previous === undefined) return refuse("no_previous_configuration", "there is no previous configuration to return to");
  const version = state.current.version + 1;
  return {
    ok: true,
    state: { current: { ...previous, version, promotedAtMs }, history: state.history.slice(0, -1), candidate: null },
    event: record("rollback", previous.hash, state, { version, config: previous.config }),
  };
}

function record(
  op: PolicyEventRecord["op"],
  hash: string,
  before: LifecycleState,
  fields: Pick<PolicyEventRecord, "version" | "config"> & Partial<Pick<PolicyEventRecord, "verdict" | "forced" | "reason">>,
): PolicyEventRecord {
  return {
    op,
    config_hash: hash,
    previous_hash: before.current.hash,
    version: fields.version,
    config: fields.config,
    verdict: fields.verdict ?? null,
    forced: fields.forced ?? false,
    reason: fields.reason ?? null,
  };
}
