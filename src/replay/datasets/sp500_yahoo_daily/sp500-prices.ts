// One ticker's daily series from its Yahoo CSV (written by R's write.zoo): dates and adjusted
// closes, validated row by row, and the trailing statistics the pack derives from them. Pure but
// for the injected reader; a feature of day i may only read returns of days before i.

import { DataFileError, expectWidth, headerIndex, numberField, type DataReader } from "../../data-reader.ts";

export interface PriceSeries {
  readonly file: string;
  /** Trading days, "YYYY-MM-DD", strictly increasing. */
  readonly dates: readonly string[];
  /** 1-based file line of each day, for error messages. */
  readonly lines: Int32Array;
  /** Simple daily return of the adjusted close: returns[i] = adjusted[i] / adjusted[i - 1] - 1; returns[0] = NaN. */
  readonly returns: Float64Array;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function tickerFile(folder: string, ticker: string): string {
  return `${folder}/${ticker}.csv.gz`;
}

/** Reads `<folder>/<ticker>.csv.gz`: header `"Index","<T>.Open",...,"<T>.Adjusted"`, one row a day. */
export async function readPriceSeries(reader: DataReader, folder: string, ticker: string): Promise<PriceSeries> {
  const file = tickerFile(folder, ticker);
  const columns = ["Index", ...["Open", "High", "Low", "Close", "Volume", "Adjusted"].map((name) => `${ticker}.${name}`)];
  let dateAt = -1;
  let adjustedAt = -1;
  const dates: string[] = [];
  const lines: number[] = [];
  const adjusted: number[] = [];
  for await (const row of reader.csv(file)) {
    if (adjustedAt < 0) {
      const at = headerIndex(row, file, columns);
      expectWidth(row, columns.length, file);
      dateAt = at["Index"]!;
      adjustedAt = at[`${ticker}.Adjusted`]!;
      continue;
    }
    expectWidth(row, columns.length, file);
    const date = row.fields[dateAt]!;
    if (!DATE.test(date))
      throw new DataFileError(file, row.line, `column "Index": expected a date YYYY-MM-DD, got ${JSON.stringify(date.slice(0, 40))}`);
    const previous = dates.at(-1);
    if (previous !== undefined && date <= previous) throw new DataFileError(file, row.line, `date ${date} does not follow ${previous}`);
    const price = numberField(row, adjustedAt, file, `${ticker}.Adjusted`);
    if (!(price > 0)) throw new DataFileError(file, row.line, `column "${ticker}.Adjusted": expected a positive price, got ${price}`);
    dates.push(date);
    lines.push(row.line);
    adjusted.push(price);
  }
  if (adjustedAt < 0) throw new DataFileError(file, 0, "empty file (no header)");
  const returns = new Float64Array(adjusted.length);
  returns[0] = Number.NaN;
  for (let i = 1; i < adjusted.length; i++) returns[i] = adjusted[i]! / adjusted[i - 1]! - 1;
  return { file, dates, lines: Int32Array.from(lines), returns };
}

/**
 * Sample standard deviation (n - 1) of the `days` returns before day `end`: returns[end - days]
 * ... returns[end - 1]. Never reads returns[end] or later (no look-ahead); needs end - days >= 1.
 */
export function trailingVolatility(returns: Float64Array, end: number, days: number): number {
  if (!(Number.isSafeInteger(end) && Number.isSafeInteger(days) && days >= 2 && end - days >= 1 && end <= returns.length)) {
    throw new RangeError(`trailingVolatility: window of ${String(days)} returns before day ${String(end)} is out of range`);
  }
  let sum = 0;
  for (let j = end - days; j < end; j++) sum += returns[j]!;
  const mean = sum / days;
  let squares = 0;
  for (let j = end - days; j < end; j++) squares += (returns[j]! - mean) ** 2;
  return Math.sqrt(squares / (days - 1));
}
