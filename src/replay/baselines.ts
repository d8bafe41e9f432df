// The policies Calybris is measured against, each a choice of option per record over the same
// table: random, always the cheapest, always the most accurate, the best fixed option per regime
// chosen in hindsight (the regret yardstick of a learner that learns per regime), and the
// per-record oracle (the cheapest option that succeeds: an upper bound nobody can reach).

import type { DomainPack } from "../domain/domain-pack.ts";
import { optionCostMicros } from "../learning/option-cost.ts";
import { drawU32 } from "./draws.ts";
import type { RecordTable } from "./record-table.ts";

const RANDOM_STREAM = 0x7a4d;

/** Uniform over all options, from the run's seed (its own stream, apart from the kernel's). */
export function randomChoices(table: RecordTable, seed: number): Int32Array {
  const choices = new Int32Array(table.count);
  for (let i = 0; i < table.count; i++) choices[i] = Math.floor((drawU32(seed ^ RANDOM_STREAM, i, 0) / 4_294_967_296) * table.optionCount);
  return choices;
}

/** The option with the lowest list (worst-case) cost at the record's size; ties to the lower index. */
export function cheapestChoices(table: RecordTable, pack: DomainPack): Int32Array {
  const choices = new Int32Array(table.count);
  for (let i = 0; i < table.count; i++) {
    let best = 0;
    let bestCost = Infinity;
    for (let o = 0; o < table.optionCount; o++) {
      const cost = optionCostMicros(pack, pack.options[o]!.id, table.inputTokens[i]!, table.maxOutputTokens[i]!) ?? Infinity;
      if (cost < bestCost) {
        best = o;
        bestCost = cost;
      }
    }
    choices[i] = best;
  }
  return choices;
}

/** Always the option that succeeds most often over the whole data (GPT-4, the deepest tier...). */
export function bestChoices(table: RecordTable): Int32Array {
  const successes = new Float64Array(table.optionCount);
  for (let i = 0; i < table.count; i++)
    for (let o = 0; o < table.optionCount; o++) successes[o]! += table.success[i * table.optionCount + o]!;
  let best = 0;
  for (let o = 1; o < table.optionCount; o++) if (successes[o]! > successes[best]!) best = o;
  return new Int32Array(table.count).fill(best);
}

/** Net value of serving record i with option o: value if it succeeds, minus what it cost. */
export function netValueMicros(table: RecordTable, i: number, o: number, valueMicros?: number): number {
  const cell = i * table.optionCount + o;
  return (table.success[cell] === 1 ? (valueMicros ?? table.valueMicros[i]!) : 0) - table.costMicros[cell]!;
}

/** Per regime, the one option with the most net value over all of the regime's records. */
export function hindsightChoices(table: RecordTable, regimeCount: number, valueMicros?: number): Int32Array {
  const m = table.optionCount;
  const totals = new Float64Array(regimeCount * m);
  for (let i = 0; i < table.count; i++) {
    for (let o = 0; o < m; o++) totals[table.regime[i]! * m + o]! += netValueMicros(table, i, o, valueMicros);
  }
  const bestOf = new Int32Array(regimeCount);
  for (let r = 0; r < regimeCount; r++) {
    let best = 0;
    for (let o = 1; o < m; o++) if (totals[r * m + o]! > totals[r * m + best]!) best = o;
    bestOf[r] = best;
  }
  return Int32Array.from(table.regime, (r) => bestOf[r]!);
}

/** Per record, the cheapest option that succeeds, else the cheapest option (realized costs). */
export function oracleChoices(table: RecordTable): Int32Array {
  const m = table.optionCount;
  const choices = new Int32Array(table.count);
  for (let i = 0; i < table.count; i++) {
    let best = -1;
    let cheapest = 0;
    for (let o = 0; o < m; o++) {
      const cell = i * m + o;
      if (table.costMicros[cell]! < table.costMicros[i * m + cheapest]!) cheapest = o;
      if (table.success[cell] === 1 && (best < 0 || table.costMicros[cell]! < table.costMicros[i * m + best]!)) best = o;
    }
    choices[i] = best < 0 ? cheapest : best;
  }
  return choices;
}
