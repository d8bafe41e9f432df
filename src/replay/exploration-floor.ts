// What learning from nothing must cost at least, from the data alone: the regret share of a
// learner that is handed the best option of every regime (in hindsight) and pays only for trying
// each other option a fixed number of times per regime. A learner that starts from neutral priors
// cannot tell the best option from the rest without trying them, and the near-best ones take far
// more than a few tries to tell apart, so its regret share cannot sit far below this figure. It
// puts a target such as "regret share <= 0.03" in proportion (docs/design-notes.md).

import type { RecordTable } from "./record-table.ts";

/**
 * (sum over regimes and over the options other than the regime's hindsight best of
 * tries x (best's mean net value - the option's)) / hindsight's net value, where net value is
 * value x success - cost per record (the value replaced by `valueMicros` when given, as the LLM
 * replays' levels do). Null when hindsight's net value is not positive.
 */
export function triesRegretShare(table: RecordTable, regimeCount: number, tries: number, valueMicros?: number): number | null {
  const m = table.optionCount;
  const net = new Float64Array(regimeCount * m);
  const records = new Float64Array(regimeCount);
  for (let i = 0; i < table.count; i++) {
    const r = table.regime[i]!;
    records[r]! += 1;
    const value = valueMicros ?? table.valueMicros[i]!;
    for (let o = 0; o < m; o++) net[r * m + o]! += value * table.success[i * m + o]! - table.costMicros[i * m + o]!;
  }
  let regret = 0;
  let hindsight = 0;
  for (let r = 0; r < regimeCount; r++) {
    if (records[r] === 0) continue;
    let best = -Infinity;
    for (let o = 0; o < m; o++) best = Math.max(best, net[r * m + o]!);
    hindsight += best;
    for (let o = 0; o < m; o++) regret += (tries * (best - net[r * m + o]!)) / records[r]!;
  }
  return hindsight > 0 ? Math.round((regret / hindsight) * 10_000) / 10_000 + 0 : null;
}
