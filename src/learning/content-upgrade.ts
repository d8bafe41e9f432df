// Policy content stored before per-option arms: one arm per tier (options of a tier shared a
// theta), priors of strength 100 centred on the regime's floor, a 20 % holdout, no pooling. A
// Learner that loads such a state upgrades it once: every option starts from its tier's counts
// (what it was learned to be), so nothing learned is lost, and the new fields take the values the
// old code behaved by. Content stored before the sharpened bank draws from the posterior itself
// (sharpening 1), as it did, and content stored before the known cells were spared sharpens every
// cell, as it did: its hash, and so every decision sealed against it, stays the same. Pure.

import type { DomainPack } from "../domain/domain-pack.ts";
import type { PolicyContent } from "./policy-snapshot.ts";

/** What the code before per-option arms behaved by. */
const LEGACY = { holdoutBps: 2_000, priorStrength: 100, pooling: false, sharpening: 1, sharpenedCells: "all" } as const;

type StoredContent = Omit<PolicyContent, "neutral" | "priorStrength" | "pooling" | "holdoutBps" | "sharpening" | "sharpenedCells"> &
  Partial<PolicyContent>;

function isCurrent(stored: StoredContent): stored is PolicyContent {
  return (
    stored.neutral !== undefined &&
    stored.priorStrength !== undefined &&
    stored.pooling !== undefined &&
    stored.holdoutBps !== undefined &&
    stored.sharpening !== undefined &&
    stored.sharpenedCells !== undefined
  );
}

export function upgradeContent(stored: StoredContent, pack: DomainPack): PolicyContent {
  if (isCurrent(stored)) return stored;
  if (
    stored.neutral !== undefined &&
    stored.priorStrength !== undefined &&
    stored.pooling !== undefined &&
    stored.holdoutBps !== undefined
  ) {
    return {
      ...stored,
      neutral: stored.neutral,
      priorStrength: stored.priorStrength,
      pooling: stored.pooling,
      holdoutBps: stored.holdoutBps,
      sharpening: stored.sharpening ?? LEGACY.sharpening,
      sharpenedCells: stored.sharpenedCells ?? LEGACY.sharpenedCells,
    };
  }
  const arms = pack.options.length;
  const perTier = stored.tierCount !== arms && stored.tierCount === pack.tiers.length;
  const cells = stored.regimeCount * arms;
  const fromTier = (values: readonly number[], cell: number): number => {
    const regime = Math.floor(cell / arms);
    const tier = pack.tiers.indexOf(pack.options[cell % arms]!.tier);
    return values[regime * stored.tierCount + tier]!;
  };
  return {
    ...stored,
    tierCount: perTier ? arms : stored.tierCount,
    alpha: perTier ? Array.from({ length: cells }, (_, cell) => fromTier(stored.alpha, cell)) : stored.alpha,
    beta: perTier ? Array.from({ length: cells }, (_, cell) => fromTier(stored.beta, cell)) : stored.beta,
    neutral: stored.neutral ?? Array.from({ length: stored.regimeCount * (perTier ? arms : stored.tierCount) }, () => 0),
    priorStrength: stored.priorStrength ?? LEGACY.priorStrength,
    pooling: stored.pooling ?? LEGACY.pooling,
    holdoutBps: stored.holdoutBps ?? LEGACY.holdoutBps,
    sharpening: stored.sharpening ?? LEGACY.sharpening,
    sharpenedCells: stored.sharpenedCells ?? LEGACY.sharpenedCells,
  };
}
