// The ledger's proxy steps (src/ledger/execute-execution.ts) on the in-memory store: an execution
// seals one entry per attempt and settles the reservation once, on its last attempt, by the same
// rule as an outcome (release, then charge up to what is available); feedback on it is an outcome
// that moves no money and reaches the outbox once; every refusal writes nothing; and
// `calybris verify` (ChainVerifier) accepts the entries and refuses a damaged envelope.

import { describe, expect, test } from "vitest";
import { verifyExportBytes } from "../../../src/ledger/chain-verifier.ts";
import type { ExecutionCommand, FeedbackCommand } from "../../../src/ledger/commands.ts";
import type { LedgerEngine } from "../../../src/ledger/engine.ts";
import { ATTEMPTS_MAX, settlementRecord } from "../../../src/ledger/execute-execution.ts";
import { genesisHash, sealEntry, type EntryKind, type EntryRecord } from "../../../src/ledger/entry.ts";
import { MemoryStore } from "../../../src/ledger/memory-store.ts";
import type { KeyedScope } from "../../../src/ledger/store.ts";
import { HOUR_MS } from "../../../src/ledger/usage.ts";
import {
  createTenantCommand,
  decideCommand,
  exportBytes,
  exportText,
  microtaskEngine,
  nodeSha256,
  outcomeCommand,
} from "./ledger-fixtures.ts";

const BUDGET = 1_000;

async function decided(costs: readonly number[] = [100, 50, 10]): Promise<{ engine: LedgerEngine; store: MemoryStore; fp: string }> {
  const store = new MemoryStore();
  const engine = microtaskEngine(store);
  await engine.submit(createTenantCommand(BUDGET));
  const decision = await engine.submit(decideCommand({ decisionId: "d", costs, nowMs: 0 }));
  if (!decision.ok) throw new Error("setup decision refused");
  return { engine, store, fp: decision.fingerprint };
}

const attempt = (option: string, status: string) => ({ option, record: { model: option, status } });

function execution(fp: string, overrides: Partial<ExecutionCommand> = {}): ExecutionCommand {
  return {
    type: "execution",
    decisionFingerprint: fp,
    attempts: [attempt("model-0", "rate_limited"), attempt("model-1", "ok")],
    actualCostMicros: 70,
    served: { record: { input_tokens: 3, latency_ms: 9, model: "model-1", output_tokens: 4 }, learnerExecution: { model: "model-1" } },
    nowMs: 5,
    ...overrides,
  };
}

const feedback = (fp: string, overrides: Partial<FeedbackCommand> = {}): FeedbackCommand => ({
  type: "feedback",
  feedbackId: `feedback:${fp}`,
  requestDigestHex: "body-1",
  decisionFingerprint: fp,
  result: { business_outcome_micros: null, quality_bps: 8_000, success: true },
  nowMs: 6,
  ...overrides,
});

