// The decision as it is sealed into the chain, and the /v1/decide answer derived from it. The
// answer is a pure function of the sealed record and the ledger's result, so a retried request
// (same Idempotency-Key) gets byte-for-byte the answer of the first one.

import type { DomainPack } from "../domain/domain-pack.ts";
import type { DecisionResult } from "../kernel/decision-result.ts";
import type { KernelRequest } from "../kernel/request.ts";
import { DecisionCode, FLOOR_SOURCE_NAMES, GATE_NAMES, VERDICT_NAMES, decisionCodeName } from "../kernel/result-codes.ts";
import type { TenantView } from "./tenant-view.ts";

export interface DecisionRecord {
  readonly v: 1;
  readonly pack: string;
  readonly request: {
    readonly regime: string;
    readonly regime_index: number;
    readonly input_tokens: number;
    readonly max_output_tokens: number;
    readonly value_micros: number;
    readonly risk_bps: number;
    readonly client_floor_bps: number;
    readonly max_latency_ms: number;
    readonly max_cost_micros: number;
    readonly capability_mask: number;
    readonly provider_allow_mask: number;
    readonly provider_deny_mask: number;
    readonly request_id: string | null;
    readonly tenant_choice: string | null;
  };
  readonly tenant: { readonly mode: string; readonly status: string; readonly allowed_provider_mask: number; readonly cost_cap_micros: number };
  readonly policy: { readonly version: number; readonly hash: string };
  readonly seed: string;
  readonly holdout: boolean;
  readonly floor_raise_bps: number;
  /** Features that were out of line with the regime's history (empty when none). */
  readonly anomaly: readonly string[];
  /** Apprentice mode: the tenant's own choice is served; the kernel's is logged beside it. */
  readonly apprentice: { readonly tenant_choice: string; readonly kernel_choice: string | null; readonly agrees: boolean } | null;
  readonly result: {
    readonly code: number;
    readonly code_name: string;
    readonly verdicts: readonly number[];
    readonly chosen: string | null;
    readonly ranked: readonly string[];
    readonly ranked_cost_micros: readonly number[];
    readonly floor_bps: number;
    readonly floor_source: string;
    readonly floor_raised_bps: number;
    readonly sample_index: number;
    readonly explored: boolean;
    readonly feasible_count: number;
    readonly feasible_tier_count: number;
    readonly chosen_theta_bps: number;
    readonly chosen_terms: readonly number[];
    readonly chosen_utility_micros: number;
    readonly runner_up: string | null;
    readonly runner_up_terms: readonly number[];
    readonly runner_up_utility_micros: number;
    readonly propensity: { readonly numerator: number; readonly denominator: number; readonly ppm: number; readonly thompson_wins: number };
  };
}

export interface RecordInputs {
  readonly pack: DomainPack;
  readonly regime: string;
  readonly request: KernelRequest;
  readonly requestId: string | null;
  readonly tenantChoice: string | null;
  readonly tenant: TenantView;
  readonly policy: { readonly version: number; readonly hash: string };
  readonly seedHex: string;
  readonly holdout: boolean;
  readonly floorRaiseBps: number;
  readonly anomaly: readonly string[];
  readonly apprentice: boolean;
  readonly out: DecisionResult;
}

/** Copies the kernel's reusable output into the record before anything can overwrite it. */
export function buildDecisionRecord(x: RecordInputs): DecisionRecord {
  const { out, pack, request: r } = x;
  const id = (index: number): string => pack.options[index]!.id;
  const ranked = Array.from(out.ranked.subarray(0, out.rankedCount), id);
  // Keys in JCS (code-unit) order at every level: the ledger then seals the record with the
  // native JSON.stringify (src/ledger/canonical.ts), and the canonical bytes are unchanged.
  return {
    anomaly: x.anomaly,
    apprentice: x.apprentice && x.tenantChoice !== null
      ? { agrees: out.chosen >= 0 && id(out.chosen) === x.tenantChoice, kernel_choice: out.chosen < 0 ? null : id(out.chosen), tenant_choice: x.tenantChoice }
      : null,
    floor_raise_bps: x.floorRaiseBps,
    holdout: x.holdout,
    pack: pack.id,
    policy: { hash: x.policy.hash, version: x.policy.version },
    request: {
      capability_mask: r.requiredCapabilityMask, client_floor_bps: r.clientFloorBps, input_tokens: r.inputTokens,
      max_cost_micros: r.maxCostMicros, max_latency_ms: r.maxLatencyMs, max_output_tokens: r.maxOutputTokens,
      provider_allow_mask: r.providerAllowMask, provider_deny_mask: r.providerDenyMask, regime: x.regime, regime_index: r.regimeIndex,
      request_id: x.requestId, risk_bps: r.riskBps, tenant_choice: x.tenantChoice, value_micros: r.valueMicros,
    },
    result: {
      chosen: out.chosen < 0 ? null : id(out.chosen), chosen_terms: Array.from(out.chosenTerms), chosen_theta_bps: out.chosenThetaBps,
      chosen_utility_micros: out.chosenUtilityMicros, code: out.code, code_name: decisionCodeName(out.code), explored: out.explored,
      feasible_count: out.feasibleCount, feasible_tier_count: out.feasibleTierCount, floor_bps: out.floorBps,
      floor_raised_bps: out.floorRaisedBps, floor_source: FLOOR_SOURCE_NAMES[out.floorSource]!,
      propensity: { denominator: out.propensityDenominator, numerator: out.propensityNumerator, ppm: out.propensityPpm, thompson_wins: out.thompsonWins },
      ranked, ranked_cost_micros: Array.from(out.rankedCostMicros.subarray(0, out.rankedCount)),
      runner_up: out.runnerUp < 0 ? null : id(out.runnerUp), runner_up_terms: Array.from(out.runnerUpTerms),
      runner_up_utility_micros: out.runnerUpUtilityMicros, sample_index: out.sampleIndex, verdicts: Array.from(out.gateVerdicts),
    },
    seed: x.seedHex,
    tenant: { allowed_provider_mask: x.tenant.allowedProviderMask, cost_cap_micros: x.tenant.costCapMicros, mode: x.tenant.mode, status: x.tenant.status },
    v: 1,
  };
}

