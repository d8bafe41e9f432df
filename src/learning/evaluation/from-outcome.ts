// One outbox payload (an outcome with its decision's sealed context) as the evaluation sees it.
// The Learner and `calybris evaluate` both go through here, the one with what the ledger queued,
// the other with what it rebuilt from the chain, so they skip and score exactly the same outcomes.

import type { DomainPack } from "../../domain/domain-pack.ts";
import type { OutcomePayload } from "../learner-input.ts";
import { rewardMicros } from "../reward.ts";
import type { EvaluatedDecision } from "./evaluated-decision.ts";
import { PPM_SCALE } from "./weights.ts";

/** Why an outcome is not evaluated: the served option was not the policy's own draw, or is unknown. */
export type EvaluationSkip = "nothing_served" | "apprentice" | "fallback" | "unknown_option" | "no_verdict";

export type EvaluationInput =
  { readonly ok: true; readonly decision: EvaluatedDecision } | { readonly ok: false; readonly skip: EvaluationSkip };

/** round(numerator x 10^6 / denominator) in exact integers, at least 1: a served option had a chance. */
function propensityPpm(numerator: number, denominator: number): number {
  const ppm = Number((2n * BigInt(numerator) * BigInt(PPM_SCALE) + BigInt(denominator)) / (2n * BigInt(denominator)));
  return Math.min(PPM_SCALE, Math.max(1, ppm));
}

/**
 * The candidate's shadow as the evaluation weighs it. A candidate that refused serves nothing and
 * has no reward to estimate here: the gate counts its refusals instead (src/learning/lifecycle).
 */
function candidateOf(shadow: OutcomePayload["context"]["shadow"] | null): EvaluatedDecision["candidate"] {
  if (shadow === null || shadow === undefined || shadow.choice < 0) return null;
  const p = shadow.served_probability;
  if (!(p.denominator > 0) || p.numerator === 0) return { choice: shadow.choice, servedProbPpm: 0 };
  // Exact rounding, but a chance of the served option above 0 stays above 0 ppm: its weight is what carries evidence.
  return { choice: shadow.choice, servedProbPpm: propensityPpm(p.numerator, p.denominator) };
}

/**
 * The decision behind an outcome, or why it is skipped. Only the policy's own draws are scored:
 * in apprentice mode the tenant chose, and a fallback (served rank > 0) served an option the
 * policy did not draw, so neither has a propensity of the option that ran. A graded outcome
 * without a verdict counts as a success at or above the floor the decision was gated by.
 */
export function evaluationInput(pack: DomainPack, payload: OutcomePayload): EvaluationInput {
  const { context, outcome } = payload;
  if (payload.servedOption === null) return { ok: false, skip: "nothing_served" };
  if (context.mode === "apprentice") return { ok: false, skip: "apprentice" };
  if ((payload.servedRank ?? 0) !== 0) return { ok: false, skip: "fallback" };
  const served = pack.options.findIndex((option) => option.id === payload.servedOption);
  const propensity = context.propensity;
  if (served < 0 || propensity === undefined || !(propensity.denominator > 0)) return { ok: false, skip: "unknown_option" };
  const qualityBps = outcome.quality_bps ?? null;
  const success = outcome.success ?? (qualityBps === null ? null : qualityBps >= (context.floor_bps ?? 0));
  if (success === null) return { ok: false, skip: "no_verdict" };
  const holdout = context.holdout ?? false;
  const reward = rewardMicros(
    {
      valueMicros: context.value_micros,
      businessOutcomeMicros: outcome.business_outcome_micros ?? null,
      success: outcome.success,
      qualityBps,
      actualCostMicros: outcome.actual_cost_micros ?? payload.chargedMicros ?? 0,
      latencyMs: outcome.latency_ms ?? null,
    },
    context.latency_bps_per_second ?? 0,
  );
  return {
    ok: true,
    decision: {
      regime: context.regime_index,
      served,
      propensityPpm: propensityPpm(propensity.numerator, propensity.denominator),
      holdout,
      rewardMicros: reward,
      success,
      // Calibration is of production's predictions: the holdout's were the warm start's.
      predictedBps: holdout ? null : (context.predicted_bps?.[0] ?? null),
      candidate: candidateOf(context.shadow ?? null),
    },
  };
}
