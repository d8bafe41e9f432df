// Bandit oracle per option: 11 options, each its own learning arm, one regime, known true success
// rates and prices (production-loop.ts, oracle world), neutral Beta(1, 1) priors. The production
// loop (prepareDecision -> outcome -> applyOutcome, a new snapshot every 16 outcomes) must find
// the option of best true net value, derived from the truth and the prices alone. The 100-seed
// run is bandit-oracle.slow.test.ts (`npm run test:slow`); this file runs 10 seeds.

import { describe, expect, it } from "vitest";
import { DEFAULT_EXPLORATION_BPS, warmStartContent } from "../../../src/learning/warm-start.ts";
import {
  ORACLE_COST_MICROS,
  ORACLE_SUCCESS_BPS,
  ORACLE_VALUE_MICROS,
  oraclePack,
  runLoop,
  runOracle,
  strictBest,
  tierRequest,
  trueNetValues,
} from "./production-loop.ts";
import { initialLearnerState } from "../../../src/learning/learner-state.ts";

const ROUNDS = 4_000;
const BEST = 7;

describe("the oracle world", () => {
  it("has option 7 as the one best net value, 8 % of the value ahead (worked by hand)", () => {
    // value x p - cost, in microcents x 10^4: 10^7 x 8,400 - 200,000 x 10^4 = 82 x 10^9; the
    // runners-up are option 6 (10^7 x 7,600 - 2 x 10^9) and option 8 (10^7 x 8,600 - 12 x 10^9).
    const net = trueNetValues(oraclePack(), ORACLE_SUCCESS_BPS, ORACLE_VALUE_MICROS);
    expect(net).toEqual([48e9, 53e9, 58e9, 62e9, 66e9, 70e9, 74e9, 82e9, 74e9, 72e9, 68e9]);
    expect(strictBest(net)).toBe(BEST);
    expect(ORACLE_COST_MICROS).toHaveLength(11);
  });

  it("starts every option from the neutral Beta(1, 1), flagged neutral, each its own arm", () => {
    const pack = oraclePack();
    const content = warmStartContent(pack);
    expect(content.tierCount).toBe(11);
    expect(content.alpha).toEqual(Array.from({ length: 11 }, () => 1));
    expect(content.beta).toEqual(Array.from({ length: 11 }, () => 1));
    expect(content.neutral).toEqual(Array.from({ length: 11 }, () => 1));
    expect(Array.from(pack.catalog.tier)).toEqual(Array.from({ length: 11 }, (_, o) => o));
  });

  it("is a pure function of its seed: the same seed gives the same choices", () => {
    const pack = oraclePack();
    const world = { pack, successBps: ORACLE_SUCCESS_BPS, request: tierRequest(0, ORACLE_VALUE_MICROS), publishEvery: 16 };
    const a = runLoop(world, initialLearnerState(pack), 3, { rounds: 300 });
    const b = runLoop(world, initialLearnerState(pack), 3, { rounds: 300 });
    expect(Array.from(a.choices)).toEqual(Array.from(b.choices));
    expect(a.snapshots).toBe(1 + Math.floor(300 / 16));
  });
});

describe("bandit oracle per option, 10 seeds x 4,000 rounds (default exploration 500 bps)", () => {
  // Measured: aggregate 0.9352, worst seed 1 at 0.7895 (100 seeds: bandit-oracle.slow.test.ts).
  it("gives the best option >= 90 % of the last 2,000 choices, over the seeds", () => {
    const figures = runOracle(10, ROUNDS, DEFAULT_EXPLORATION_BPS);
    console.log(JSON.stringify({ oracle: "bandit_per_option", ...figures, shares: figures.shares.map((s) => Number(s.toFixed(4))) }));
    expect(figures.aggregateShare).toBeGreaterThanOrEqual(0.9);
    expect(figures.worstShare).toBeGreaterThanOrEqual(0.7);
  }, 60_000);
});