function modelRef(pack: DomainPack, id: string): { id: string; provider: string; tier: string } {
  const option = pack.options.find((candidate) => candidate.id === id);
  return { id, provider: option?.provider ?? "unknown", tier: option?.tier ?? "unknown" };
}

function terms(values: readonly number[], utility: number): Record<string, number> {
  return {
    quality_adjusted_value_micros: values[0] ?? 0, risk_penalty_micros: values[1] ?? 0, cost_micros: values[2] ?? 0,
    latency_penalty_micros: values[3] ?? 0, utility_micros: utility,
  };
}

/** The ledger's answer to a served decision, as far as the answer needs it. */
export interface DecideSuccess {
  readonly decisionId: string;
  readonly fingerprint: string;
  readonly seq: number;
  readonly servedRank: number;
  readonly reservedMicros: number;
  readonly budgetVerdict: "pass" | "fail" | "not_evaluated";
  readonly replayed: boolean;
}

/** The gate list with the budget gate's verdict as the ledger settled it. */
export function gateList(record: DecisionRecord, ledger: DecideSuccess | null): { gate: number; name: string; verdict: string }[] {
  return record.result.verdicts.map((verdict, index) => {
    const gate = index + 1;
    const settled = gate === DecisionCode.budget_exhausted && ledger !== null ? ledger.budgetVerdict : VERDICT_NAMES[verdict]!;
    return { gate, name: GATE_NAMES[index]!, verdict: settled };
  });
}

/** The /v1/decide answer for a served decision. */
export function decideResponse(pack: DomainPack, record: DecisionRecord, ledger: DecideSuccess): Record<string, unknown> {
  const result = record.result;
  const served = record.apprentice?.tenant_choice ?? result.ranked[ledger.servedRank]!;
  const runnerUp = result.runner_up;
  return {
    decision_id: ledger.decisionId,
    fingerprint: ledger.fingerprint,
    seq: ledger.seq,
    model: modelRef(pack, served),
    served_rank: ledger.servedRank,
    fallbacks: record.apprentice !== null ? [] : result.ranked
      .map((id, rank) => ({ ...modelRef(pack, id), worst_case_cost_micros: result.ranked_cost_micros[rank]!, rank }))
      .filter((entry) => entry.rank !== ledger.servedRank)
      .map(({ rank: _rank, ...entry }) => entry),
    reserved_micros: ledger.reservedMicros,
    floor: { bps: result.floor_bps, source: result.floor_source, raised_bps: result.floor_raised_bps },
    utility: {
      chosen: terms(result.chosen_terms, result.chosen_utility_micros),
      runner_up: runnerUp === null ? null : { model: modelRef(pack, runnerUp), ...terms(result.runner_up_terms, result.runner_up_utility_micros) },
    },
    gates: gateList(record, ledger),
    propensity: { ppm: result.propensity.ppm, numerator: result.propensity.numerator, denominator: result.propensity.denominator, explored: result.explored },
    policy: record.policy,
    holdout: record.holdout,
    mode: record.tenant.mode,
    anomaly: record.anomaly,
    apprentice: record.apprentice === null ? null : {
      would_choose: record.apprentice.kernel_choice === null ? null : modelRef(pack, record.apprentice.kernel_choice),
      agrees: record.apprentice.agrees,
      kernel_code: result.code_name,
    },
    replayed: ledger.replayed,
  };
}

/** The kernel's four seed words from the record's 32-hex-digit seed (big-endian words). */
export function seedWordsOfRecord(record: DecisionRecord): Uint32Array {
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i++) words[i] = Number.parseInt(record.seed.slice(i * 8, i * 8 + 8), 16);
  return words;
}

/** Reads the decision record back out of a sealed chain line. */
export function recordOfLine(line: string): DecisionRecord {
  const entry = JSON.parse(line) as { record: { decision: DecisionRecord } };
  return entry.record.decision;
}

