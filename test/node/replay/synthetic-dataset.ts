// A synthetic data set for the replay engine's tests: a three-tier pack over four regimes whose
// outcomes are drawn from a stated table (common random numbers: one uniform per record, tier t
// succeeds iff u < p[regime][t]), so every expected number can be recomputed by brute force.

import { tierCostMicros, tierPack, workUnits, type TierSpec } from "../../../src/domain/tier-pack.ts";
import type { PackRegime } from "../../../src/domain/domain-pack.ts";
import { drawUnit } from "../../../src/replay/draws.ts";
import { RecordTableBuilder, type RecordTable } from "../../../src/replay/record-table.ts";
import type { ReplayDataset } from "../../../src/replay/replay-dataset.ts";

export const SYNTHETIC_TIERS: readonly TierSpec[] = [
  { id: "quick", qualityBps: 6_000, latencyMsP50: 10, costPerRecordMicros: 10_000 },
  { id: "standard", qualityBps: 8_000, latencyMsP50: 50, costPerRecordMicros: 60_000 },
  { id: "deep", qualityBps: 9_500, latencyMsP50: 200, costPerRecordMicros: 250_000 },
];

export const SYNTHETIC_REGIMES: readonly PackRegime[] = [
  { id: "easy", warmStartFloorBps: 5_000 },
  { id: "medium", warmStartFloorBps: 5_000 },
  { id: "hard", warmStartFloorBps: 5_000 },
  { id: "mixed", warmStartFloorBps: 5_000 },
];

/**
 * Success probability (bps) per regime and tier, increasing in the tier. At a value of 1,000,000
 * microcents per success: "easy" is served best by quick (the deep tier's 5 points cost 240,000
 * more), "medium" by standard, "hard" by deep (50 points over standard are worth 500,000 for
 * 190,000 more), "mixed" again by quick.
 */
export const SUCCESS_BPS: readonly (readonly number[])[] = [
  [9_000, 9_200, 9_500],
  [5_000, 8_500, 9_000],
  [2_000, 4_000, 9_000],
  [7_200, 7_500, 8_500],
];

export const SYNTHETIC_VALUE_MICROS = 1_000_000;
/** The draws.ts stream of the outcome uniform; the regime and the size use their own. */
const OUTCOME_STREAM = 0;
const REGIME_STREAM = 1;
const SIZE_STREAM = 2;

export const SYNTHETIC_PACK = tierPack("synthetic", {
  provider: "synthetic_provider",
  tiers: SYNTHETIC_TIERS,
  regimes: SYNTHETIC_REGIMES,
  latencyBpsPerSecond: 100,
});

export interface SyntheticOptions {
  readonly records: number;
  readonly seed: number;
  /** Regime of every record, else drawn uniformly. */
  readonly regimeOf?: (i: number) => number;
}

/** The record table: sizes between half and twice a standard record, the given value and no risk. */
export function syntheticTable(options: SyntheticOptions): RecordTable {
  const builder = new RecordTableBuilder(SYNTHETIC_TIERS.length);
  for (let i = 0; i < options.records; i++) {
    const regime = options.regimeOf?.(i) ?? Math.floor(drawUnit(options.seed, i, REGIME_STREAM) * SYNTHETIC_REGIMES.length);
    const units = workUnits(0.5 + 1.5 * drawUnit(options.seed, i, SIZE_STREAM));
    const u = drawUnit(options.seed, i, OUTCOME_STREAM);
    builder.push({
      id: `rec-${i}`,
      regimeIndex: regime,
      inputTokens: units,
      maxOutputTokens: 1,
      valueMicros: SYNTHETIC_VALUE_MICROS,
      riskBps: 0,
      event: regime === 2,
      outcomes: SYNTHETIC_TIERS.map((_, t) => {
        const success = u * 10_000 < SUCCESS_BPS[regime]![t]!;
        return { success, qualityBps: success ? 10_000 : 0, costMicros: tierCostMicros(SYNTHETIC_PACK, t, units) };
      }),
    });
  }
  return builder.build();
}

export function syntheticDataset(table: RecordTable): ReplayDataset {
  return {
    id: "synthetic",
    industry: "security",
    title: "Synthetic three-tier data set",
    pack: SYNTHETIC_PACK,
    warmStart: { latencyBpsPerSecond: 0 },
    provenance: { real: "nothing", modelled: "every outcome, from SUCCESS_BPS through draws.ts" },
    missLabel: "misses",
    expectedRecords: table.count,
    load: () => Promise.resolve(table),
  };
}
