// S&P 500, 30 large caps from Yahoo Finance: each stock-day in the two-year window is a trading
// signal to review before the open. Whether the next move is a large adverse one is REAL (from
// adjusted closes); whether a review depth would have flagged it is MODELLED, drawn per record.

import { DataFileError, type DataReader } from "../../data-reader.ts";
import { drawUnit } from "../../draws.ts";
import { RecordTableBuilder, type OptionOutcome, type RecordTable } from "../../record-table.ts";
import { recordLimit, type ReplayDataset } from "../../replay-dataset.ts";
import { tierCostMicros, tierPack, WORK_UNITS_PER_RECORD, type TierSpec } from "../../../domain/tier-pack.ts";
import { readPriceSeries, trailingVolatility, type PriceSeries } from "./sp500-prices.ts";
import { HIGH, regimeIndexOf, SP500_REGIMES, TICKER_SECTOR, TICKERS, VOLATILITY_STATES } from "../../../domain/finance/sp500-universe.ts";

const FOLDER = "sp500_yahoo_daily";

/*
 * Records: every ticker and every trading day d with 2021-10-27 <= d <= 2023-10-27 (504 days x
 * 30 = 15,120). The record is the signal reviewed after the close of the day BEFORE d, and its
 * outcome is d's close-to-close return: every feature reads closes up to the day before d, the
 * outcome reads d. (Shifting the signal one day back keeps the window's last day, 2023-10-27,
 * the file's last row, with a real outcome and no invented one.)
 */
export const WINDOW_FIRST = "2021-10-27";
export const WINDOW_LAST = "2023-10-27";
export const VOLATILITY_DAYS = 20;
/** The 250-day (one trading year) volatility, the yardstick of the volatility state. */
export const BASELINE_DAYS = 250;
/** A large adverse move: a return below -K_SIGMA x the 20-day volatility known the day before. */
export const K_SIGMA = 2;
/**
 * Value: the loss a caught move avoids on a $100,000 position, at the smallest move that counts
 * (K_SIGMA x the 20-day volatility), in microcents: known at the previous close, never the outcome.
 */
export const NOTIONAL_MICROS = 100_000 * 100_000_000;
/** The draws.ts stream of the review's uniform. */
const REVIEW_STREAM = 0;

/*
 * The MODELLED review, in bps: tier t flags a coming adverse move iff the record's uniform
 * u < CATCH_BPS[state][t] (one u per record, shared by the tiers: a deeper review flags every
 * move a cheaper one flags). A day without an adverse move is always a success (no cost of a
 * false flag is modelled). In the high-volatility state the stock is already moving and
 * watched, so every depth flags a drop a little more often. Judgement, not measurement.
 */
export const CATCH_BPS: readonly (readonly number[])[] = [
  // auto  quant  analyst committee
  [1_000, 3_500, 5_500, 9_000], // low volatility
  [2_000, 4_500, 6_500, 9_200], // high volatility
];

/** One state's row of the catch table as provenance text, e.g. "0.1/0.35/0.55/0.9". */
function catchRates(state: number): string {
  return CATCH_BPS[state]!.map((bps) => bps / 10_000).join("/");
}

/** Prior share of adverse moves behind the tiers' static quality: 3.5 % (a fat-tailed 2-sigma). */
const PRIOR_EVENT_BPS = 350;

/** Static quality: 1 - prior event share x the tier's miss rate averaged over the two states. */
function tierQualityBps(tier: number): number {
  const catchBps = (CATCH_BPS[0]![tier]! + CATCH_BPS[1]![tier]!) / 2;
  return Math.floor(10_000 - (PRIOR_EVENT_BPS * (10_000 - catchBps)) / 10_000);
}

/*
 * Review depths in increasing cost per signal: an automated rule check ($0.50, 100 ms), a quant
 * risk model run ($12.50, 5 s), an analyst's review ($30, 20 min), the risk committee ($75 per
 * signal, its sitting shared over the signals it hears; 1 h). All finish overnight, before the
 * open, so latency is not priced (warmStart below). Qualities 9,702, 9,790, 9,860, 9,968.
 * At these prices no depth wins everywhere: the best fixed depth per regime in hindsight (seed 1)
 * is the automated check in 3 regimes (quiet ones: few adverse moves), the quant model in 3, the
 * analyst in 9 and the committee in 1.
 */
const SP500_TIERS: readonly TierSpec[] = [
  { id: "automated_check", latencyMsP50: 100, costPerRecordMicros: 50_000_000 },
  { id: "quant_model", latencyMsP50: 5_000, costPerRecordMicros: 1_250_000_000 },
  { id: "analyst_review", latencyMsP50: 1_200_000, costPerRecordMicros: 3_000_000_000 },
  { id: "committee", latencyMsP50: 3_600_000, costPerRecordMicros: 7_500_000_000 },
].map((tier, t) => ({ ...tier, qualityBps: tierQualityBps(t) }));

const PACK = tierPack(FOLDER, "desk", SP500_TIERS, SP500_REGIMES);
const TIER_COUNT = SP500_TIERS.length;

