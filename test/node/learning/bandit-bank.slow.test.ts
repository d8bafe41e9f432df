// Oracle (a) of bandit.test.ts through the kernel's real mechanism: a posterior sample bank of
// K = 256 joint draws (buildSampleBank) redrawn every B = 50 outcomes, one uniformly drawn sample
// index per round. Slow-path only (`npm run test:slow`): each run draws 200 banks of 512 Betas.

import { describe, expect, it } from "vitest";
import { DECAY_WINDOW } from "../../../src/learning/thompson.ts";
import { rounded, runBank, seeds, summarize } from "./bandit-simulation.ts";

const SEEDS = 100;
const SAMPLE_COUNT = 256;
const REBUILD_EVERY = 50;

describe("Thompson sampling from a posterior sample bank (K = 256, redrawn every 50 outcomes)", () => {
  it("(a) 0.5 vs 0.6 over 10,000 rounds: better arm >= 95 % and pseudo-regret <= 45 on average", () => {
    const arms = [5_000, 6_000];
    const rounds = 10_000;
    const runs = seeds(SEEDS).map((seed) => runBank(seed, arms, rounds, { sampleCount: SAMPLE_COUNT, rebuildEvery: REBUILD_EVERY }));
    const share = summarize(runs.map((run) => run.betterPulls / run.rounds));
    const regret = summarize(runs.map((run) => run.regretBps / 10_000));
    console.log(
      JSON.stringify({
        oracle: "a",
        mechanism: "sample_bank",
        sample_count: SAMPLE_COUNT,
        rebuild_every: REBUILD_EVERY,
        arms_bps: arms,
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
    expect(share.mean).toBeGreaterThanOrEqual(0.95);
    expect(regret.mean).toBeLessThanOrEqual(45);
  }, 120_000);
});