describe("execution", () => {
  test("seals each attempt and settles once, on the last, by the outcome's rule", async () => {
    const { engine, store, fp } = await decided();
    const result = await engine.submit(execution(fp));
    expect(result).toMatchObject({ ok: true, committedMicros: 70, releasedMicros: 30, uncollectedMicros: 0 });
    expect(engine.budget()).toEqual({ creditedMicros: BUDGET, committedMicros: 70, reservedMicros: 0, availableMicros: 930 });
    const entries = exportText(store)
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { kind: string; record: Record<string, Record<string, unknown>> });
    const executions = entries.filter((entry) => entry.kind === "execution");
    expect(executions.map((entry) => [entry.record.ledger!.attempt, entry.record.execution!.status])).toEqual([
      [0, "rate_limited"],
      [1, "ok"],
    ]);
    expect(executions[0]!.record.ledger!.settlement).toBeNull();
    expect(executions[1]!.record.ledger!.settlement).toMatchObject({
      actual_cost_micros: 70,
      charged_micros: 70,
      released_micros: 30,
      late: false,
    });
    expect(verifyExportBytes(exportBytes(store), { sha256: nodeSha256 })).toMatchObject({ ok: true });
  });

  test("its charge lands in the hour's spend, under the decision's regime and the option that ran, as an outcome's does", async () => {
    const { engine, store, fp } = await decided();
    const decisionRows = store.readUsage(0);
    expect(decisionRows.map((row) => [row.decisions, row.committedMicros])).toEqual([[1, 0]]);
    await engine.submit(execution(fp, { nowMs: 2 * HOUR_MS + 5 }));
    const spend = store.readUsage(0).filter((row) => row.committedMicros > 0);
    expect(spend).toEqual([{ hour: 2, regime: decisionRows[0]!.regime, option: "model-1", decisions: 0, committedMicros: 70 }]);
  });

  test("a cost above the reservation is charged from the available budget, and beyond it sealed as uncollected", async () => {
    const { engine, fp } = await decided();
    expect(await engine.submit(execution(fp, { actualCostMicros: BUDGET + 500 }))).toMatchObject({
      ok: true,
      committedMicros: BUDGET,
      uncollectedMicros: 500,
    });
    expect(engine.budget().availableMicros).toBe(0);
  });

  test.each([
    ["an unknown decision", (fp: string) => execution(fp.replace(/^./, fp[0] === "a" ? "b" : "a")), "decision_unknown"],
    ["no attempt", (fp: string) => execution(fp, { attempts: [] }), "record_invalid"],
    [
      "too many attempts",
      (fp: string) => execution(fp, { attempts: Array.from({ length: ATTEMPTS_MAX + 1 }, () => attempt("model-0", "timeout")) }),
      "record_invalid",
    ],
    [
      "an option the decision did not offer",
      (fp: string) => execution(fp, { attempts: [attempt("model-9", "ok")] }),
      "outcome_model_not_offered",
    ],
    ["a negative cost", (fp: string) => execution(fp, { actualCostMicros: -1 }), "amount_invalid"],
    ["a fractional cost", (fp: string) => execution(fp, { actualCostMicros: 1.5 }), "amount_invalid"],
  ])("refuses %s and writes nothing", async (_name, command, code) => {
    const { engine, store, fp } = await decided();
    const writes = store.writeCount;
    expect(await engine.submit(command(fp))).toMatchObject({ ok: false, code });
    expect(store.writeCount).toBe(writes);
  });

  test("a decision is executed once, and not after its outcome; a refused decision has no execution", async () => {
    const { engine, fp } = await decided();
    expect(await engine.submit(execution(fp))).toMatchObject({ ok: true });
    expect(await engine.submit(execution(fp))).toMatchObject({ ok: false, code: "outcome_already_recorded" });
    const other = await decided();
    expect(await other.engine.submit(outcomeCommand("wh", other.fp, 10, 1))).toMatchObject({ ok: true });
    expect(await other.engine.submit(execution(other.fp))).toMatchObject({ ok: false, code: "outcome_already_recorded" });
    const broke = await decided([BUDGET + 1]);
    expect(await broke.engine.submit(execution(broke.fp, { attempts: [attempt("model-0", "ok")] }))).toMatchObject({
      ok: false,
      code: "decision_not_reserved",
    });
  });

  test("after an execution, an outcome that settles again is refused", async () => {
    const { engine, fp } = await decided();
    await engine.submit(execution(fp));
    expect(await engine.submit({ ...outcomeCommand("wh", fp, 10, 1), model: "model-1" })).toMatchObject({
      ok: false,
      code: "outcome_already_recorded",
    });
  });
});

/** A MemoryStore that counts the keyed lookups that reach it, by scope. */
class CountingStore extends MemoryStore {
  readonly lookups = new Map<KeyedScope, number>();

  override readKeyed(scope: KeyedScope, key: string): string | null {
    this.lookups.set(scope, (this.lookups.get(scope) ?? 0) + 1);
    return super.readKeyed(scope, key);
  }
}

