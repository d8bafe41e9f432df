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
  /**
   * d: the bank draws a sharpened arm from Beta(d^2 alpha, d^2 beta), the posterior's mean with
   * about 1/d of its spread (1: the posterior itself). See sharpenedParameters.
   */
  readonly sharpening: number;
  /**
   * Which arms d sharpens: "neutral" (the cells of unknown quality, 1 in `neutral`, while their
   * regime has learned fewer than SHARPENED_REGIME_OUTCOMES outcomes) or "all" (the rule of content
   * stored before this field, every cell always, kept so its banks are rebuilt bit for bit).
   */
  readonly sharpenedCells: SharpenedCells;
}

export type SharpenedCells = "all" | "neutral";

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
  /** The lower 1/20 posterior quantile, beside armQualityBps: with it, the plausibly best arms. */
  readonly armLowBps: Uint16Array;
  /** Each regime x arm's posterior mean success, floor(alpha x 10,000 / (alpha + beta)) bps: its prediction. */
  readonly meanBps: Uint16Array;
}

/** The sharpest bank a policy may draw: d = 4 already draws from 1/16 of the posterior's variance. */
export const SHARPENING_MAX = 4;

/**
 * The outcomes a regime learns from (its statistics' count, which decay never lowers) before its
 * cells of unknown quality draw from their posteriors again under the "neutral" rule. Sharpening
 * pays while a regime is young; kept for good, it can leave an option abandoned after unlucky
 * first outcomes unchosen for good (the bandit oracle's 100 seeds, docs/design-notes.md).
 */
export const SHARPENED_REGIME_OUTCOMES = 1_000;

export function contentHash(content: PolicyContent): string {
  const sharpened = sharpensAny(content);
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
    // Only a bank that d changes names it, and only the newer rule names its cells: content from
    // before sharpening, or from before sharpening spared the known cells, keeps the hash it had,
    // and so does content whose every cell is known (d sharpens none of them).
    ...(sharpened ? { sharpening: content.sharpening } : {}),
    ...(sharpened && content.sharpenedCells === "neutral" ? { sharpened_cells: content.sharpenedCells } : {}),
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

/**
 * The draws of a sharpened bank. Thompson sampling from the posterior itself explores every arm in
 * proportion to its chance of being best; drawing from Beta(d^2 alpha, d^2 beta) keeps each arm's
 * mean exactly and narrows its spread by about d (tempered sampling, as in Chapelle and Li, 2011),
 * so less is spent on arms already in doubt. Under today's rule only cells of unknown quality are
 * sharpened, and only while their regime is young: their spread is ignorance that outcomes should
 * settle quickly, while a known prior's spread is what lets outcomes overrule a wrong catalog, and
 * an old regime needs the posterior's full spread to find an option it gave up on too early
 * (docs/design-notes.md measures all three). Exact integers: every engine draws the same bank.
 */
export function sharpenedParameters(content: PolicyContent): { alpha: Int32Array; beta: Int32Array } {
  const { alpha, beta } = bankParameters(content);
  if (content.sharpening === 1) return { alpha, beta };
  const byCell = cellSharpenings(content);
  for (let cell = 0; cell < alpha.length; cell++) {
    const square = byCell[cell]! * byCell[cell]!;
    alpha[cell] = alpha[cell]! * square;
    beta[cell] = beta[cell]! * square;
  }
  return { alpha, beta };
}

/** Whether d changes any cell's draws: the hash names d only then. */
function sharpensAny(content: PolicyContent): boolean {
  return cellSharpenings(content).some((d) => d !== 1);
}

/** The d that sharpens each regime x arm cell: the content's d where its rule applies, else 1. */
function cellSharpenings(content: PolicyContent): Uint8Array {
  const { regimeCount, tierCount: arms, sharpening, sharpenedCells, neutral, stats } = content;
  const byCell = new Uint8Array(regimeCount * arms).fill(1);
  if (sharpening === 1) return byCell;
  for (let r = 0; r < regimeCount; r++) {
    const young = BigInt(stats[r]!.input_tokens.n) < BigInt(SHARPENED_REGIME_OUTCOMES);
    for (let arm = 0; arm < arms; arm++) {
      const cell = r * arms + arm;
      if (sharpenedCells === "all" || (neutral[cell] === 1 && young)) byCell[cell] = sharpening;
    }
  }
  return byCell;
}

/**
 * The posterior's 1/20 quantiles of each regime x arm, from the bank: the (floor(K / 20) + 1)-th
 * smallest and largest of its K samples. A sharpened bank's quantiles sit about d times closer to
 * the mean than the posterior's, so they are stretched back by d around the exact posterior mean:
 * the floor gate and the plausible set then judge by the posterior, never by the narrowed bank (an
 * arm whose first outcomes were unlucky stays plausible, so exploration can still find it).
 */
function armBounds(thetaBps: Uint16Array, content: PolicyContent): { low: Uint16Array; high: Uint16Array } {
  const { regimeCount, tierCount: arms, sampleCount: K } = content;
  const { alpha, beta } = bankParameters(content);
  const byCell = cellSharpenings(content);
  const low = new Uint16Array(regimeCount * arms);
  const high = new Uint16Array(regimeCount * arms);
  const column = new Uint16Array(K);
  const q = Math.floor(K / 20);
  for (let r = 0; r < regimeCount; r++) {
    for (let arm = 0; arm < arms; arm++) {
      const cell = r * arms + arm;
      for (let k = 0; k < K; k++) column[k] = thetaBps[(r * K + k) * arms + arm]!;
      column.sort();
      const d = byCell[cell]!;
      const mean = d === 1 ? 0 : Math.floor((alpha[cell]! * 10_000) / (alpha[cell]! + beta[cell]!));
      low[cell] = Math.max(0, mean - d * (mean - column[q]!));
      high[cell] = Math.min(10_000, mean + d * (column[K - 1 - q]! - mean));
    }
  }
  return { low, high };
}

export function buildSnapshot(content: PolicyContent, version: number): PolicySnapshot {
  const hash = contentHash(content);
  const { alpha, beta } = sharpenedParameters(content);
  const thetaBps = buildSampleBank({
    regimeCount: content.regimeCount,
    tierCount: content.tierCount,
    sampleCount: content.sampleCount,
    alpha,
    beta,
    seed: bankSeed(hash),
  });
  const bounds = armBounds(thetaBps, content);
  const posterior = bankParameters(content);
  const meanBps = Uint16Array.from(posterior.alpha, (a, cell) => Math.floor((a * 10_000) / (a + posterior.beta[cell]!)));
  return { ...content, version, hash, thetaBps, armQualityBps: bounds.high, armLowBps: bounds.low, meanBps };
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
    armLowBps: snapshot.armLowBps,
    explorationBps,
    latencyBpsPerSecond: snapshot.latencyBpsPerSecond,
  };
}
