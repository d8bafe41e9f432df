// The baselines (src/replay/baselines.ts) against brute-force references written here: random is
// uniform and seeded, cheapest takes the lowest list cost, best the option with most successes,
// hindsight per regime the option with the most total net value, the oracle per record the
// cheapest option that succeeds. Ties go to the lower option index everywhere.

import { describe, expect, test } from "vitest";
import { tierCostMicros, tierPack, WORK_UNITS_PER_RECORD } from "../../../src/domain/tier-pack.ts";
import {
  bestChoices,
  cheapestChoices,
  hindsightChoices,
  netValueMicros,
  oracleChoices,
  randomChoices,
} from "../../../src/replay/baselines.ts";
import { RecordTableBuilder, type OptionOutcome, type RecordTable } from "../../../src/replay/record-table.ts";
import { SYNTHETIC_PACK, SYNTHETIC_REGIMES, SYNTHETIC_VALUE_MICROS, syntheticTable } from "./synthetic-dataset.ts";

const table = syntheticTable({ records: 2_000, seed: 7 });
const m = table.optionCount;
const cell = (t: RecordTable, i: number, o: number): number => i * t.optionCount + o;

/** Index of the largest score; the first one wins a tie. */
function argmax(scores: readonly number[]): number {
  let best = 0;
  scores.forEach((score, o) => {
    if (score > scores[best]!) best = o;
  });
  return best;
}

function referenceNet(t: RecordTable, i: number, o: number, value?: number): number {
  return (t.success[cell(t, i, o)] === 1 ? (value ?? t.valueMicros[i]!) : 0) - t.costMicros[cell(t, i, o)]!;
}

function referenceHindsight(t: RecordTable, regimes: number, value?: number): number[] {
  const bestOf = Array.from({ length: regimes }, (_, r) => {
    const totals = Array.from({ length: t.optionCount }, (__, o) => {
      let total = 0;
      for (let i = 0; i < t.count; i++) if (t.regime[i] === r) total += referenceNet(t, i, o, value);
      return total;
    });
    return argmax(totals);
  });
  return Array.from(t.regime, (r) => bestOf[r]!);
}

function referenceOracle(t: RecordTable): number[] {
  return Array.from({ length: t.count }, (_, i) => {
    const options = Array.from({ length: t.optionCount }, (__, o) => o);
    const byCost = [...options].sort((a, b) => t.costMicros[cell(t, i, a)]! - t.costMicros[cell(t, i, b)]! || a - b);
    return byCost.find((o) => t.success[cell(t, i, o)] === 1) ?? byCost[0]!;
  });
}

const outcome = (success: boolean, costMicros: number): OptionOutcome => ({ success, qualityBps: success ? 10_000 : 0, costMicros });

/** A tiny table over three options from rows of [regime, value, ...[success, cost] per option]. */
function tinyTable(rows: readonly (readonly [number, number, ...(readonly [boolean, number])[]])[]): RecordTable {
  const builder = new RecordTableBuilder(3);
  rows.forEach(([regime, value, ...outcomes], i) =>
    builder.push({
      id: `t${i}`,
      regimeIndex: regime,
      inputTokens: WORK_UNITS_PER_RECORD,
      maxOutputTokens: 1,
      valueMicros: value,
      riskBps: 0,
      event: false,
      outcomes: outcomes.map(([success, cost]) => outcome(success, cost)),
    }),
  );
  return builder.build();
}

describe("randomChoices", () => {
  test("uniform over the options: each count within five standard deviations of n / m", () => {
    const choices = randomChoices(table, 1);
    const counts = new Array<number>(m).fill(0);
    for (const o of choices) counts[o]! += 1;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(table.count);
    const sd = Math.sqrt(table.count * (1 / m) * (1 - 1 / m));
    for (const count of counts) expect(Math.abs(count - table.count / m)).toBeLessThan(5 * sd);
  });

  test("a function of the seed alone", () => {
    expect(randomChoices(table, 1)).toEqual(randomChoices(table, 1));
    expect(randomChoices(table, 2)).not.toEqual(randomChoices(table, 1));
  });
});