/** Whether every object in `value` lists its keys in JCS (code-unit) order. */
function keysInJcsOrder(value: unknown): boolean {
  if (value === null || typeof value !== "object") return true;
  if (Array.isArray(value)) return value.every(keysInJcsOrder);
  const keys = Object.keys(value);
  return keys.every((key, i) => i === 0 || keys[i - 1]! < key) && Object.values(value).every(keysInJcsOrder);
}

describe("settlement checks", () => {
  const settledLookups = (store: CountingStore): number =>
    (store.lookups.get("decision_execution") ?? 0) + (store.lookups.get("decision_outcome") ?? 0);

  test("an open reservation answers them: the first settlement looks up no record, a second one both, and is refused", async () => {
    const store = new CountingStore();
    const engine = microtaskEngine(store);
    await engine.submit(createTenantCommand(BUDGET));
    const decision = await engine.submit(decideCommand({ decisionId: "d", costs: [100, 50, 10], nowMs: 0 }));
    if (!decision.ok) throw new Error("setup decision refused");
    expect(await engine.submit(execution(decision.fingerprint))).toMatchObject({ ok: true });
    expect(settledLookups(store)).toBe(0);
    expect(await engine.submit(execution(decision.fingerprint))).toMatchObject({ ok: false, code: "outcome_already_recorded" });
    expect(settledLookups(store)).toBeGreaterThan(0);
    // An outcome after the execution finds the reservation committed, looks, and is refused too.
    const outcome = await engine.submit({ ...outcomeCommand("wh", decision.fingerprint, 10, 1), model: "model-1" });
    expect(outcome).toMatchObject({ ok: false, code: "outcome_already_recorded" });
  });

  test("two settlements of one decision in one batch: the second sees the first's closed reservation and is refused", async () => {
    const { engine, fp } = await decided();
    const [first, second] = await Promise.all([engine.submit(execution(fp)), engine.submit(outcomeCommand("wh", fp, 10, 1))]);
    expect(first).toMatchObject({ ok: true });
    expect(second).toMatchObject({ ok: false, code: "outcome_already_recorded" });
  });

  test("after the reservation expired, a late execution still settles once (charged from what is available)", async () => {
    const { engine, fp } = await decided();
    await engine.submit({ type: "expire", nowMs: 10_000, limit: 10 });
    expect(await engine.submit(execution(fp, { nowMs: 10_001 }))).toMatchObject({ ok: true, committedMicros: 70 });
    expect(await engine.submit(execution(fp, { nowMs: 10_002 }))).toMatchObject({ ok: false, code: "outcome_already_recorded" });
  });

  test("the sealed settlement lists its keys in JCS order, so its entry seals with the native JSON.stringify", () => {
    const budget = { creditedMicros: 5, committedMicros: 3, reservedMicros: 1 };
    const settled = { actual_cost_micros: 1, charged_micros: 1, released_micros: 0, uncollected_micros: 0 };
    expect(keysInJcsOrder(settlementRecord(settled, budget, false, "r"))).toBe(true);
  });
});

