// The S&P 500 pack: synthetic files for all 30 tickers (an in-memory slice) checked against a
// plain reference model and exact counts, no look-ahead, goldens on the real files (limited and
// full), refusals of malformed rows naming file and line, and determinism.
import { describe, expect, it } from "vitest";
import { GzipDataReader } from "../../../../src/cli/gzip-data-reader.ts";
import { NOTIONAL_MICROS, SP500 } from "../../../../src/replay/datasets/sp500_yahoo_daily/sp500.ts";
import { CATCH_BPS } from "../../../../src/domain/finance/review-tiers.ts";
import { SP500_REGIMES, TICKER_SECTOR, TICKERS } from "../../../../src/domain/finance/sp500-universe.ts";
import { DataFileError } from "../../../../src/replay/data-reader.ts";
import { drawUnit } from "../../../../src/replay/draws.ts";
import { MemoryDataReader } from "../../../../src/replay/memory-data-reader.ts";
import type { RecordTable } from "../../../../src/replay/record-table.ts";
import { describeRealData } from "../../support/real-data.ts";

const FOLDER = "sp500_yahoo_daily";
const HISTORY_DAYS = 252;
const WINDOW = ["2021-10-27", "2021-10-28", "2021-10-29", "2021-11-01", "2021-11-02"];
const PRICES = [50_000_000, 1_250_000_000, 3_000_000_000, 7_500_000_000];

/** The `count` weekdays before `day`, oldest first. */
function weekdaysBefore(day: string, count: number): string[] {
  const out: string[] = [];
  const at = new Date(`${day}T00:00:00Z`);
  while (out.length < count) {
    at.setUTCDate(at.getUTCDate() - 1);
    if (at.getUTCDay() !== 0 && at.getUTCDay() !== 6) out.push(at.toISOString().slice(0, 10));
  }
  return out.reverse();
}

const DATES = [...weekdaysBefore(WINDOW[0]!, HISTORY_DAYS), ...WINDOW];

/** Window-day returns that differ from +0.5 %: [ticker, window day, return]. */
const SHOCKS: readonly (readonly [string, number, number])[] = [
  ["AAPL", 1, -0.05], // calm lately (20-day vol ~1 %): a large adverse move
  ["JPM", 0, -0.03], // volatile lately (20-day vol ~2 %): -3 % is within 2 sigma, no event
  ["KO", 2, -0.025], // calm lately: an event
  ["XOM", 4, -0.06], // volatile lately: an event
];

/*
 * Returns of ticker k: tickers with an even index were volatile (+-2 % alternating) and are calm
 * over the last 20 history days (+-1 %): the low state; odd ones the reverse: the high state.
 */
function returnsOf(ticker: string): number[] {
  const k = TICKERS.indexOf(ticker);
  const returns = [Number.NaN];
  for (let i = 1; i < HISTORY_DAYS; i++) {
    const recent = i >= HISTORY_DAYS - 20;
    const size = (k % 2 === 0) === recent ? 0.01 : 0.02;
    returns.push(i % 2 === 0 ? size : -size);
  }
  for (let w = 0; w < WINDOW.length; w++) returns.push(SHOCKS.find(([t, d]) => t === ticker && d === w)?.[2] ?? 0.005);
  return returns;
}

function pricesOf(ticker: string): number[] {
  const prices = [100];
  for (const r of returnsOf(ticker).slice(1)) prices.push(prices.at(-1)! * (1 + r));
  return prices;
}

function csvText(ticker: string, prices: readonly number[], dates: readonly string[] = DATES): string {
  const header = ["Index", ...["Open", "High", "Low", "Close", "Volume", "Adjusted"].map((c) => `${ticker}.${c}`)]
    .map((h) => `"${h}"`)
    .join(",");
  const rows = prices.map((p, i) => `"${dates[i]}",${p},${p},${p},${p},1000,${p}`);
  return [header, ...rows].join("\n") + "\n";
}

type Files = Record<string, string>;

function sliceFiles(): Files {
  return Object.fromEntries(TICKERS.map((t) => [`${FOLDER}/${t}.csv.gz`, csvText(t, pricesOf(t))]));
}

