// Bandit oracle per option over 100 seeds (`npm run test:slow`): the world and the loop of
// bandit-oracle.test.ts (production-loop.ts), 4,000 rounds per seed, with the default exploration
// and with none, against textbook per-round Thompson sampling on the same world as a yardstick.
// About 50 s per setting on one core: 400,000 production decisions and outcomes each.

import { describe, expect, it } from "vitest";
import { DEFAULT_EXPLORATION_BPS } from "../../../src/learning/warm-start.ts";
import { quantile, referenceThompsonShares, runOracle, type OracleFigures } from "./production-loop.ts";

const SEEDS = 100;
const ROUNDS = 4_000;

function report(setting: string, figures: OracleFigures): void {
  const { shares, ...rest } = figures;
  console.log(
    JSON.stringify({
      oracle: "bandit_per_option",
      setting,
      ...rest,
      p05: quantile(shares, 0.05),
      p10: quantile(shares, 0.1),
      seeds_below_half: shares.filter((share) => share < 0.5).length,
    }),
  );
}

describe("bandit oracle per option, 100 seeds x 4,000 rounds", () => {
  // Measured: textbook Thompson 0.9573 over the seeds, worst 0.8065.
  const reference = referenceThompsonShares(SEEDS, ROUNDS);
  const referenceAggregate = reference.reduce((sum, share) => sum + share, 0) / SEEDS;

  // Measured: aggregate 0.9470, worst seed 1 at 0.7895.
  it("default exploration (500 bps): the best option gets >= 90 % of the last 2,000 choices, over the seeds", () => {
    const figures = runOracle(SEEDS, ROUNDS, DEFAULT_EXPLORATION_BPS);
    report("exploration_500", figures);
    console.log(JSON.stringify({ oracle: "reference_thompson", aggregateShare: referenceAggregate, worstShare: Math.min(...reference) }));
    expect(figures.aggregateShare).toBeGreaterThanOrEqual(0.9);
    expect(figures.worstShare).toBeGreaterThanOrEqual(0.7);
    // The production path (snapshots every 16 outcomes, K = 256 bank samples, the kernel's
    // integer utility, exploration among the plausibly best) costs at most 3 points against it
    // (measured: 1.05 points).
    expect(figures.aggregateShare).toBeGreaterThanOrEqual(referenceAggregate - 0.03);
  }, 300_000);

  // Measured: aggregate 0.9427, worst seed 50 at 0.0315: without exploration, an option that was
  // unlucky early (seed 50: option 7 chosen once in rounds 1,000-1,999) can wait thousands of
  // rounds for a bank sample that favours it. Thompson sampling allows that; the aggregate holds.
  it("no exploration: the best option gets >= 90 % of the last 2,000 choices, over the seeds", () => {
    const figures = runOracle(SEEDS, ROUNDS, 0);
    report("exploration_0", figures);
    expect(figures.aggregateShare).toBeGreaterThanOrEqual(0.9);
    // Measured: 1.46 points below the yardstick.
    expect(figures.aggregateShare).toBeGreaterThanOrEqual(referenceAggregate - 0.03);
  }, 300_000);
});
