// Schema migrations of the TenantLedger on a real object, one test per step (the cloudflare/agents
// pattern: the older schema made by hand on a fresh object, rows in it, then the object starts):
// 0001 from a vacant object, whose v1 tables then hold a whole ledger; 0002 from an object left at
// v1 with a realistic ledger in it, which migrates when it next starts, keeps every row and keeps
// serving. Running the migrations again applies nothing; a database newer than the code is refused.
//
// How the v1 object is made: inside a fresh (vacant) object, only migration 1 is applied
// (migrate(..., 1)). The ledger's rows come from the pure engine over an in-memory store, which
// logs every committed batch; each batch is then written into the v1 tables in one transaction by
// a v1 writer below: SqlLedgerStore's SQL as it was before 0002 added `tenant.mode`. So the rows
// are exactly what the ledger commits, in the layout a v1 object held. One honest difference: the
// tenant_created entry's record carries `mode: "live"` because today's engine sealed it; a real v1
// chain did not have that field, and nothing in migration or recovery reads it.

import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { bytesToHex } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { LEDGER_MIGRATIONS } from "../../../src/durable-objects/ledger-migrations.ts";
import { currentVersion, isVacant, migrate } from "../../../src/durable-objects/migrate.ts";
import type { TenantLedger } from "../../../src/durable-objects/tenant-ledger.ts";
import type { LedgerCommand } from "../../../src/ledger/commands.ts";
import { LedgerEngine } from "../../../src/ledger/engine.ts";
import { MemoryStore } from "../../../src/ledger/memory-store.ts";
import { parseSignerKey } from "../../../src/ledger/signed-note.ts";
import type { LedgerWrite, TenantRow } from "../../../src/ledger/store.ts";
import {
  API_KEY_HASH_HEX,
  checkpointOrigin,
  dumpTables,
  expectChainVerifies,
  freshName,
  ledgerStub,
  postOutcome,
  RESERVATION_TTL_MS,
  synthetic,
  WEBHOOK_SECRET,
  type LedgerStub,
  type SqlRow,
} from "./ledger-do-fixtures.ts";
import type { DecideInput } from "../../../src/durable-objects/ledger-rpc.ts";

/** A MemoryStore that keeps every committed batch, so the same batches can be written to SQLite. */
class RecordingStore extends MemoryStore {
  readonly batches: (readonly LedgerWrite[])[] = [];

  override commit(writes: readonly LedgerWrite[]): void {
    super.commit(writes);
    this.batches.push(writes);
  }
}

/**
 * SqlLedgerStore's writes in an older layout: in v1 the tenant row has no `mode` column yet, in
 * v2 no `pack`. Every other table is the same in v1, v2 and v3.
 */