/** The plain reference: per record (date-major, ticker-minor) the state, event and value. */
function reference(files: Files): { id: string; high: boolean; event: boolean; value: number; regime: string }[] {
  const sd = (xs: readonly number[]): number => {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    return Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
  };
  const series = TICKERS.map((t) => {
    const rows = files[`${FOLDER}/${t}.csv.gz`]!.trim()
      .split("\n")
      .slice(1)
      .map((line) => line.split(","));
    const adjusted = rows.map((r) => Number(r[6]));
    return {
      t,
      dates: rows.map((r) => r[0]!.slice(1, -1)),
      returns: adjusted.map((p, i) => (i === 0 ? Number.NaN : p / adjusted[i - 1]! - 1)),
    };
  });
  const out = [];
  for (const date of WINDOW) {
    for (const { t, dates, returns } of series) {
      const i = dates.indexOf(date);
      const vol = sd(returns.slice(i - 20, i));
      const high = vol >= sd(returns.slice(i - 250, i));
      out.push({
        id: `${date}/${t}`,
        high,
        event: returns[i]! < -2 * vol,
        value: Math.round(NOTIONAL_MICROS * 2 * vol),
        regime: `${TICKER_SECTOR[t]}/${high ? "high" : "low"}`,
      });
    }
  }
  return out;
}

function successes(table: RecordTable): number[] {
  return Array.from({ length: table.optionCount }, (_, o) => {
    let n = 0;
    for (let i = 0; i < table.count; i++) n += table.success[i * table.optionCount + o]!;
    return n;
  });
}

function counts(values: ArrayLike<number>, size: number): number[] {
  const out = new Array<number>(size).fill(0);
  for (let i = 0; i < values.length; i++) out[values[i]!]!++;
  return out;
}

async function refusal(files: Files): Promise<DataFileError> {
  const error: unknown = await SP500.load(new MemoryDataReader(files), { seed: 1 }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataFileError);
  return error as DataFileError;
}

describe("S&P 500 tables", () => {
  it("maps 30 tickers to 8 sectors and 16 regimes; deeper reviews catch more and cost more", () => {
    expect(TICKERS).toHaveLength(30);
    expect(new Set(Object.values(TICKER_SECTOR)).size).toBe(8);
    expect(SP500_REGIMES).toHaveLength(16);
    for (const row of CATCH_BPS) for (let t = 1; t < row.length; t++) expect(row[t]).toBeGreaterThan(row[t - 1]!);
    expect(Array.from(SP500.pack.catalog.qualityBps)).toEqual([9_702, 9_790, 9_860, 9_968]);
    const catalog = SP500.pack.catalog;
    expect(PRICES.map((_, o) => catalog.inputPriceHigh[o]! * 1_000_000 + catalog.inputPriceLow[o]!)).toEqual(PRICES);
  });
});

