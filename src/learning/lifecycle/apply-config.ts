// How a promoted configuration reaches the policy: the fields the policy content holds are set
// there, every learned value (Beta counts, floors, statistics) is kept, and floor overrides are
// laid over the learned floors only in what is published, so the learned floor keeps learning.

import type { DomainPack } from "../../domain/domain-pack.ts";
import type { PolicyContent } from "../policy-snapshot.ts";
import { catalogVersion } from "./catalog-version.ts";
import type { PolicyConfig } from "./policy-config.ts";

/**
 * The content under the configuration: exploration, holdout, prior strength, sharpening and the
 * latency price are set; alpha, beta, floors, floor sources, statistics, neutral cells, pooling
 * and K are kept, so the live posteriors go on learning. The same object when nothing changes
 * (no new snapshot version for a no-op).
 *
 * Three fields are honoured only partly or elsewhere, and are NOT dropped silently:
 * - prior_strength: the content's priorStrength caps the pooled prior of neutral cells at once
 *   (pooled-prior.ts); the prior of a known-quality cell was added into its alpha and beta at the
 *   warm start and is not re-weighted (decay has since mixed it with outcomes). A new strength
 *   fully applies only to a tenant's warm start (warmStartContent's priorStrength option).
 * - decay_window: not in the content. updateBeta (thompson.ts) takes the window as an argument;
 *   applyOutcome (learner-state.ts) calls it with the default DECAY_WINDOW, so the caller must
 *   pass config.decay_window through. A shrunk window halves a posterior once per outcome until
 *   its counts fall below 2 W: a few outcomes, not a reset.
 * - value_weight_bps: not in the content nor the kernel policy. The decision layer weights the
 *   request's value before the kernel (weightedValueMicros, value-weight.ts).
 * - floor_overrides: see withFloorOverrides; catalog_version: see configProblemFor.
 */
export function applyConfig(content: PolicyContent, config: PolicyConfig): PolicyContent {
  const unchanged =
    content.explorationBps === config.exploration_bps &&
    content.holdoutBps === config.holdout_bps &&
    content.priorStrength === config.prior_strength &&
    content.sharpening === config.sharpening &&
    // Content stored under the older rule (every cell sharpened) takes today's rule with any d but 1.
    (content.sharpenedCells === "neutral" || config.sharpening === 1) &&
    content.latencyBpsPerSecond === config.latency_bps_per_second;
  if (unchanged) return content;
  return {
    ...content,
    explorationBps: config.exploration_bps,
    holdoutBps: config.holdout_bps,
    priorStrength: config.prior_strength,
    sharpening: config.sharpening,
    sharpenedCells: "neutral",
    latencyBpsPerSecond: config.latency_bps_per_second,
  };
}

/**
 * Null when the configuration fits the pack: its catalog version is the pack's, and every regime
 * it overrides exists. Stage refuses a candidate that does not fit (the shadow would judge it on
 * other prices); a current configuration that no longer fits after a catalog update is for the
 * caller to show, since refusing decisions over it would fail every request.
 */
export function configProblemFor(config: PolicyConfig, pack: DomainPack): string | null {
  const version = catalogVersion(pack);
  if (config.catalog_version !== version) {
    return `"catalog_version" expected ${version} (the tenant's catalog), got ${config.catalog_version}`;
  }
  for (const regime of Object.keys(config.floor_overrides)) {
    if (!pack.regimes.some((known) => known.id === regime)) {
      return `"floor_overrides" names regime ${JSON.stringify(regime)}, which pack ${pack.id} does not have`;
    }
  }
  return null;
}

/** The override of each of the pack's regimes, bps, by regime index; null where the learned floor stands. */
export function floorOverridesByRegime(config: PolicyConfig, pack: DomainPack): readonly (number | null)[] {
  return pack.regimes.map((regime) => (Object.hasOwn(config.floor_overrides, regime.id) ? config.floor_overrides[regime.id]! : null));
}

/**
 * The content to publish: the learned content with each overridden regime's floor replaced.
 *
 * Why not in applyConfig: the Learner recalibrates a regime's floor on every outcome and marks it
 * FloorSource.learned (learner-state.ts), and no FloorSource value exempts a floor from that; a
 * new one (say `configured`) would change the kernel's policy check, the decision record and the
 * chain format. So the learner's state keeps the learned floor, which goes on learning, and the
 * override is laid over it in what the kernel reads. The published content is stored by its hash
 * (as every snapshot is), so a sealed decision still reproduces from it. The floor source is left
 * as it was: until a `configured` source exists, a record names an override's floor "learned" or
 * "warm_start". Success judged by a floor (isSuccess) still reads the learned floor.
 */
export function withFloorOverrides(content: PolicyContent, overrides: readonly (number | null)[]): PolicyContent {
  if (overrides.length !== content.regimeCount) {
    throw new RangeError(`"overrides" expected ${content.regimeCount} entries, got ${overrides.length}`);
  }
  if (overrides.every((bps, r) => bps === null || bps === content.floorBps[r])) return content;
  return { ...content, floorBps: content.floorBps.map((learned, r) => overrides[r] ?? learned) };
}
