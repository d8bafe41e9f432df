// The policy lifecycle as the tenant's ledger runs it (issue 12): the ledger is its one authority,
// because each transition and the `policy` entry that seals it commit in one transaction. The
// rules are src/learning/lifecycle's; this only reads the request and the stored state.

import type { DomainPack } from "../domain/domain-pack.ts";
import { configProblemFor } from "../learning/lifecycle/apply-config.ts";
import type { GateCriterion, GateVerdict } from "../learning/lifecycle/gate.ts";
import { discard, promote, rollback, stage, type Transition } from "../learning/lifecycle/lifecycle.ts";
import { parseLifecycleState, type LifecycleState } from "../learning/lifecycle/lifecycle-state.ts";
import { parsePolicyConfig } from "../learning/lifecycle/policy-config.ts";
import type { PolicyEventRecord } from "../learning/lifecycle/policy-event.ts";

export type LifecycleRequest =
  | { readonly op: "stage"; readonly config: unknown }
  | { readonly op: "discard" }
  | { readonly op: "promote"; readonly verdict: GateVerdict; readonly force: { readonly reason: string } | null }
  | { readonly op: "rollback" };

export type LifecycleRefusal = {
  readonly ok: false;
  readonly code: string;
  readonly detail: string;
  readonly failing?: readonly GateCriterion[];
};

export type LifecycleAnswer =
  | {
      readonly ok: true;
      readonly state: LifecycleState;
      readonly event: PolicyEventRecord;
      readonly seq: number;
      readonly fingerprint: string;
    }
  | LifecycleRefusal;

export const LIFECYCLE_KEY = "state";

/** The stored lifecycle, or null before the tenant's first event. */
export function storedLifecycle(text: string | null): LifecycleState | null {
  return text === null ? null : parseLifecycleState(JSON.parse(text));
}

/**
 * The transition a request asks for, on the pack's terms. A staged configuration is read over
 * the current one (fields left out keep their value) and must fit the pack.
 */
export function transitionFor(
  state: LifecycleState,
  pack: DomainPack,
  request: LifecycleRequest,
  nowMs: number,
): Transition | LifecycleRefusal {
  switch (request.op) {
    case "stage": {
      const parsed = parsePolicyConfig(request.config, state.current.config);
      if (!parsed.ok) return { ok: false, code: "request_malformed", detail: parsed.problem };
      const problem = configProblemFor(parsed.config, pack);
      if (problem !== null) return { ok: false, code: "request_malformed", detail: problem };
      return stage(state, parsed.config, nowMs);
    }
    case "discard":
      return discard(state, nowMs);
    case "promote":
      return promote(state, request.verdict, { force: request.force }, nowMs);
    case "rollback":
      return rollback(state, nowMs);
  }
}
