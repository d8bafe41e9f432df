// Per-option and per-regime totals of a record table, as the pack tests pin them.

import type { RecordTable } from "../../../../src/replay/record-table.ts";

export function successCounts(table: RecordTable): number[] {
  const counts = new Array<number>(table.optionCount).fill(0);
  for (let i = 0; i < table.count; i++) for (let o = 0; o < table.optionCount; o++) counts[o]! += table.success[i * table.optionCount + o]!;
  return counts;
}

export function costSums(table: RecordTable): number[] {
  const sums = new Array<number>(table.optionCount).fill(0);
  for (let i = 0; i < table.count; i++)
    for (let o = 0; o < table.optionCount; o++) sums[o]! += table.costMicros[i * table.optionCount + o]!;
  return sums;
}

export function regimeCounts(table: RecordTable, regimeCount: number): number[] {
  const counts = new Array<number>(regimeCount).fill(0);
  for (const r of table.regime) counts[r]!++;
  return counts;
}
