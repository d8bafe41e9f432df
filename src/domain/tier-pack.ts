// Domain packs outside LLM routing have processing tiers, not models: an inspection depth, a
// review depth, a classifier, a valuation method. Each tier is one option and its own kernel
// tier (theta is learned per tier, and only a tier's cheapest option could ever win, so tiers
// must not share). A record is priced in work units: WORK_UNITS_PER_RECORD units are one
// standard record, so a tier's price per million units is its cost per standard record.

import { buildPack, type DomainPack, type PackRegime } from "./domain-pack.ts";
import { worstCaseCostMicros } from "../kernel/exact-math.ts";

export const WORK_UNITS_PER_RECORD = 1_000_000;
/** The largest record the packs map: ten standard records (the kernel's input limit). */
export const SIZE_FACTOR_MAX = 10;

export interface TierSpec {
  readonly id: string;
  /** The tier's prior quality (share of records it handles correctly), the quality floor's yardstick. */
  readonly qualityBps: number;
  readonly latencyMsP50: number;
  /** Cost of one standard record (WORK_UNITS_PER_RECORD units), microcents. */
  readonly costPerRecordMicros: number;
}

export interface TierPackSource {
  /** The one "provider" of every tier: the team or system that runs them. */
  readonly provider: string;
  readonly tiers: readonly TierSpec[];
  readonly regimes: readonly PackRegime[];
  readonly latencyBpsPerSecond: number;
}

export function tierPack(id: string, source: TierPackSource): DomainPack {
  const { provider, tiers, regimes } = source;
  return buildPack({
    id,
    latencyBpsPerSecond: source.latencyBpsPerSecond,
    providers: [provider],
    tiers: tiers.map((tier) => tier.id),
    capabilities: [],
    regimes,
    options: tiers.map((tier) => ({ ...tier, provider, tier: tier.id })),
    toKernel: (option, pack) => ({
      providerIndex: pack.providerIndex(option.provider),
      tierIndex: pack.tierIndex(option.tier),
      qualityBps: option.qualityBps,
      latencyMsP50: option.latencyMsP50,
      contextTokens: WORK_UNITS_PER_RECORD * SIZE_FACTOR_MAX + 1,
      maxOutputTokens: 1,
      capabilityMask: 0,
      inputPriceMicrosPerMTok: option.costPerRecordMicros,
      outputPriceMicrosPerMTok: 0,
    }),
  });
}

/** Work units of a record `sizeFactor` standard records large, clamped to [1/1000, SIZE_FACTOR_MAX]. */
export function workUnits(sizeFactor: number): number {
  const clamped = Math.min(SIZE_FACTOR_MAX, Math.max(0.001, Number.isFinite(sizeFactor) ? sizeFactor : 1));
  return Math.round(WORK_UNITS_PER_RECORD * clamped);
}

/** What option `index` of a tier pack costs for a record of `units` work units (the kernel's arithmetic). */
export function tierCostMicros(pack: DomainPack, index: number, units: number): number {
  const c = pack.catalog;
  return worstCaseCostMicros(
    units,
    1,
    c.inputPriceHigh[index]!,
    c.inputPriceLow[index]!,
    c.outputPriceHigh[index]!,
    c.outputPriceLow[index]!,
  );
}
