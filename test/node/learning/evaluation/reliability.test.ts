// The calibration check of the evaluation (src/learning/evaluation/reliability.ts): a hand-built
// reliability table, the three thresholds of the warning at their edges, and seeded streams where
// a calibrated predictor raises no warning and a biased one does.

import { describe, expect, it } from "vitest";
import { uniformBelow } from "../../../../src/kernel/beta-sampler.ts";
import { Xoshiro128StarStar } from "../../../../src/kernel/prng.ts";
import { addDecision } from "../../../../src/learning/evaluation/add-decision.ts";
import { emptyEvaluationState, type EvaluationState } from "../../../../src/learning/evaluation/evaluation-state.ts";
import { evaluate } from "../../../../src/learning/evaluation/evaluate.ts";
import {
  CALIBRATION_BIAS_BPS_MIN,
  CALIBRATION_OUTCOMES_MIN,
  CALIBRATION_STANDARD_ERRORS,
} from "../../../../src/learning/evaluation/reliability.ts";

const SHAPE = { regimeCount: 2, optionCount: 2 } as const;

function settle(state: EvaluationState, regime: number, option: number, predictedBps: number | null, success: boolean): void {
  addDecision(state, {
    regime,
    served: option,
    propensityPpm: 500_000,
    holdout: false,
    rewardMicros: 0,
    success,
    predictedBps,
    candidate: null,
  });
}

/** n outcomes at one prediction with exactly `successes` successes. */
function settleMany(
  state: EvaluationState,
  cell: { regime: number; option: number },
  predictedBps: number,
  n: number,
  successes: number,
): void {
  for (let i = 0; i < n; i++) settle(state, cell.regime, cell.option, predictedBps, i < successes);
}

describe("the reliability table", () => {
  it("bins by predicted bps, 1,000 wide, with 10,000 in the last bin; cells without predictions are left out", () => {
    const state = emptyEvaluationState(SHAPE);
    settle(state, 1, 0, 999, false);
    settle(state, 1, 0, 1_000, true);
    settle(state, 1, 0, 1_500, false);
    settle(state, 1, 0, 10_000, true);
    settle(state, 1, 0, 9_000, true);
    settle(state, 0, 1, null, true);
    const { cells, warnings } = evaluate(state).calibration;
    expect(warnings).toEqual([]);
    expect(cells).toEqual([
      {
        regime: 1,
        option: 0,
        n: 5,
        // (999 + 1,000 + 1,500 + 10,000 + 9,000) / 5 = 4,499.8; 3 successes of 5.
        meanPredictedBps: 4_499.8,
        observedBps: 6_000,
        biasBps: 4_499.8 - 6_000,
        bins: [
          { lowBps: 0, highBps: 1_000, n: 1, meanPredictedBps: 999, observedBps: 0 },
          { lowBps: 1_000, highBps: 2_000, n: 2, meanPredictedBps: 1_250, observedBps: 5_000 },
          { lowBps: 9_000, highBps: 10_000, n: 2, meanPredictedBps: 9_500, observedBps: 10_000 },
        ],
      },
    ]);
    expect(evaluate(state, { regime: 0 }).calibration.cells).toEqual([]);
  });
});

describe("the warning's thresholds", () => {
  const cell = { regime: 0, option: 1 };

  it(`needs ${CALIBRATION_OUTCOMES_MIN} outcomes: 29 failures at 9,000 bps do not warn, 30 do`, () => {
    const state = emptyEvaluationState(SHAPE);
    settleMany(state, cell, 9_000, CALIBRATION_OUTCOMES_MIN - 1, 0);
    expect(evaluate(state).calibration.warnings).toEqual([]);
    settleMany(state, cell, 9_000, 1, 0);
    expect(evaluate(state).calibration.warnings).toEqual([{ regime: 0, option: 1, biasBps: 9_000, n: 30 }]);
  });

  it(`needs more than ${CALIBRATION_BIAS_BPS_MIN} bps: exactly 500 with a tiny standard error does not warn, 600 does`, () => {
    // Predictions of 0 bps have no variance under calibration: only the size bound can hold them back.
    // 100 outcomes at 0 bps with 5 successes: bias -500; with 6: -600.
    const state = emptyEvaluationState(SHAPE);
    settleMany(state, cell, 0, 100, 5);
    expect(evaluate(state).calibration.warnings).toEqual([]);
    const other = emptyEvaluationState(SHAPE);
    settleMany(other, cell, 0, 100, 6);
    expect(evaluate(other).calibration.warnings).toEqual([{ regime: 0, option: 1, biasBps: -600, n: 100 }]);
  });

  it(`needs more than ${CALIBRATION_STANDARD_ERRORS} standard errors: 5,000 bps predicted, n = 100`, () => {
    // Under calibration the standard error is sqrt(100 x 0.25) / 100 = 500 bps: 2 SE = 1,000 bps.
    // 40 successes is a bias of 1,000 bps (not above 2 SE); 39 is 1,100 bps (above).
    const state = emptyEvaluationState(SHAPE);
    settleMany(state, cell, 5_000, 100, 40);
    expect(evaluate(state).calibration.warnings).toEqual([]);
    const other = emptyEvaluationState(SHAPE);
    settleMany(other, cell, 5_000, 100, 39);
    expect(evaluate(other).calibration.warnings).toEqual([{ regime: 0, option: 1, biasBps: 1_100, n: 100 }]);
  });
});

describe("seeded predictors", () => {
  /** 2,000 outcomes per cell; success with the true rate, predictions from `predict`. */
  function run(seed: number, predict: (trueBps: number, rng: Xoshiro128StarStar) => number) {
    const rng = new Xoshiro128StarStar();
    rng.seedSplitmix64(BigInt(seed));
    const trueBps = [
      [3_000, 6_000],
      [8_500, 9_500],
    ];
    const state = emptyEvaluationState(SHAPE);
    for (let i = 0; i < 8_000; i++) {
      const regime = i % 2;
      const option = (i >> 1) % 2;
      const rate = trueBps[regime]![option]!;
      // The predictor sees the true rate give or take 300 bps, as a posterior mean wobbles.
      const predicted = predict(rate, rng);
      settle(state, regime, option, predicted, uniformBelow(rng, 10_000) < rate);
    }
    return evaluate(state).calibration;
  }
  const wobble = (rng: Xoshiro128StarStar) => uniformBelow(rng, 601) - 300;

  it("a calibrated predictor raises no warning, over 20 seeds", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const report = run(seed, (rate, rng) => Math.min(10_000, Math.max(0, rate + wobble(rng))));
      expect(report.cells).toHaveLength(4);
      expect(report.warnings).toEqual([]);
    }
  });

  it("a predictor 1,500 bps too confident on one cell is named, with its bias, and the others are not", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const report = run(seed, (rate, rng) => Math.min(10_000, (rate === 3_000 ? 4_500 : rate) + wobble(rng)));
      expect(report.warnings).toHaveLength(1);
      const [warning] = report.warnings;
      expect(warning).toMatchObject({ regime: 0, option: 0, n: 2_000 });
      expect(warning!.biasBps).toBeGreaterThan(1_200);
      expect(warning!.biasBps).toBeLessThan(1_800);
    }
  });
});