describe("feedback", () => {
  test("is an outcome entry carrying the settlement, moving no money, queued for the Learner once", async () => {
    const { engine, store, fp } = await decided();
    const executed = await engine.submit(execution(fp));
    if (!executed.ok) throw new Error("execution refused");
    const budget = engine.budget();
    const first = await engine.submit(feedback(fp));
    expect(first).toMatchObject({ ok: true, committedMicros: 0, releasedMicros: 0, replayed: false });
    expect(engine.budget()).toEqual(budget);
    const outbox = store.readOutboxDue(Number.MAX_SAFE_INTEGER, 10);
    expect(outbox).toHaveLength(1);
    const payload = JSON.parse(outbox[0]!.payload) as { outcome: Record<string, unknown>; chargedMicros: number };
    expect(payload.outcome).toEqual({ model: "model-1", business_outcome_micros: null, quality_bps: 8_000, success: true });
    expect(payload.chargedMicros).toBe(70);
    const last = JSON.parse(exportText(store).trimEnd().split("\n").at(-1)!) as {
      kind: string;
      record: { ledger: Record<string, unknown>; outcome: Record<string, unknown> };
    };
    expect(last.kind).toBe("outcome");
    expect(last.record.ledger).toMatchObject({ settled_seq: executed.seq, charged_micros: 70, webhook_id: `feedback:${fp}` });
    expect(last.record.outcome).toEqual({
      business_outcome_micros: null,
      input_tokens: 3,
      latency_ms: 9,
      model: "model-1",
      output_tokens: 4,
      quality_bps: 8_000,
      success: true,
    });
    expect(await engine.submit(feedback(fp))).toEqual({ ...first, replayed: true });
    expect(await engine.submit(feedback(fp, { requestDigestHex: "body-2" }))).toMatchObject({
      ok: false,
      code: "outcome_already_recorded",
    });
    expect(await engine.submit(feedback(fp, { feedbackId: "msg_other", requestDigestHex: "body-3" }))).toMatchObject({
      ok: false,
      code: "outcome_already_recorded",
    });
    expect(verifyExportBytes(exportBytes(store), { sha256: nodeSha256 })).toMatchObject({ ok: true });
  });

  test("is refused before an execution, and after one in which no provider answered", async () => {
    const { engine, fp } = await decided();
    expect(await engine.submit(feedback(fp))).toMatchObject({ ok: false, code: "decision_not_executed" });
    await engine.submit(execution(fp, { attempts: [attempt("model-0", "timeout")], actualCostMicros: 0, served: null }));
    expect(await engine.submit(feedback(fp))).toMatchObject({ ok: false, code: "decision_not_executed" });
    expect(engine.budget()).toMatchObject({ committedMicros: 0, reservedMicros: 0 });
  });
});

/** The export with one record changed and every fingerprint after it recomputed: damage only a shape check can see. */
function forged(text: string, change: (record: Record<string, Record<string, unknown>>) => boolean): Uint8Array {
  let prev: Uint8Array | null = null;
  let changed = false;
  const lines: string[] = [];
  for (const line of text.trimEnd().split("\n")) {
    const entry = JSON.parse(line) as { kind: EntryKind; record: Record<string, Record<string, unknown>>; seq: number; ts: number };
    if (!changed && entry.kind === "execution") changed = change(entry.record);
    const sealed = sealEntry(prev ?? genesisHash("tenant-test"), entry.seq, entry.kind, entry.ts, entry.record as EntryRecord);
    lines.push(sealed.line);
    prev = sealed.fp;
  }
  expect(changed).toBe(true);
  return new TextEncoder().encode(`${lines.join("\n")}\n`);
}

describe("calybris verify on execution entries", () => {
  test("accepts a resealed export unchanged (the forger below is faithful)", async () => {
    const { engine, store, fp } = await decided();
    await engine.submit(execution(fp));
    expect(
      verifyExportBytes(
        forged(exportText(store), () => true),
        { sha256: nodeSha256 },
      ),
    ).toMatchObject({ ok: true });
  });

  test.each([
    ["an unknown status", (r: Record<string, Record<string, unknown>>) => ((r.execution!.status = "fine"), true), "execution status"],
    ["a decision_seq not before it", (r: Record<string, Record<string, unknown>>) => ((r.ledger!.decision_seq = 99), true), "decision_seq"],
    ["a negative attempt", (r: Record<string, Record<string, unknown>>) => ((r.ledger!.attempt = -1), true), "attempt"],
    [
      "a settlement that is a number",
      (r: Record<string, Record<string, unknown>>) => ((r.ledger!.settlement = 5 as unknown as null), true),
      "settlement",
    ],
    ["an extra field", (r: Record<string, Record<string, unknown>>) => ((r.extra = {}), true), "exactly"],
  ])("refuses %s as damage, with fingerprints that check out", async (_name, change, reason) => {
    const { engine, store, fp } = await decided();
    await engine.submit(execution(fp));
    const report = verifyExportBytes(forged(exportText(store), change), { sha256: nodeSha256 });
    expect(report.ok).toBe(false);
    expect(JSON.stringify(report)).toContain(reason);
  });
});
