// Concurrency of the real TenantLedger over RPC: a thousand decisions sent at once against a
// budget that covers exactly a hundred, idempotent retries racing each other, and outcomes racing
// releases of the same reservations. The object's group commit must never overshoot the budget by
// a microcent, never resolve a reservation twice, and leave a chain that verifies.

import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TenantLedger } from "../../../src/durable-objects/tenant-ledger.ts";
import type { BatchStats } from "../../../src/ledger/engine.ts";
import {
  API_KEY_HASH_HEX,
  chainLines,
  expectChainVerifies,
  freshName,
  ledgerStub,
  postOutcome,
  decideInput,
  tenantInput,
  type LedgerStub,
} from "./ledger-do-fixtures.ts";

const CALLS = 1_000;
const FITTING = 100;
const COST_MICROS = 1_234_567;

/** The engine's group-commit counters, read inside the object: commands / batches = entries per transaction. */
function engineStats(stub: LedgerStub): Promise<BatchStats> {
  return runInDurableObject(stub, (instance: TenantLedger) => TenantLedger.batchStats(instance));
}

async function budgetOf(stub: LedgerStub): Promise<{
  budget: { creditedMicros: number; committedMicros: number; reservedMicros: number; availableMicros: number };
  entries: number;
}> {
  const answer = await stub.budget(API_KEY_HASH_HEX);
  if (!answer.ok) throw new Error(`budget refused: ${answer.code}`);
  const { creditedMicros, committedMicros, reservedMicros, availableMicros } = answer.budget;
  expect(creditedMicros).toBe(availableMicros + reservedMicros + committedMicros);
  expect(availableMicros).toBeGreaterThanOrEqual(0);
  return answer;
}

/** Counts chain entries by kind, and how many entries resolve each reservation. */
function tally(lines: readonly string[]): { kinds: Map<string, number>; resolutions: Map<string, number> } {
  const kinds = new Map<string, number>();
  const resolutions = new Map<string, number>();
  const resolve = (id: unknown): void => void resolutions.set(String(id), (resolutions.get(String(id)) ?? 0) + 1);
  for (const line of lines) {
    const { kind, record } = JSON.parse(line) as { kind: string; record: Record<string, unknown> };
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    const ledger = record.ledger as Record<string, unknown> | undefined;
    if (record.op === "release") resolve(record.reservation_id);
    if (record.op === "expire") (record.reservation_ids as unknown[]).forEach(resolve);
    if (kind === "outcome" && ledger?.late === false) resolve(ledger.reservation_id);
  }
  return { kinds, resolutions };
}