describe("S&P 500 on synthetic files", () => {
  it("maps states, events, values and costs as the reference model does, in date-then-ticker order", async () => {
    const files = sliceFiles();
    const table = await SP500.load(new MemoryDataReader(files), { seed: 3 });
    const expected = reference(files);
    expect(table.count).toBe(150);
    expect(table.ids).toEqual(expected.map((r) => r.id));
    expect(table.ids.slice(0, 2)).toEqual(["2021-10-27/AAPL", "2021-10-27/AMGN"]);
    expect(Array.from(table.regime, (r) => SP500_REGIMES[r]!.id)).toEqual(expected.map((r) => r.regime));
    expect(Array.from(table.event, Boolean)).toEqual(expected.map((r) => r.event));
    expect(Array.from(table.valueMicros)).toEqual(expected.map((r) => r.value));
    // By hand: AAPL's 20-day volatility on the first window day is 1 % x sqrt(20/19), so the value
    // is $100,000 x 2 x 0.0102598 = $2,051.96 (205,195,670,417 microcents).
    expect(table.valueMicros[0]).toBe(205_195_670_417);
    expect(table.ids.filter((_, i) => table.event[i] === 1)).toEqual(["2021-10-28/AAPL", "2021-10-29/KO", "2021-11-02/XOM"]);
    // Even-indexed tickers (AAPL, BAC, ...) are low on all five days, odd ones (AMGN, BA, ...) high.
    expect(counts(table.regime, 16)).toEqual([25, 15, 5, 0, 15, 5, 10, 10, 15, 10, 5, 10, 0, 10, 0, 15]);
    expect(
      counts(
        Array.from(table.regime, (r) => r % 2),
        2,
      ),
    ).toEqual([75, 75]);
    expect(Array.from(table.inputTokens)).toEqual(expected.map(() => 1_000_000));
    expect(Array.from(table.riskBps)).toEqual(expected.map(() => 0));
    for (let i = 0; i < table.count; i++) expect(Array.from(table.costMicros.slice(i * 4, i * 4 + 4))).toEqual(PRICES);
  });

  it("succeeds on a day without an adverse move, and on one iff the review's catch rate beats the draw", async () => {
    const seed = 3;
    const files = sliceFiles();
    const table = await SP500.load(new MemoryDataReader(files), { seed });
    const expected = reference(files);
    for (let i = 0; i < table.count; i++) {
      const u = drawUnit(seed, i, 0) * 10_000;
      for (let t = 0; t < 4; t++) {
        const success = !expected[i]!.event || u < CATCH_BPS[expected[i]!.high ? 1 : 0]![t]!;
        expect(table.success[i * 4 + t], `${table.ids[i]} tier ${t}`).toBe(success ? 1 : 0);
        expect(table.qualityBps[i * 4 + t]).toBe(success ? 10_000 : 0);
      }
    }
    expect(successes(table)).toEqual([147, 149, 149, 150]);
  });

  it("honours limit in replay order", async () => {
    const files = sliceFiles();
    const full = await SP500.load(new MemoryDataReader(files), { seed: 3 });
    const first = await SP500.load(new MemoryDataReader(files), { seed: 3, limit: 45 });
    expect(first.count).toBe(45);
    expect(first.ids).toEqual(full.ids.slice(0, 45));
    expect(Array.from(first.success)).toEqual(Array.from(full.success.slice(0, 180)));
    expect((await SP500.load(new MemoryDataReader(files), { seed: 3, limit: 0 })).count).toBe(0);
    await expect(SP500.load(new MemoryDataReader(files), { seed: 3, limit: -5 })).rejects.toThrow(RangeError);
  });

  it("never looks ahead: changing a day's close changes that day's event only, not its value or state", async () => {
    const files = sliceFiles();
    const prices = pricesOf("AAPL");
    prices[prices.length - 1] = prices.at(-2)! * 0.9; // AAPL falls 10 % on the window's last day
    const changed = { ...files, [`${FOLDER}/AAPL.csv.gz`]: csvText("AAPL", prices) };
    const a = await SP500.load(new MemoryDataReader(files), { seed: 3 });
    const b = await SP500.load(new MemoryDataReader(changed), { seed: 3 });
    const last = a.ids.indexOf("2021-11-02/AAPL");
    expect([a.event[last], b.event[last]]).toEqual([0, 1]);
    expect(b.valueMicros).toEqual(a.valueMicros);
    expect(b.regime).toEqual(a.regime);
    expect(Array.from(b.event).filter((e, i) => e !== a.event[i])).toHaveLength(1);
  });
});

