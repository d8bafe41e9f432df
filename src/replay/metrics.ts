// What a policy achieved on a table, computed the same way for every policy from its choices.
// Money in microcents, rates in bps. A choice of -1 is an error: no option served that record.

import { netValueMicros } from "./baselines.ts";
import type { RecordTable } from "./record-table.ts";

export interface PolicyMetrics {
  readonly records: number;
  readonly errors: number;
  readonly cost_micros: number;
  readonly successes: number;
  /** Mean quality of what was served (for right/wrong outcomes: the accuracy), bps. */
  readonly quality_bps: number;
  /** Failed outcomes: wrong answers, missed attacks, adverse moves not caught... */
  readonly misses: number;
  /** Records holding an event, and the share of them missed (0 when there are none). */
  readonly events: number;
  readonly event_miss_rate_bps: number;
  readonly cost_per_success_micros: number | null;
  readonly net_value_micros: number;
  /** Success rate of the last quarter of records minus that of the first quarter, bps. */
  readonly learning_bps: number;
}

function bps(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : Math.round((numerator * 10_000) / denominator);
}

export function policyMetrics(table: RecordTable, choices: Int32Array, valueMicros?: number): PolicyMetrics {
  const n = table.count;
  const m = table.optionCount;
  let errors = 0;
  let cost = 0;
  let successes = 0;
  let quality = 0;
  let events = 0;
  let eventMisses = 0;
  let net = 0;
  const quarter = Math.floor(n / 4);
  let firstQuarter = 0;
  let lastQuarter = 0;
  for (let i = 0; i < n; i++) {
    const o = choices[i]!;
    if (table.event[i] === 1) events++;
    if (o < 0) {
      // Nothing served the record: an event in it went unhandled, so it counts as missed.
      errors++;
      if (table.event[i] === 1) eventMisses++;
      continue;
    }
    const cell = i * m + o;
    const success = table.success[cell] === 1;
    cost += table.costMicros[cell]!;
    quality += table.qualityBps[cell]!;
    net += netValueMicros(table, i, o, valueMicros);
    if (success) {
      successes++;
      if (i < quarter) firstQuarter++;
      if (i >= n - quarter) lastQuarter++;
    } else if (table.event[i] === 1) eventMisses++;
  }
  const served = n - errors;
  return {
    records: n,
    errors,
    cost_micros: cost,
    successes,
    quality_bps: served === 0 ? 0 : Math.round(quality / served),
    misses: served - successes,
    events,
    event_miss_rate_bps: bps(eventMisses, events),
    cost_per_success_micros: successes === 0 ? null : Math.round(cost / successes),
    net_value_micros: net,
    learning_bps: quarter === 0 ? 0 : bps(lastQuarter, quarter) - bps(firstQuarter, quarter),
  };
}

export interface CurvePoint {
  /** Records done at the end of the bucket. */
  readonly records: number;
  readonly success_rate_bps: number;
  readonly cumulative_cost_micros: number;
  readonly cumulative_successes: number;
}

/** The learning curve and cumulative cost and successes, in `buckets` equal slices of the records. */
export function curve(table: RecordTable, choices: Int32Array, buckets: number): CurvePoint[] {
  const n = table.count;
  const m = table.optionCount;
  const points: CurvePoint[] = [];
  let cost = 0;
  let successes = 0;
  let start = 0;
  for (let b = 1; b <= Math.min(buckets, n); b++) {
    const end = Math.round((b * n) / Math.min(buckets, n));
    let bucketSuccesses = 0;
    for (let i = start; i < end; i++) {
      const o = choices[i]!;
      if (o < 0) continue;
      cost += table.costMicros[i * m + o]!;
      if (table.success[i * m + o] === 1) bucketSuccesses++;
    }
    successes += bucketSuccesses;
    points.push({
      records: end,
      success_rate_bps: bps(bucketSuccesses, end - start),
      cumulative_cost_micros: cost,
      cumulative_successes: successes,
    });
    start = end;
  }
  return points;
}

export interface QuarterFigures {
  readonly success_bps: number;
  readonly net_value_per_record_micros: number;
}

/** Success rate and net value per record over the first and the last quarter of the records. */
export function quarterFigures(
  table: RecordTable,
  choices: Int32Array,
  valueMicros?: number,
): { first: QuarterFigures; last: QuarterFigures } {
  const quarter = Math.floor(table.count / 4);
  const over = (start: number): QuarterFigures => {
    let successes = 0;
    let net = 0;
    for (let i = start; i < start + quarter; i++) {
      const o = choices[i]!;
      if (o < 0) continue;
      if (table.success[i * table.optionCount + o] === 1) successes++;
      net += netValueMicros(table, i, o, valueMicros);
    }
    return { success_bps: bps(successes, quarter), net_value_per_record_micros: quarter === 0 ? 0 : Math.round(net / quarter) };
  };
  return { first: over(0), last: over(table.count - quarter) };
}
