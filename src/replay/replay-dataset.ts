// A data set the replay can run: its domain pack, how its records map to requests and outcomes,
// and what in those outcomes is real and what is modelled. Packs implement it in src/domain.

import type { DomainPack } from "../domain/domain-pack.ts";
import type { WarmStartOptions } from "../learning/warm-start.ts";
import type { DataReader } from "./data-reader.ts";
import type { RecordTable } from "./record-table.ts";

export type Industry = "llm_routing" | "security" | "finance" | "forestry" | "real_estate";

export interface LoadOptions {
  /** Read at most this many records (in replay order); all when undefined. */
  readonly limit?: number;
  /** Seeds modelled outcome draws (src/replay/draws.ts); the same for every policy in a run. */
  readonly seed: number;
}

export interface ValueLevels {
  readonly low: number;
  readonly middle: number;
  readonly high: number;
}

export interface ReplayDataset {
  /** The folder name under ../shared/data. */
  readonly id: string;
  readonly industry: Industry;
  readonly title: string;
  readonly pack: DomainPack;
  /** Policy options of the warm start (e.g. no latency price for batch work). */
  readonly warmStart: WarmStartOptions;
  readonly provenance: { readonly real: string; readonly modelled: string };
  /** What a miss (a failed outcome) means here, e.g. "missed attacks". */
  readonly missLabel: string;
  /** LLM routing: business values per correct answer, microcents; the headline run uses middle. */
  readonly valueLevels?: ValueLevels;
  /** Records in the full data set, as PROVENANCE.md counts them. */
  readonly expectedRecords: number;
  load(reader: DataReader, options: LoadOptions): Promise<RecordTable>;
}

/** How many records a load may read: `limit`, or all (Infinity) when undefined; refuses anything else. */
export function recordLimit(limit: number | undefined): number {
  if (limit === undefined) return Number.POSITIVE_INFINITY;
  if (!(Number.isSafeInteger(limit) && limit >= 0)) throw new RangeError(`"limit" expected a safe integer >= 0, got ${String(limit)}`);
  return limit;
}
