// The posterior sample bank (DESIGN.md "Learning and evaluation"): K joint draws of theta for
// every regime x tier, drawn with the exact integer Beta sampler when a snapshot is published.
// The hot path only reads it. Same parameters and seed give the same bank on every engine.

import { betaU32, u32ToBps } from "./beta-sampler.ts";
import { Xoshiro128StarStar } from "./prng.ts";

const MASK_64 = (1n << 64n) - 1n;
/** SplitMix64's increment: spacing column seeds by it gives each column its own stream. */
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;

export interface BankParameters {
  readonly regimeCount: number;
  readonly tierCount: number;
  readonly sampleCount: number;
  /** Beta parameters at [regime * tierCount + tier], positive integers. */
  readonly alpha: Int32Array;
  readonly beta: Int32Array;
  /** 64-bit seed taken from the snapshot's content hash. */
  readonly seed: bigint;
}

/** Draws the bank: thetaBps[(regime * K + k) * tierCount + tier]. */
export function buildSampleBank(p: BankParameters): Uint16Array {
  const { regimeCount, tierCount, sampleCount } = p;
  const columns = regimeCount * tierCount;
  if (p.alpha.length !== columns || p.beta.length !== columns) {
    throw new RangeError(`"alpha" and "beta" expected ${columns} entries each`);
  }
  const bank = new Uint16Array(regimeCount * sampleCount * tierCount);
  const rng = new Xoshiro128StarStar();
  for (let column = 0; column < columns; column++) {
    const regime = Math.floor(column / tierCount);
    const tier = column - regime * tierCount;
    rng.seedSplitmix64((p.seed + BigInt(column) * GOLDEN_GAMMA) & MASK_64);
    const alpha = p.alpha[column]!;
    const beta = p.beta[column]!;
    for (let k = 0; k < sampleCount; k++) {
      bank[(regime * sampleCount + k) * tierCount + tier] = u32ToBps(betaU32(rng, alpha, beta));
    }
  }
  return bank;
}
