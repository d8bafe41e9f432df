// Budget figures as answers and chain records show them.

import { availableMicros, type Budget } from "./budget.ts";
import type { BudgetView } from "./commands.ts";

export function budgetView(budget: Budget): BudgetView {
  const { creditedMicros, committedMicros, reservedMicros } = budget;
  return { creditedMicros, committedMicros, reservedMicros, availableMicros: availableMicros(budget) };
}

/** The budget after an operation, as every budget-changing entry records it. */
export function budgetRecord(budget: Budget): { credited: number; committed: number; reserved: number } {
  return { committed: budget.committedMicros, credited: budget.creditedMicros, reserved: budget.reservedMicros };
}
