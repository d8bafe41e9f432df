// The evaluation's figures from its sums alone (issue 12): IPS, SNIPS and DR of net value per
// decision for production, the holdout baseline, every fixed option per regime and the staged
// candidate, regret, the candidate's paired gain, counts and calibration. Reads the state, never a log.

import { expectIntegerInRange } from "../../kernel/prng.ts";
import type { EvaluationState, MomentColumns, OffPolicyColumns } from "./evaluation-state.ts";
import { meanEstimate, ratioEstimate, type Estimate } from "./interval.ts";
import { calibrationReport, type CalibrationReport } from "./reliability.ts";

export interface PolicyEstimates {
  readonly ips: Estimate | null;
  readonly snips: Estimate | null;
  readonly dr: Estimate | null;
}

export interface OffPolicyEstimates extends PolicyEstimates {
  /** Decisions where the policy's weight was positive: the evidence behind the correction. */
  readonly support: number;
}

export interface FixedOptionEstimates extends OffPolicyEstimates {
  readonly regime: number;
  readonly option: number;
}

export interface RegimeRegret {
  readonly regime: number;
  /** The option with the highest DR estimate in the regime (lowest index on a tie), or null. */
  readonly best: number | null;
  readonly regret: Estimate | null;
}

export interface EvaluationCounts {
  /** Sealed decisions counted by countDecision, and those with a propensity under 5 %. */
  readonly decisions: number;
  readonly lowPropensityDecisions: number;
  readonly lowPropensityDecisionShare: number | null;
  /** Settled decisions added by addDecision, and those with a propensity under 5 %. */
  readonly outcomes: number;
  readonly lowPropensityOutcomes: number;
  readonly lowPropensityOutcomeShare: number | null;
  readonly holdoutOutcomes: number;
  /** Settled decisions with a candidate's shadow choice. */
  readonly shadowOutcomes: number;
}

export interface EvaluationReport {
  /** The regime the figures are restricted to, or null for all of them. */
  readonly regime: number | null;
  readonly counts: EvaluationCounts;
  readonly production: PolicyEstimates;
  readonly holdout: PolicyEstimates;
  /** The candidate over every decision it shadowed, the holdout's included. */
  readonly candidate: OffPolicyEstimates;
  /**
   * Candidate minus production, paired per decision over production's decisions only: not the
   * difference of the two figures above, whose samples differ, and usually a narrower interval,
   * since the pair shares each decision's noise.
   */
  readonly candidateVsProduction: Estimate | null;
  readonly fixed: readonly FixedOptionEstimates[];
  /** Best fixed option minus production: per regime, and over the scope weighted by decisions. */
  readonly regret: { readonly overall: Estimate | null; readonly byRegime: readonly RegimeRegret[] };
  readonly calibration: CalibrationReport;
}

/**
 * A target with a positive weight on fewer than two decisions has an estimate that is the direct
 * model's extrapolation alone: its interval would show the spread of the model's predictions, not their error. Its
 * estimates are null instead of narrow and wrong.
 */
export const OFF_POLICY_SUPPORT_MIN = 2;

/**
 * The fewest decisions that served an option in a regime for it to be named that regime's best
 * fixed option. With a handful, its DR estimate is still mostly the direct model of those few
 * outcomes, applied to every decision, and its interval is as narrow as if the model were known:
 * the maximum over such estimates picks whichever option was lucky. On RouterBench under the
 * sharpened default, an option served 6 times was named best and the regret came out three times
 * the truth; over 10 seeds 50 servings was where the estimate stopped improving (30 still let one
 * seed's regret come out at 3.6 times the truth; 100 changed nothing more). docs/design-notes.md,
 * "Evaluation on the live log".
 */
export const REGRET_SUPPORT_MIN = 50;

type Sums<C> = { [K in keyof C]: number };

/** Sums the columns over the given indices, column by column in a fixed order (bit-reproducible). */
function pool<C extends object>(columns: C, indices: readonly number[]): Sums<C> {
  const sums: Record<string, number> = {};
  for (const [name, column] of Object.entries(columns) as [string, number[]][]) {
    let total = 0;
    for (const index of indices) total += column[index]!;
    sums[name] = total;
  }
  return sums as Sums<C>;
}

function onPolicy(sums: Sums<MomentColumns>): PolicyEstimates {
  // On-policy every weight is 1: IPS, SNIPS and DR are all the mean reward.
  const mean = meanEstimate(sums.n, sums.sum, sums.squares);
  return { ips: mean, snips: mean, dr: mean };
}

