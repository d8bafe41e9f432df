// The direct model q(regime, option) of doubly robust evaluation: the mean reward of the settled
// decisions added before the one being scored, per regime x option, else per option, else 0.
// It reads and extends the state's model columns and never looks at a later decision.

import type { EvaluationState } from "./evaluation-state.ts";

/*
 * Why prequential. The issue asks for a cross-fitted direct model: a model fitted on the very
 * record it corrects contains that record's reward, which shrinks the correction w (r - q) towards
 * zero and biases DR towards the model (src/replay/off-policy.ts fits each parity on the other for
 * this reason). K-fold cross-fitting cannot be kept incrementally, though: one new record changes
 * the model of a whole fold, so every stored term would have to be recomputed from the log.
 * Prequential fitting is its sequential form: record i is corrected by the model of records
 * 1..i-1 only. That model is fixed before r_i is drawn, so each DR term minus the target's value
 * is a martingale difference (Hadad, Hirshberg, Zhan, Wager and Athey, "Confidence intervals for
 * policy evaluation in adaptive experiments", PNAS 118(15), 2021, use the same construction): no
 * own-outcome bias, and a term never changes once computed, so sums of terms and of their squares
 * give the mean and its interval exactly and incrementally. Early records, corrected by a model
 * that knows little, cost variance, not bias. With capped weights every term is bounded, which is
 * what the martingale central limit theorem behind the normal interval needs.
 */

/** q(regime, option) in micros from the decisions added so far; O(regimes) when the cell is empty. */
export function predictRewardMicros(state: EvaluationState, regime: number, option: number): number {
  const m = state.optionCount;
  const { n, sumMicros } = state.model;
  const cell = regime * m + option;
  if (n[cell]! > 0) return sumMicros[cell]! / n[cell]!;
  // The option's record in the other regimes is a better first guess than nothing.
  let count = 0;
  let sum = 0;
  for (let r = 0; r < state.regimeCount; r++) {
    count += n[r * m + option]!;
    sum += sumMicros[r * m + option]!;
  }
  return count > 0 ? sum / count : 0;
}

/** Teaches the model one settled decision; call it only after that decision's terms are scored. */
export function observeRewardMicros(state: EvaluationState, regime: number, option: number, rewardMicros: number): void {
  const cell = regime * state.optionCount + option;
  state.model.n[cell]! += 1;
  state.model.sumMicros[cell]! += rewardMicros;
}
