// The decision as it is sealed into the chain: built from the kernel's reusable output, read back
// from a chain line, and the seed words it carries. decision-answer.ts derives the answer from it.

import type { ShadowRecord } from "./shadow-step.ts";
import { BPS_SCALE } from "../kernel/units.ts";
import type { DomainPack } from "../domain/domain-pack.ts";
import { TERM_COUNT, type DecisionResult } from "../kernel/decision-result.ts";
import type { Kernel } from "../kernel/kernel.ts";
import type { DecisionInput } from "../kernel/decision-input.ts";
import type { KernelPolicy } from "../kernel/policy.ts";
import type { KernelRequest } from "../kernel/request.ts";
import { FLOOR_SOURCE_NAMES, decisionCodeName, type DecisionCodeName } from "../kernel/result-codes.ts";
import { UNSET } from "../kernel/units.ts";
import { optionCostMicros } from "../learning/option-cost.ts";
import type { TenantView } from "./tenant-view.ts";

export type DecisionRecord = {
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
  readonly tenant: {
    readonly mode: string;
    readonly status: string;
    readonly allowed_provider_mask: number;
    readonly cost_cap_micros: number;
  };
  readonly policy: { readonly version: number; readonly hash: string };
  readonly seed: string;
  /**
   * The tenant's settings when it decided: its exploration and holdout shares, bps, and the value
   * weight of its configuration when not 10,000 (the kernel then saw value_micros x weight; the
   * request keeps the client's value, which the evaluation scores).
   */
  readonly settings: { readonly exploration_bps: number; readonly holdout_bps: number; readonly value_weight_bps?: number };
  /** The staged candidate's shadow decision (src/decision/shadow-step.ts); absent when none is staged. */
  readonly shadow?: ShadowRecord;
  readonly holdout: boolean;
  /**
   * What the evaluation needs of the deciding snapshot (src/learning/evaluation): each ranked
   * option's posterior mean success (bps, in rank order) and the latency price of the reward.
   * Absent from records sealed before it; they are reproduced without it.
   */
  readonly evaluation?: { readonly latency_bps_per_second: number; readonly predicted_bps: readonly number[] };
  readonly floor_raise_bps: number;
  /** Features that were out of line with the regime's history (empty when none). */
  readonly anomaly: readonly string[];
  /** Apprentice mode: the tenant's own choice is served; the kernel's is logged beside it. */
  readonly apprentice: {
    readonly tenant_choice: string;
    readonly kernel_choice: string | null;
    readonly agrees: boolean;
    /** The admin's rule the tenant's own choice breaks (it is then refused), or null. */
    readonly refused_by: ApprenticeRefusal | null;
  } | null;
  readonly result: {
    readonly code: number;
    readonly code_name: DecisionCodeName;
    readonly verdicts: readonly number[];
    readonly chosen: string | null;
    readonly ranked: readonly string[];
    readonly ranked_cost_micros: readonly number[];
    /** Every ranked option's utility terms and utility, in rank order: the served one is explained too. */
    readonly ranked_terms: readonly (readonly number[])[];
    readonly ranked_utility_micros: readonly number[];
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
};

export interface RecordInputs {
  readonly pack: DomainPack;
  readonly regime: string;
  readonly request: KernelRequest;
  readonly requestId: string | null;
  readonly tenantChoice: string | null;
  readonly tenant: TenantView;
  readonly policy: { readonly version: number; readonly hash: string };
  readonly seedHex: string;
  readonly settings: { readonly explorationBps: number; readonly holdoutBps: number; readonly valueWeightBps: number };
  readonly holdout: boolean;
  /** The deciding snapshot's posterior means per regime x option and latency price; null seals none. */
  readonly evaluation: { readonly meanBps: Uint16Array; readonly latencyBpsPerSecond: number } | null;
  readonly floorRaiseBps: number;
  readonly anomaly: readonly string[];
  readonly apprentice: boolean;
  readonly out: DecisionResult;
  /** The kernel that wrote `out`: it explains every ranked option. */
  readonly kernel: Kernel;
}

/** Terms and utility of each ranked option, read from the kernel that made the decision. */
function rankedTerms(kernel: Kernel, out: DecisionResult): { ranked_terms: number[][]; ranked_utility_micros: number[] } {
  const terms: number[][] = [];
  const utility: number[] = [];
  const scratch = new Float64Array(TERM_COUNT);
  for (let rank = 0; rank < out.rankedCount; rank++) {
    utility.push(kernel.rankedTerms(out, rank, scratch));
    terms.push(Array.from(scratch));
  }
  return { ranked_terms: terms, ranked_utility_micros: utility };
}

export type ApprenticeRefusal = "provider_rules_exclude_all" | "cost_cap_exceeded";

/**
 * The rules an admin set (allowed providers, the per-request cost cap) bind in every mode: in
 * apprentice mode the tenant's own routing chooses, but never outside them.
 */
function apprenticeRefusal(pack: DomainPack, tenant: TenantView, choice: string, r: KernelRequest): ApprenticeRefusal | null {
  const index = pack.options.findIndex((option) => option.id === choice);
  if (index < 0 || (tenant.allowedProviderMask & pack.catalog.providerBit[index]!) === 0) return "provider_rules_exclude_all";
  if (tenant.costCapMicros === UNSET) return null;
  const cost = optionCostMicros(pack, choice, r.inputTokens, r.maxOutputTokens);
  return cost === null || cost > tenant.costCapMicros ? "cost_cap_exceeded" : null;
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
    apprentice:
      x.apprentice && x.tenantChoice !== null
        ? {
            agrees: out.chosen >= 0 && id(out.chosen) === x.tenantChoice,
            kernel_choice: out.chosen < 0 ? null : id(out.chosen),
            refused_by: apprenticeRefusal(pack, x.tenant, x.tenantChoice, r),
            tenant_choice: x.tenantChoice,
          }
        : null,
    ...(x.evaluation === null
      ? {}
      : {
          evaluation: {
            latency_bps_per_second: x.evaluation.latencyBpsPerSecond,
            predicted_bps: Array.from(
              out.ranked.subarray(0, out.rankedCount),
              (o) => x.evaluation!.meanBps[r.regimeIndex * pack.options.length + o]!,
            ),
          },
        }),
    floor_raise_bps: x.floorRaiseBps,
    holdout: x.holdout,
    pack: pack.id,
    policy: { hash: x.policy.hash, version: x.policy.version },
    request: {
      capability_mask: r.requiredCapabilityMask,
      client_floor_bps: r.clientFloorBps,
      input_tokens: r.inputTokens,
      max_cost_micros: r.maxCostMicros,
      max_latency_ms: r.maxLatencyMs,
      max_output_tokens: r.maxOutputTokens,
      provider_allow_mask: r.providerAllowMask,
      provider_deny_mask: r.providerDenyMask,
      regime: x.regime,
      regime_index: r.regimeIndex,
      request_id: x.requestId,
      risk_bps: r.riskBps,
      tenant_choice: x.tenantChoice,
      value_micros: r.valueMicros,
    },
    result: {
      chosen: out.chosen < 0 ? null : id(out.chosen),
      chosen_terms: Array.from(out.chosenTerms),
      chosen_theta_bps: out.chosenThetaBps,
      chosen_utility_micros: out.chosenUtilityMicros,
      code: out.code,
      code_name: decisionCodeName(out.code),
      explored: out.explored,
      feasible_count: out.feasibleCount,
      feasible_tier_count: out.feasibleTierCount,
      floor_bps: out.floorBps,
      floor_raised_bps: out.floorRaisedBps,
      floor_source: FLOOR_SOURCE_NAMES[out.floorSource]!,
      propensity: {
        denominator: out.propensityDenominator,
        numerator: out.propensityNumerator,
        ppm: out.propensityPpm,
        thompson_wins: out.thompsonWins,
      },
      ranked,
      ranked_cost_micros: Array.from(out.rankedCostMicros.subarray(0, out.rankedCount)),
      ...rankedTerms(x.kernel, out),
      runner_up: out.runnerUp < 0 ? null : id(out.runnerUp),
      runner_up_terms: Array.from(out.runnerUpTerms),
      runner_up_utility_micros: out.runnerUpUtilityMicros,
      sample_index: out.sampleIndex,
      verdicts: Array.from(out.gateVerdicts),
    },
    seed: x.seedHex,
    settings: {
      exploration_bps: x.settings.explorationBps,
      holdout_bps: x.settings.holdoutBps,
      // Sealed only when it changes anything: records without it read as 10,000.
      ...(x.settings.valueWeightBps === BPS_SCALE ? {} : { value_weight_bps: x.settings.valueWeightBps }),
    },
    tenant: {
      allowed_provider_mask: x.tenant.allowedProviderMask,
      cost_cap_micros: x.tenant.costCapMicros,
      mode: x.tenant.mode,
      status: x.tenant.status,
    },
    v: 1,
  };
}