describe("TenantLedger under concurrent RPC", () => {
  it("keeps its group-commit counters off RPC: the bench worker's subclass adds benchStats, production has none", () => {
    expect("benchStats" in TenantLedger.prototype).toBe(false);
    expect(Object.getOwnPropertyNames(TenantLedger.prototype)).not.toContain("batchStats");
  });

  it(`answers exactly ${FITTING} of ${CALLS} concurrent decisions "pass" when the budget covers ${FITTING}, with no overshoot`, async () => {
    const tenantId = freshName("race");
    const stub = ledgerStub(tenantId);
    expect((await stub.createTenant(tenantInput(tenantId, FITTING * COST_MICROS))).ok).toBe(true);
    const before = await engineStats(stub);
    const answers = await Promise.all(
      Array.from({ length: CALLS }, (_, i) => stub.decide(API_KEY_HASH_HEX, decideInput(`race-${i}`, COST_MICROS))),
    );
    const after = await engineStats(stub);

    const results = answers.map((answer) => answer.result);
    const verdicts = new Map<string, number>();
    for (const result of results) {
      if (!result.ok) throw new Error(`decide refused: ${JSON.stringify(result)}`);
      verdicts.set(result.budgetVerdict, (verdicts.get(result.budgetVerdict) ?? 0) + 1);
    }
    expect(Object.fromEntries(verdicts)).toEqual({ pass: FITTING, fail: CALLS - FITTING });
    const passed = results.filter((r) => r.ok && r.budgetVerdict === "pass");
    expect(passed.reduce((sum, r) => sum + (r.ok ? r.reservedMicros : 0), 0)).toBe(FITTING * COST_MICROS);
    // Every decision was sealed in its own entry: 1,000 distinct seqs.
    expect(new Set(results.map((r) => (r.ok ? r.seq : -1))).size).toBe(CALLS);

    const { budget, entries } = await budgetOf(stub);
    expect(budget).toEqual({
      creditedMicros: FITTING * COST_MICROS,
      committedMicros: 0,
      reservedMicros: FITTING * COST_MICROS,
      availableMicros: 0,
    });
    const lines = await chainLines(stub);
    expect(tally(lines).kinds.get("decision")).toBe(CALLS);
    await expectChainVerifies(stub, tenantId, entries);

    const batches = after.batches - before.batches;
    const commands = after.commands - before.commands;
    expect(commands).toBe(CALLS);
    console.info(
      `${CALLS} concurrent decide calls: ${commands} commands in ${batches} storage transactions, ` +
        `mean ${(commands / batches).toFixed(1)} entries per transaction`,
    );
    expect(batches).toBeLessThan(CALLS);
  }, 60_000);

  it("reserves once per idempotency key when ten retries of each of 100 keys race, and answers every retry alike", async () => {
    const tenantId = freshName("retry-race");
    const stub = ledgerStub(tenantId);
    const keys = 100;
    const retries = 10;
    // Covers half of the keys: the first 50 decisions sealed pass, the rest fail.
    expect((await stub.createTenant(tenantInput(tenantId, (keys / 2) * COST_MICROS))).ok).toBe(true);
    const calls = Array.from({ length: keys * retries }, (_, i) => i % keys);
    const answers = await Promise.all(calls.map((k) => stub.decide(API_KEY_HASH_HEX, decideInput(`retry-${k}`, COST_MICROS, `key-${k}`))));
    const byKey = new Map<number, unknown[]>();
    answers.forEach((answer, i) => {
      if (!answer.result.ok) throw new Error(`decide refused: ${JSON.stringify(answer.result)}`);
      // Every field but `replayed` must be the same in all ten answers.
      byKey.set(calls[i]!, [...(byKey.get(calls[i]!) ?? []), { ...answer.result, replayed: null }]);
    });
    for (const [key, results] of byKey) {
      expect(results, `key-${key}`).toHaveLength(retries);
      for (const result of results) expect(result, `key-${key}`).toEqual(results[0]);
    }
    expect(answers.filter((a) => a.result.ok && !a.result.replayed)).toHaveLength(keys);
    const passes = [...byKey.values()].filter((results) => (results[0] as { budgetVerdict: string }).budgetVerdict === "pass");
    expect(passes).toHaveLength(keys / 2);

    const { budget, entries } = await budgetOf(stub);
    expect(budget.reservedMicros).toBe((keys / 2) * COST_MICROS);
    expect(budget.availableMicros).toBe(0);
    expect(tally(await chainLines(stub)).kinds.get("decision")).toBe(keys);
    await expectChainVerifies(stub, tenantId, entries);
  }, 60_000);

  it("resolves every reservation exactly once when duplicated outcomes race releases of the same reservations", async () => {
    const tenantId = freshName("settle-race");
    const stub = ledgerStub(tenantId);
    const count = 100;
    expect((await stub.createTenant(tenantInput(tenantId, count * COST_MICROS))).ok).toBe(true);
    const decided = await Promise.all(
      Array.from({ length: count }, (_, i) => stub.decide(API_KEY_HASH_HEX, decideInput(`settle-${i}`, COST_MICROS))),
    );
    const fingerprints = decided.map((answer) => {
      if (!answer.result.ok || answer.result.budgetVerdict !== "pass") throw new Error(`decide: ${JSON.stringify(answer.result)}`);
      return answer.result.fingerprint;
    });

    // For each reservation at once: the same outcome webhook twice (a redelivery) and a release.
    // The actual cost is below the reservation for even i and above it for odd i.
    const actualOf = (i: number): number => (i % 2 === 0 ? COST_MICROS - 1_000 : COST_MICROS + 1_000);
    const outcome = (i: number) =>
      postOutcome(stub, { webhookId: `wh-${i}`, decisionFingerprint: fingerprints[i]!, actualCostMicros: actualOf(i) });
    const release = async (i: number) => (await stub.release(API_KEY_HASH_HEX, `settle-${i}`)).result;
    // Sent in this order, one after another without waiting; for every third reservation the
    // release goes out first.
    const racing = Array.from({ length: count }, (_, i) => {
      if (i % 3 === 0) {
        const released = release(i);
        return Promise.all([outcome(i), released, outcome(i)]);
      }
      return Promise.all([outcome(i), release(i), outcome(i)]);
    });
    const settled = await Promise.all(racing);

    let committedMicros = 0;
    const releasesWon = settled.filter(([, released]) => released.ok).length;
    settled.forEach(([first, released, second], i) => {
      if (!first.ok || !second.ok) throw new Error(`outcome ${i} refused: ${JSON.stringify([first, second])}`);
      // The redelivery answers the first outcome again and applies nothing.
      expect({ ...second, replayed: false }).toEqual({ ...first, replayed: false });
      expect([first.replayed, second.replayed].sort()).toEqual([false, true]);
      const original = first.replayed ? second : first;
      committedMicros += original.committedMicros;
      // Either the release came first (then the outcome is late and charged from what is
      // available), or the outcome did (then the release finds the reservation committed).
      if (released.ok) expect(released.releasedMicros).toBe(COST_MICROS);
      else expect(released.code).toBe("reservation_already_resolved");
    });
    // Both orders happened: some releases won, some found the reservation committed.
    expect(releasesWon).toBeGreaterThan(0);
    expect(releasesWon).toBeLessThan(count);

    const { budget, entries } = await budgetOf(stub);
    expect(budget.reservedMicros).toBe(0);
    expect(budget.committedMicros).toBe(committedMicros);
    const { resolutions } = tally(await chainLines(stub));
    expect(resolutions.size).toBe(count);
    for (const [id, times] of resolutions) expect(times, id).toBe(1);
    await expectChainVerifies(stub, tenantId, entries);
  }, 60_000);
});