describe("S&P 500 refuses malformed files, naming file and line", () => {
  const aapl = `${FOLDER}/AAPL.csv.gz`;
  const withAapl = (edit: (lines: string[]) => void): Files => {
    const files = sliceFiles();
    const lines = files[aapl]!.trimEnd().split("\n");
    edit(lines);
    return { ...files, [aapl]: lines.join("\n") + "\n" };
  };
  const cases: readonly [string, (lines: string[]) => void, number, RegExp][] = [
    ["a non-number close", (l) => (l[200] = l[200]!.replace(/,[^,]+$/, ",NA")), 201, /column "AAPL.Adjusted": expected a number, got "NA"/],
    ["a zero close", (l) => (l[200] = l[200]!.replace(/,[^,]+$/, ",0")), 201, /expected a positive price/],
    ["a truncated row", (l) => (l[255] = l[255]!.slice(0, 20)), 256, /expected 7 fields, got 2/],
    ["a bad date", (l) => (l[10] = l[10]!.replace(/^"[^"]+"/, '"2021/01/05"')), 11, /column "Index": expected a date/],
    ["a repeated date", (l) => (l[10] = l[10]!.replace(/^"[^"]+"/, l[9]!.slice(0, 12))), 11, /does not follow/],
    ["a wrong header", (l) => (l[0] = l[0]!.replace("AAPL.Adjusted", "AAPL.Adj")), 1, /header has no column "AAPL.Adjusted"/],
  ];
  for (const [name, edit, line, message] of cases) {
    it(`refuses ${name}`, async () => {
      const error = await refusal(withAapl(edit));
      expect(error.file).toBe(aapl);
      expect(error.line).toBe(line);
      expect(error.message).toMatch(message);
    });
  }

  it("refuses a ticker whose window days differ from the others'", async () => {
    const files = sliceFiles();
    const dates = [...DATES];
    dates[HISTORY_DAYS + 2] = "2021-10-30"; // a Saturday instead of 2021-10-29
    const error = await refusal({ ...files, [`${FOLDER}/MSFT.csv.gz`]: csvText("MSFT", pricesOf("MSFT"), dates) });
    expect(error.file).toBe(`${FOLDER}/MSFT.csv.gz`);
    expect(error.line).toBe(HISTORY_DAYS + 4);
    expect(error.message).toMatch(/trading day 2021-10-30 where sp500_yahoo_daily\/AAPL.csv.gz has 2021-10-29/);
  });

  it("refuses a ticker that misses a window day", async () => {
    const files = sliceFiles();
    const msft = `${FOLDER}/MSFT.csv.gz`;
    const lines = files[msft]!.trimEnd().split("\n");
    lines.splice(HISTORY_DAYS + 2, 1); // 2021-10-28, the window's second day (line 255)
    const error = await refusal({ ...files, [msft]: lines.join("\n") + "\n" });
    expect(error.file).toBe(msft);
    expect(error.line).toBe(HISTORY_DAYS + 3);
    expect(error.message).toMatch(/trading day 2021-10-29 where sp500_yahoo_daily\/AAPL.csv.gz has 2021-10-28/);
  });

  it("refuses a file without the 251 days of history the features need", async () => {
    const files = sliceFiles();
    const error = await refusal({ ...files, [`${FOLDER}/NVDA.csv.gz`]: csvText("NVDA", pricesOf("NVDA").slice(10), DATES.slice(10)) });
    expect(error.file).toBe(`${FOLDER}/NVDA.csv.gz`);
    expect(error.line).toBe(HISTORY_DAYS - 10 + 2);
    expect(error.message).toMatch(/has 242 days of history, the features need 251/);
  });

  it("refuses a missing ticker file", async () => {
    const files = sliceFiles();
    delete files[`${FOLDER}/GS.csv.gz`];
    expect((await refusal(files)).file).toBe(`${FOLDER}/GS.csv.gz`);
  });
});

describe("S&P 500 determinism", () => {
  it("gives the same table for the same seed; another seed changes draws, never the real parts", async () => {
    const files = sliceFiles();
    const a = await SP500.load(new MemoryDataReader(files), { seed: 21 });
    const b = await SP500.load(new MemoryDataReader(files), { seed: 21 });
    expect(b).toEqual(a);
    let changed = false;
    for (let seed = 22; seed < 30 && !changed; seed++) {
      const c = await SP500.load(new MemoryDataReader(files), { seed });
      for (const key of ["ids", "regime", "inputTokens", "valueMicros", "riskBps", "event", "costMicros"] as const)
        expect(c[key], key).toEqual(a[key]);
      changed = Array.from(c.success).some((s, i) => s !== a.success[i]);
    }
    expect(changed).toBe(true);
  });
});

describeRealData("S&P 500 on the real files", () => {
  const gzip = new GzipDataReader();

  it("pins the first 2,000 signals (golden, seed 1)", async () => {
    const table = await SP500.load(gzip, { seed: 1, limit: 2_000 });
    expect(table.count).toBe(2_000);
    // 2,000 = 66 days x 30 + 20: the last is the 20th ticker (MSFT) of the 67th window day.
    expect([table.ids[0], table.ids[1_999]]).toEqual(["2021-10-27/AAPL", "2022-02-01/MSFT"]);
    expect(counts(table.regime, 16)).toEqual([287, 246, 34, 33, 113, 154, 140, 125, 133, 200, 92, 109, 120, 13, 96, 105]);
    expect(counts(table.event, 2)[1]).toBe(70);
    expect(successes(table)).toEqual([1_943, 1_959, 1_968, 1_994]);
    expect(table.valueMicros.reduce((a, b) => a + b, 0)).toBe(617_424_258_457_074);
  });

  it("loads all 15,120 signals: 504 days x 30 tickers (golden, seed 1)", { timeout: 30_000 }, async () => {
    const table = await SP500.load(gzip, { seed: 1 });
    expect(table.count).toBe(SP500.expectedRecords);
    expect([table.ids[0], table.ids.at(-1)]).toEqual(["2021-10-27/AAPL", "2023-10-27/XOM"]);
    // Regime sizes and events recomputed once by an independent script over the files.
    expect(counts(table.regime, 16)).toEqual([2_392, 1_640, 255, 249, 1_135, 881, 1_300, 716, 1_470, 1_050, 869, 643, 669, 339, 833, 679]);
    expect(counts(table.event, 2)[1]).toBe(523);
    expect(successes(table)).toEqual([14_661, 14_793, 14_892, 15_066]);
    expect(table.valueMicros.reduce((a, b) => a + b, 0)).toBe(5_052_915_475_446_298);
  });
});
