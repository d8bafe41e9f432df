// Concurrency of the pure ledger: a three-way race for a budget that fits two, explored under
// every schedule of its submits and flushes, and 1,000 concurrent decisions that group-commit
// into a few batches without overshooting the budget by a single microcent.

import { describe, expect, test } from "vitest";
import { verifyExportBytes } from "../../../src/ledger/chain-verifier.ts";
import type { DecideResult } from "../../../src/ledger/commands.ts";
import { LedgerEngine } from "../../../src/ledger/engine.ts";
import { MemoryStore } from "../../../src/ledger/memory-store.ts";
import { createTenantCommand, decideCommand, exportBytes, ManualScheduler, microtaskEngine, nodeSha256 } from "./ledger-fixtures.ts";

// Any two of these fit a budget of 90 (80, 90 or 70 microcents), all three (120) do not.
const BUDGET_MICROS = 90;
const RACERS = [
  { name: "A", costMicros: 50 },
  { name: "B", costMicros: 30 },
  { name: "C", costMicros: 40 },
] as const;

type Action = "A" | "B" | "C" | "flush";

interface World {
  readonly engine: LedgerEngine;
  readonly store: MemoryStore;
  readonly scheduler: ManualScheduler;
  readonly answers: Map<string, Promise<DecideResult>>;
}

/** A fresh ledger with the tenant created, then the schedule's actions applied in order. */
function replay(batchMax: number | undefined, actions: readonly Action[]): World {
  const scheduler = new ManualScheduler();
  const store = new MemoryStore();
  const setup = new LedgerEngine(store, { defer: scheduler.defer });
  void setup.submit(createTenantCommand(BUDGET_MICROS));
  scheduler.runAll();
  const engine = new LedgerEngine(store, batchMax === undefined ? { defer: scheduler.defer } : { defer: scheduler.defer, batchMax });
  const answers = new Map<string, Promise<DecideResult>>();
  for (const action of actions) {
    if (action === "flush") {
      scheduler.runOne();
      continue;
    }
    const racer = RACERS.find((r) => r.name === action)!;
    answers.set(action, engine.submit(decideCommand({ decisionId: `race-${action}`, costs: [racer.costMicros], nowMs: 1 })));
  }
  return { engine, store, scheduler, answers };
}

/** What may happen next: a racer that has not submitted yet, or the one pending flush. */
function nextActions(world: World): Action[] {
  const submits = RACERS.map((r) => r.name).filter((name) => !world.answers.has(name));
  return world.scheduler.pending.length > 0 ? [...submits, "flush"] : submits;
}

async function checkOutcome(world: World, schedule: string): Promise<void> {
  const answers = await Promise.all(RACERS.map((r) => world.answers.get(r.name)!));
  const passed = answers.filter((a) => a.ok && a.budgetVerdict === "pass");
  const failed = answers.filter((a) => a.ok && a.budgetVerdict === "fail");
  expect(passed.length, schedule).toBe(2);
  expect(failed.length, schedule).toBe(1);
  const budget = world.engine.budget();
  expect(budget.availableMicros, schedule).toBeGreaterThanOrEqual(0);
  expect(budget.reservedMicros, schedule).toBe(passed.reduce((sum, a) => sum + (a.ok ? a.reservedMicros : 0), 0));
  expect(budget.creditedMicros, schedule).toBe(budget.availableMicros + budget.reservedMicros + budget.committedMicros);
  // The two that passed are the first two in commit order: the loser is sealed last.
  const seqs = answers.map((a) => (a.ok ? a.seq : -1));
  const loserSeq = failed[0]!.ok ? failed[0]!.seq : -1;
  expect(Math.max(...seqs), schedule).toBe(loserSeq);
  expect(verifyExportBytes(exportBytes(world.store), { sha256: nodeSha256 })).toMatchObject({ ok: true, entries: 4 });
}

/** Depth-first over every schedule; each node is rebuilt from scratch so schedules never share state. */
async function explore(batchMax: number | undefined, prefix: Action[], schedules: string[]): Promise<void> {
  const world = replay(batchMax, prefix);
  const actions = nextActions(world);
  if (actions.length === 0) {
    const schedule = prefix.join(" ");
    await checkOutcome(world, `batchMax ${batchMax ?? "default"}: ${schedule}`);
    schedules.push(schedule);
    return;
  }
  // Bound: three submits and at most one flush per submit, so a schedule has at most 6 actions.
  if (prefix.length >= 6) throw new Error(`schedule longer than expected: ${prefix.join(" ")}`);
  for (const action of actions) await explore(batchMax, [...prefix, action], schedules);
}

describe("a three-way race for a budget that fits two", () => {
  // Expected counts, derived by hand. With batches that hold all three, every permutation of the
  // submits (6) may or may not flush after its first and after its second submit (2 x 2): 24;
  // batchMax 2 gives as many (a third queued decision only adds a forced second flush). With
  // batchMax 1 a flush commits one decision and schedules another while any stay queued, which
  // leaves 5 schedules per permutation (for A, B, C: ABCFFF, ABFCFF, ABFFCF, AFBCFF, AFBFCF): 30.
  test.each([
    { batchMax: undefined, label: "default batch size", expected: 24 },
    { batchMax: 2, label: "batchMax 2", expected: 24 },
    { batchMax: 1, label: "batchMax 1", expected: 30 },
  ])("every schedule of submits and flushes ($label) leaves exactly two reservations", async ({ batchMax, expected }) => {
    const schedules: string[] = [];
    await explore(batchMax, [], schedules);
    console.info(`race schedules with batchMax ${batchMax ?? "default"}: ${schedules.length}`);
    expect(new Set(schedules).size).toBe(schedules.length);
    expect(schedules.length).toBe(expected);
  });
});

describe("1,000 concurrent decisions", () => {
  test("exactly the first 100 fit a budget of 100, with no overshoot, in a handful of commits", async () => {
    const costMicros = 1_000;
    const store = new MemoryStore();
    const engine = microtaskEngine(store);
    await engine.submit(createTenantCommand(100 * costMicros));
    const commitsBefore = store.commits;
    const answers = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) =>
        engine.submit(decideCommand({ decisionId: `concurrent-${i}`, costs: [costMicros], nowMs: 1 })),
      ),
    );
    const verdicts = answers.map((a) => (a.ok ? a.budgetVerdict : a.code));
    expect(verdicts.filter((v) => v === "pass").length).toBe(100);
    expect(verdicts.filter((v) => v === "fail").length).toBe(900);
    // Batches keep submission order, so the winners are the first 100 callers.
    expect(verdicts.slice(0, 100).every((v) => v === "pass")).toBe(true);
    expect(engine.budget()).toEqual({ creditedMicros: 100_000, committedMicros: 0, reservedMicros: 100_000, availableMicros: 0 });
    const commits = store.commits - commitsBefore;
    console.info(`1,000 concurrent decisions: ${commits} storage commits`);
    expect(commits).toBeLessThanOrEqual(Math.ceil(1_000 / 256));
    expect(engine.stats.commands).toBe(1_001);
    expect(verifyExportBytes(exportBytes(store), { sha256: nodeSha256 })).toMatchObject({ ok: true, entries: 1_001 });
  });
});
