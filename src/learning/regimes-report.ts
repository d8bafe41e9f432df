// GET /v1/regimes, as data: per regime the floor and where it came from, the Beta posterior of
// each option (its own learning arm: mean and counts, with its tier for grouping) and the request
// statistics. Reports may use floats; decisions never.

import type { DomainPack } from "../domain/domain-pack.ts";
import { FLOOR_SOURCE_NAMES } from "../kernel/result-codes.ts";
import { FEATURES } from "./anomaly.ts";
import type { PolicyContent } from "./policy-snapshot.ts";
import { describeSums, sumsFromText } from "./regime-stats.ts";
import { betaMeanBps } from "./thompson.ts";

export interface OptionPosterior {
  readonly option: string;
  readonly tier: string;
  readonly alpha: number;
  readonly beta: number;
  readonly mean_bps: number;
}

export interface RegimeReport {
  readonly regime: string;
  readonly floor_bps: number;
  readonly floor_source: string;
  readonly warm_start_floor_bps: number;
  readonly options: readonly OptionPosterior[];
  readonly statistics: Record<string, { n: number; mean: number | null; variance: number | null }>;
}

export function regimesReport(pack: DomainPack, content: PolicyContent): RegimeReport[] {
  return pack.regimes.map((regime, r) => ({
    regime: regime.id,
    floor_bps: content.floorBps[r]!,
    floor_source: FLOOR_SOURCE_NAMES[content.floorSource[r]!]!,
    warm_start_floor_bps: regime.warmStartFloorBps,
    options: pack.options.map((option, o) => {
      const cell = r * content.tierCount + o;
      const counts = { alpha: content.alpha[cell]!, beta: content.beta[cell]! };
      return { option: option.id, tier: option.tier, ...counts, mean_bps: betaMeanBps(counts) };
    }),
    statistics: Object.fromEntries(FEATURES.map((f) => [f, describeSums(sumsFromText(content.stats[r]![f]))])),
  }));
}
