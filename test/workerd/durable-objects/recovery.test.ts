// Recovery and alarms of the real TenantLedger (DESIGN.md "The chain"): damage inside committed
// history is refused on start, never truncated, and the object then writes nothing; a row beyond
// the committed head is a torn tail that the object drops; the alarm signs exactly one checkpoint
// over new entries (at most one per CHECKPOINT_INTERVAL_MS), nothing when there is nothing new or
// when it runs twice, and its notes open with the dev verifier key.

import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { runAlarm } from "../../../src/durable-objects/ledger-alarm.ts";
import { isVacant } from "../../../src/durable-objects/migrate.ts";
import type { TenantLedger } from "../../../src/durable-objects/tenant-ledger.ts";
import { openCheckpoint } from "../../../src/ledger/checkpoint.ts";
import { sealEntry } from "../../../src/ledger/entry.ts";
import { leafHash } from "../../../src/ledger/merkle.ts";
import { parseSignerKey, verifierKeyText } from "../../../src/ledger/signed-note.ts";
import {
  API_KEY_HASH_HEX,
  CHECKPOINT_INTERVAL_MS,
  chainLines,
  checkpointOrigin,
  DEV_VERIFIER_KEY_TEXT,
  devVerifier,
  dumpTables,
  expectChainVerifies,
  freshName,
  internals,
  ledgerStub,
  postOutcome,
  RESERVATION_TTL_MS,
  decideInput,
  tenantInput,
  verifyLines,
  withEngine,
  type LedgerStub,
} from "./ledger-do-fixtures.ts";

async function entriesOf(stub: LedgerStub): Promise<number> {
  const answer = await stub.budget(API_KEY_HASH_HEX);
  if (!answer.ok) throw new Error(`budget refused: ${answer.code}`);
  return answer.entries;
}

/**
 * A ledger with a signed checkpoint and entries after it: create, top-up, three decisions and a
 * release, the alarm's checkpoint (seq 6, over 6 entries), then two decisions and a top-up (seq 7
 * to 9). No outcome, whose outbox row would fire the alarm at once; the alarm is then deleted, so
 * that nothing but the test writes while it runs.
 */
async function seededLedger(prefix: string): Promise<{ stub: LedgerStub; tenantId: string }> {
  const tenantId = freshName(prefix);
  const stub = ledgerStub(tenantId);
  expect((await stub.createTenant(tenantInput(tenantId, 10_000))).ok).toBe(true);
  expect((await stub.topUp("top-1", 5_000)).ok).toBe(true);
  for (const [id, cost] of [
    ["dec-a", 1_000],
    ["dec-b", 2_000],
    ["dec-c", 3_000],
  ] as const) {
    expect((await stub.decide(API_KEY_HASH_HEX, decideInput(id, cost))).result.ok).toBe(true);
  }
  expect((await stub.release(API_KEY_HASH_HEX, "dec-b")).result.ok).toBe(true);
  expect(await runDurableObjectAlarm(stub)).toBe(true);
  expect(await stub.latestCheckpoint(API_KEY_HASH_HEX)).toMatchObject({ ok: true, treeSize: 6 });
  expect((await stub.decide(API_KEY_HASH_HEX, decideInput("dec-d", 500))).result.ok).toBe(true);
  expect((await stub.decide(API_KEY_HASH_HEX, decideInput("dec-e", 700))).result.ok).toBe(true);
  expect((await stub.topUp("top-2", 100)).ok).toBe(true);
  expect(await entriesOf(stub)).toBe(10);
  await runInDurableObject(stub, (_instance: TenantLedger, state) => state.storage.deleteAlarm());
  return { stub, tenantId };
}

/** Changes the object's SQLite directly, as disk damage or a bad manual edit would. */
function damage(stub: LedgerStub, statements: readonly (readonly [string, ...(string | number)[]])[]): Promise<void> {
  return runInDurableObject(stub, (_instance: TenantLedger, state) => {
    for (const [query, ...bindings] of statements) state.storage.sql.exec(query, ...bindings);
  });
}