function writeOld(sql: SqlStorage, write: LedgerWrite, version: 1 | 2 | 3): void {
  // Before v4 there is no decision tally, before v5 no usage buckets: an old object simply has no counts.
  if (write.table === "tally" || write.table === "usage") return;
  if (version >= 2 && write.table === "tenant") {
    const t = write.row;
    sql.exec(
      `INSERT OR REPLACE INTO tenant (id, tenant_id, name, status, mode, allowed_provider_mask, rate_limit_per_minute, cost_cap_micros,
      api_key_hash_hex, api_key_id, webhook_secret, created_at_ms) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      t.tenantId,
      t.name,
      t.status,
      t.mode,
      t.allowedProviderMask,
      t.rateLimitPerMinute,
      t.costCapMicros,
      t.apiKeyHashHex,
      t.apiKeyId,
      t.webhookSecret,
      t.createdAtMs,
    );
    return;
  }
  switch (write.table) {
    case "head": {
      const h = write.row;
      sql.exec(
        "INSERT OR REPLACE INTO head (id, size, head_hex, credited_micros, committed_micros, reserved_micros, checkpoint_size) VALUES (1, ?, ?, ?, ?, ?, ?)",
        h.size,
        h.headHex,
        h.creditedMicros,
        h.committedMicros,
        h.reservedMicros,
        h.checkpointSize,
      );
      return;
    }
    case "tenant": {
      const t = write.row;
      sql.exec(
        `INSERT OR REPLACE INTO tenant (id, tenant_id, name, status, allowed_provider_mask, rate_limit_per_minute, cost_cap_micros,
        api_key_hash_hex, api_key_id, webhook_secret, created_at_ms) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        t.tenantId,
        t.name,
        t.status,
        t.allowedProviderMask,
        t.rateLimitPerMinute,
        t.costCapMicros,
        t.apiKeyHashHex,
        t.apiKeyId,
        t.webhookSecret,
        t.createdAtMs,
      );
      return;
    }
    case "entry":
      sql.exec(
        "INSERT INTO entries (seq, kind, ts_ms, fp_hex, line) VALUES (?, ?, ?, ?, ?)",
        write.row.seq,
        write.row.kind,
        write.row.tsMs,
        write.row.fpHex,
        write.row.line,
      );
      return;
    case "node":
      sql.exec(
        "INSERT OR REPLACE INTO merkle_nodes (level, idx, hash_hex) VALUES (?, ?, ?)",
        write.level,
        write.index,
        bytesToHex(write.hash),
      );
      return;
    case "reservation": {
      const r = write.row;
      sql.exec(
        "INSERT OR REPLACE INTO reservations (id, decision_seq, amount_micros, created_at_ms, expires_at_ms, status, resolved_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
        r.id,
        r.decisionSeq,
        r.amountMicros,
        r.createdAtMs,
        r.expiresAtMs,
        r.status,
        r.resolvedSeq,
      );
      return;
    }
    case "keyed":
      sql.exec("INSERT OR REPLACE INTO keyed (scope, key, value) VALUES (?, ?, ?)", write.scope, write.key, write.value);
      return;
    case "outbox":
      sql.exec(
        "INSERT OR REPLACE INTO outbox (id, payload, attempts, next_attempt_ms) VALUES (?, ?, ?, ?)",
        write.row.id,
        write.row.payload,
        write.row.attempts,
        write.row.nextAttemptMs,
      );
      return;
    case "outbox_delete":
      sql.exec("DELETE FROM outbox WHERE id = ?", write.id);
      return;
    case "checkpoint":
      sql.exec(
        "INSERT INTO checkpoints (tree_size, root_hex, note, seq) VALUES (?, ?, ?, ?)",
        write.row.treeSize,
        write.row.rootHex,
        write.row.note,
        write.row.seq,
      );
      return;
    case "truncate_entries":
      sql.exec("DELETE FROM entries WHERE seq >= ?", write.fromSeq);
      return;
  }
}

function signer() {
  const parsed = parseSignerKey(env.CHECKPOINT_SIGNING_KEY);
  if (!parsed.ok) throw new Error(`CHECKPOINT_SIGNING_KEY refused: ${parsed.code}`);
  return parsed.key;
}

function decideCommand(decisionId: string, costMicros: number, nowMs: number): LedgerCommand {
  return {
    type: "decide",
    decisionId,
    idempotencyKey: `key-${decisionId}`,
    requestDigestHex: `digest-${decisionId}`,
    candidates: [{ option: "model-a", costMicros }],
    record: { request: decisionId },
    learnerContext: { regime: "coding" },
    tally: { regime: 0, propensity: null, shadow: null },
    reservationTtlMs: RESERVATION_TTL_MS,
    nowMs,
  };
}

interface V1Ledger {
  readonly store: RecordingStore;
  readonly engine: LedgerEngine;
  /** The fingerprint of a decision whose reservation is still open, for an outcome after the migration. */
  readonly openDecisionFingerprint: string;
}

