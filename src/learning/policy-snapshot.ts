// Policy snapshots: what the Learner publishes and the worker's kernel reads. The content (floors,
// Beta parameters, exploration, latency price, K) is hashed canonically; the sample bank is
// drawn from a seed taken from that hash, so the same content gives the same bank everywhere.

import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { canonicalJson, type CanonicalValue } from "../ledger/canonical.ts";
import type { KernelPolicy } from "../kernel/policy.ts";
import { buildSampleBank } from "../kernel/sample-bank.ts";
import type { Feature } from "./anomaly.ts";
import { bankParameters } from "./pooled-prior.ts";
import type { PowerSumsText } from "./regime-stats.ts";

/** Per regime, the exact power sums of each request feature (decimal strings). */
export type RegimeStatsText = Readonly<Record<Feature, PowerSumsText>>;

export interface PolicyContent {
  readonly regimeCount: number;
  readonly tierCount: number;
  readonly sampleCount: number;
  readonly floorBps: readonly number[];
  /** FloorSource.learned or FloorSource.warm_start per regime. */
  readonly floorSource: readonly number[];
  /** Beta parameters at [regime * tierCount + tier]. */
  readonly alpha: readonly number[];
  readonly beta: readonly number[];
  readonly explorationBps: number;
  /** The share of decisions (by request hash) served by the fixed warm-start baseline. */
  readonly holdoutBps: number;
  readonly latencyBpsPerSecond: number;
  /** Regime statistics for the worker's anomaly check, per regime. */
  readonly stats: readonly RegimeStatsText[];
  /** 1 where a cell started from the neutral Beta(1, 1) (no known quality), per regime x option. */
  readonly neutral: readonly number[];
  /** Pseudo-outcomes behind a known or pooled prior (S). */
  readonly priorStrength: number;
  /** Whether neutral cells take a prior pooled from the option's other regimes (pooled-prior.ts). */
  readonly pooling: boolean;
}

export interface PolicySnapshot extends PolicyContent {
  readonly version: number;
  readonly hash: string;
  readonly thetaBps: Uint16Array;
  /**
   * What the data allow each regime x arm's quality to be, bps: the upper 1/20 quantile of its bank
   * samples. The floor gate reads it, so an option is kept out only once the outcomes show, with
   * confidence, that it falls short; an arm still uncertain stays open to Thompson sampling.
   */
  readonly armQualityBps: Uint16Array;
}

export function contentHash(content: PolicyContent): string {
  const fields: Record<string, CanonicalValue> = {
    v: 2,
    regime_count: content.regimeCount,
    tier_count: content.tierCount,
    sample_count: content.sampleCount,
    floor_bps: [...content.floorBps],
    floor_source: [...content.floorSource],
    alpha: [...content.alpha],
    beta: [...content.beta],
    exploration_bps: content.explorationBps,
    holdout_bps: content.holdoutBps,
    latency_bps_per_second: content.latencyBpsPerSecond,
    neutral: [...content.neutral],
    prior_strength: content.priorStrength,
    pooling: content.pooling,
    stats: content.stats.map((regime) => ({
      input_tokens: { ...regime.input_tokens },
      value_micros: { ...regime.value_micros },
      risk_bps: { ...regime.risk_bps },
    })),
  };
  const canonical = canonicalJson(fields);
  return bytesToHex(sha256(utf8ToBytes(canonical)));
}

/** The 64-bit bank seed: the first eight bytes of the content hash, big-endian. */
export function bankSeed(hash: string): bigint {
  return BigInt(`0x${hash.slice(0, 16)}`);
}

/** The (floor(K / 20) + 1)-th largest of each regime x arm's K bank samples. */
function upperQuantiles(thetaBps: Uint16Array, content: PolicyContent): Uint16Array {
  const { regimeCount, tierCount: arms, sampleCount: K } = content;
  const quantiles = new Uint16Array(regimeCount * arms);
  const column = new Uint16Array(K);
  const at = K - 1 - Math.floor(K / 20);
  for (let r = 0; r < regimeCount; r++) {
    for (let arm = 0; arm < arms; arm++) {
      for (let k = 0; k < K; k++) column[k] = thetaBps[(r * K + k) * arms + arm]!;
      column.sort();
      quantiles[r * arms + arm] = column[at]!;
    }
  }
  return quantiles;
}

export function buildSnapshot(content: PolicyContent, version: number): PolicySnapshot {
  const hash = contentHash(content);
  const { alpha, beta } = bankParameters(content);
  const thetaBps = buildSampleBank({
    regimeCount: content.regimeCount,
    tierCount: content.tierCount,
    sampleCount: content.sampleCount,
    alpha,
    beta,
    seed: bankSeed(hash),
  });
  return { ...content, version, hash, thetaBps, armQualityBps: upperQuantiles(thetaBps, content) };
}

/**
 * The snapshot in kernel form. The exploration share is the tenant's setting at decision time: the
 * holdout's baseline (the warm start) runs with the tenant's share, not the one it was built with.
 */
export function toKernelPolicy(snapshot: PolicySnapshot, explorationBps = snapshot.explorationBps): KernelPolicy {
  return {
    regimeCount: snapshot.regimeCount,
    tierCount: snapshot.tierCount,
    sampleCount: snapshot.sampleCount,
    floorBps: Int32Array.from(snapshot.floorBps),
    floorSource: Uint8Array.from(snapshot.floorSource),
    thetaBps: snapshot.thetaBps,
    armQualityBps: snapshot.armQualityBps,
    explorationBps,
    latencyBpsPerSecond: snapshot.latencyBpsPerSecond,
  };
}
