// Hourly usage buckets (src/ledger/usage.ts) and the ledger's upkeep of them: every sealed decision
// counts in its hour, regime and served option, every settled outcome adds its charge to the hour
// it settled in, under the option that ran. The expected buckets are summed here from the commands
// sent and the results answered, not from the buckets' own code.

import { describe, expect, it } from "vitest";
import type { DecideCommand } from "../../../src/ledger/commands.ts";
import { MemoryStore } from "../../../src/ledger/memory-store.ts";
import { HOUR_MS, NO_OPTION, UNKNOWN_REGIME, addUsage, emptyUsageCells, hourOf, usageRows, usageStep } from "../../../src/ledger/usage.ts";
import { TestRandom, createTenantCommand, decideCommand, microtaskEngine, outcomeCommand } from "./ledger-fixtures.ts";

describe("hourOf and usageStep", () => {
  it.each([
    [0, 0],
    [HOUR_MS - 1, 0],
    [HOUR_MS, 1],
    [-1, -1],
    [Number.MAX_SAFE_INTEGER, Math.floor(Number.MAX_SAFE_INTEGER / HOUR_MS)],
  ])("hourOf(%s) = %s", (ms, hour) => expect(hourOf(ms)).toBe(hour));

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -0.5])("refuses the time %s", (ms) => {
    expect(() => hourOf(ms)).toThrow(RangeError);
  });

  it("refuses a charge that is not money and a regime below -1", () => {
    for (const bad of [-1, 0.5, Number.NaN, 2 ** 53, Number.POSITIVE_INFINITY]) {
      expect(() => usageStep(0, 0, "m", { decisions: 0, committedMicros: bad })).toThrow(RangeError);
    }
    expect(() => usageStep(0, -2, "m", { decisions: 1, committedMicros: 0 })).toThrow(RangeError);
    expect(usageStep(HOUR_MS * 3 + 5, UNKNOWN_REGIME, "m", { decisions: 0, committedMicros: 7 })).toEqual({
      hour: 3,
      regime: -1,
      option: "m",
      decisions: 0,
      committedMicros: 7,
    });
  });

  it("adds steps into buckets, reads hours from a given one in order, and undoes exactly", () => {
    const cells = emptyUsageCells();
    const undo = [
      addUsage(cells, usageStep(5 * HOUR_MS, 1, "b", { decisions: 1, committedMicros: 0 })),
      addUsage(cells, usageStep(5 * HOUR_MS + 1, 1, "b", { decisions: 0, committedMicros: 40 })),
      addUsage(cells, usageStep(4 * HOUR_MS, 2, "a", { decisions: 1, committedMicros: 0 })),
      addUsage(cells, usageStep(5 * HOUR_MS, 0, "z", { decisions: 1, committedMicros: 0 })),
    ];
    expect(usageRows(cells, 0).map((row) => [row.hour, row.regime, row.option, row.decisions, row.committedMicros])).toEqual([
      [4, 2, "a", 1, 0],
      [5, 0, "z", 1, 0],
      [5, 1, "b", 1, 40],
    ]);
    expect(usageRows(cells, 5).length).toBe(2);
    for (const step of undo.reverse()) step();
    expect(cells.size).toBe(0);
  });
});

/** The reference: buckets keyed "hour|regime|option", summed straight from what was sent and answered. */
class ReferenceBuckets {
  readonly cells = new Map<string, { decisions: number; committedMicros: number }>();
  add(timeMs: number, regime: number, option: string, decisions: number, committedMicros: number): void {
    const key = `${Math.floor(timeMs / HOUR_MS)}|${regime}|${option}`;
    const cell = this.cells.get(key) ?? { decisions: 0, committedMicros: 0 };
    cell.decisions += decisions;
    cell.committedMicros += committedMicros;
    this.cells.set(key, cell);
  }
}

describe("the ledger keeps its usage buckets", () => {
  it("counts every decision in its hour, regime and served option, and every settlement where it settled", async () => {
    const store = new MemoryStore();
    const engine = microtaskEngine(store);
    await engine.submit(createTenantCommand(2_000_000));
    const random = new TestRandom(11);
    const reference = new ReferenceBuckets();
    const served: { fingerprint: string; regime: number; nowMs: number }[] = [];
    for (let i = 0; i < 120; i++) {
      const nowMs = 1_000 * HOUR_MS + random.int(30) * (HOUR_MS / 3);
      const regime = random.int(4);
      // Costs large enough that the budget refuses some decisions: they count with no option.
      const base: DecideCommand = decideCommand({
        decisionId: `d${i}`,
        costs: [random.int(60_000), random.int(20_000)],
        nowMs,
        ttlMs: HOUR_MS * 100,
      });
      const result = await engine.submit({ ...base, tally: { ...base.tally, regime } });
      if (!result.ok) throw new Error(result.detail);
      reference.add(nowMs, regime, result.servedRank < 0 ? NO_OPTION : `model-${result.servedRank}`, 1, 0);
      if (result.servedRank === 0) served.push({ fingerprint: result.fingerprint, regime, nowMs });
    }
    for (const [i, decision] of served.entries()) {
      const settledMs = decision.nowMs + random.int(3) * HOUR_MS;
      const outcome = await engine.submit(outcomeCommand(`w${i}`, decision.fingerprint, random.int(30_000), settledMs));
      if (!outcome.ok) throw new Error(outcome.detail);
      reference.add(settledMs, decision.regime, "model-0", 0, outcome.committedMicros);
    }
    const rows = store.readUsage(0);
    const actual = new Map(
      rows.map((row) => [`${row.hour}|${row.regime}|${row.option}`, { decisions: row.decisions, committedMicros: row.committedMicros }]),
    );
    expect(actual).toEqual(reference.cells);
    expect(rows.some((row) => row.option === NO_OPTION)).toBe(true);
    expect(rows.reduce((sum, row) => sum + row.committedMicros, 0)).toBe(engine.budget().committedMicros);
    // Reading from an hour on leaves out every earlier hour, and only those.
    const cut = 1_005;
    expect(store.readUsage(cut)).toEqual(rows.filter((row) => row.hour >= cut));
  });

  it("puts the spend of a decision stored before regimes were kept under regime -1", async () => {
    const store = new MemoryStore();
    const engine = microtaskEngine(store);
    await engine.submit(createTenantCommand(1_000_000));
    const decided = await engine.submit(decideCommand({ decisionId: "old", costs: [500], nowMs: 7 * HOUR_MS }));
    if (!decided.ok) throw new Error("refused");
    // The decision as an older ledger stored it: no regime.
    const stored = JSON.parse(store.readKeyed("decision_fp", decided.fingerprint)!) as Record<string, unknown>;
    delete stored.regime;
    store.commit([{ table: "keyed", scope: "decision_fp", key: decided.fingerprint, value: JSON.stringify(stored) }]);
    await engine.submit(outcomeCommand("w-old", decided.fingerprint, 300, 8 * HOUR_MS));
    expect(store.readUsage(0)).toEqual([
      { hour: 7, regime: 0, option: "model-0", decisions: 1, committedMicros: 0 },
      { hour: 8, regime: UNKNOWN_REGIME, option: "model-0", decisions: 0, committedMicros: 300 },
    ]);
  });
});