describe("cheapestChoices", () => {
  test("the option with the lowest list cost at the record's size (brute force)", () => {
    const choices = cheapestChoices(table, SYNTHETIC_PACK);
    for (let i = 0; i < table.count; i++) {
      const costs = Array.from({ length: m }, (_, o) => -tierCostMicros(SYNTHETIC_PACK, o, table.inputTokens[i]!));
      expect(choices[i]).toBe(argmax(costs));
    }
    expect(new Set(choices)).toEqual(new Set([0]));
  });

  test("follows list prices, not option order, and breaks ties to the lower index", () => {
    const pack = tierPack("order", {
      provider: "p",
      tiers: [
        { id: "dear", qualityBps: 9_000, latencyMsP50: 1, costPerRecordMicros: 50_000 },
        { id: "cheap-a", qualityBps: 8_000, latencyMsP50: 1, costPerRecordMicros: 10_000 },
        { id: "cheap-b", qualityBps: 7_000, latencyMsP50: 1, costPerRecordMicros: 10_000 },
      ],
      regimes: [{ id: "r", warmStartFloorBps: 5_000 }],
      latencyBpsPerSecond: 100,
    });
    const t = tinyTable([[0, 1, [true, 1], [true, 99], [true, 0]]]);
    // Realized costs (99 and 0) do not matter: the policy could not know them before serving.
    expect(Array.from(cheapestChoices(t, pack))).toEqual([1]);
  });
});

describe("bestChoices", () => {
  test("always the option with the most successes over the whole table (brute force)", () => {
    const successes = Array.from({ length: m }, (_, o) => {
      let s = 0;
      for (let i = 0; i < table.count; i++) s += table.success[cell(table, i, o)]!;
      return s;
    });
    const best = argmax(successes);
    expect(best).toBe(2);
    expect(new Set(bestChoices(table))).toEqual(new Set([best]));
  });

  test("a tie goes to the lower index", () => {
    const t = tinyTable([
      [0, 1, [false, 1], [true, 2], [true, 3]],
      [0, 1, [true, 1], [false, 2], [true, 3]],
      [0, 1, [false, 1], [true, 2], [false, 3]],
    ]);
    expect(Array.from(bestChoices(t))).toEqual([1, 1, 1]);
  });
});

describe("hindsightChoices", () => {
  test("per regime the option with the most total net value (brute force), at the records' values and at others", () => {
    expect(Array.from(hindsightChoices(table, SYNTHETIC_REGIMES.length))).toEqual(referenceHindsight(table, SYNTHETIC_REGIMES.length));
    for (const value of [0, 100_000, SYNTHETIC_VALUE_MICROS, 50_000_000]) {
      expect(Array.from(hindsightChoices(table, SYNTHETIC_REGIMES.length, value))).toEqual(
        referenceHindsight(table, SYNTHETIC_REGIMES.length, value),
      );
    }
  });

  test("the economics of the synthetic table: quick, standard, deep, quick", () => {
    const choices = hindsightChoices(table, SYNTHETIC_REGIMES.length);
    const perRegime = SYNTHETIC_REGIMES.map((_, r) => choices[table.regime.indexOf(r)]);
    expect(perRegime).toEqual([0, 1, 2, 0]);
    // Worth nothing, every success is free money lost: the cheapest tier everywhere.
    const free = hindsightChoices(table, SYNTHETIC_REGIMES.length, 0);
    expect(new Set(free)).toEqual(new Set([0]));
  });

  test("a regime with no records takes option 0 and nothing breaks", () => {
    const t = tinyTable([[1, 10, [false, 1], [true, 2], [true, 3]]]);
    expect(Array.from(hindsightChoices(t, 3))).toEqual([1]);
  });
});

describe("oracleChoices", () => {
  test("per record the cheapest option that succeeds, else the cheapest (brute force)", () => {
    expect(Array.from(oracleChoices(table))).toEqual(referenceOracle(table));
  });

  test("uses realized costs, and falls back to the cheapest when nothing succeeds", () => {
    const t = tinyTable([
      [0, 1, [true, 30], [true, 20], [false, 10]],
      [0, 1, [false, 30], [false, 20], [false, 10]],
      [0, 1, [false, 5], [true, 7], [true, 7]],
      [0, 1, [true, 5], [true, 5], [true, 5]],
    ]);
    expect(Array.from(oracleChoices(t))).toEqual([1, 2, 1, 0]);
    expect(Array.from(oracleChoices(t))).toEqual(referenceOracle(t));
  });
});

describe("netValueMicros", () => {
  test("value on success minus the realized cost, with an optional value override", () => {
    const t = tinyTable([[0, 1_000, [true, 30], [false, 20], [true, 10]]]);
    expect([0, 1, 2].map((o) => netValueMicros(t, 0, o))).toEqual([970, -20, 990]);
    expect([0, 1, 2].map((o) => netValueMicros(t, 0, o, 5))).toEqual([-25, -20, -5]);
  });
});
