// The budget as a pure state machine over integer microcents. available = credited - committed -
// reserved is never negative after any operation; every function returns a new value and
// changes nothing when it refuses.

import { ledgerFailure, type LedgerFailure } from "./ledger-codes.ts";
import { addMicros } from "./money.ts";

export interface Budget {
  readonly creditedMicros: number;
  readonly committedMicros: number;
  readonly reservedMicros: number;
}

export const EMPTY_BUDGET: Budget = { creditedMicros: 0, committedMicros: 0, reservedMicros: 0 };

export function availableMicros(budget: Budget): number {
  return budget.creditedMicros - budget.committedMicros - budget.reservedMicros;
}

/** Adds credit; a balance above 2^53 - 1 microcents cannot be held exactly, so it is refused. */
export function topUp(budget: Budget, amountMicros: number): Budget | LedgerFailure {
  const credited = addMicros(budget.creditedMicros, amountMicros);
  if (credited === null) {
    return ledgerFailure("balance_limit_exceeded", "credited balance would exceed 2^53 - 1 microcents (about 90 million USD)");
  }
  return { ...budget, creditedMicros: credited };
}

/** Index of the first candidate cost that fits the available budget, or -1 (budget gate fails). */
export function firstFitting(budget: Budget, costsMicros: readonly number[]): number {
  const available = availableMicros(budget);
  return costsMicros.findIndex((cost) => cost <= available);
}

/** Reserves an amount the caller checked with firstFitting. */
export function reserve(budget: Budget, amountMicros: number): Budget {
  if (amountMicros > availableMicros(budget)) throw new Error("reserve: amount exceeds available (caller bug)");
  return { ...budget, reservedMicros: budget.reservedMicros + amountMicros };
}

export function release(budget: Budget, reservedAmountMicros: number): Budget {
  return { ...budget, reservedMicros: budget.reservedMicros - reservedAmountMicros };
}

export interface Settlement {
  readonly budget: Budget;
  readonly chargedMicros: number;
  readonly releasedMicros: number;
  /** Actual cost that could not be charged because the budget had nothing left: written off, logged. */
  readonly uncollectedMicros: number;
}

/**
 * Settles a reservation with the actual cost. The rule for an overrun: the reservation is released
 * first, then the actual cost is charged up to what is available; anything beyond is recorded as
 * uncollected. So available can reach zero but never go below it.
 */
export function settle(budget: Budget, reservedAmountMicros: number, actualCostMicros: number): Settlement {
  const released = release(budget, reservedAmountMicros);
  const charged = Math.min(actualCostMicros, availableMicros(released));
  return {
    budget: { ...released, committedMicros: released.committedMicros + charged },
    chargedMicros: charged,
    releasedMicros: Math.max(0, reservedAmountMicros - charged),
    uncollectedMicros: actualCostMicros - charged,
  };
}

/** True when the budget's invariant holds; assertions and tests use it. */
export function budgetHolds(budget: Budget): boolean {
  const { creditedMicros, committedMicros, reservedMicros } = budget;
  return [creditedMicros, committedMicros, reservedMicros].every((x) => Number.isSafeInteger(x) && x >= 0) && availableMicros(budget) >= 0;
}