/** A realistic ledger made by the pure engine: top-up, decisions, an outcome, a release, a checkpoint, more after it. */
async function buildLedger(tenantId: string): Promise<V1Ledger> {
  const store = new RecordingStore();
  const engine = new LedgerEngine(store, { defer: (flush) => queueMicrotask(flush) });
  const nowMs = Date.now();
  const tenant: TenantRow = {
    tenantId,
    name: `Tenant ${tenantId}`,
    status: "active",
    mode: "live",
    pack: "llm",
    allowedProviderMask: 0xffff,
    rateLimitPerMinute: 1_000_000,
    costCapMicros: -1,
    apiKeyHashHex: API_KEY_HASH_HEX,
    apiKeyId: "key-1",
    webhookSecret: WEBHOOK_SECRET,
    createdAtMs: nowMs,
  };
  const run = async (command: LedgerCommand): Promise<Record<string, unknown>> => {
    const result = (await engine.submit(command)) as Record<string, unknown>;
    if (result.ok !== true) throw new Error(`${command.type} refused: ${JSON.stringify(result)}`);
    return result;
  };
  await run({ type: "create_tenant", tenant, initialBudgetMicros: 10_000, nowMs });
  await run({ type: "top_up", topUpId: "top-1", amountMicros: 5_000, nowMs });
  const settled = await run(decideCommand("dec-settled", 4_000, nowMs));
  await run(decideCommand("dec-released", 3_000, nowMs));
  await run(decideCommand("dec-refused", 1_000_000, nowMs));
  await run({
    type: "outcome",
    webhookId: "wh-1",
    requestDigestHex: "body-1",
    decisionFingerprint: String(settled.fingerprint),
    model: "model-a",
    actualCostMicros: 3_500,
    record: { quality_bps: 9_000 },
    learnerOutcome: { success: true },
    nowMs,
  });
  await run({ type: "release", reservationId: "dec-released", nowMs });
  await run({ type: "checkpoint", origin: checkpointOrigin(tenantId), signer: signer(), nowMs });
  const open = await run(decideCommand("dec-open", 2_000, nowMs));
  return { store, engine, openDecisionFingerprint: String(open.fingerprint) };
}

/** workerd's `process` (nodejs_compat), typed here because the workerd tests have no Node types. */
const nodeProcess = (
  globalThis as unknown as {
    process: {
      on(event: "unhandledRejection", listener: (reason: unknown) => void): void;
      off(event: "unhandledRejection", listener: (reason: unknown) => void): void;
    };
  }
).process;

function popCount(value: number): number {
  let count = 0;
  for (let rest = value; rest > 0; rest = Math.floor(rest / 2)) count += rest % 2;
  return count;
}

function tableColumns(sql: SqlStorage, table: string): string[] {
  return sql
    .exec<{ name: string }>(`SELECT name FROM pragma_table_info('${table}')`)
    .toArray()
    .map((row) => row.name);
}

/** Outbox rows without v4's seq column, to compare with rows written before it. */
function withoutSeq(rows: readonly SqlRow[]): SqlRow[] {
  return rows.map((row) => Object.fromEntries(Object.entries(row).filter(([column]) => column !== "seq")) as SqlRow);
}

function appliedVersions(sql: SqlStorage): number[] {
  return sql
    .exec<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version")
    .toArray()
    .map((row) => Number(row.version));
}

/** Makes `stub` a v1 (or v2) object holding `ledger`'s rows; returns its tables as written. */
async function plantV1Object(stub: LedgerStub, ledger: V1Ledger, version: 1 | 2 | 3 = 1): Promise<Record<string, SqlRow[]>> {
  return runInDurableObject(stub, (_instance: TenantLedger, state) => {
    const sql = state.storage.sql;
    // A fresh object is vacant; drop anything all the same, so the schema is exactly v1's.
    for (const row of sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'sqlite_%'")
      .toArray()) {
      sql.exec(`DROP TABLE IF EXISTS "${row.name}"`);
    }
    expect(isVacant(sql)).toBe(true);
    expect(migrate(state.storage, LEDGER_MIGRATIONS, Date.now(), version)).toEqual({ from: 0, to: version });
    if (version < 3) expect(tableColumns(sql, "tenant")).not.toContain(version === 1 ? "mode" : "pack");
    else expect(tableColumns(sql, "outbox")).not.toContain("seq");
    for (const batch of ledger.store.batches) state.storage.transactionSync(() => batch.forEach((write) => writeOld(sql, write, version)));
    return dumpTables(sql);
  });
}

/** The migration steps this file tests, by version: a new migration must add its test and its version here. */
const TESTED_STEPS = [1, 2, 3, 4, 5];

/** The tables of schema v1, in sqlite_master's name order (schema_migrations is migrate.ts's). */
const V1_TABLES = ["checkpoints", "entries", "head", "keyed", "merkle_nodes", "outbox", "reservations", "schema_migrations", "tenant"];

