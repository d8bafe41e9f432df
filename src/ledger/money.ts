// Boundary checks for money: every amount that enters the ledger passes here. Amounts are
// integer microcents in [0, 2^53 - 1]; NaN, Infinity, -0, fractions and anything larger are
// refused with a typed failure before any state changes.

import { ledgerFailure, type LedgerFailure } from "./ledger-codes.ts";

export const MICROS_MAX = Number.MAX_SAFE_INTEGER;

/** The amount itself when it is valid money, else an amount_invalid failure naming the field. */
export function checkMicros(value: unknown, field: string): number | LedgerFailure {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || Object.is(value, -0)) {
    return ledgerFailure("amount_invalid", `"${field}" expected integer microcents in [0, 2^53 - 1], got ${show(value)}`);
  }
  return value;
}

/** a + b when the sum stays a safe integer, else null: callers refuse rather than round. */
export function addMicros(a: number, b: number): number | null {
  const sum = a + b;
  return Number.isSafeInteger(sum) ? sum : null;
}

function show(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string") return JSON.stringify(value.slice(0, 32));
  return value === null ? "null" : typeof value;
}
