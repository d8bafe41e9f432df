// The LedgerStore port on a Durable Object's SQLite. commit() runs every write of a batch in one
// transactionSync, so a batch is all or nothing; the object's output gate then holds each answer
// until the write is durable. All SQL of the TenantLedger lives here.

import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { addUsage, emptyUsageCells, type UsageRow } from "../ledger/usage.ts";
import { RecentRows } from "./recent-rows.ts";
import type {
  CheckpointRow,
  EntryRow,
  HeadRow,
  KeyedScope,
  LedgerStore,
  LedgerWrite,
  OutboxRow,
  ReservationRow,
  ReservationStatus,
  TenantMode,
  ShadowTallyRow,
  TallyRow,
  TenantRow,
  TenantStatus,
} from "../ledger/store.ts";

type Row = Record<string, SqlStorageValue>;

const num = (row: Row, column: string): number => Number(row[column]);
const str = (row: Row, column: string): string => String(row[column]);

function toReservation(row: Row): ReservationRow {
  return {
    id: str(row, "id"),
    decisionSeq: num(row, "decision_seq"),
    amountMicros: num(row, "amount_micros"),
    createdAtMs: num(row, "created_at_ms"),
    expiresAtMs: num(row, "expires_at_ms"),
    status: str(row, "status") as ReservationStatus,
    resolvedSeq: num(row, "resolved_seq"),
  };
}

function toOutbox(row: Row): OutboxRow {
  return {
    id: str(row, "id"),
    seq: num(row, "seq"),
    payload: str(row, "payload"),
    attempts: num(row, "attempts"),
    nextAttemptMs: num(row, "next_attempt_ms"),
  };
}

type BulkTable = "entry" | "node" | "reservation" | "keyed";
const BULK_TABLES: readonly BulkTable[] = ["entry", "node", "reservation", "keyed"];
/** Durable Object SQL accepts at most 100 bound values per statement: rows per INSERT follow. */
const BOUND_VALUES_MAX = 100;
const BULK_SQL: Record<BulkTable, { prefix: string; columns: number }> = {
  entry: { prefix: "INSERT INTO entries (seq, kind, ts_ms, fp_hex, line)", columns: 5 },
  node: { prefix: "INSERT OR REPLACE INTO merkle_nodes (level, idx, hash_hex)", columns: 3 },
  reservation: {
    prefix: "INSERT OR REPLACE INTO reservations (id, decision_seq, amount_micros, created_at_ms, expires_at_ms, status, resolved_seq)",
    columns: 7,
  },
  keyed: { prefix: "INSERT OR REPLACE INTO keyed (scope, key, value)", columns: 3 },
};

/** The bound values of a write that goes into a multi-row INSERT, or null for the others. */
function bulkRow(write: LedgerWrite): (string | number)[] | null {
  switch (write.table) {
    case "entry": {
      const e = write.row;
      return [e.seq, e.kind, e.tsMs, e.fpHex, e.line];
    }
    case "node":
      return [write.level, write.index, bytesToHex(write.hash)];
    case "reservation": {
      const r = write.row;
      return [r.id, r.decisionSeq, r.amountMicros, r.createdAtMs, r.expiresAtMs, r.status, r.resolvedSeq];
    }
    case "keyed":
      return [write.scope, write.key, write.value];
    default:
      return null;
  }
}

/**
 * Rows of each memo. A proxied decision is read back by its settlement a moment after it was
 * written (its record, its reservation); a few thousand recent decisions cover every settlement
 * that comes within seconds, at a few MB of memory.
 */
const RECENT_ROWS = 4_096;

const keyedRow = (scope: KeyedScope, key: string): string => `${scope}\u0000${key}`;

export class SqlLedgerStore implements LedgerStore {
  private readonly storage: DurableObjectStorage;
  private readonly sql: SqlStorage;
  /** Keyed records and reservations this store committed, served without a statement (recent-rows.ts). */
  private readonly recentKeyed = new RecentRows<string>(RECENT_ROWS);
  private readonly recentReservations = new RecentRows<ReservationRow>(RECENT_ROWS);

  constructor(storage: DurableObjectStorage) {
    this.storage = storage;
    this.sql = storage.sql;
  }

  private rows(query: string, ...bindings: (string | number)[]): Row[] {
    return this.sql.exec<Row>(query, ...bindings).toArray();
  }

  readHead(): HeadRow | null {
    const row = this.rows("SELECT * FROM head WHERE id = 1")[0];
    if (row === undefined) return null;
    return {
      size: num(row, "size"),
      headHex: str(row, "head_hex"),
      creditedMicros: num(row, "credited_micros"),
      committedMicros: num(row, "committed_micros"),
      reservedMicros: num(row, "reserved_micros"),
      checkpointSize: num(row, "checkpoint_size"),
    };
  }