/** The kernel's four seed words from the record's 32-hex-digit seed (big-endian words). */
function seedWordsOfRecord(record: DecisionRecord): Uint32Array {
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i++) words[i] = Number.parseInt(record.seed.slice(i * 8, i * 8 + 8), 16);
  return words;
}

/**
 * The kernel input a sealed decision ran on, given the request as the kernel saw it (value weight
 * applied) and the policy to run: the tenant's sealed status, provider mask and cost cap, the
 * record's seed and its floor raise. Reproduction and the replay's shadow re-decide with it.
 */
export function kernelInputOfRecord(record: DecisionRecord, request: KernelRequest, policy: KernelPolicy): DecisionInput {
  const t = record.tenant;
  return {
    request,
    tenant: { suspended: t.status !== "active", allowedProviderMask: t.allowed_provider_mask, costCapMicros: t.cost_cap_micros },
    policy,
    seedWords: seedWordsOfRecord(record),
    floorRaiseBps: record.floor_raise_bps,
  };
}

/** Reads the decision record back out of a sealed chain line. */
export function recordOfLine(line: string): DecisionRecord {
  const entry = JSON.parse(line) as { record: { decision: DecisionRecord } };
  return entry.record.decision;
}

/**
 * The record with a shadow decision, `shadow` in its JCS place (after `settings`): the ledger seals
 * records with the native JSON.stringify, so key order is the canonical order. Production's record
 * is built first, while the kernel still holds production's decision; the shadow decides after.
 */
export function withShadow(record: DecisionRecord, shadow: ShadowRecord): DecisionRecord {
  const ordered: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === "shadow") continue;
    ordered[key] = value;
    if (key === "settings") ordered.shadow = shadow;
  }
  return ordered as DecisionRecord;
}
