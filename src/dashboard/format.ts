// Text forms of the dashboard's numbers: money from integer micros (1 USD = 10^8 micros), basis
// points as percentages, times in UTC. Pure, so a test pins what a screen reader will hear.

import { MICROS_PER_USD } from "./series.ts";

/** Micros as dollars: cents for large amounts, more digits for the sub-cent costs of one request. */
export function usd(micros: number): string {
  if (!Number.isFinite(micros)) return "n/a";
  const dollars = micros / MICROS_PER_USD;
  const digits = Math.abs(dollars) >= 1 ? 2 : Math.abs(dollars) >= 0.01 ? 4 : 6;
  const text = Math.abs(dollars).toFixed(digits);
  return `${dollars < 0 ? "-" : ""}$${text}`;
}

export function percentFromBps(bps: number): string {
  return `${(bps / 100).toFixed(2)}%`;
}

export function percent(share: number | null): string {
  return share === null || !Number.isFinite(share) ? "n/a" : `${(share * 100).toFixed(1)}%`;
}

/** An ISO time in UTC, to the second. */
export function utc(ms: number): string {
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC` : "n/a";
}

export function interval(low: number, high: number, unit: (value: number) => string): string {
  return `[${unit(low)}, ${unit(high)}]`;
}
