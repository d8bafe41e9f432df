// The dashboard's figures, as pure functions of the API's answers: the hour axis and the spend
// and routing-mix series of GET /v1/usage, posterior intervals of GET /v1/regimes, and savings
// against always-best from GET /v1/evaluation. Floats are fine here: these are reports, and
// nothing a decision depends on is computed in the page.

import type { Estimate, UsageBucket, UsageJson } from "./answers.ts";

export const MICROS_PER_USD = 100_000_000;
/** The most hours an axis may span: GET /v1/usage answers a week at most, so more is a malformed answer. */
const AXIS_HOURS_MAX = 24 * 31;

/** Hours an axis shows at least, so a young tenant's few hours of data still sit on a readable axis. */
const AXIS_HOURS_MIN = 6;

/**
 * The start of every bucket the charts show, in seconds (uPlot's time unit): from the first hour
 * with data (or AXIS_HOURS_MIN before the end, if earlier) to to_ms, never before from_ms. Hours
 * before a tenant's first decision would only squeeze its data against the right edge.
 */
export function hourAxis(usage: UsageJson): number[] {
  const count = Math.floor((usage.to_ms - usage.from_ms) / usage.bucket_ms);
  if (!Number.isSafeInteger(count) || count < 0 || count > AXIS_HOURS_MAX) throw new RangeError(`"usage" spans ${count} buckets`);
  const first = usage.buckets.reduce((min, bucket) => Math.min(min, bucket.hour_ms), usage.to_ms);
  const start = Math.max(usage.from_ms, Math.min(first, usage.to_ms - AXIS_HOURS_MIN * usage.bucket_ms));
  const shown = Math.floor((usage.to_ms - start) / usage.bucket_ms);
  return Array.from({ length: shown }, (_, i) => (start + i * usage.bucket_ms) / 1000);
}

function slotOf(x: readonly number[], usage: UsageJson, bucket: UsageBucket): number | null {
  if (x.length === 0) return null;
  const slot = Math.floor((bucket.hour_ms - x[0]! * 1000) / usage.bucket_ms);
  return slot >= 0 && slot < x.length ? slot : null;
}

/**
 * Series stacked for drawing as overlapping bars: each is the running sum of its own and every
 * earlier series, drawn tallest first so each shorter bar paints over the bottom of the one
 * before; `own` keeps each series' own values for the legend and the table.
 */
export function stacked(series: readonly NamedSeries[]): { label: string; values: number[]; own: number[] }[] {
  const sums: { label: string; values: number[]; own: number[] }[] = [];
  let running: number[] = series[0]?.values.map(() => 0) ?? [];
  for (const s of series) {
    running = running.map((sum, i) => sum + (s.values[i] ?? 0));
    sums.push({ label: s.label, values: running, own: s.values.slice() });
  }
  return sums.reverse();
}

/** Settled spend per hour and its running total, in USD. */
export function spendSeries(usage: UsageJson): { x: number[]; perHourUsd: number[]; cumulativeUsd: number[] } {
  const x = hourAxis(usage);
  const micros = new Array<number>(x.length).fill(0);
  for (const bucket of usage.buckets) {
    const slot = slotOf(x, usage, bucket);
    if (slot !== null) micros[slot]! += bucket.committed_micros;
  }
  let total = 0;
  const cumulativeUsd = micros.map((value) => (total += value) / MICROS_PER_USD);
  return { x, perHourUsd: micros.map((value) => value / MICROS_PER_USD), cumulativeUsd };
}

export interface NamedSeries {
  readonly label: string;
  readonly values: number[];
}

/** Decisions served per hour by each option, in one regime or all (null); refused decisions are their own series. */
export function mixSeries(usage: UsageJson, regime: string | null): { x: number[]; series: NamedSeries[] } {
  const x = hourAxis(usage);
  const byOption = new Map<string, number[]>();
  for (const bucket of usage.buckets) {
    if (bucket.decisions === 0 || (regime !== null && bucket.regime !== regime)) continue;
    const slot = slotOf(x, usage, bucket);
    if (slot === null) continue;
    const label = bucket.option ?? "refused";
    const values = byOption.get(label) ?? new Array<number>(x.length).fill(0);
    values[slot]! += bucket.decisions;
    byOption.set(label, values);
  }
  const series = [...byOption].map(([label, values]) => ({ label, values })).sort((a, b) => (a.label < b.label ? -1 : 1));
  return { x, series };
}

