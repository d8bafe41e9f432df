// The one step of the evaluation: a settled decision's terms for every target, added to the sums
// in a fixed order, in place. O(regimes x options) per decision; nothing here reads the clock,
// draws a random number or looks at another decision than the one it is given.

import { expectIntegerInRange } from "../../kernel/prng.ts";
import { observeRewardMicros, predictRewardMicros } from "./direct-model.ts";
import { checkEvaluatedDecision, type EvaluatedDecision } from "./evaluated-decision.ts";
import type { EvaluationState, MomentColumns, OffPolicyColumns } from "./evaluation-state.ts";
import { observePrediction } from "./reliability.ts";
import { LOW_PROPENSITY_PPM, PPM_SCALE, cappedWeight } from "./weights.ts";

function addMoment(columns: MomentColumns, index: number, term: number): void {
  columns.n[index]! += 1;
  columns.sum[index]! += term;
  columns.squares[index]! += term * term;
}

/** One decision's terms for an off-policy target of weight w and DR term dr. */
function addOffPolicy(columns: OffPolicyColumns, index: number, weight: number, rewardMicros: number, dr: number): void {
  const weighted = weight * rewardMicros;
  columns.n[index]! += 1;
  if (weight > 0) columns.support[index]! += 1;
  columns.drSum[index]! += dr;
  columns.drSquares[index]! += dr * dr;
  columns.ipsSum[index]! += weighted;
  columns.ipsSquares[index]! += weighted * weighted;
  columns.weightSum[index]! += weight;
  columns.weightSquares[index]! += weight * weight;
  columns.weightSquaresReward[index]! += weight * weighted;
}

/**
 * Adds one settled decision. Every target's DR term is q(target's option) + w (r - q(served)),
 * with q the direct model of the decisions added before this one (direct-model.ts says why):
 * - each fixed option o of the regime: w = 1{served = o} / p, capped at 20;
 * - the candidate: w = P(candidate serves the served option) / p, capped at 20, and q taken at
 *   the candidate's own choice: the candidate draws that choice with its probabilities, so the
 *   expected q(choice) is sum_o pi_c(o) q(o), the DR model term, even though it shares the seed;
 * - production and the baseline are on-policy (w = 1, DR = IPS = SNIPS = the mean reward).
 * Off-policy targets are scored on every decision, the holdout's too: the holdout is a hash of the
 * request, independent of the outcome, so each decision's own propensity is the right one. Where
 * the serving policy gives an option the target picks no chance, the term is the model's guess
 * there, unbiased only as far as the model is; the cap at 20 leans the terms of propensities under
 * 5 % towards the model in the same way (the counts say how many there are).
 * Over production's decisions each DR term minus the reward is kept too, so differences against
 * production get the paired interval. The decision is checked before anything changes.
 * The same terms, scored with `state`'s model, are added to every state of `also` too (a day's
 * bucket, src/learning/evaluation/evaluation-book.ts), whose own model columns stay unused.
 */
export function addDecision(state: EvaluationState, decision: EvaluatedDecision, also: readonly EvaluationState[] = []): void {
  const { regime, served, propensityPpm, rewardMicros, holdout, candidate } = checkEvaluatedDecision(decision, state);
  for (const other of also) {
    if (other.regimeCount !== state.regimeCount || other.optionCount !== state.optionCount) {
      throw new RangeError("every state a decision is added to must have the same shape");
    }
  }
  const m = state.optionCount;
  const targets = [state, ...also];
  const residual = rewardMicros - predictRewardMicros(state, regime, served);
  const servedWeight = cappedWeight(PPM_SCALE, propensityPpm);
  for (let option = 0; option < m; option++) {
    const weight = option === served ? servedWeight : 0;
    const dr = predictRewardMicros(state, regime, option) + weight * residual;
    for (const target of targets) {
      addOffPolicy(target.fixed, regime * m + option, weight, rewardMicros, dr);
      if (!holdout) addMoment(target.fixedVsProduction, regime * m + option, dr - rewardMicros);
    }
  }
  if (candidate !== null) {
    const weight = cappedWeight(candidate.servedProbPpm, propensityPpm);
    const dr = predictRewardMicros(state, regime, candidate.choice) + weight * residual;
    for (const target of targets) {
      addOffPolicy(target.candidate, regime, weight, rewardMicros, dr);
      if (!holdout) addMoment(target.candidateVsProduction, regime, dr - rewardMicros);
    }
  }
  for (const target of targets) {
    addMoment(holdout ? target.holdout : target.production, regime, rewardMicros);
    if (propensityPpm < LOW_PROPENSITY_PPM) target.counts.outcomesLowPropensity[regime]! += 1;
    if (decision.predictedBps !== null) observePrediction(target, regime * m + served, decision.predictedBps, decision.success);
  }
  // Last: the model learns this reward only after every term above was scored without it.
  observeRewardMicros(state, regime, served, rewardMicros);
}

/**
 * Counts one sealed decision, settled or not (the counts of the report); refused decisions, which
 * served nothing, pass null. Settled decisions are added once more, by addDecision, when their
 * outcome arrives.
 */
export function countDecision(state: EvaluationState, regime: number, propensityPpm: number | null): void {
  expectIntegerInRange("regime", regime, 0, state.regimeCount - 1);
  if (propensityPpm !== null) expectIntegerInRange("propensityPpm", propensityPpm, 1, PPM_SCALE);
  state.counts.decisions[regime]! += 1;
  if (propensityPpm !== null && propensityPpm < LOW_PROPENSITY_PPM) state.counts.decisionsLowPropensity[regime]! += 1;
}

/** Forgets the candidate's sums: a new candidate is staged, or the last one was discarded or promoted. */
export function resetCandidate(state: EvaluationState): void {
  for (const columns of [state.candidate, state.candidateVsProduction]) {
    for (const column of Object.values(columns) as number[][]) column.fill(0);
  }
}