// Damage after the last checkpoint (at seq 6), which is what recovery re-verifies on start.
const DAMAGE: readonly { readonly name: string; readonly statements: readonly (readonly [string, ...(string | number)[]])[] }[] = [
  {
    name: "a changed amount in an entry's record",
    statements: [["UPDATE entries SET line = replace(line, '\"reserved_micros\":500', '\"reserved_micros\":501') WHERE seq = 7"]],
  },
  { name: "a line cut short", statements: [["UPDATE entries SET line = substr(line, 1, length(line) - 10) WHERE seq = 8"]] },
  {
    name: "a changed fingerprint column (the line is intact)",
    statements: [["UPDATE entries SET fp_hex = ? WHERE seq = 8", "00".repeat(32)]],
  },
  { name: "a missing entry in the middle", statements: [["DELETE FROM entries WHERE seq = 8"]] },
  {
    name: "two entries swapped",
    statements: [
      ["UPDATE entries SET seq = -1 WHERE seq = 7"],
      ["UPDATE entries SET seq = 7 WHERE seq = 8"],
      ["UPDATE entries SET seq = 8 WHERE seq = -1"],
    ],
  },
  { name: "a changed Merkle leaf", statements: [["UPDATE merkle_nodes SET hash_hex = ? WHERE level = 0 AND idx = 8", "11".repeat(32)]] },
  { name: "the last committed entry missing", statements: [["DELETE FROM entries WHERE seq = 9"]] },
  { name: "a head that names another last entry", statements: [["UPDATE head SET head_hex = ? WHERE id = 1", "22".repeat(32)]] },
];