export interface MixCell {
  readonly regime: string;
  readonly option: string;
  readonly decisions: number;
  /** Share of the regime's decisions, 0..1. */
  readonly share: number;
}

/** Decisions per regime and option over the whole window, with each option's share of its regime. */
export function mixTotals(usage: UsageJson): MixCell[] {
  const counts = new Map<string, { regime: string; option: string; decisions: number }>();
  const perRegime = new Map<string, number>();
  for (const bucket of usage.buckets) {
    if (bucket.decisions === 0) continue;
    const option = bucket.option ?? "refused";
    const key = `${bucket.regime}\u0000${option}`;
    const cell = counts.get(key) ?? { regime: bucket.regime, option, decisions: 0 };
    cell.decisions += bucket.decisions;
    counts.set(key, cell);
    perRegime.set(bucket.regime, (perRegime.get(bucket.regime) ?? 0) + bucket.decisions);
  }
  return [...counts.values()]
    .map((cell) => ({ ...cell, share: cell.decisions / perRegime.get(cell.regime)! }))
    .sort((a, b) => (a.regime < b.regime ? -1 : a.regime > b.regime ? 1 : b.decisions - a.decisions));
}

/**
 * The Beta(alpha, beta) posterior's mean and an approximate 95 % interval: mean ± 1.96 standard
 * deviations, clipped to [0, 1]. Close to the exact quantiles once alpha + beta passes a few
 * dozen, which the warm-start priors (strength 100) always do; a report, not a decision.
 */
export function betaInterval(alpha: number, beta: number): { mean: number; low: number; high: number } {
  if (!(alpha > 0) || !(beta > 0) || !Number.isFinite(alpha + beta)) throw new RangeError(`Beta(${alpha}, ${beta}) is not a distribution`);
  const n = alpha + beta;
  const mean = alpha / n;
  const sd = Math.sqrt((alpha * beta) / (n * n * (n + 1)));
  return { mean, low: Math.max(0, mean - 1.96 * sd), high: Math.min(1, mean + 1.96 * sd) };
}

/** One regime's production value against always routing to its best option, both by DR. */
export interface RegimeSavings {
  readonly regime: string;
  readonly best: string;
  readonly production: Estimate;
  readonly alwaysBest: Estimate;
  /** Production minus always-best, micros per decision (positive: production is worth more). */
  readonly savingsMicros: number;
}

/**
 * Savings against always-best: per regime, production's doubly robust value per decision minus
 * that of always serving the regime's best option (the highest posterior quality), then the mean
 * over regimes weighted by production's evaluated outcomes. Regimes missing either estimate are
 * left out, so an empty list means there is nothing to compare yet.
 */
export function savingsAgainstBest(
  regimes: readonly { readonly regime: string; readonly best: string; readonly production: Estimate | null }[],
  fixed: readonly { readonly regime: string; readonly option: string; readonly dr: Estimate | null }[],
): { readonly perRegime: RegimeSavings[]; readonly meanMicros: number | null; readonly totalMicros: number } {
  const perRegime: RegimeSavings[] = [];
  for (const { regime, best, production } of regimes) {
    const alwaysBest = fixed.find((f) => f.regime === regime && f.option === best)?.dr ?? null;
    if (production === null || alwaysBest === null || production.n === 0) continue;
    perRegime.push({ regime, best, production, alwaysBest, savingsMicros: production.estimate_micros - alwaysBest.estimate_micros });
  }
  const weight = perRegime.reduce((sum, r) => sum + r.production.n, 0);
  const totalMicros = perRegime.reduce((sum, r) => sum + r.savingsMicros * r.production.n, 0);
  return { perRegime, meanMicros: weight === 0 ? null : totalMicros / weight, totalMicros };
}