  readTenant(): TenantRow | null {
    const row = this.rows("SELECT * FROM tenant WHERE id = 1")[0];
    if (row === undefined) return null;
    return {
      tenantId: str(row, "tenant_id"),
      name: str(row, "name"),
      status: str(row, "status") as TenantStatus,
      mode: str(row, "mode") as TenantMode,
      pack: str(row, "pack"),
      allowedProviderMask: num(row, "allowed_provider_mask"),
      rateLimitPerMinute: num(row, "rate_limit_per_minute"),
      costCapMicros: num(row, "cost_cap_micros"),
      apiKeyHashHex: str(row, "api_key_hash_hex"),
      apiKeyId: str(row, "api_key_id"),
      webhookSecret: str(row, "webhook_secret"),
      createdAtMs: num(row, "created_at_ms"),
    };
  }

  readEntries(fromSeq: number, limit: number): EntryRow[] {
    return this.rows("SELECT * FROM entries WHERE seq >= ? ORDER BY seq LIMIT ?", fromSeq, limit).map((row) => ({
      seq: num(row, "seq"),
      kind: str(row, "kind"),
      tsMs: num(row, "ts_ms"),
      fpHex: str(row, "fp_hex"),
      line: str(row, "line"),
    }));
  }

  readNode(level: number, index: number): Uint8Array | null {
    const row = this.rows("SELECT hash_hex FROM merkle_nodes WHERE level = ? AND idx = ?", level, index)[0];
    return row === undefined ? null : hexToBytes(str(row, "hash_hex"));
  }

  readReservation(id: string): ReservationRow | null {
    const recent = this.recentReservations.get(id);
    if (recent !== undefined) return recent;
    const row = this.rows("SELECT * FROM reservations WHERE id = ?", id)[0];
    return row === undefined ? null : toReservation(row);
  }

  readExpiredReservations(nowMs: number, limit: number): ReservationRow[] {
    return this.rows(
      "SELECT * FROM reservations WHERE status = 'open' AND expires_at_ms <= ? ORDER BY expires_at_ms, id LIMIT ?",
      nowMs,
      limit,
    ).map(toReservation);
  }

  readNextExpiry(): number | null {
    const row = this.rows("SELECT min(expires_at_ms) AS t FROM reservations WHERE status = 'open'")[0];
    return row?.t === null || row === undefined ? null : num(row, "t");
  }

  readKeyed(scope: KeyedScope, key: string): string | null {
    const recent = this.recentKeyed.get(keyedRow(scope, key));
    if (recent !== undefined) return recent;
    const row = this.rows("SELECT value FROM keyed WHERE scope = ? AND key = ?", scope, key)[0];
    return row === undefined ? null : str(row, "value");
  }

  readDecisionTally(sinceDay: number | null): TallyRow[] {
    return this.rows(
      "SELECT regime, sum(decisions) AS decisions, sum(low_propensity) AS low FROM decision_tally WHERE day >= ? GROUP BY regime ORDER BY regime",
      sinceDay ?? Number.MIN_SAFE_INTEGER,
    ).map((row) => ({ regime: num(row, "regime"), decisions: num(row, "decisions"), lowPropensity: num(row, "low") }));
  }

  readShadowTally(configHash: string): ShadowTallyRow[] {
    return this.rows(
      "SELECT regime, decisions, mismatches, extra_refusals FROM shadow_tally WHERE config_hash = ? ORDER BY regime",
      configHash,
    ).map((row) => ({
      regime: num(row, "regime"),
      decisions: num(row, "decisions"),
      mismatches: num(row, "mismatches"),
      extraRefusals: num(row, "extra_refusals"),
    }));
  }

  readUsage(sinceHour: number): UsageRow[] {
    return this.rows(
      "SELECT hour, regime, option, decisions, committed_micros FROM usage_hourly WHERE hour >= ? ORDER BY hour, regime, option",
      sinceHour,
    ).map((row) => ({
      hour: num(row, "hour"),
      regime: num(row, "regime"),
      option: str(row, "option"),
      decisions: num(row, "decisions"),
      committedMicros: num(row, "committed_micros"),
    }));
  }

  readOutboxDue(nowMs: number, limit: number): OutboxRow[] {
    const rows = this.rows("SELECT * FROM outbox ORDER BY seq, id LIMIT ?", limit).map(toOutbox);
    return rows.length > 0 && rows[0]!.nextAttemptMs <= nowMs ? rows : [];
  }

  readNextOutboxAttempt(): number | null {
    const row = this.rows("SELECT next_attempt_ms AS t FROM outbox ORDER BY seq, id LIMIT 1")[0];
    return row === undefined ? null : num(row, "t");
  }

  readLatestCheckpoint(): CheckpointRow | null {
    const row = this.rows("SELECT * FROM checkpoints ORDER BY tree_size DESC LIMIT 1")[0];
    if (row === undefined) return null;
    return { treeSize: num(row, "tree_size"), rootHex: str(row, "root_hex"), note: str(row, "note"), seq: num(row, "seq") };
  }

