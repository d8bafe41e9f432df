// Hourly usage buckets: decisions and settled spend per UTC hour, regime and served option, the
// dashboard's series. Pure: the counting rule and the in-memory table the Memory store keeps;
// the SQL store keeps the same sums in usage_hourly. Never a float, never a log scan.

import { addToCell } from "./counter-cells.ts";

export const HOUR_MS = 3_600_000;
/** The option of a refused decision: nothing was served. */
export const NO_OPTION = "";
/** The regime of spend settled for a decision sealed before regimes were stored with it. */
export const UNKNOWN_REGIME = -1;

/** One hour's sums for one regime and option. */
export interface UsageRow {
  readonly hour: number;
  readonly regime: number;
  readonly option: string;
  readonly decisions: number;
  readonly committedMicros: number;
}

/** One step of a bucket: a sealed decision (decisions 1) or a settled outcome (its charge). */
export interface UsageStep {
  readonly hour: number;
  readonly regime: number;
  readonly option: string;
  readonly decisions: 0 | 1;
  readonly committedMicros: number;
}

/** The UTC hour (hours since the epoch) of a time in ms; floor, so a negative time stays in its own hour. */
export function hourOf(timeMs: number): number {
  if (!Number.isSafeInteger(timeMs)) throw new RangeError(`"timeMs" expected safe integer, got ${timeMs}`);
  return Math.floor(timeMs / HOUR_MS);
}

/** A usage step, checked: the charge is money and must be a safe integer >= 0. */
export function usageStep(
  timeMs: number,
  regime: number,
  option: string,
  charge: { decisions: 0 | 1; committedMicros: number },
): UsageStep {
  if (!Number.isSafeInteger(charge.committedMicros) || charge.committedMicros < 0) {
    throw new RangeError(`"committedMicros" expected safe integer >= 0, got ${charge.committedMicros}`);
  }
  if (!Number.isSafeInteger(regime) || regime < UNKNOWN_REGIME) throw new RangeError(`"regime" expected safe integer >= -1, got ${regime}`);
  return { hour: hourOf(timeMs), regime, option, decisions: charge.decisions, committedMicros: charge.committedMicros };
}

type UsageCells = Map<string, { hour: number; regime: number; option: string; decisions: number; committedMicros: number }>;

export function emptyUsageCells(): UsageCells {
  return new Map();
}

/** Adds one step into in-memory buckets keyed by hour, regime and option; returns its undo. */
export function addUsage(cells: UsageCells, step: UsageStep): () => void {
  const { hour, regime, option, decisions, committedMicros } = step;
  const fresh = () => ({ hour, regime, option, decisions: 0, committedMicros: 0 });
  return addToCell(cells, `${hour}\u0000${regime}\u0000${option}`, fresh, { decisions, committedMicros });
}

/** The buckets of hours >= sinceHour, ordered by hour, regime, option (the SQL store's order). */
export function usageRows(cells: UsageCells, sinceHour: number): UsageRow[] {
  return [...cells.values()]
    .filter((cell) => cell.hour >= sinceHour)
    .map((cell) => ({ ...cell }))
    .sort((a, b) => a.hour - b.hour || a.regime - b.regime || (a.option < b.option ? -1 : a.option > b.option ? 1 : 0));
}