interface WindowedSeries {
  readonly ticker: string;
  readonly series: PriceSeries;
  /** Index of the window's first day in the series. */
  readonly first: number;
}

/** Locates the window in one series and checks it has the history the features need. */
function windowOf(ticker: string, series: PriceSeries): WindowedSeries {
  const first = series.dates.findIndex((date) => date >= WINDOW_FIRST);
  if (first < 0 || series.dates[first]! > WINDOW_LAST) {
    throw new DataFileError(series.file, series.lines.at(-1) ?? 0, `no trading day in ${WINDOW_FIRST} ... ${WINDOW_LAST}`);
  }
  if (first < BASELINE_DAYS + 1) {
    throw new DataFileError(series.file, series.lines[first]!, `${series.dates[first]} has ${first} days of history, the features need ${BASELINE_DAYS + 1}`);
  }
  return { ticker, series, first };
}

/** The window's trading days, checked to be the same in every file (records are ticker-days). */
function windowDates(all: readonly WindowedSeries[]): readonly string[] {
  const reference = all[0]!;
  const dates = reference.series.dates.slice(reference.first).filter((date) => date <= WINDOW_LAST);
  for (const { series, first } of all) {
    for (let w = 0; w <= dates.length; w++) {
      const date = series.dates[first + w];
      const inWindow = date !== undefined && date <= WINDOW_LAST;
      if (w === dates.length ? inWindow : date !== dates[w]) {
        const line = series.lines[first + w] ?? series.lines.at(-1) ?? 0;
        throw new DataFileError(series.file, line, `trading day ${date ?? "(end of file)"} where ${reference.series.file} has ${dates[w] ?? "no more days"} in the window`);
      }
    }
  }
  return dates;
}

function outcomesOf(event: boolean, u: number, catchBps: readonly number[]): OptionOutcome[] {
  return catchBps.map((bps, t) => {
    const success = !event || u < bps;
    return { success, qualityBps: success ? 10_000 : 0, costMicros: tierCostMicros(PACK, t, WORK_UNITS_PER_RECORD) };
  });
}

async function loadSignals(reader: DataReader, limit: number | undefined, seed: number): Promise<RecordTable> {
  const most = recordLimit(limit);
  const all = await Promise.all(TICKERS.map(async (ticker) => windowOf(ticker, await readPriceSeries(reader, FOLDER, ticker))));
  const dates = windowDates(all);
  const count = Math.min(most, dates.length * all.length);
  const builder = new RecordTableBuilder(TIER_COUNT);
  // Replay order: by date, then ticker (alphabetical).
  for (let index = 0; index < count; index++) {
    const w = Math.floor(index / all.length);
    const { ticker, series, first } = all[index % all.length]!;
    const day = first + w;
    const volatility = trailingVolatility(series.returns, day, VOLATILITY_DAYS);
    const high = volatility >= trailingVolatility(series.returns, day, BASELINE_DAYS);
    const event = series.returns[day]! < -K_SIGMA * volatility;
    const u = drawUnit(seed, index, REVIEW_STREAM) * 10_000;
    builder.push({
      id: `${dates[w]}/${ticker}`,
      regimeIndex: regimeIndexOf(TICKER_SECTOR[ticker]!, high),
      inputTokens: WORK_UNITS_PER_RECORD,
      maxOutputTokens: 1,
      valueMicros: Math.round(NOTIONAL_MICROS * K_SIGMA * volatility),
      riskBps: 0,
      event,
      outcomes: outcomesOf(event, u, CATCH_BPS[high ? HIGH : 0]!),
    });
  }
  return builder.build();
}

export const SP500: ReplayDataset = {
  id: FOLDER,
  industry: "finance",
  title: `S&P 500 (30 large caps, Yahoo daily): trading signals reviewed at four depths, ${WINDOW_FIRST} to ${WINDOW_LAST}`,
  pack: PACK,
  warmStart: { latencyBpsPerSecond: 0 },
  provenance: {
    real:
      "Adjusted closes: the outcome day's return and whether it is a large adverse move (below -2 x the 20-day " +
      "volatility of the days before: the events); the 20-day volatility (the value: $100,000 x 2 x volatility) and " +
      `its ratio to the 250-day volatility (the ${VOLATILITY_STATES.join("/")} state). Tickers' GICS sectors (hard-coded).`,
    modelled:
      "Whether a review depth flags an adverse move: one uniform u per record, tier t flags iff u < p[t]; p " +
      `(automated check / quant model / analyst / committee) ${catchRates(0)} in the low-volatility state, ` +
      `${catchRates(HIGH)} in the high one. A day without an adverse move is always a success (no false-flag cost). ` +
      "Review costs ($0.50, $12.50, $30, $75 per signal) and latencies (100 ms, 5 s, 20 min, 1 h; not priced); risk 0.",
  },
  missLabel: "adverse moves missed",
  expectedRecords: 15_120,
  load: (reader, options) => loadSignals(reader, options.limit, options.seed),
};