  /**
   * One transaction per batch. The rows of the tables every decision writes (entries, Merkle
   * nodes, reservations, keyed records) go in as multi-row INSERTs, a statement per table and
   * chunk instead of one per row: each statement costs a crossing into SQLite, and a batch holds
   * up to 256 commands. Rows of one table keep their order, so a later write of a key wins;
   * tables are independent, so their relative order does not matter. Everything else is rare
   * and written one statement at a time, in order.
   */
  commit(writes: readonly LedgerWrite[]): void {
    this.storage.transactionSync(() => {
      const grouped: Record<BulkTable, (string | number)[][]> = { entry: [], node: [], reservation: [], keyed: [] };
      // Every decision adds to an hour's usage bucket; a batch's steps are summed per bucket first,
      // so a batch of decisions in one hour costs one statement per regime and option, not one each.
      const usage = emptyUsageCells();
      for (const write of writes) {
        if (write.table === "usage") {
          addUsage(usage, write.step);
          continue;
        }
        const row = bulkRow(write);
        if (row === null) this.apply(write);
        else grouped[write.table as BulkTable].push(row);
      }
      for (const table of BULK_TABLES) this.insertRows(table, grouped[table]);
      for (const bucket of usage.values()) this.upsertUsage(bucket);
    });
    // Only once the transaction committed: a failed batch must leave no row in memory either.
    for (const write of writes) {
      if (write.table === "keyed") this.recentKeyed.set(keyedRow(write.scope, write.key), write.value);
      else if (write.table === "reservation") this.recentReservations.set(write.row.id, write.row);
    }
  }

  private insertRows(table: BulkTable, rows: readonly (string | number)[][]): void {
    const { prefix, columns } = BULK_SQL[table];
    const placeholders = `(${new Array(columns).fill("?").join(", ")})`;
    const rowsPerStatement = Math.floor(BOUND_VALUES_MAX / columns);
    for (let start = 0; start < rows.length; start += rowsPerStatement) {
      const chunk = rows.slice(start, start + rowsPerStatement);
      this.sql.exec(`${prefix} VALUES ${new Array(chunk.length).fill(placeholders).join(", ")}`, ...chunk.flat());
    }
  }

  private upsertUsage(u: UsageRow): void {
    this.sql.exec(
      "INSERT INTO usage_hourly (hour, regime, option, decisions, committed_micros) VALUES (?, ?, ?, ?, ?) " +
        "ON CONFLICT (hour, regime, option) DO UPDATE SET decisions = decisions + excluded.decisions, " +
        "committed_micros = committed_micros + excluded.committed_micros",
      u.hour,
      u.regime,
      u.option,
      u.decisions,
      u.committedMicros,
    );
  }

  /** One write of a rare table; usage writes never come here, commit() sums them per bucket first. */
  private apply(write: LedgerWrite): void {
    const sql = this.sql;
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
          `INSERT OR REPLACE INTO tenant (id, tenant_id, name, status, mode, pack, allowed_provider_mask, rate_limit_per_minute,
           cost_cap_micros, api_key_hash_hex, api_key_id, webhook_secret, created_at_ms) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          t.tenantId,
          t.name,
          t.status,
          t.mode,
          t.pack,
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
      case "entry": {
        const e = write.row;
        sql.exec("INSERT INTO entries (seq, kind, ts_ms, fp_hex, line) VALUES (?, ?, ?, ?, ?)", e.seq, e.kind, e.tsMs, e.fpHex, e.line);
        return;
      }
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
      case "outbox": {
        const o = write.row;
        sql.exec(
          "INSERT OR REPLACE INTO outbox (id, seq, payload, attempts, next_attempt_ms) VALUES (?, ?, ?, ?, ?)",
          o.id,
          o.seq,
          o.payload,
          o.attempts,
          o.nextAttemptMs,
        );
        return;
      }
      case "outbox_delete":
        sql.exec("DELETE FROM outbox WHERE id = ?", write.id);
        return;
      case "shadow_tally":
        sql.exec(
          "INSERT INTO shadow_tally (config_hash, regime, decisions, mismatches, extra_refusals) VALUES (?, ?, 1, ?, ?) " +
            "ON CONFLICT (config_hash, regime) DO UPDATE SET decisions = decisions + 1, mismatches = mismatches + excluded.mismatches, " +
            "extra_refusals = extra_refusals + excluded.extra_refusals",
          write.configHash,
          write.regime,
          write.mismatch ? 1 : 0,
          write.extraRefusal ? 1 : 0,
        );
        return;
      case "tally":
        sql.exec(
          "INSERT INTO decision_tally (day, regime, decisions, low_propensity) VALUES (?, ?, 1, ?) " +
            "ON CONFLICT (day, regime) DO UPDATE SET decisions = decisions + 1, low_propensity = low_propensity + excluded.low_propensity",
          write.day,
          write.regime,
          write.lowPropensity ? 1 : 0,
        );
        return;
      case "checkpoint": {
        const c = write.row;
        sql.exec("INSERT INTO checkpoints (tree_size, root_hex, note, seq) VALUES (?, ?, ?, ?)", c.treeSize, c.rootHex, c.note, c.seq);
        return;
      }
      case "truncate_entries":
        sql.exec("DELETE FROM entries WHERE seq >= ?", write.fromSeq);
        return;
    }
  }
}
