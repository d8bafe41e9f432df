// Bernoulli-bandit simulations on the project's own Thompson machinery, shared by the bandit,
// bank and drift tests: exact Beta draws (thompsonChoose or a sample bank), updateBeta with its
// decay, and outcomes from a separate seeded generator. No Math.random: every run is replayable.

import { uniformBelow } from "../../../src/kernel/beta-sampler.ts";
import { Xoshiro128StarStar, splitmix64 } from "../../../src/kernel/prng.ts";
import { buildSampleBank } from "../../../src/kernel/sample-bank.ts";
import { DECAY_WINDOW, thompsonChoose, updateBeta, type BetaCounts } from "../../../src/learning/thompson.ts";

const BPS_SCALE = 10_000;
/** Stream offsets: the chooser, the world and the bank seeds of one run never share a stream. */
const WORLD_STREAM = 1n << 63n;
const BANK_STREAM = 1n << 62n;
/** A window no run can fill (alpha + beta stays far below 2W): updateBeta without decay. */
export const NO_DECAY_WINDOW = Number.MAX_SAFE_INTEGER;

export interface BanditRun {
  readonly rounds: number;
  /** Rounds in which the arm with the highest success rate was chosen. */
  readonly betterPulls: number;
  /** Pseudo-regret in bps: the sum over rounds of (best success rate - chosen arm's success rate). */
  readonly regretBps: number;
}

/** The generator that chooses arms, seeded per run through splitmix64. */
export function chooserFor(seed: number): Xoshiro128StarStar {
  const rng = new Xoshiro128StarStar();
  rng.seedSplitmix64(BigInt(seed));
  return rng;
}

/** The generator that draws outcomes: a stream of its own, so the policy cannot see the world's bits. */
export function worldFor(seed: number): Xoshiro128StarStar {
  const rng = new Xoshiro128StarStar();
  rng.seedSplitmix64(BigInt(seed) | WORLD_STREAM);
  return rng;
}

/** One Bernoulli outcome with success probability successBps / 10,000, exactly (no floats). */
export function pull(world: Xoshiro128StarStar, successBps: number): boolean {
  return uniformBelow(world, BPS_SCALE) < successBps;
}

/** Uniform Beta(1, 1) priors, one per arm. */
export function uniformArms(count: number): BetaCounts[] {
  return Array.from({ length: count }, () => ({ alpha: 1, beta: 1 }));
}

function bestOf(successBps: readonly number[]): { index: number; bps: number } {
  const bps = Math.max(...successBps);
  return { index: successBps.indexOf(bps), bps };
}

/** Plain Thompson sampling: one exact Beta draw per arm per round (thompsonChoose). */
export function runThompson(seed: number, successBps: readonly number[], rounds: number, window = DECAY_WINDOW): BanditRun {
  const chooser = chooserFor(seed);
  const world = worldFor(seed);
  const arms = uniformArms(successBps.length);
  const best = bestOf(successBps);
  let betterPulls = 0;
  let regretBps = 0;
  for (let round = 0; round < rounds; round++) {
    const arm = thompsonChoose(chooser, arms);
    arms[arm] = updateBeta(arms[arm]!, pull(world, successBps[arm]!), window);
    if (arm === best.index) betterPulls++;
    regretBps += best.bps - successBps[arm]!;
  }
  return { rounds, betterPulls, regretBps };
}

export interface BankOptions {
  /** K, joint posterior draws per bank (the kernel's sampleCount). */
  readonly sampleCount: number;
  /** B: the bank is redrawn after every B outcomes, as the Learner republishes a snapshot. */
  readonly rebuildEvery: number;
}

/**
 * Thompson sampling the way the kernel does it: a bank of K joint draws (buildSampleBank, one
 * regime, one tier per arm) redrawn every B outcomes; each round reads the sample at a uniformly
 * drawn index k and picks the arm with the larger theta_k (ties to the lower index, as
 * thompsonChoose). Each bank has its own 64-bit seed, as each snapshot has its content hash.
 */
export function runBank(seed: number, successBps: readonly number[], rounds: number, options: BankOptions): BanditRun {
  const chooser = chooserFor(seed);
  const world = worldFor(seed);
  const arms = uniformArms(successBps.length);
  const tierCount = successBps.length;
  let bankState = BigInt(seed) | BANK_STREAM;
  const drawBank = (): Uint16Array => {
    const next = splitmix64(bankState);
    bankState = next.state;
    return buildSampleBank({
      regimeCount: 1,
      tierCount,
      sampleCount: options.sampleCount,
      alpha: Int32Array.from(arms, (arm) => arm.alpha),
      beta: Int32Array.from(arms, (arm) => arm.beta),
      seed: next.value,
    });
  };
  let bank = drawBank();
  const best = bestOf(successBps);
  let betterPulls = 0;
  let regretBps = 0;
  for (let round = 0; round < rounds; round++) {
    const base = uniformBelow(chooser, options.sampleCount) * tierCount;
    let arm = 0;
    for (let candidate = 1; candidate < tierCount; candidate++) if (bank[base + candidate]! > bank[base + arm]!) arm = candidate;
    arms[arm] = updateBeta(arms[arm]!, pull(world, successBps[arm]!));
    if ((round + 1) % options.rebuildEvery === 0) bank = drawBank();
    if (arm === best.index) betterPulls++;
    regretBps += best.bps - successBps[arm]!;
  }
  return { rounds, betterPulls, regretBps };
}

export interface Summary {
  readonly mean: number;
  /** Sample standard deviation / sqrt(count). */
  readonly standardError: number;
  readonly min: number;
  readonly max: number;
}

/** Mean and standard error of per-seed figures (reports only; floats are fine here). */
export function summarize(values: readonly number[]): Summary {
  const count = values.length;
  const mean = values.reduce((sum, x) => sum + x, 0) / count;
  const variance = values.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (count - 1);
  return { mean, standardError: Math.sqrt(variance / count), min: Math.min(...values), max: Math.max(...values) };
}

/** Rounds a figure for the one-line JSON report. */
export function rounded(x: number, digits = 5): number {
  return Number(x.toFixed(digits));
}

/** Seeds 0 .. count - 1. */
export function seeds(count: number): number[] {
  return Array.from({ length: count }, (_, seed) => seed);
}
