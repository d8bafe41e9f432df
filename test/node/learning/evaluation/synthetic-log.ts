// Synthetic logs with a known truth for the evaluation's coverage tests: 3 regimes x 5 options
// with known success rates and costs, an adaptive production policy and a holdout baseline with
// exact ppm propensities, and a staged candidate that shares each decision's draw. Seeded
// xoshiro128** streams (src/kernel/prng.ts) only: every log is replayable.

import { uniformBelow } from "../../../../src/kernel/beta-sampler.ts";
import { Xoshiro128StarStar } from "../../../../src/kernel/prng.ts";
import type { EvaluatedDecision } from "../../../../src/learning/evaluation/evaluated-decision.ts";
import { rewardMicros } from "../../../../src/learning/reward.ts";

const PPM = 1_000_000;
const BPS = 10_000;

export interface SyntheticWorld {
  /** The request's value per regime, micros; regimes are drawn uniformly. */
  readonly valueMicros: readonly number[];
  readonly costMicros: readonly number[];
  /** Success probability per regime x option, bps. */
  readonly successBps: readonly (readonly number[])[];
  /** Production serves its options ranked by observed mean reward with these ppm (best first). */
  readonly productionRankPpm: readonly number[];
  readonly holdoutBps: number;
  /** The baseline's and the candidate's fixed probabilities per regime x option, ppm. */
  readonly baselinePpm: readonly (readonly number[])[];
  readonly candidatePpm: readonly (readonly number[])[];
}

/**
 * The default world. Every propensity is at least 7 % (production's last rank) or 10 %
 * (baseline), so no weight of the candidate (at most 50 % / 7 %) or a fixed option reaches the
 * cap of 20: DR is unbiased and the interval's coverage is the thing measured.
 */
export const WORLD: SyntheticWorld = {
  valueMicros: [1_000_000, 2_000_000, 500_000],
  costMicros: [20_000, 60_000, 150_000, 300_000, 450_000],
  successBps: [
    [5_500, 6_500, 7_500, 8_200, 8_600],
    [4_000, 5_500, 7_000, 8_000, 9_000],
    [7_000, 7_200, 7_400, 7_600, 7_800],
  ],
  productionRankPpm: [600_000, 150_000, 100_000, 80_000, 70_000],
  holdoutBps: 2_000,
  baselinePpm: [
    [400_000, 200_000, 200_000, 100_000, 100_000],
    [400_000, 200_000, 200_000, 100_000, 100_000],
    [400_000, 200_000, 200_000, 100_000, 100_000],
  ],
  candidatePpm: [
    [100_000, 100_000, 200_000, 300_000, 300_000],
    [50_000, 50_000, 100_000, 300_000, 500_000],
    [400_000, 300_000, 100_000, 100_000, 100_000],
  ],
};

export interface SyntheticLog {
  readonly decisions: readonly EvaluatedDecision[];
  /** True net value per decision, micros: what each estimate must cover. */
  readonly truth: { readonly production: number; readonly holdout: number; readonly candidate: number };
}

/** Expected reward of option o in regime x: value x success rate - cost. */
function meanRewardMicros(world: SyntheticWorld, regime: number, option: number): number {
  return (world.valueMicros[regime]! * world.successBps[regime]![option]!) / BPS - world.costMicros[option]!;
}

/** A policy's value: regimes are uniform, so the mean over regimes of sum_o pi(o|x) mu(x, o). */
function policyValue(world: SyntheticWorld, ppm: (regime: number) => readonly number[]): number {
  let total = 0;
  for (let regime = 0; regime < world.valueMicros.length; regime++) {
    const probabilities = ppm(regime);
    for (let o = 0; o < probabilities.length; o++) total += (probabilities[o]! / PPM) * meanRewardMicros(world, regime, o);
  }
  return total / world.valueMicros.length;
}

/** Inverse CDF on a uniform ppm draw, options in index order. */
function draw(ppm: readonly number[], u: number): number {
  let cumulative = 0;
  for (let o = 0; o < ppm.length; o++) {
    cumulative += ppm[o]!;
    if (u < cumulative) return o;
  }
  throw new Error(`probabilities sum to ${cumulative}, not ${PPM}`);
}

/** Production's ppm per option: the rank ppm by observed mean reward, ties to the lower index. */
function productionPpm(world: SyntheticWorld, sums: readonly number[], counts: readonly number[]): number[] {
  const means = sums.map((sum, o) => (counts[o]! > 0 ? sum / counts[o]! : 0));
  const order = means.map((_, o) => o).sort((a, b) => means[b]! - means[a]! || a - b);
  const ppm = new Array<number>(means.length).fill(0);
  order.forEach((option, rank) => (ppm[option] = world.productionRankPpm[rank]!));
  return ppm;
}

function stream(seed: number, offset: bigint): Xoshiro128StarStar {
  const rng = new Xoshiro128StarStar();
  rng.seedSplitmix64(BigInt(seed) | offset);
  return rng;
}

/** `count` settled decisions of one seed, and the true values they estimate. */
export function syntheticLog(seed: number, count: number, world: SyntheticWorld = WORLD): SyntheticLog {
  const policy = stream(seed, 0n);
  const outcomes = stream(seed, 1n << 63n);
  const regimes = world.valueMicros.length;
  const options = world.costMicros.length;
  const sums = Array.from({ length: regimes }, () => new Array<number>(options).fill(0));
  const counts = Array.from({ length: regimes }, () => new Array<number>(options).fill(0));
  const decisions: EvaluatedDecision[] = [];
  let productionTruth = 0;
  let productionCount = 0;
  for (let i = 0; i < count; i++) {
    const regime = uniformBelow(policy, regimes);
    const holdout = uniformBelow(policy, BPS) < world.holdoutBps;
    if (!holdout) {
      // Production adapts: its value at this decision is that of its current ranking.
      productionTruth += policyValue(world, (x) => productionPpm(world, sums[x]!, counts[x]!));
      productionCount++;
    }
    const serving = holdout ? world.baselinePpm[regime]! : productionPpm(world, sums[regime]!, counts[regime]!);
    // One uniform draw serves and shadows, as production and the candidate share a request's seed.
    const u = uniformBelow(policy, PPM);
    const served = draw(serving, u);
    const choice = draw(world.candidatePpm[regime]!, u);
    const success = uniformBelow(outcomes, BPS) < world.successBps[regime]![served]!;
    const reward = rewardMicros({ valueMicros: world.valueMicros[regime]!, success, actualCostMicros: world.costMicros[served]! }, 0);
    sums[regime]![served]! += reward;
    counts[regime]![served]! += 1;
    decisions.push({
      regime,
      served,
      propensityPpm: serving[served]!,
      holdout,
      rewardMicros: reward,
      success,
      predictedBps: null,
      candidate: { choice, servedProbPpm: world.candidatePpm[regime]![served]! },
    });
  }
  return {
    decisions,
    truth: {
      production: productionTruth / productionCount,
      holdout: policyValue(world, (x) => world.baselinePpm[x]!),
      candidate: policyValue(world, (x) => world.candidatePpm[x]!),
    },
  };
}