describe("TenantLedger recovery on start", () => {
  it.each(DAMAGE)("refuses $name: every call answers ledger_integrity_failed and nothing is written", async ({ statements }) => {
    const { stub, tenantId } = await seededLedger("damaged");
    await damage(stub, statements);
    await evictDurableObject(stub);
    const before = await runInDurableObject(stub, (instance: TenantLedger, state) => {
      expect(internals(instance).integrity?.code).toBe("ledger_integrity_failed");
      expect(internals(instance).engine).toBeNull();
      return dumpTables(state.storage.sql);
    });

    const refused = { ok: false, code: "ledger_integrity_failed" };
    expect(await stub.budget(API_KEY_HASH_HEX)).toMatchObject(refused);
    expect(await stub.budget(null)).toMatchObject(refused);
    expect(await stub.tenant(API_KEY_HASH_HEX)).toMatchObject(refused);
    expect(await stub.adminTenant()).toMatchObject(refused);
    expect(await stub.decide(API_KEY_HASH_HEX, decideInput("dec-after-damage", 1))).toMatchObject({ result: refused, rate: null });
    expect(
      await postOutcome(stub, { webhookId: "wh-after-damage", decisionFingerprint: "ee".repeat(32), actualCostMicros: 1 }),
    ).toMatchObject(refused);
    expect(await stub.chainPage(API_KEY_HASH_HEX, 0, 100)).toMatchObject(refused);
    expect(await stub.proof(API_KEY_HASH_HEX, 0)).toMatchObject(refused);
    expect(await stub.latestCheckpoint(API_KEY_HASH_HEX)).toMatchObject(refused);
    expect(await stub.topUp("top-after-damage", 1)).toMatchObject(refused);
    expect(await stub.updateTenant("suspend", { status: "suspended" })).toMatchObject(refused);
    expect((await stub.release(API_KEY_HASH_HEX, "dec-a")).result).toMatchObject(refused);
    expect(await stub.createTenant(tenantInput(tenantId, 1))).toMatchObject(refused);
    await runInDurableObject(stub, (instance: TenantLedger) => internals(instance).alarm());

    // Refused, never truncated or repaired: not a row changed, and a restart refuses again.
    await evictDurableObject(stub);
    expect(await stub.budget(API_KEY_HASH_HEX)).toMatchObject(refused);
    expect(await runInDurableObject(stub, (_instance: TenantLedger, state) => dumpTables(state.storage.sql))).toEqual(before);
  });

  it("leaves damage under the last checkpoint to the offline verifier, which names the entry", async () => {
    // DESIGN.md: recovery on start verifies the chain since the last checkpoint. Damage before it
    // is not re-read on start; the export (what a verifier receives) must still show it.
    const { stub, tenantId } = await seededLedger("damaged-signed");
    await damage(stub, [["UPDATE entries SET line = replace(line, '\"amount_micros\":5000', '\"amount_micros\":5001') WHERE seq = 1"]]);
    await evictDurableObject(stub);
    const answer = await stub.chainPage(API_KEY_HASH_HEX, 0, 100);
    // Today the object opens and serves the damaged line (its start reads only entries 6 to 9);
    // refusing to open would be stricter, and is accepted too.
    if (!answer.ok) {
      expect(answer.code).toBe("ledger_integrity_failed");
      return;
    }
    const report = verifyLines(answer.lines, tenantId);
    expect(report.ok).toBe(false);
    expect(report.damage).toMatchObject({ seq: 1, reason: "fingerprint does not match the entry's bytes" });
  });

  it.each([
    { name: "a garbage line", wellFormed: false },
    { name: "a well-formed next entry whose head never committed", wellFormed: true },
  ])("drops a torn tail ($name) beyond the committed head, then serves and verifies", async ({ wellFormed }) => {
    const { stub, tenantId } = await seededLedger("torn");
    const size = await entriesOf(stub);
    await runInDurableObject(stub, (_instance: TenantLedger, state) => {
      const sql = state.storage.sql;
      const last = sql.exec<{ fp_hex: string }>("SELECT fp_hex FROM entries WHERE seq = ?", size - 1).one();
      const sealed = sealEntry(hexToBytes(last.fp_hex), size, "decision", Date.now(), { decision: { request: "never-committed" } });
      const line = wellFormed ? sealed.line : `${sealed.line.slice(0, 40)}\u0000garbage`;
      sql.exec(
        "INSERT INTO entries (seq, kind, ts_ms, fp_hex, line) VALUES (?, ?, ?, ?, ?)",
        size,
        "decision",
        Date.now(),
        sealed.fpHex,
        line,
      );
      if (wellFormed)
        sql.exec(
          "INSERT OR REPLACE INTO merkle_nodes (level, idx, hash_hex) VALUES (0, ?, ?)",
          size,
          bytesToHex(leafHash(hexToBytes(sealed.fpHex))),
        );
    });
    await evictDurableObject(stub);
    expect(await entriesOf(stub)).toBe(size);
    const rows = await runInDurableObject(
      stub,
      (_instance: TenantLedger, state) =>
        state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM entries WHERE seq >= ?", size).one().n,
    );
    expect(rows).toBe(0);
    await expectChainVerifies(stub, tenantId, size);
    // The dropped seq is free again: the next decision takes it, and the chain still verifies.
    const decided = await stub.decide(API_KEY_HASH_HEX, decideInput("dec-after-tail", 100));
    expect(decided.result).toMatchObject({ ok: true, seq: size, budgetVerdict: "pass" });
    await expectChainVerifies(stub, tenantId, size + 1);
  });
});

