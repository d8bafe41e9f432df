// Warm-start priors: before a regime has outcomes, each option (one learning arm each) starts
// from a Beta prior centred on what is known of its quality in that regime, with a small strength
// S, so a few outcomes outweigh it; an option of unknown quality starts from Beta(1, 1), weak and
// neutral. Pure; the policy it builds is what the kernel reads before the Learner publishes.

import { FloorSource } from "../kernel/result-codes.ts";
import type { KernelPolicy } from "../kernel/policy.ts";
import { buildSnapshot, SHARPENING_MAX, toKernelPolicy, type PolicyContent, type PolicySnapshot } from "./policy-snapshot.ts";
import type { DomainPack } from "../domain/domain-pack.ts";

/** The default prior strength: pseudo-outcomes behind a known quality (chosen by measurement, docs/design-notes.md). */
export const DEFAULT_PRIOR_STRENGTH = 8;
export const PRIOR_STRENGTH_MAX = 1_000;
export const DEFAULT_SAMPLE_COUNT = 256;
/** Pooling across regimes for options of unknown quality: kept because it measurably helps (docs/design-notes.md). */
export const DEFAULT_POOLING = true;
/**
 * The bank draws from the posterior itself. A tenant may sharpen its young regimes' cells of
 * unknown quality (policy-snapshot.ts, d = 2 lowers RouterBench's mean regret by a fifth), but
 * every sharpened schedule measured either locks onto a worse option for good or widens the gap to
 * hindsight late in the replay (docs/design-notes.md): not worth it by default.
 */
export const DEFAULT_SHARPENING = 1;
/** Exploration share among the plausibly best options (docs/design-notes.md); tenants may set 0. */
export const DEFAULT_EXPLORATION_BPS = 500;
/** Holdout share served by the warm-start baseline, to measure what learning adds; tenants may set 0. */
export const DEFAULT_HOLDOUT_BPS = 500;
/** Latency costs 1 % of the request's value per second of typical latency. */
export const DEFAULT_LATENCY_BPS_PER_SECOND = 100;

/** Beta prior (alpha, beta) of strength S centred on a quality, both >= 1; Beta(1, 1) when unknown. */
export function warmStartPrior(qualityBps: number | null, strength = DEFAULT_PRIOR_STRENGTH): readonly [alpha: number, beta: number] {
  if (qualityBps === null) return [1, 1];
  const alpha = Math.min(strength - 1, Math.max(1, Math.round((qualityBps * strength) / 10_000)));
  return [alpha, strength - alpha];
}

export interface WarmStartOptions {
  readonly sampleCount?: number;
  readonly explorationBps?: number;
  readonly holdoutBps?: number;
  readonly latencyBpsPerSecond?: number;
  /** Pseudo-outcomes behind a known prior quality: 2 to PRIOR_STRENGTH_MAX. */
  readonly priorStrength?: number;
  /** Whether options of unknown quality pool their outcomes across regimes (pooled-prior.ts). */
  readonly pooling?: boolean;
  /** d, 1 to SHARPENING_MAX: the bank draws from Beta(d^2 alpha, d^2 beta) (policy-snapshot.ts). */
  readonly sharpening?: number;
}

/** The content of a pack's warm-start policy: warm-start floors and a prior per regime x option. */
export function warmStartContent(pack: DomainPack, options: WarmStartOptions = {}): PolicyContent {
  const arms = pack.options.length;
  const strength = options.priorStrength ?? DEFAULT_PRIOR_STRENGTH;
  if (!Number.isSafeInteger(strength) || strength < 2 || strength > PRIOR_STRENGTH_MAX) {
    throw new RangeError(`"priorStrength" expected integer in [2, ${PRIOR_STRENGTH_MAX}], got ${strength}`);
  }
  const sharpening = options.sharpening ?? DEFAULT_SHARPENING;
  if (!Number.isSafeInteger(sharpening) || sharpening < 1 || sharpening > SHARPENING_MAX) {
    throw new RangeError(`"sharpening" expected integer in [1, ${SHARPENING_MAX}], got ${sharpening}`);
  }
  const alpha: number[] = [];
  const beta: number[] = [];
  const neutral: number[] = [];
  for (let r = 0; r < pack.regimes.length; r++) {
    for (let o = 0; o < arms; o++) {
      const known = pack.priorQualityBps[r * arms + o] ?? null;
      const [a, b] = warmStartPrior(known, strength);
      alpha.push(a);
      beta.push(b);
      neutral.push(known === null ? 1 : 0);
    }
  }
  return {
    regimeCount: pack.regimes.length,
    tierCount: arms,
    sampleCount: options.sampleCount ?? DEFAULT_SAMPLE_COUNT,
    floorBps: pack.regimes.map((regime) => regime.warmStartFloorBps),
    floorSource: pack.regimes.map(() => FloorSource.warm_start),
    alpha,
    beta,
    explorationBps: options.explorationBps ?? DEFAULT_EXPLORATION_BPS,
    holdoutBps: options.holdoutBps ?? DEFAULT_HOLDOUT_BPS,
    latencyBpsPerSecond: options.latencyBpsPerSecond ?? pack.latencyBpsPerSecond ?? DEFAULT_LATENCY_BPS_PER_SECOND,
    stats: pack.regimes.map(() => EMPTY_STATS),
    neutral,
    priorStrength: strength,
    pooling: options.pooling ?? DEFAULT_POOLING,
    sharpening,
    sharpenedCells: "neutral",
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
