// Calibration of production's predictions (issue 12): per regime x option, a reliability table of
// predicted against observed success in ten bins, and a warning where the bias is both large and
// statistically clear. Integer sums only; it judges predictions and never changes a policy.

import { BPS_SCALE } from "../../kernel/units.ts";
import { RELIABILITY_BINS, type EvaluationState } from "./evaluation-state.ts";

/*
 * The thresholds, and why. A warning needs all three:
 * - n >= 30 outcomes in the cell, so the normal approximation to the count of successes is fair
 *   and one early streak cannot raise it;
 * - |bias| > 500 bps: five points of success probability is about the gap between neighbouring
 *   models of the catalog in a regime and twenty steps of the floor's calibration (25 bps), so a
 *   bias that size can change which option clears the floor or wins; smaller ones matter less
 *   than the posterior's own spread after a few dozen outcomes;
 * - |bias| > 2 standard errors, the error the bias would have if the predictions were calibrated:
 *   sqrt(sum p_i (1 - p_i)) / n (the z-test of observed against expected successes). Under
 *   calibration a cell with 30 to about 400 outcomes still warns about 5 % of the time (two
 *   sided, z = 2), so with many cells expect a stray warning; above that the 500 bps bound is the
 *   binding one and false warnings fade as n grows.
 */
export const CALIBRATION_OUTCOMES_MIN = 30;
export const CALIBRATION_BIAS_BPS_MIN = 500;
export const CALIBRATION_STANDARD_ERRORS = 2;

export interface ReliabilityBin {
  readonly lowBps: number;
  /** Exclusive, except the last bin, which holds 10,000. */
  readonly highBps: number;
  readonly n: number;
  readonly meanPredictedBps: number;
  readonly observedBps: number;
}

export interface ReliabilityCell {
  readonly regime: number;
  readonly option: number;
  readonly n: number;
  readonly meanPredictedBps: number;
  readonly observedBps: number;
  /** Mean predicted minus observed: positive when production is overconfident. */
  readonly biasBps: number;
  /** The bins with outcomes, in order. */
  readonly bins: readonly ReliabilityBin[];
}

export interface CalibrationWarning {
  readonly regime: number;
  readonly option: number;
  readonly biasBps: number;
  readonly n: number;
}

export interface CalibrationReport {
  readonly cells: readonly ReliabilityCell[];
  readonly warnings: readonly CalibrationWarning[];
}

const BIN_WIDTH_BPS = BPS_SCALE / RELIABILITY_BINS;

/** Records one prediction and its outcome in the cell's bin. */
export function observePrediction(state: EvaluationState, cell: number, predictedBps: number, success: boolean): void {
  const index = cell * RELIABILITY_BINS + Math.min(RELIABILITY_BINS - 1, Math.floor(predictedBps / BIN_WIDTH_BPS));
  const columns = state.calibration;
  columns.n[index]! += 1;
  columns.predictedSumBps[index]! += predictedBps;
  columns.predictedSquaresBps[index]! += predictedBps * predictedBps;
  if (success) columns.successes[index]! += 1;
}

interface CellSums {
  readonly cell: ReliabilityCell;
  readonly predictedSumBps: number;
  readonly predictedSquaresBps: number;
  readonly successes: number;
}

/** One cell's table and the raw sums its test needs, or null when it has no prediction yet. */
function reliabilityCell(state: EvaluationState, regime: number, option: number): CellSums | null {
  const { n, predictedSumBps, predictedSquaresBps, successes } = state.calibration;
  const bins: ReliabilityBin[] = [];
  let count = 0;
  let predicted = 0;
  let squares = 0;
  let wins = 0;
  for (let b = 0; b < RELIABILITY_BINS; b++) {
    const index = (regime * state.optionCount + option) * RELIABILITY_BINS + b;
    const binCount = n[index]!;
    if (binCount === 0) continue;
    bins.push({
      lowBps: b * BIN_WIDTH_BPS,
      highBps: (b + 1) * BIN_WIDTH_BPS,
      n: binCount,
      meanPredictedBps: predictedSumBps[index]! / binCount,
      observedBps: (successes[index]! * BPS_SCALE) / binCount,
    });
    count += binCount;
    predicted += predictedSumBps[index]!;
    squares += predictedSquaresBps[index]!;
    wins += successes[index]!;
  }
  if (count === 0) return null;
  const meanPredictedBps = predicted / count;
  const observedBps = (wins * BPS_SCALE) / count;
  const cell = { regime, option, n: count, meanPredictedBps, observedBps, biasBps: meanPredictedBps - observedBps, bins };
  return { cell, predictedSumBps: predicted, predictedSquaresBps: squares, successes: wins };
}

/**
 * True when the cell's bias is large and clear (thresholds above), tested on integer sums: with
 * S1, S2 the sums of predicted bps and of their squares and k the successes, n x bias = S1 - 10^4 k.
 * Under calibration the count of successes has variance sum p(1 - p) = (10^4 S1 - S2) / 10^8, so
 * the bias's standard error in bps is sqrt(10^4 S1 - S2) / n, and |bias| > z SE squares to
 * (S1 - 10^4 k)^2 > z^2 (10^4 S1 - S2): no division and no root.
 */
function warrantsWarning({ cell, predictedSumBps, predictedSquaresBps, successes }: CellSums): boolean {
  if (cell.n < CALIBRATION_OUTCOMES_MIN) return false;
  const biasTimesN = Math.abs(predictedSumBps - BPS_SCALE * successes);
  if (biasTimesN <= CALIBRATION_BIAS_BPS_MIN * cell.n) return false;
  const variance = BPS_SCALE * predictedSumBps - predictedSquaresBps;
  return biasTimesN * biasTimesN > CALIBRATION_STANDARD_ERRORS * CALIBRATION_STANDARD_ERRORS * variance;
}

/** The reliability table and the warnings of the given regimes, in regime then option order. */
export function calibrationReport(state: EvaluationState, regimes: readonly number[]): CalibrationReport {
  const cells: ReliabilityCell[] = [];
  const warnings: CalibrationWarning[] = [];
  for (const regime of regimes) {
    for (let option = 0; option < state.optionCount; option++) {
      const found = reliabilityCell(state, regime, option);
      if (found === null) continue;
      cells.push(found.cell);
      if (warrantsWarning(found)) warnings.push({ regime, option, biasBps: found.cell.biasBps, n: found.cell.n });
    }
  }
  return { cells, warnings };
}
