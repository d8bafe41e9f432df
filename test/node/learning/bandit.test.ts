// Bernoulli-bandit oracles for the Learner's Thompson sampling (DESIGN.md "Learning and
// evaluation"): uniform Beta(1, 1) priors, exact Beta draws, updateBeta with the default decay
// window. Every threshold is asserted on a MEAN over many seeds, never on one run, and the
// measured figures are printed as one JSON line per oracle for the lead's report.

import { describe, expect, it } from "vitest";
import { DECAY_WINDOW } from "../../../src/learning/thompson.ts";
import { pull, rounded, runBank, runThompson, seeds, summarize, worldFor, type BanditRun } from "./bandit-simulation.ts";

const SEEDS = 200;
const TIMEOUT_MS = 60_000;

function report(name: string, successBps: readonly number[], rounds: number, runs: readonly BanditRun[], mechanism = "thompsonChoose") {
  const share = summarize(runs.map((run) => run.betterPulls / run.rounds));
  const regret = summarize(runs.map((run) => run.regretBps / 10_000));
  console.log(
    JSON.stringify({
      oracle: name,
      mechanism,
      arms_bps: successBps,
      rounds,
      seeds: runs.length,
      decay_window: DECAY_WINDOW,
      better_share_mean: rounded(share.mean),
      better_share_se: rounded(share.standardError),
      better_share_min: rounded(share.min),
      regret_mean: rounded(regret.mean, 3),
      regret_se: rounded(regret.standardError, 3),
      regret_max: rounded(regret.max, 3),
    }),
  );
  return { share, regret };
}

describe("the outcome oracle", () => {
  it("draws successes at the stated rate, within four standard errors over 200,000 pulls", () => {
    const draws = 200_000;
    for (const successBps of [0, 3_000, 5_500, 7_200, 10_000]) {
      const world = worldFor(successBps);
      let successes = 0;
      for (let i = 0; i < draws; i++) if (pull(world, successBps)) successes++;
      const p = successBps / 10_000;
      const standardError = Math.sqrt((p * (1 - p)) / draws);
      expect(Math.abs(successes / draws - p)).toBeLessThanOrEqual(4 * standardError);
    }
  });
});

describe("Thompson sampling on two Bernoulli arms (thompsonChoose, default decay window)", () => {
  it("is a pure function of its seed: the same seed gives the same run", () => {
    expect(runThompson(7, [5_000, 6_000], 2_000)).toEqual(runThompson(7, [5_000, 6_000], 2_000));
  });

  it(
    "(a) 0.5 vs 0.6 over 10,000 rounds: better arm >= 95 % and pseudo-regret <= 45 on average",
    () => {
      const arms = [5_000, 6_000];
      const rounds = 10_000;
      const runs = seeds(SEEDS).map((seed) => runThompson(seed, arms, rounds));
      const { share, regret } = report("a", arms, rounds, runs);
      expect(share.mean).toBeGreaterThanOrEqual(0.95);
      expect(regret.mean).toBeLessThanOrEqual(45);
      // Pseudo-regret of two arms is (suboptimal pulls) x gap, exactly: the two figures must agree.
      for (const run of runs) expect(run.regretBps).toBe((run.rounds - run.betterPulls) * 1_000);
    },
    TIMEOUT_MS,
  );

  it(
    "(b) 0.55 vs 0.72 over 2,000 rounds: better arm >= 93 % on average",
    () => {
      const arms = [5_500, 7_200];
      const rounds = 2_000;
      const runs = seeds(SEEDS).map((seed) => runThompson(seed, arms, rounds));
      const { share } = report("b", arms, rounds, runs);
      expect(share.mean).toBeGreaterThanOrEqual(0.93);
    },
    TIMEOUT_MS,
  );

  it(
    "does not favour an arm for its position: with the arms swapped (a) still holds",
    () => {
      const arms = [6_000, 5_000];
      const rounds = 10_000;
      const runs = seeds(100).map((seed) => runThompson(seed + 1_000_000, arms, rounds));
      const { share, regret } = report("a_swapped", arms, rounds, runs);
      expect(share.mean).toBeGreaterThanOrEqual(0.95);
      expect(regret.mean).toBeLessThanOrEqual(45);
    },
    TIMEOUT_MS,
  );
});

describe("the kernel's mechanism, a posterior sample bank (the full oracle (a) is in bandit-bank.slow.test.ts)", () => {
  it(
    "(b) 0.55 vs 0.72 over 2,000 rounds from a bank of K = 256 redrawn every 50 outcomes: better arm >= 93 % on average",
    () => {
      const arms = [5_500, 7_200];
      const rounds = 2_000;
      const runs = seeds(100).map((seed) => runBank(seed, arms, rounds, { sampleCount: 256, rebuildEvery: 50 }));
      const { share } = report("b", arms, rounds, runs, "sample_bank K=256 B=50");
      expect(share.mean).toBeGreaterThanOrEqual(0.93);
    },
    TIMEOUT_MS,
  );
});
