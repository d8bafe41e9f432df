// S&P 500, 30 large caps from Yahoo Finance: each stock-day in the two-year window is a trading
// signal to review before the open. Whether the next move is a large adverse one is REAL (from
// adjusted closes); whether a review depth would have flagged it is MODELLED, drawn per record.

import { DataFileError, type DataReader } from "../../data-reader.ts";
import { drawUnit } from "../../draws.ts";
import { RecordTableBuilder, type OptionOutcome, type RecordTable } from "../../record-table.ts";
import { recordLimit, type ReplayDataset } from "../../replay-dataset.ts";
import { tierCostMicros, tierPack, WORK_UNITS_PER_RECORD } from "../../../domain/tier-pack.ts";
import { readPriceSeries, trailingVolatility, type PriceSeries } from "./sp500-prices.ts";
import { HIGH, regimeIndexOf, TICKER_SECTOR, TICKERS, VOLATILITY_STATES } from "../../../domain/finance/sp500-universe.ts";
import { FINANCE_SOURCE } from "../../../domain/finance/finance-pack.ts";
import { CATCH_BPS, REVIEW_TIERS } from "../../../domain/finance/review-tiers.ts";

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

/** One state's row of the catch table as provenance text, e.g. "0.1/0.35/0.55/0.9". */
function catchRates(state: number): string {
  return CATCH_BPS[state]!.map((bps) => bps / 10_000).join("/");
}

const PACK = tierPack(FOLDER, FINANCE_SOURCE);
const TIER_COUNT = REVIEW_TIERS.length;

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
    throw new DataFileError(
      series.file,
      series.lines[first]!,
      `${series.dates[first]} has ${first} days of history, the features need ${BASELINE_DAYS + 1}`,
    );
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
        throw new DataFileError(
          series.file,
          line,
          `trading day ${date ?? "(end of file)"} where ${reference.series.file} has ${dates[w] ?? "no more days"} in the window`,
        );
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
  warmStart: {},
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
