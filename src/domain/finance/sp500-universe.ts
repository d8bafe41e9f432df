// The S&P 500 pack's universe: the 30 tickers of the data set, their GICS sectors, and the
// regimes (sector x trailing-volatility state). Data only; nothing here reads a file.

import type { PackRegime } from "../domain-pack.ts";

/** GICS sectors of the 30 tickers (the classification in force in 2023, hard-coded). */
export const SECTORS = [
  "information_technology",
  "communication_services",
  "consumer_discretionary",
  "consumer_staples",
  "health_care",
  "financials",
  "energy",
  "industrials",
] as const;
export type Sector = (typeof SECTORS)[number];

/** The 30 stock files (GSPC, the index, is not a record), in replay order: alphabetical. */
export const TICKER_SECTOR: Readonly<Record<string, Sector>> = {
  AAPL: "information_technology",
  AMGN: "health_care",
  AMZN: "consumer_discretionary",
  BA: "industrials",
  BAC: "financials",
  CAT: "industrials",
  CSCO: "information_technology",
  CVX: "energy",
  DIS: "communication_services",
  GS: "financials",
  HD: "consumer_discretionary",
  HON: "industrials",
  IBM: "information_technology",
  INTC: "information_technology",
  JNJ: "health_care",
  JPM: "financials",
  KO: "consumer_staples",
  MCD: "consumer_discretionary",
  MRK: "health_care",
  MSFT: "information_technology",
  NKE: "consumer_discretionary",
  NVDA: "information_technology",
  ORCL: "information_technology",
  PEP: "consumer_staples",
  PFE: "health_care",
  PG: "consumer_staples",
  TXN: "information_technology",
  UNH: "health_care",
  WMT: "consumer_staples",
  XOM: "energy",
};

export const TICKERS: readonly string[] = Object.keys(TICKER_SECTOR).sort();

/*
 * Volatility state: "high" when the stock's 20-day volatility is at or above its own 250-day
 * volatility (a volatility expansion: the stock is moving more than usual), "low" otherwise. A
 * relative threshold, so every sector sees both states (an absolute one would put NVDA always
 * high and KO always low). Both are known at the previous close.
 */
export const VOLATILITY_STATES = ["low", "high"] as const;
export const HIGH = 1;

/** Regime index = sector index x 2 + state (0 low, 1 high): 16 regimes. */
export function regimeIndexOf(sector: Sector, high: boolean): number {
  return SECTORS.indexOf(sector) * VOLATILITY_STATES.length + (high ? HIGH : 0);
}

/*
 * Warm-start floor 9,500 everywhere: before any outcome, a prior of one signal in twenty going
 * wrong (a 2-sigma daily drop is about 2.3 % of days under a normal law, more with fat tails,
 * and the cheapest review catches few of them). The same in every regime: no regime is known to
 * be riskier before the replay starts.
 */
export const SP500_REGIMES: readonly PackRegime[] = SECTORS.flatMap((sector) =>
  VOLATILITY_STATES.map((state) => ({ id: `${sector}/${state}`, warmStartFloorBps: 9_500 })),
);
