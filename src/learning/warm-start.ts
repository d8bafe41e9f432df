// Warm-start priors: before a regime has outcomes, every tier starts at Beta(f/100, 100 - f/100)
// for the regime's warm-start floor f (strength 100, DESIGN.md), e.g. Beta(72, 28) for coding.
// Pure; the policy it builds is what the kernel reads before the Learner publishes anything.

import { FloorSource } from "../kernel/result-codes.ts";
import type { KernelPolicy } from "../kernel/policy.ts";
import { buildSampleBank } from "../kernel/sample-bank.ts";
import type { DomainPack } from "../domain/domain-pack.ts";

export const PRIOR_STRENGTH = 100;
export const DEFAULT_SAMPLE_COUNT = 256;
/** 20 % over at most four tiers keeps every logged propensity >= 5 % (weights capped at 20). */
export const DEFAULT_EXPLORATION_BPS = 2_000;
/** Latency costs 1 % of the request's value per second of typical latency. */
export const DEFAULT_LATENCY_BPS_PER_SECOND = 100;

/** Beta prior (alpha, beta) of strength 100 centred on a floor; both stay >= 1. */
export function warmStartPrior(floorBps: number): readonly [alpha: number, beta: number] {
  const alpha = Math.min(PRIOR_STRENGTH - 1, Math.max(1, Math.round((floorBps * PRIOR_STRENGTH) / 10_000)));
  return [alpha, PRIOR_STRENGTH - alpha];
}

export interface WarmStartOptions {
  readonly sampleCount?: number;
  readonly explorationBps?: number;
  readonly latencyBpsPerSecond?: number;
  readonly seed?: bigint;
}

export function warmStartPolicy(pack: DomainPack, options: WarmStartOptions = {}): KernelPolicy {
  const regimeCount = pack.regimes.length;
  const tierCount = pack.tiers.length;
  const sampleCount = options.sampleCount ?? DEFAULT_SAMPLE_COUNT;
  const alpha = new Int32Array(regimeCount * tierCount);
  const beta = new Int32Array(regimeCount * tierCount);
  pack.regimes.forEach((regime, r) => {
    const [a, b] = warmStartPrior(regime.warmStartFloorBps);
    alpha.fill(a, r * tierCount, (r + 1) * tierCount);
    beta.fill(b, r * tierCount, (r + 1) * tierCount);
  });
  return {
    regimeCount,
    tierCount,
    sampleCount,
    floorBps: Int32Array.from(pack.regimes, (regime) => regime.warmStartFloorBps),
    floorSource: new Uint8Array(regimeCount).fill(FloorSource.warm_start),
    thetaBps: buildSampleBank({ regimeCount, tierCount, sampleCount, alpha, beta, seed: options.seed ?? 0n }),
    explorationBps: options.explorationBps ?? DEFAULT_EXPLORATION_BPS,
    latencyBpsPerSecond: options.latencyBpsPerSecond ?? DEFAULT_LATENCY_BPS_PER_SECOND,
  };
}
