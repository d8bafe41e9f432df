// One decision as the worker makes it, for any domain pack: the anomaly check against the
// snapshot's regime statistics, the kernel run, the sealed record, what the ledger may reserve
// and what the Learner needs back with the outcome. The /v1/decide route and the replay both
// call these, so a replayed data set goes through exactly the production decision path.

import type { DomainPack } from "../domain/domain-pack.ts";
import { buildDecisionRecord, type DecisionRecord } from "./decision-record.ts";
import type { TenantView } from "./tenant-view.ts";
import type { DecisionResult } from "../kernel/decision-result.ts";
import type { Kernel } from "../kernel/kernel.ts";
import type { KernelPolicy } from "../kernel/policy.ts";
import type { KernelRequest } from "../kernel/request.ts";
import { DecisionCode } from "../kernel/result-codes.ts";
import { checkAnomaly, NO_ANOMALY, type AnomalyVerdict, type RegimeFeatureSums } from "../learning/anomaly.ts";
import { bestQualityBps, regimeSums } from "../learning/learner-state.ts";
import { optionCostMicros } from "../learning/option-cost.ts";
import type { PolicySnapshot } from "../learning/policy-snapshot.ts";

const FIRST_OPTION_GATE = DecisionCode.context_window_exceeded;

export interface PolicyEntry {
  readonly snapshot: PolicySnapshot;
  readonly policy: KernelPolicy;
}

export interface DecisionStep {
  readonly pack: DomainPack;
  readonly kernel: Kernel;
  /** The kernel's reusable output: copied into the record before anything else can run. */
  readonly out: DecisionResult;
  readonly tenant: TenantView;
  readonly entry: PolicyEntry;
  readonly regime: string;
  readonly request: KernelRequest;
  readonly requestId: string | null;
  readonly tenantChoice: string | null;
  readonly seed: { readonly words: Uint32Array; readonly hex: string };
  readonly holdout: boolean;
  readonly anomaly: AnomalyVerdict;
}

/** Runs the kernel (and its exact propensity) and seals the result into a decision record. */
export function runDecision(x: DecisionStep): DecisionRecord {
  const { kernel, out, tenant: view, entry } = x;
  const code = kernel.decide(
    {
      request: x.request,
      tenant: { suspended: view.status !== "active", allowedProviderMask: view.allowedProviderMask, costCapMicros: view.costCapMicros },
      policy: entry.policy,
      seedWords: x.seed.words,
      floorRaiseBps: x.anomaly.raiseBps,
    },
    out,
  );
  if (code === DecisionCode.ok) kernel.propensity(out);
  return buildDecisionRecord({
    pack: x.pack, regime: x.regime, request: x.request, requestId: x.requestId, tenantChoice: x.tenantChoice,
    tenant: view, policy: { version: entry.snapshot.version, hash: entry.snapshot.hash }, seedHex: x.seed.hex, holdout: x.holdout,
    floorRaiseBps: x.anomaly.raiseBps, anomaly: x.anomaly.features, apprentice: view.mode === "apprentice", out,
  });
}

// A snapshot's statistics are decimal text; parsing them into BigInts once per snapshot and
// regime, not once per request, keeps the anomaly check off the profile.
const parsedSums = new WeakMap<PolicySnapshot, (RegimeFeatureSums | undefined)[]>();

function snapshotSums(snapshot: PolicySnapshot, regime: number): RegimeFeatureSums | undefined {
  const text = snapshot.stats[regime];
  if (text === undefined) return undefined;
  let cache = parsedSums.get(snapshot);
  if (cache === undefined) {
    cache = [];
    parsedSums.set(snapshot, cache);
  }
  return (cache[regime] ??= regimeSums(text));
}

/**
 * The anomaly check against the regime's statistics in the snapshot (none for unknown regimes).
 * The raise stops at the catalog's best quality: an odd request may be held to the best option,
 * but a raise that no option can meet would refuse it outright, which the raise is not for.
 */
export function anomalyOf(pack: DomainPack, snapshot: PolicySnapshot, request: KernelRequest): AnomalyVerdict {
  const sums = snapshotSums(snapshot, request.regimeIndex);
  if (sums === undefined) return NO_ANOMALY;
  const verdict = checkAnomaly(sums, { input_tokens: request.inputTokens, value_micros: request.valueMicros, risk_bps: request.riskBps });
  const room = Math.max(0, bestQualityBps(pack) - snapshot.floorBps[request.regimeIndex]!);
  return verdict.raiseBps <= room ? verdict : { ...verdict, raiseBps: room };
}

/**
 * What the ledger may reserve, in rank order. Live: the kernel's ranking (empty when a gate
 * refused). Apprentice: the tenant's own choice, unless a request-level safety gate (1-4)
 * refused; option-level gates only inform, since the tenant's routing decides.
 */
export function candidatesOf(pack: DomainPack, record: DecisionRecord, apprentice: boolean): { option: string; costMicros: number }[] {
  const result = record.result;
  if (apprentice && record.apprentice !== null) {
    if (result.code !== DecisionCode.ok && result.code < FIRST_OPTION_GATE) return [];
    const r = record.request;
    const cost = optionCostMicros(pack, record.apprentice.tenant_choice, r.input_tokens, r.max_output_tokens);
    return cost === null ? [] : [{ option: record.apprentice.tenant_choice, costMicros: cost }];
  }
  return result.ranked.map((option, rank) => ({ option, costMicros: result.ranked_cost_micros[rank]! }));
}

/** What the Learner needs with this decision's outcome, sealed beside it in the ledger. */
export function learnerContext(pack: DomainPack, record: DecisionRecord): Record<string, unknown> {
  const r = record.result;
  return {
    regime_index: record.request.regime_index,
    ranked: r.ranked,
    ranked_tiers: r.ranked.map((id) => pack.tiers.indexOf(pack.options.find((o) => o.id === id)!.tier)),
    propensity: { numerator: r.propensity.numerator, denominator: r.propensity.denominator },
    explored: r.explored,
    holdout: record.holdout,
    policy_hash: record.policy.hash,
    input_tokens: record.request.input_tokens,
    value_micros: record.request.value_micros,
    risk_bps: record.request.risk_bps,
    mode: record.tenant.mode,
    kernel_choice: r.chosen,
  };
}
