// One decision, exactly as the worker and the replay both make it, for any domain pack: the
// anomaly check against the tenant's regime statistics, the kernel run on the policy that serves
// this request, the sealed record, what the ledger may reserve (in rank order) and what the
// Learner needs back with the outcome. Pure: the shell sends the result to the ledger.

import type { DomainPack } from "../domain/domain-pack.ts";
import type { DecisionResult } from "../kernel/decision-result.ts";
import type { Kernel } from "../kernel/kernel.ts";
import type { KernelPolicy } from "../kernel/policy.ts";
import type { KernelRequest } from "../kernel/request.ts";
import { DecisionCode, refusedByRequestGate } from "../kernel/result-codes.ts";
import { checkAnomaly, NO_ANOMALY, type AnomalyVerdict, type RegimeFeatureSums } from "../learning/anomaly.ts";
import type { LearnerContext } from "../learning/learner-input.ts";
import type { DecideCommand } from "../ledger/commands.ts";
import { bestQualityBps, regimeSums } from "../learning/learner-state.ts";
import { weightedValueMicros } from "../learning/lifecycle/value-weight.ts";
import { optionCostMicros } from "../learning/option-cost.ts";
import { BPS_SCALE } from "../kernel/units.ts";
import type { PolicySnapshot } from "../learning/policy-snapshot.ts";
import { buildDecisionRecord, withShadow, type DecisionRecord } from "./decision-record.ts";
import { shadowDecision, type ShadowPolicy } from "./shadow-step.ts";
import type { DecisionSeed } from "./seed.ts";
import type { TenantView } from "./tenant-view.ts";

export interface PolicyEntry {
  readonly snapshot: PolicySnapshot;
  readonly policy: KernelPolicy;
}

/** One kernel and its reusable output per pack and isolate: decide() is synchronous. */
export interface KernelRun {
  readonly kernel: Kernel;
  readonly out: DecisionResult;
}

export interface DecisionInput {
  readonly pack: DomainPack;
  readonly run: KernelRun;
  readonly tenant: TenantView;
  /** The tenant's current snapshot: it decides, and its statistics judge anomalies. */
  readonly learned: PolicyEntry;
  /** The holdout's fixed baseline policy; it decides instead when `holdout` is true. */
  readonly baseline: PolicyEntry | null;
  readonly holdout: boolean;
  readonly regime: string;
  readonly request: KernelRequest;
  readonly requestId: string | null;
  readonly tenantChoice: string | null;
  /** Derives the kernel's seed from the hash of the policy that decides. */
  readonly seedOf: (policyHash: string) => DecisionSeed;
  /** The staged candidate, decided in shadow on the same request and seed; null when none. */
  readonly shadow?: ShadowPolicy | null;
  /** The current configuration's value weight, bps (10,000 when absent): the kernel sees value x weight. */
  readonly valueWeightBps?: number | undefined;
}

export interface Candidate {
  readonly option: string;
  readonly costMicros: number;
}

/** A decision ready for the ledger: the record to seal, what it may reserve, what to learn with. */
export interface PreparedDecision {
  readonly record: DecisionRecord;
  readonly candidates: readonly Candidate[];
  readonly learnerContext: LearnerContext;
  /** The evaluation's count of this decision (src/ledger/commands.ts DecideCommand.tally). */
  readonly tally: DecideCommand["tally"];
}

export function prepareDecision(x: DecisionInput): PreparedDecision {
  // The holdout decides with the baseline policy but is checked for anomalies like everyone else.
  const entry = x.holdout && x.baseline !== null ? x.baseline : x.learned;
  const anomaly = anomalyOf(x.pack, x.learned.snapshot, x.request);
  const seed = x.seedOf(entry.snapshot.hash);
  const { kernel, out } = x.run;
  const view = x.tenant;
  const valueWeightBps = x.valueWeightBps ?? BPS_SCALE;
  const input = {
    request: weighted(x.request, valueWeightBps),
    tenant: { suspended: view.status !== "active", allowedProviderMask: view.allowedProviderMask, costCapMicros: view.costCapMicros },
    policy: entry.policy,
    seedWords: seed.words,
    floorRaiseBps: anomaly.raiseBps,
  };
  const code = kernel.decide(input, out);
  if (code === DecisionCode.ok) kernel.propensity(out);
  const built = buildDecisionRecord({
    pack: x.pack,
    regime: x.regime,
    request: x.request,
    requestId: x.requestId,
    tenantChoice: x.tenantChoice,
    tenant: view,
    policy: { version: entry.snapshot.version, hash: entry.snapshot.hash },
    seedHex: seed.hex,
    settings: { explorationBps: x.learned.snapshot.explorationBps, holdoutBps: x.learned.snapshot.holdoutBps, valueWeightBps },
    holdout: x.holdout,
    evaluation: { meanBps: entry.snapshot.meanBps, latencyBpsPerSecond: entry.snapshot.latencyBpsPerSecond },
    floorRaiseBps: anomaly.raiseBps,
    anomaly: anomaly.features,
    apprentice: view.mode === "apprentice",
    out,
    kernel,
  });
  // The record reads the kernel's scratch, so the shadow decides only now, into its own result.
  const candidate = x.shadow ?? null;
  const shadow =
    candidate === null
      ? null
      : shadowDecision(
          x.pack,
          x.run,
          { ...input, request: weighted(x.request, candidate.valueWeightBps) },
          candidate,
          code === DecisionCode.ok ? out.chosen : -1,
        );
  const record = shadow === null ? built : withShadow(built, shadow.record);
  const r = record.result;
  // Only a live decision the kernel made has the policy's propensity; an apprentice serves the tenant's choice.
  const propensity =
    r.code === DecisionCode.ok && record.apprentice === null
      ? { numerator: r.propensity.numerator, denominator: r.propensity.denominator }
      : null;
  return {
    record,
    candidates: candidatesOf(x.pack, record),
    learnerContext: learnerContext(x.pack, record),
    tally: {
      regime: x.request.regimeIndex,
      propensity,
      shadow:
        shadow === null
          ? null
          : {
              configHash: shadow.record.config_hash,
              mismatch: shadow.record.chosen !== r.chosen,
              refused: shadow.record.code !== DecisionCode.ok,
              costsMicros: shadow.costsMicros,
            },
    },
  };
}