describe("TenantLedger alarm", () => {
  it("signs with the development key of docs/dev-signing-key.md in tests", () => {
    const signer = parseSignerKey(env.CHECKPOINT_SIGNING_KEY);
    expect(signer.ok && verifierKeyText(signer.key)).toBe(DEV_VERIFIER_KEY_TEXT);
  });

  it("does nothing on an object that no one created, and leaves it vacant", async () => {
    const stub = ledgerStub(freshName("vacant"));
    expect(await runDurableObjectAlarm(stub)).toBe(false);
    const vacant = await runInDurableObject(stub, async (instance: TenantLedger, state) => {
      await internals(instance).alarm();
      return { vacant: isVacant(state.storage.sql), alarm: await state.storage.getAlarm() };
    });
    expect(vacant).toEqual({ vacant: true, alarm: null });
    expect(await stub.budget(API_KEY_HASH_HEX)).toMatchObject({ ok: false, code: "unauthorized" });
  });

  it("does nothing when there is nothing to do", async () => {
    const tenantId = freshName("quiet");
    const stub = ledgerStub(tenantId);
    expect((await stub.createTenant(tenantInput(tenantId, 10_000))).ok).toBe(true);
    // The first alarm signs over the tenant's first entry; after it nothing is left to do.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.latestCheckpoint(API_KEY_HASH_HEX)).toMatchObject({ ok: true, treeSize: 1 });
    expect(await runDurableObjectAlarm(stub)).toBe(false);
    const quiet = await runInDurableObject(stub, async (instance: TenantLedger, state) => {
      const tables = dumpTables(state.storage.sql);
      await internals(instance).alarm();
      return { same: JSON.stringify(dumpTables(state.storage.sql)) === JSON.stringify(tables), alarm: await state.storage.getAlarm() };
    });
    expect(quiet).toEqual({ same: true, alarm: null });
    await evictDurableObject(stub);
    expect(await runDurableObjectAlarm(stub)).toBe(false);
    expect(await entriesOf(stub)).toBe(2);
  });

  it("signs exactly one checkpoint over new entries, and none when run again, delivered twice or after an eviction", async () => {
    const tenantId = freshName("alarm");
    const stub = ledgerStub(tenantId);
    expect((await stub.createTenant(tenantInput(tenantId, 10_000))).ok).toBe(true);
    for (const [id, cost] of [
      ["dec-a", 1_000],
      ["dec-b", 2_000],
      ["dec-c", 3_000],
    ] as const) {
      expect((await stub.decide(API_KEY_HASH_HEX, decideInput(id, cost))).result.ok).toBe(true);
    }
    expect(await stub.latestCheckpoint(API_KEY_HASH_HEX)).toMatchObject({ ok: false, code: "checkpoint_not_found" });
    await evictDurableObject(stub);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const lines = await chainLines(stub);
    expect(lines.map((line) => (JSON.parse(line) as { kind: string }).kind)).toEqual([
      "budget",
      "decision",
      "decision",
      "decision",
      "checkpoint",
    ]);
    const latest = await stub.latestCheckpoint(API_KEY_HASH_HEX);
    if (!latest.ok) throw new Error(latest.code);
    expect(latest.treeSize).toBe(4);
    const opened = openCheckpoint(latest.note, devVerifier, checkpointOrigin(tenantId));
    if (!opened.ok) throw new Error(`${opened.code}: ${opened.detail}`);
    expect(opened.verifiedBy).toEqual(["calybris-dev+aa25f12c"]);
    expect(opened.checkpoint.treeSize).toBe(4);
    // The note's root is the root an inclusion proof for any covered entry verifies against.
    const proof = await stub.proof(API_KEY_HASH_HEX, 2);
    expect(proof).toMatchObject({ ok: true, treeSize: 4, checkpointNote: latest.note, rootHex: bytesToHex(opened.checkpoint.rootHash) });

    // Run again (the open reservations keep an alarm armed), delivered once more, and after an
    // eviction: no second checkpoint, nothing else written.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await runInDurableObject(stub, (instance: TenantLedger) => internals(instance).alarm());
    await evictDurableObject(stub);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await entriesOf(stub)).toBe(5);
    expect(await stub.latestCheckpoint(API_KEY_HASH_HEX)).toMatchObject({ ok: true, treeSize: 4 });
    await expectChainVerifies(stub, tenantId, 5);
  });

  it("signs at most once per interval, stays armed for the entries it left, and signs them one interval later", async () => {
    const tenantId = freshName("interval");
    const stub = ledgerStub(tenantId);
    expect((await stub.createTenant(tenantInput(tenantId, 10_000))).ok).toBe(true);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.latestCheckpoint(API_KEY_HASH_HEX)).toMatchObject({ ok: true, treeSize: 1 });
    for (const id of ["dec-a", "dec-b"]) expect((await stub.decide(API_KEY_HASH_HEX, decideInput(id, 100))).result.ok).toBe(true);
    // Within the interval: the alarm signs nothing, and wakes again one interval after the first new entry.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await entriesOf(stub)).toBe(4);
    const lines = await chainLines(stub);
    const firstNewMs = (JSON.parse(lines[2]!) as { ts: number }).ts;
    const armedAt = await runInDurableObject(stub, (_instance: TenantLedger, state) => state.storage.getAlarm());
    expect(armedAt).toBe(firstNewMs + CHECKPOINT_INTERVAL_MS);
    // The same alarm one interval later (the clock cannot be moved: run it at now + interval).
    await withEngine(stub, (engine, ledger) => runAlarm(engine, env, ledger.config, Date.now() + CHECKPOINT_INTERVAL_MS));
    const latest = await stub.latestCheckpoint(API_KEY_HASH_HEX);
    expect(latest).toMatchObject({ ok: true, treeSize: 4 });
    if (latest.ok) expect(openCheckpoint(latest.note, devVerifier, checkpointOrigin(tenantId)).ok).toBe(true);
    await expectChainVerifies(stub, tenantId, 5);
  });

  it("expires every open reservation once when expiry runs 10 minutes late, and a duplicate finds none", async () => {
    const tenantId = freshName("late-expiry");
    const stub = ledgerStub(tenantId);
    expect((await stub.createTenant(tenantInput(tenantId, 10_000))).ok).toBe(true);
    const decided = [];
    for (const [id, cost] of [
      ["dec-a", 1_000],
      ["dec-b", 2_000],
      ["dec-c", 3_000],
    ] as const)
      decided.push(await stub.decide(API_KEY_HASH_HEX, decideInput(id, cost)));
    const settledFingerprint = decided[0]!.result.ok ? decided[0]!.result.fingerprint : "";
    expect(await postOutcome(stub, { webhookId: "wh-a", decisionFingerprint: settledFingerprint, actualCostMicros: 800 })).toMatchObject({
      ok: true,
    });
    // workerd's clock cannot be moved: the engine's expire command runs inside the object at its
    // now + TTL + 1 ms, as the alarm would submit it ten minutes late.
    const lateExpiry = () =>
      withEngine(stub, (engine) => engine.submit({ type: "expire", nowMs: Date.now() + RESERVATION_TTL_MS + 1, limit: 500 }));
    expect(await lateExpiry()).toMatchObject({ ok: true, expired: 2, releasedMicros: 5_000 });
    const size = await entriesOf(stub);
    const expiries = (await chainLines(stub))
      .map((line) => JSON.parse(line) as { record: { op?: string; reservation_ids?: string[] } })
      .filter((entry) => entry.record.op === "expire");
    expect(expiries.map((entry) => entry.record.reservation_ids)).toEqual([["dec-b", "dec-c"]]);
    expect(await stub.budget(API_KEY_HASH_HEX)).toMatchObject({
      ok: true,
      budget: { reservedMicros: 0, committedMicros: 800, availableMicros: 9_200 },
    });

    // Duplicated, and then the real alarm (whatever is scheduled): nothing expires twice.
    expect(await lateExpiry()).toEqual({ ok: true, expired: 0, releasedMicros: 0, seq: null });
    await runDurableObjectAlarm(stub);
    const after = await stub.budget(API_KEY_HASH_HEX);
    expect(after).toMatchObject({ ok: true, budget: { reservedMicros: 0, committedMicros: 800, availableMicros: 9_200 } });
    const kinds = (await chainLines(stub)).slice(size).map((line) => (JSON.parse(line) as { kind: string }).kind);
    expect(kinds.every((kind) => kind === "checkpoint")).toBe(true);
    await expectChainVerifies(stub, tenantId, after.ok ? after.entries : -1);
  });
});
