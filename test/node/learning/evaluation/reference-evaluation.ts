// An independent reference for the evaluation's estimates: it keeps the whole list of decisions,
// refits the direct model for each one by scanning the decisions before it, writes every term out
// and takes means and variances in two passes. Slow and obvious; it shares no code with
// src/learning/evaluation (the weight cap and z are restated), so agreement checks both.

import type { EvaluatedDecision } from "../../../../src/learning/evaluation/evaluated-decision.ts";

const CAP = 20;
const Z = 1.959963984540054;

export interface ReferenceEstimate {
  readonly estimate: number;
  readonly halfWidth: number;
  readonly n: number;
}

export function referenceMean(terms: readonly number[]): ReferenceEstimate | null {
  const n = terms.length;
  if (n < 2) return null;
  const mean = terms.reduce((a, b) => a + b, 0) / n;
  const variance = terms.reduce((a, t) => a + (t - mean) ** 2, 0) / (n - 1);
  return { estimate: mean, halfWidth: Z * Math.sqrt(variance / n), n };
}

export function referenceSnips(weights: readonly number[], rewards: readonly number[]): ReferenceEstimate | null {
  const n = weights.length;
  const total = weights.reduce((a, b) => a + b, 0);
  if (n < 2 || total <= 0) return null;
  const theta = weights.reduce((a, w, i) => a + w * rewards[i]!, 0) / total;
  const squares = weights.reduce((a, w, i) => a + (w * (rewards[i]! - theta)) ** 2, 0);
  return { estimate: theta, halfWidth: Z * Math.sqrt((n * squares) / ((n - 1) * total * total)), n };
}

/** q(regime, option) from the decisions before `index`: cell mean, else option mean, else 0. */
export function referenceModel(log: readonly EvaluatedDecision[], index: number, regime: number, option: number): number {
  const earlier = log.slice(0, index).filter((d) => d.served === option);
  const cell = earlier.filter((d) => d.regime === regime);
  const pick = cell.length > 0 ? cell : earlier;
  return pick.length === 0 ? 0 : pick.reduce((a, d) => a + d.rewardMicros, 0) / pick.length;
}

export interface TargetTerms {
  readonly weights: number[];
  readonly rewards: number[];
  readonly dr: number[];
  /** DR term minus reward, over production's (not holdout) decisions. */
  readonly paired: number[];
}

function emptyTerms(): TargetTerms {
  return { weights: [], rewards: [], dr: [], paired: [] };
}

/** Every term of the fixed option `option` in `regime`, and of the candidate in `regime`. */
export function referenceTerms(log: readonly EvaluatedDecision[], regime: number, option: number | "candidate"): TargetTerms {
  const terms = emptyTerms();
  log.forEach((d, i) => {
    if (d.regime !== regime) return;
    if (option === "candidate" && d.candidate === null) return;
    const targetPpm = option === "candidate" ? d.candidate!.servedProbPpm : d.served === option ? 1_000_000 : 0;
    const modelOption = option === "candidate" ? d.candidate!.choice : option;
    const w = Math.min(CAP, targetPpm / d.propensityPpm);
    const dr = referenceModel(log, i, regime, modelOption) + w * (d.rewardMicros - referenceModel(log, i, regime, d.served));
    terms.weights.push(w);
    terms.rewards.push(d.rewardMicros);
    terms.dr.push(dr);
    if (!d.holdout) terms.paired.push(dr - d.rewardMicros);
  });
  return terms;
}