describe("TenantLedger schema migrations", () => {
  it("has a test below for every migration step", () => {
    expect(LEDGER_MIGRATIONS.map((migration) => migration.version)).toEqual(TESTED_STEPS);
  });

  it("0001_init: a vacant object (schema v0 has no tables, so no rows) gets the v1 tables, which hold a whole ledger", async () => {
    const tenantId = freshName("v0");
    const stub = ledgerStub(tenantId);
    // Reading an object nobody created answers a refusal and stores nothing: it stays at v0.
    expect(await stub.budget(API_KEY_HASH_HEX)).toMatchObject({ ok: false, code: "unauthorized" });
    await runInDurableObject(stub, (_instance: TenantLedger, state) => {
      expect(isVacant(state.storage.sql)).toBe(true);
      expect(dumpTables(state.storage.sql)).toEqual({});
    });
    const ledger = await buildLedger(tenantId);
    const v1Tables = await plantV1Object(stub, ledger);
    expect(Object.keys(v1Tables)).toEqual(V1_TABLES);
    // Every row the ledger committed reads back from the v1 tables as it was written.
    const head = ledger.engine.head;
    expect(v1Tables.head).toEqual([
      {
        id: 1,
        size: head.size,
        head_hex: head.headHex,
        credited_micros: head.creditedMicros,
        committed_micros: head.committedMicros,
        reserved_micros: head.reservedMicros,
        checkpoint_size: head.checkpointSize,
      },
    ]);
    expect(v1Tables.entries!.map((row) => [row.seq, row.fp_hex, row.line])).toEqual(
      ledger.store.readEntries(0, 1000).map((row) => [row.seq, row.fpHex, row.line]),
    );
    expect(v1Tables.checkpoints!.map((row) => row.note)).toEqual([ledger.store.readLatestCheckpoint()!.note]);
    expect(v1Tables.tenant!.map((row) => [row.tenant_id, row.api_key_hash_hex])).toEqual([[tenantId, API_KEY_HASH_HEX]]);
    // One merkle node per completed perfect subtree: 2n - popcount(n) of them for n leaves.
    expect(v1Tables.merkle_nodes).toHaveLength(2 * head.size - popCount(head.size));
  });

  it("0002_tenant_mode: migrates an object left at v1 with rows to v2 on its next start, keeps every row, and keeps serving", async () => {
    const tenantId = freshName("v1");
    const stub = ledgerStub(tenantId);
    const ledger = await buildLedger(tenantId);
    const v1Tables = await plantV1Object(stub, ledger);
    expect(v1Tables.entries).toHaveLength(ledger.engine.head.size);
    expect(v1Tables.schema_migrations!.map((row) => row.version)).toEqual([1]);

    // The constructor runs again on the next call: it must migrate before it opens the ledger.
    await evictDurableObject(stub);
    const budget = await stub.budget(API_KEY_HASH_HEX);
    expect(budget).toEqual({ ok: true, budget: ledger.engine.budget(), entries: ledger.engine.head.size });

    const v2Tables = await runInDurableObject(stub, (_instance: TenantLedger, state) => {
      expect(appliedVersions(state.storage.sql)).toEqual(TESTED_STEPS);
      expect(tableColumns(state.storage.sql, "tenant")).toContain("mode");
      return dumpTables(state.storage.sql);
    });
    // Every v1 row is still there, unchanged; the tenant row only gained mode = 'live'.
    for (const [table, rows] of Object.entries(v1Tables)) {
      if (table === "schema_migrations") continue;
      const after =
        table === "tenant"
          ? v2Tables.tenant!.map(({ mode, pack, ...rest }) => (expect([mode, pack]).toEqual(["live", "llm"]), rest))
          : table === "outbox"
            ? withoutSeq(v2Tables.outbox!)
            : v2Tables[table];
      expect(after, table).toEqual(rows);
    }
    const tenant = await stub.adminTenant();
    expect(tenant.ok && tenant.tenant.mode).toBe("live");

    const lines = await stub.chainPage(API_KEY_HASH_HEX, 0, 1000);
    expect(lines.ok && lines.lines).toEqual(ledger.store.readEntries(0, 1000).map((row) => row.line));

    // The migrated ledger serves: a new decision, and an outcome for a decision made under v1.
    const decided = await stub.decide(
      API_KEY_HASH_HEX,
      synthetic<DecideInput>({
        decisionId: "dec-after",
        idempotencyKey: null,
        requestDigestHex: "d",
        candidates: [{ option: "model-a", costMicros: 500 }],
        record: { request: "dec-after" },
        learnerContext: { regime: "coding" },
        tally: { regime: 0, propensity: null, shadow: null },
      }),
    );
    expect(decided.result).toMatchObject({ ok: true, seq: ledger.engine.head.size, budgetVerdict: "pass" });
    const settled = await postOutcome(stub, {
      webhookId: "wh-after",
      decisionFingerprint: ledger.openDecisionFingerprint,
      actualCostMicros: 1_500,
    });
    expect(settled).toMatchObject({ ok: true, committedMicros: 1_500, releasedMicros: 500, replayed: false });
    // A v1 idempotency record still answers its retry.
    const retried = await stub.decide(
      API_KEY_HASH_HEX,
      synthetic<DecideInput>({
        decisionId: "dec-settled",
        idempotencyKey: "key-dec-settled",
        requestDigestHex: "digest-dec-settled",
        candidates: [{ option: "model-a", costMicros: 4_000 }],
        record: { request: "dec-settled" },
        learnerContext: { regime: "coding" },
        tally: { regime: 0, propensity: null, shadow: null },
      }),
    );
    expect(retried.result).toMatchObject({ ok: true, seq: 2, replayed: true });
    const after = await stub.budget(API_KEY_HASH_HEX);
    if (!after.ok) throw new Error(after.code);
    expect(after.budget).toEqual({ creditedMicros: 15_000, committedMicros: 5_000, reservedMicros: 500, availableMicros: 9_500 });
    await expectChainVerifies(stub, tenantId, after.entries);

    // The new column works: apprentice mode is set, sealed, and read back after another start.
    expect(await stub.updateTenant("set_mode", { mode: "apprentice" })).toMatchObject({ ok: true });
    await evictDurableObject(stub);
    const switched = await stub.adminTenant();
    expect(switched.ok && switched.tenant.mode).toBe("apprentice");
    await expectChainVerifies(stub, tenantId, after.entries + 1);
  });

  it("0003_tenant_pack: migrates an object left at v2 with rows to v3, keeps every row, and its tenant decides with the LLM pack", async () => {
    const tenantId = freshName("v2");
    const stub = ledgerStub(tenantId);
    const ledger = await buildLedger(tenantId);
    const v2Tables = await plantV1Object(stub, ledger, 2);
    expect(v2Tables.schema_migrations!.map((row) => row.version)).toEqual([1, 2]);
    await evictDurableObject(stub);
    expect(await stub.budget(API_KEY_HASH_HEX)).toEqual({ ok: true, budget: ledger.engine.budget(), entries: ledger.engine.head.size });
    const v3Tables = await runInDurableObject(stub, (_instance: TenantLedger, state) => {
      expect(appliedVersions(state.storage.sql)).toEqual(TESTED_STEPS);
      return dumpTables(state.storage.sql);
    });
    for (const [table, rows] of Object.entries(v2Tables)) {
      if (table === "schema_migrations") continue;
      const after =
        table === "tenant"
          ? v3Tables.tenant!.map(({ pack, ...rest }) => (expect(pack).toBe("llm"), rest))
          : table === "outbox"
            ? withoutSeq(v3Tables.outbox!)
            : v3Tables[table];
      expect(after, table).toEqual(rows);
    }
    // The worker reads the pack from the tenant's view; a tenant from before packs is an LLM tenant.
    const view = await stub.tenant(API_KEY_HASH_HEX);
    expect(view.ok && view.tenant.pack).toBe("llm");
    const decided = await stub.decide(
      API_KEY_HASH_HEX,
      synthetic<DecideInput>({
        decisionId: "dec-v3",
        idempotencyKey: null,
        requestDigestHex: "d",
        candidates: [{ option: "model-a", costMicros: 500 }],
        record: { request: "dec-v3" },
        learnerContext: { regime: "coding" },
        tally: { regime: 0, propensity: null, shadow: null },
      }),
    );
    expect(decided.result).toMatchObject({ ok: true, seq: ledger.engine.head.size, budgetVerdict: "pass" });
    await expectChainVerifies(stub, tenantId, ledger.engine.head.size + 1);
  });

  it("0004_evaluation: migrates an object left at v3 with rows to v4: queued outcomes keep their order and go first, decisions are tallied", async () => {
    const tenantId = freshName("v3");
    const stub = ledgerStub(tenantId);
    const ledger = await buildLedger(tenantId);
    const v3Tables = await plantV1Object(stub, ledger, 3);
    expect(v3Tables.schema_migrations!.map((row) => row.version)).toEqual([1, 2, 3]);
    expect(v3Tables.outbox!.length).toBeGreaterThan(0);
    await evictDurableObject(stub);
    expect(await stub.budget(API_KEY_HASH_HEX)).toEqual({ ok: true, budget: ledger.engine.budget(), entries: ledger.engine.head.size });
    const v4Tables = await runInDurableObject(stub, (_instance: TenantLedger, state) => {
      expect(appliedVersions(state.storage.sql)).toEqual(LEDGER_MIGRATIONS.map((migration) => migration.version));
      return dumpTables(state.storage.sql);
    });
    for (const [table, rows] of Object.entries(v3Tables)) {
      if (table === "schema_migrations") continue;
      // Outbox rows queued before v4 gained seq 0: they are delivered first, in id order, as before.
      const after = table === "outbox" ? v4Tables.outbox!.map(({ seq, ...rest }) => (expect(seq).toBe(0), rest)) : v4Tables[table];
      expect(after, table).toEqual(rows);
    }
    expect(v4Tables.decision_tally ?? []).toEqual([]);
    expect(v4Tables.usage_hourly ?? []).toEqual([]);
    const decided = await stub.decide(
      API_KEY_HASH_HEX,
      synthetic<DecideInput>({
        decisionId: "dec-v4",
        idempotencyKey: null,
        requestDigestHex: "d",
        candidates: [{ option: "model-a", costMicros: 500 }],
        record: { request: "dec-v4" },
        learnerContext: { regime: "coding" },
        tally: { regime: 2, propensity: { numerator: 1, denominator: 40 }, shadow: null },
      }),
    );
    expect(decided.result).toMatchObject({ ok: true, budgetVerdict: "pass" });
    expect(await stub.decisionTally(API_KEY_HASH_HEX, null)).toEqual({ ok: true, rows: [{ regime: 2, decisions: 1, lowPropensity: 1 }] });
    await expectChainVerifies(stub, tenantId, ledger.engine.head.size + 1);
  });

  it("0005_usage: migrates an object with rows to v5: nothing else changes, buckets start empty and count from then on", async () => {
    const tenantId = freshName("v4");
    const stub = ledgerStub(tenantId);
    const ledger = await buildLedger(tenantId);
    const v3Tables = await plantV1Object(stub, ledger, 3);
    // v3 to v4 is tested above; here v4 is applied on its own first, so 0005 meets a v4 object with rows.
    const v4Tables = await runInDurableObject(stub, (_instance: TenantLedger, state) => {
      expect(migrate(state.storage, LEDGER_MIGRATIONS, Date.now(), 4)).toEqual({ from: 3, to: 4 });
      return dumpTables(state.storage.sql);
    });
    expect(Object.keys(v4Tables).length).toBeGreaterThan(Object.keys(v3Tables).length);
    await evictDurableObject(stub);
    expect(await stub.budget(API_KEY_HASH_HEX)).toEqual({ ok: true, budget: ledger.engine.budget(), entries: ledger.engine.head.size });
    const v5Tables = await runInDurableObject(stub, (_instance: TenantLedger, state) => {
      expect(appliedVersions(state.storage.sql)).toEqual([1, 2, 3, 4, 5]);
      return dumpTables(state.storage.sql);
    });
    for (const [table, rows] of Object.entries(v4Tables)) {
      if (table !== "schema_migrations") expect(v5Tables[table], table).toEqual(rows);
    }
    expect(v5Tables.usage_hourly ?? []).toEqual([]);
    const nowHour = Math.floor(Date.now() / 3_600_000);
    const decided = await stub.decide(
      API_KEY_HASH_HEX,
      synthetic<DecideInput>({
        decisionId: "dec-v5",
        idempotencyKey: null,
        requestDigestHex: "d",
        candidates: [{ option: "model-a", costMicros: 500 }],
        record: { request: "dec-v5" },
        learnerContext: { regime: "coding" },
        tally: { regime: 3, propensity: null, shadow: null },
      }),
    );
    expect(decided.result).toMatchObject({ ok: true, budgetVerdict: "pass" });
    const usage = await stub.usage(API_KEY_HASH_HEX, nowHour - 1);
    expect(usage.ok && usage.rows.map(({ hour: _hour, ...row }) => row)).toEqual([
      { regime: 3, option: "model-a", decisions: 1, committedMicros: 0 },
    ]);
    await expectChainVerifies(stub, tenantId, ledger.engine.head.size + 1);
  });

  it("applies nothing when the migrations run again", async () => {
    const tenantId = freshName("twice");
    const stub = ledgerStub(tenantId);
    await plantV1Object(stub, await buildLedger(tenantId));
    await evictDurableObject(stub);
    expect((await stub.budget(API_KEY_HASH_HEX)).ok).toBe(true);
    await runInDurableObject(stub, (_instance: TenantLedger, state) => {
      const before = dumpTables(state.storage.sql);
      const known = LEDGER_MIGRATIONS.at(-1)!.version;
      expect(migrate(state.storage, LEDGER_MIGRATIONS, Date.now() + 1)).toEqual({ from: known, to: known });
      expect(migrate(state.storage, LEDGER_MIGRATIONS, Date.now() + 2, 1)).toEqual({ from: known, to: known });
      expect(dumpTables(state.storage.sql)).toEqual(before);
    });
    // And the constructor's own run, after another eviction, leaves the rows as they were too.
    const before = await runInDurableObject(stub, (_instance: TenantLedger, state) => dumpTables(state.storage.sql));
    await evictDurableObject(stub);
    expect((await stub.budget(API_KEY_HASH_HEX)).ok).toBe(true);
    expect(await runInDurableObject(stub, (_instance: TenantLedger, state) => dumpTables(state.storage.sql))).toEqual(before);
  });

  it("refuses a database newer than the code, and writes nothing", async () => {
    const tenantId = freshName("future");
    const stub = ledgerStub(tenantId);
    await plantV1Object(stub, await buildLedger(tenantId));
    await evictDurableObject(stub);
    expect((await stub.budget(API_KEY_HASH_HEX)).ok).toBe(true);
    const known = LEDGER_MIGRATIONS.at(-1)!.version;
    await runInDurableObject(stub, (_instance: TenantLedger, state) => {
      state.storage.sql.exec(
        "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)",
        known + 1,
        "0003_from_the_future",
        Date.now(),
      );
      const tables = dumpTables(state.storage.sql);
      expect(() => migrate(state.storage, LEDGER_MIGRATIONS, Date.now())).toThrow(
        `schema version ${known + 1} is newer than this code (${known})`,
      );
      expect(dumpTables(state.storage.sql)).toEqual(tables);
      // Refused before any transaction: not a row changed, the recorded version stays the newer one.
      expect(currentVersion(state.storage.sql)).toBe(known + 1);
    });
    // On its next start the object refuses to open: every call answers storage_unavailable naming
    // the reason rather than serve an unknown schema, and the start is retried on each call (a
    // recorded failure, not a thrown one: no unhandled rejection reaches the isolate).
    const startFailures: unknown[] = [];
    const collect = (reason: unknown): void => void startFailures.push(reason);
    nodeProcess.on("unhandledRejection", collect);
    try {
      await evictDurableObject(stub);
      const refused = {
        ok: false,
        code: "storage_unavailable",
        detail: expect.stringMatching(
          new RegExp(`schema version ${LEDGER_MIGRATIONS.length + 1} is newer than this code \\(${LEDGER_MIGRATIONS.length}\\)`),
        ),
      };
      expect(await stub.budget(API_KEY_HASH_HEX)).toEqual(refused);
      const decided = await stub.decide(
        API_KEY_HASH_HEX,
        synthetic<DecideInput>({
          decisionId: "dec-future",
          idempotencyKey: null,
          requestDigestHex: "d",
          candidates: [{ option: "model-a", costMicros: 1 }],
          record: {},
          learnerContext: null,
          tally: { regime: 0, propensity: null, shadow: null },
        }),
      );
      expect(decided.result).toEqual(refused);
      expect(await stub.topUp("top-future", 1)).toEqual(refused);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      nodeProcess.off("unhandledRejection", collect);
    }
    expect(startFailures).toEqual([]);
    await runInDurableObject(stub, (_instance: TenantLedger, state) => {
      expect(currentVersion(state.storage.sql)).toBe(known + 1);
    });
  });
});
