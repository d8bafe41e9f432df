// The policy snapshot in kernel form: per-regime floors and the posterior sample bank that the
// Learner publishes. The hot path only reads it. A snapshot is immutable once validated.

import { isIntegerIn } from "./exact-math.ts";
import { FloorSource } from "./result-codes.ts";
import { BPS_SCALE, REGIMES_MAX, TIERS_MAX } from "./units.ts";

export const SAMPLE_COUNT_MAX = 4096;

export interface KernelPolicy {
  readonly regimeCount: number;
  readonly tierCount: number;
  /** K, the number of joint posterior samples per regime; a power of two. */
  readonly sampleCount: number;
  readonly floorBps: Int32Array;
  /** FloorSource.learned or FloorSource.warm_start, per regime. */
  readonly floorSource: Uint8Array;
  /** theta_k(regime, tier) in bps at [(regime * sampleCount + k) * tierCount + tier]. */
  readonly thetaBps: Uint16Array;
  /**
   * What has been learned of each regime x arm's quality, bps (the upper 1/20 posterior quantile) at
   * [regime * tierCount + tier]: the quality floor is judged against the better of it and the
   * catalog's, so a floor never keeps out an option the data show is good. Absent: the catalog's.
   */
  readonly armQualityBps?: Uint16Array;
  /**
   * The lower 1/20 posterior quantile of each regime x arm's quality, bps, beside armQualityBps (the
   * upper one): the bounds that decide which arms are plausibly best. Given with armQualityBps, the
   * kernel reads both instead of sorting each bank column, so a bank drawn sharper than the posterior
   * (src/learning/policy-snapshot.ts) still explores every arm the posterior itself finds plausible.
   */
  readonly armLowBps?: Uint16Array;
  /** causal_exploration_bps: the share of decisions chosen among the plausibly best options. */
  readonly explorationBps: number;
  /** Latency penalty: this share of the request's value per second of typical latency. */
  readonly latencyBpsPerSecond: number;
}

/** Throws a RangeError naming the first inconsistency; the kernel validates each new snapshot once. */
export function validateKernelPolicy(policy: KernelPolicy, tierCount: number): void {
  const { regimeCount, sampleCount } = policy;
  const check = (name: string, value: unknown, min: number, max: number): void => {
    if (!isIntegerIn(value, min, max)) {
      throw new RangeError(`policy "${name}" expected integer in [${min}, ${max}], got ${String(value)}`);
    }
  };
  check("regimeCount", regimeCount, 1, REGIMES_MAX);
  check("tierCount", policy.tierCount, tierCount, Math.min(tierCount, TIERS_MAX));
  check("sampleCount", sampleCount, 1, SAMPLE_COUNT_MAX);
  if ((sampleCount & (sampleCount - 1)) !== 0) {
    throw new RangeError(`policy "sampleCount" expected a power of two, got ${sampleCount}`);
  }
  check("explorationBps", policy.explorationBps, 0, BPS_SCALE);
  check("latencyBpsPerSecond", policy.latencyBpsPerSecond, 0, BPS_SCALE);
  if (policy.floorBps.length !== regimeCount || policy.floorSource.length !== regimeCount) {
    throw new RangeError(`policy floors expected ${regimeCount} entries`);
  }
  for (let r = 0; r < regimeCount; r++) {
    check(`floorBps[${r}]`, policy.floorBps[r], 0, BPS_SCALE);
    const source = policy.floorSource[r];
    if (source !== FloorSource.learned && source !== FloorSource.warm_start) {
      throw new RangeError(`policy "floorSource[${r}]" expected learned or warm_start, got ${source}`);
    }
  }
  const armQuality = policy.armQualityBps;
  if (armQuality !== undefined) {
    if (!(armQuality instanceof Uint16Array) || armQuality.length !== regimeCount * tierCount) {
      throw new RangeError(`policy "armQualityBps" expected ${regimeCount * tierCount} entries`);
    }
    for (let i = 0; i < armQuality.length; i++) {
      if (armQuality[i]! > BPS_SCALE) throw new RangeError(`policy "armQualityBps[${i}]" above 10000`);
    }
  }
  const armLow = policy.armLowBps;
  if (armLow !== undefined) {
    if (armQuality === undefined || !(armLow instanceof Uint16Array) || armLow.length !== armQuality.length) {
      throw new RangeError(`policy "armLowBps" expected ${regimeCount * tierCount} entries beside "armQualityBps"`);
    }
    for (let i = 0; i < armLow.length; i++) {
      if (armLow[i]! > armQuality![i]!) throw new RangeError(`policy "armLowBps[${i}]" above "armQualityBps[${i}]"`);
    }
  }
  if (policy.thetaBps.length !== regimeCount * sampleCount * tierCount) {
    throw new RangeError(`policy "thetaBps" expected ${regimeCount * sampleCount * tierCount} samples`);
  }
  for (let i = 0; i < policy.thetaBps.length; i++) {
    if (policy.thetaBps[i]! > BPS_SCALE) throw new RangeError(`policy "thetaBps[${i}]" above 10000`);
  }
}