function offPolicy(sums: Sums<OffPolicyColumns>): OffPolicyEstimates {
  if (sums.support < OFF_POLICY_SUPPORT_MIN) return { ips: null, snips: null, dr: null, support: sums.support };
  return {
    ips: meanEstimate(sums.n, sums.ipsSum, sums.ipsSquares),
    snips: ratioEstimate(sums),
    dr: meanEstimate(sums.n, sums.drSum, sums.drSquares),
    support: sums.support,
  };
}

function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

function counts(state: EvaluationState, regimes: readonly number[]): EvaluationCounts {
  const { decisions, decisionsLowPropensity, outcomesLowPropensity } = pool(state.counts, regimes);
  const outcomes = pool(state.production, regimes).n + pool(state.holdout, regimes).n;
  return {
    decisions,
    lowPropensityDecisions: decisionsLowPropensity,
    lowPropensityDecisionShare: share(decisionsLowPropensity, decisions),
    outcomes,
    lowPropensityOutcomes: outcomesLowPropensity,
    lowPropensityOutcomeShare: share(outcomesLowPropensity, outcomes),
    holdoutOutcomes: pool(state.holdout, regimes).n,
    shadowOutcomes: pool(state.candidate, regimes).n,
  };
}

/**
 * Regret is the best fixed option's value minus production's (DESIGN.md: in aggregate, never a
 * per-row max). The best option of a regime is the one with the highest DR estimate over all its
 * decisions among the options served at least REGRET_SUPPORT_MIN times there (none yet: no best,
 * no regret); the regret is then the mean, over production's decisions, of that option's DR term
 * minus the realized reward, so its interval is the paired one. Over several regimes the chosen
 * options' differences are pooled: the mean weighted by each regime's decisions. Picking the
 * maximum of noisy estimates favours a lucky option, so small regrets lean upwards; an option
 * served too rarely to be judged cannot be named best, so a regret hidden in it is not measured
 * (its row in `fixed` shows its support).
 */
function regret(state: EvaluationState, fixed: readonly FixedOptionEstimates[], regimes: readonly number[]): EvaluationReport["regret"] {
  const byRegime: RegimeRegret[] = [];
  const bestCells: number[] = [];
  for (const regime of regimes) {
    let best: FixedOptionEstimates | null = null;
    for (const entry of fixed) {
      if (entry.regime !== regime || entry.dr === null || entry.support < REGRET_SUPPORT_MIN) continue;
      if (best === null || entry.dr.estimate > best.dr!.estimate) best = entry;
    }
    if (best === null) {
      byRegime.push({ regime, best: null, regret: null });
      continue;
    }
    const cell = regime * state.optionCount + best.option;
    bestCells.push(cell);
    const paired = pool(state.fixedVsProduction, [cell]);
    byRegime.push({ regime, best: best.option, regret: meanEstimate(paired.n, paired.sum, paired.squares) });
  }
  const pooled = pool(state.fixedVsProduction, bestCells);
  return { overall: meanEstimate(pooled.n, pooled.sum, pooled.squares), byRegime };
}

/** Every figure of the report, over all regimes or one; O(regimes x options) and no log. */
export function evaluate(state: EvaluationState, scope: { readonly regime?: number | null | undefined } = {}): EvaluationReport {
  const only = scope.regime ?? null;
  if (only !== null) expectIntegerInRange("regime", only, 0, state.regimeCount - 1);
  const regimes = only === null ? Array.from({ length: state.regimeCount }, (_, r) => r) : [only];
  const fixed: FixedOptionEstimates[] = [];
  for (const regime of regimes) {
    for (let option = 0; option < state.optionCount; option++) {
      fixed.push({ regime, option, ...offPolicy(pool(state.fixed, [regime * state.optionCount + option])) });
    }
  }
  const paired = pool(state.candidateVsProduction, regimes);
  return {
    regime: only,
    counts: counts(state, regimes),
    production: onPolicy(pool(state.production, regimes)),
    holdout: onPolicy(pool(state.holdout, regimes)),
    candidate: offPolicy(pool(state.candidate, regimes)),
    candidateVsProduction: meanEstimate(paired.n, paired.sum, paired.squares),
    fixed,
    regret: regret(state, fixed, regimes),
    calibration: calibrationReport(state, regimes),
  };
}