/** The request the kernel decides: the client's, its value weighted by the configuration's weight. */
export function weighted(request: KernelRequest, valueWeightBps: number): KernelRequest {
  return valueWeightBps === BPS_SCALE ? request : { ...request, valueMicros: weightedValueMicros(request.valueMicros, valueWeightBps) };
}

/** The best learned quality of any option in the regime (what the floor gate judges by). */
function bestArmQualityBps(snapshot: PolicySnapshot, regime: number): number {
  let best = 0;
  const base = regime * snapshot.tierCount;
  for (let arm = 0; arm < snapshot.tierCount; arm++) best = Math.max(best, snapshot.armQualityBps[base + arm]!);
  return best;
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
 * The raise stops at the best quality (catalog or learned): an odd request may be held to the best option,
 * but a raise that no option can meet would refuse it outright, which the raise is not for.
 */
function anomalyOf(pack: DomainPack, snapshot: PolicySnapshot, request: KernelRequest): AnomalyVerdict {
  const sums = snapshotSums(snapshot, request.regimeIndex);
  if (sums === undefined) return NO_ANOMALY;
  const verdict = checkAnomaly(sums, { input_tokens: request.inputTokens, value_micros: request.valueMicros, risk_bps: request.riskBps });
  const room = Math.max(
    0,
    Math.max(bestQualityBps(pack), bestArmQualityBps(snapshot, request.regimeIndex)) - snapshot.floorBps[request.regimeIndex]!,
  );
  return verdict.raiseBps <= room ? verdict : { ...verdict, raiseBps: room };
}

/**
 * What the ledger may reserve, in rank order. Live: the kernel's ranking (empty when a gate
 * refused). Apprentice: the tenant's own choice, unless a request-level safety gate (1-4)
 * refused and the choice keeps the admin's rules; option-level gates only inform, since the
 * tenant's routing decides.
 */
function candidatesOf(pack: DomainPack, record: DecisionRecord): Candidate[] {
  const result = record.result;
  if (record.apprentice !== null) {
    if (record.apprentice.refused_by !== null) return [];
    if (refusedByRequestGate(result.code)) return [];
    const r = record.request;
    const cost = optionCostMicros(pack, record.apprentice.tenant_choice, r.input_tokens, r.max_output_tokens);
    return cost === null ? [] : [{ option: record.apprentice.tenant_choice, costMicros: cost }];
  }
  return result.ranked.map((option, rank) => ({ option, costMicros: result.ranked_cost_micros[rank]! }));
}

/** What the Learner needs with this decision's outcome, sealed beside it in the ledger. */
export function learnerContext(pack: DomainPack, record: DecisionRecord): LearnerContext {
  const r = record.result;
  return {
    regime_index: record.request.regime_index,
    ranked: r.ranked,
    ranked_arms: r.ranked.map((id) => pack.options.findIndex((o) => o.id === id)),
    propensity: { numerator: r.propensity.numerator, denominator: r.propensity.denominator },
    explored: r.explored,
    holdout: record.holdout,
    policy_hash: record.policy.hash,
    input_tokens: record.request.input_tokens,
    value_micros: record.request.value_micros,
    risk_bps: record.request.risk_bps,
    mode: record.tenant.mode,
    kernel_choice: r.chosen,
    floor_bps: r.floor_bps,
    predicted_bps: record.evaluation?.predicted_bps ?? [],
    latency_bps_per_second: record.evaluation?.latency_bps_per_second ?? 0,
    shadow:
      record.shadow === undefined
        ? null
        : {
            config_hash: record.shadow.config_hash,
            choice: record.shadow.chosen === null ? -1 : pack.options.findIndex((o) => o.id === record.shadow!.chosen),
            served_probability: {
              numerator: record.shadow.served_probability.numerator,
              denominator: record.shadow.served_probability.denominator,
            },
          },
  };
}
