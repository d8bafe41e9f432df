// An in-memory LedgerStore with the same atomicity as the Durable Object's SQLite: a commit
// applies every write or none. Used by Node tests, replay and the CLI. An optional write hook
// lets fault-injection tests fail the k-th write of any commit.

import type {
  CheckpointRow, EntryRow, HeadRow, KeyedScope, LedgerStore, LedgerWrite, OutboxRow, ReservationRow, TenantRow,
} from "./store.ts";

interface Tables {
  head: HeadRow | null;
  tenant: TenantRow | null;
  entries: EntryRow[];
  nodes: Map<string, Uint8Array>;
  reservations: Map<string, ReservationRow>;
  keyed: Map<string, string>;
  outbox: Map<string, OutboxRow>;
  checkpoints: CheckpointRow[];
}

function emptyTables(): Tables {
  return { head: null, tenant: null, entries: [], nodes: new Map(), reservations: new Map(), keyed: new Map(), outbox: new Map(), checkpoints: [] };
}

function copyTables(t: Tables): Tables {
  return {
    head: t.head, tenant: t.tenant, entries: [...t.entries], nodes: new Map(t.nodes), reservations: new Map(t.reservations),
    keyed: new Map(t.keyed), outbox: new Map(t.outbox), checkpoints: [...t.checkpoints],
  };
}

export class MemoryStore implements LedgerStore {
  private tables: Tables = emptyTables();
  /** Called before each write with a running count over the store's life; a throw aborts the commit. */
  writeHook: ((write: LedgerWrite, count: number) => void) | null = null;
  writeCount = 0;
  commits = 0;

  readHead(): HeadRow | null { return this.tables.head; }
  readTenant(): TenantRow | null { return this.tables.tenant; }
  readEntries(fromSeq: number, limit: number): EntryRow[] { return this.tables.entries.slice(fromSeq, fromSeq + limit); }
  readNode(level: number, index: number): Uint8Array | null { return this.tables.nodes.get(`${level}:${index}`) ?? null; }
  readReservation(id: string): ReservationRow | null { return this.tables.reservations.get(id) ?? null; }
  readKeyed(scope: KeyedScope, key: string): string | null { return this.tables.keyed.get(`${scope}\u0000${key}`) ?? null; }
  readLatestCheckpoint(): CheckpointRow | null { return this.tables.checkpoints.at(-1) ?? null; }

  readExpiredReservations(nowMs: number, limit: number): ReservationRow[] {
    return [...this.tables.reservations.values()]
      .filter((r) => r.status === "open" && r.expiresAtMs <= nowMs)
      .sort((a, b) => a.expiresAtMs - b.expiresAtMs || (a.id < b.id ? -1 : 1))
      .slice(0, limit);
  }

  readNextExpiry(): number | null {
    let next: number | null = null;
    for (const r of this.tables.reservations.values()) if (r.status === "open" && (next === null || r.expiresAtMs < next)) next = r.expiresAtMs;
    return next;
  }

  readOutboxDue(nowMs: number, limit: number): OutboxRow[] {
    return [...this.tables.outbox.values()].filter((r) => r.nextAttemptMs <= nowMs).slice(0, limit);
  }

  readNextOutboxAttempt(): number | null {
    let next: number | null = null;
    for (const r of this.tables.outbox.values()) if (next === null || r.nextAttemptMs < next) next = r.nextAttemptMs;
    return next;
  }

  commit(writes: readonly LedgerWrite[]): void {
    const staged = copyTables(this.tables);
    for (const write of writes) {
      this.writeCount++;
      this.writeHook?.(write, this.writeCount);
      apply(staged, write);
    }
    this.tables = staged;
    this.commits++;
  }

  /** Test-only surgery on committed history, to prove that recovery notices it. */
  tamperEntry(seq: number, line: string): void {
    const row = this.tables.entries[seq];
    if (row === undefined) throw new Error(`no entry ${seq}`);
    this.tables.entries[seq] = { ...row, line };
  }
}

function apply(t: Tables, write: LedgerWrite): void {
  switch (write.table) {
    case "head": t.head = write.row; return;
    case "tenant": t.tenant = write.row; return;
    case "entry":
      // Like SQLite's primary key: a seq is written once, in order.
      if (write.row.seq !== t.entries.length) throw new Error(`entry ${write.row.seq} out of order (have ${t.entries.length})`);
      t.entries.push(write.row);
      return;
    case "node": t.nodes.set(`${write.level}:${write.index}`, write.hash); return;
    case "reservation": t.reservations.set(write.row.id, write.row); return;
    case "keyed": t.keyed.set(`${write.scope}\u0000${write.key}`, write.value); return;
    case "outbox": t.outbox.set(write.row.id, write.row); return;
    case "outbox_delete": t.outbox.delete(write.id); return;
    case "checkpoint": t.checkpoints.push(write.row); return;
    case "truncate_entries": t.entries.length = Math.min(t.entries.length, write.fromSeq); return;
  }
}
