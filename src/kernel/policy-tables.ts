// What the kernel derives from one policy snapshot for its catalog and keeps beside it: each
// option's floor-gate quality per regime and each arm's posterior theta quantiles per regime.
// Built once per snapshot (snapshots are immutable), so no decision repeats this work.

import type { KernelCatalog } from "./catalog.ts";
import type { KernelPolicy } from "./policy.ts";
import { PLAUSIBLE_SHARE_DENOMINATOR } from "./units.ts";

export class PolicyTables {
  /**
   * The quality the floor gate judges each option by, at [regime * optionCount + option]: what the
   * outcomes allow its arm's quality to be (the policy's armQualityBps, the upper 1/20 posterior
   * quantile, so an arm is kept out only once the data show with confidence that it falls short),
   * or the catalog's quality when the policy carries no learned quality.
   */
  readonly optionQualityBps: Int32Array;
  /** Per regime, the lowest of those qualities: a floor at or below it keeps no option out. */
  readonly qualityMinBps: Int32Array;
  /**
   * Each regime x arm's theta at the 1/20 lower and upper quantiles, at [regime * tierCount + tier]:
   * the snapshot's own armLowBps and armQualityBps when it gives both (validated beside each
   * other), else the quantiles of the bank's K samples.
   */
  readonly thetaLowBps: Uint16Array;
  readonly thetaHighBps: Uint16Array;
  /** 1 once a regime's quantiles are filled: only regimes that explore pay for the sorts. */
  private readonly boundsReady: Uint8Array;
  private readonly policy: KernelPolicy;

  /** `policy` must already be validated against `catalog` (validateKernelPolicy). */
  constructor(policy: KernelPolicy, catalog: KernelCatalog) {
    this.policy = policy;
    const options = catalog.optionCount;
    const tiers = policy.tierCount;
    const learned = policy.armQualityBps;
    this.optionQualityBps = new Int32Array(policy.regimeCount * options);
    this.qualityMinBps = new Int32Array(policy.regimeCount);
    for (let r = 0; r < policy.regimeCount; r++) {
      let min = Number.MAX_SAFE_INTEGER;
      for (let o = 0; o < options; o++) {
        const quality = learned === undefined ? catalog.qualityBps[o]! : learned[r * tiers + catalog.tier[o]!]!;
        this.optionQualityBps[r * options + o] = quality;
        min = Math.min(min, quality);
      }
      this.qualityMinBps[r] = min;
    }
    const { armLowBps, armQualityBps } = policy;
    if (armLowBps !== undefined && armQualityBps !== undefined) {
      // The posterior's own quantiles: a bank drawn sharper than the posterior would understate them.
      this.thetaLowBps = armLowBps;
      this.thetaHighBps = armQualityBps;
      this.boundsReady = new Uint8Array(policy.regimeCount).fill(1);
    } else {
      this.thetaLowBps = new Uint16Array(policy.regimeCount * tiers);
      this.thetaHighBps = new Uint16Array(policy.regimeCount * tiers);
      this.boundsReady = new Uint8Array(policy.regimeCount);
    }
  }

  /**
   * Fills the regime's theta quantiles on first use: for each arm the (floor(K / 20) + 1)-th
   * smallest and largest of its K bank samples (a sort of K values per arm, once per regime).
   */
  ensureThetaBounds(regime: number): void {
    if (this.boundsReady[regime] === 1) return;
    const policy = this.policy;
    const K = policy.sampleCount;
    const tiers = policy.tierCount;
    const q = Math.floor(K / PLAUSIBLE_SHARE_DENOMINATOR);
    const scratch = new Uint16Array(K);
    for (let t = 0; t < tiers; t++) {
      for (let k = 0; k < K; k++) scratch[k] = policy.thetaBps[(regime * K + k) * tiers + t]!;
      scratch.sort();
      this.thetaLowBps[regime * tiers + t] = scratch[q]!;
      this.thetaHighBps[regime * tiers + t] = scratch[K - 1 - q]!;
    }
    this.boundsReady[regime] = 1;
  }
}
