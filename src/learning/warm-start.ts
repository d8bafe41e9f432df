// Warm-start priors: before a regime has outcomes, every tier starts at Beta(f/100, 100 - f/100)
// for the regime's warm-start floor f (strength 100, DESIGN.md), e.g. Beta(72, 28) for coding.
// Pure; the policy it builds is what the kernel reads before the Learner publishes anything.

import { FloorSource } from "../kernel/result-codes.ts";
import type { KernelPolicy } from "../kernel/policy.ts";
import { buildSnapshot, toKernelPolicy, type PolicyContent, type PolicySnapshot } from "./policy-snapshot.ts";
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
}

/** The content of a pack's warm-start policy: warm-start floors and Beta priors everywhere. */
export function warmStartContent(pack: DomainPack, options: WarmStartOptions = {}): PolicyContent {
  const tierCount = pack.tiers.length;
  const alpha: number[] = [];
  const beta: number[] = [];
  for (const regime of pack.regimes) {
    const [a, b] = warmStartPrior(regime.warmStartFloorBps);
    for (let t = 0; t < tierCount; t++) {
      alpha.push(a);
      beta.push(b);
    }
  }
  return {
    regimeCount: pack.regimes.length,
    tierCount,
    sampleCount: options.sampleCount ?? DEFAULT_SAMPLE_COUNT,
    floorBps: pack.regimes.map((regime) => regime.warmStartFloorBps),
    floorSource: pack.regimes.map(() => FloorSource.warm_start),
    alpha,
    beta,
    explorationBps: options.explorationBps ?? DEFAULT_EXPLORATION_BPS,
    latencyBpsPerSecond: options.latencyBpsPerSecond ?? pack.latencyBpsPerSecond ?? DEFAULT_LATENCY_BPS_PER_SECOND,
    stats: pack.regimes.map(() => EMPTY_STATS),
  };
}

const ZERO = { n: "0", s1: "0", s2: "0" } as const;
const EMPTY_STATS = { input_tokens: ZERO, value_micros: ZERO, risk_bps: ZERO } as const;

/** Snapshot version 0 of a tenant: the warm start, before any outcome. */
export function warmStartSnapshot(pack: DomainPack, options: WarmStartOptions = {}): PolicySnapshot {
  return buildSnapshot(warmStartContent(pack, options), 0);
}

export function warmStartPolicy(pack: DomainPack, options: WarmStartOptions = {}): KernelPolicy {
  return toKernelPolicy(warmStartSnapshot(pack, options));
}
