// An in-memory LedgerStore with the same atomicity as the Durable Object's SQLite: a commit
// applies every write or none. Used by Node tests, replay and the CLI. An optional write hook
// lets fault-injection tests fail the k-th write of any commit.

import type {
  CheckpointRow,
  EntryRow,
  HeadRow,
  KeyedScope,
  LedgerStore,
  LedgerWrite,
  OutboxRow,
  ReservationRow,
  TenantRow,
} from "./store.ts";
import { addUsage, emptyUsageCells, usageRows, type UsageRow } from "./usage.ts";
import {
  addShadowTally,
  addTally,
  byChainOrder,
  emptyShadowCells,
  shadowRows,
  sumTally,
  type ShadowTallyRow,
  type TallyRow,
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
  tally: Map<string, { day: number; regime: number; decisions: number; lowPropensity: number }>;
  shadow: ReturnType<typeof emptyShadowCells>;
  usage: ReturnType<typeof emptyUsageCells>;
}

function emptyTables(): Tables {
  return {
    head: null,
    tenant: null,
    entries: [],
    nodes: new Map(),
    reservations: new Map(),
    keyed: new Map(),
    outbox: new Map(),
    checkpoints: [],
    tally: new Map(),
    shadow: emptyShadowCells(),
    usage: emptyUsageCells(),
  };
}

export class MemoryStore implements LedgerStore {
  private tables: Tables = emptyTables();
  /** Called before each write with a running count over the store's life; a throw aborts the commit. */
  writeHook: ((write: LedgerWrite, count: number) => void) | null = null;
  writeCount = 0;
  commits = 0;

  readHead(): HeadRow | null {
    return this.tables.head;
  }
  readTenant(): TenantRow | null {
    return this.tables.tenant;
  }
  readEntries(fromSeq: number, limit: number): EntryRow[] {
    return this.tables.entries.slice(fromSeq, fromSeq + limit);
  }
  readNode(level: number, index: number): Uint8Array | null {
    return this.tables.nodes.get(`${level}:${index}`) ?? null;
  }
  readReservation(id: string): ReservationRow | null {
    return this.tables.reservations.get(id) ?? null;
  }
  readKeyed(scope: KeyedScope, key: string): string | null {
    return this.tables.keyed.get(`${scope}\u0000${key}`) ?? null;
  }
  readLatestCheckpoint(): CheckpointRow | null {
    return this.tables.checkpoints.at(-1) ?? null;
  }

  readExpiredReservations(nowMs: number, limit: number): ReservationRow[] {
    return [...this.tables.reservations.values()]
      .filter((r) => r.status === "open" && r.expiresAtMs <= nowMs)
      .sort((a, b) => a.expiresAtMs - b.expiresAtMs || (a.id < b.id ? -1 : 1))
      .slice(0, limit);
  }

  readNextExpiry(): number | null {
    let next: number | null = null;
    for (const r of this.tables.reservations.values())
      if (r.status === "open" && (next === null || r.expiresAtMs < next)) next = r.expiresAtMs;
    return next;
  }

  readDecisionTally(sinceDay: number | null): TallyRow[] {
    return sumTally(this.tables.tally, sinceDay);
  }

  readShadowTally(configHash: string): ShadowTallyRow[] {
    return shadowRows(this.tables.shadow, configHash);
  }

  readUsage(sinceHour: number): UsageRow[] {
    return usageRows(this.tables.usage, sinceHour);
  }

  readOutboxDue(nowMs: number, limit: number): OutboxRow[] {
    const rows = [...this.tables.outbox.values()].sort(byChainOrder);
    return rows.length > 0 && rows[0]!.nextAttemptMs <= nowMs ? rows.slice(0, limit) : [];
  }

  readNextOutboxAttempt(): number | null {
    const rows = [...this.tables.outbox.values()].sort(byChainOrder);
    return rows[0]?.nextAttemptMs ?? null;
  }

  /**
   * Applies the writes to the live tables, logging how to undo each; if a write (or the fault
   * hook) throws, the log is replayed backwards and the error rethrown. A commit costs what its
   * batch writes, not the size of the store.
   */
  commit(writes: readonly LedgerWrite[]): void {
    const undo: (() => void)[] = [];
    try {
      for (const write of writes) {
        this.writeCount++;
        this.writeHook?.(write, this.writeCount);
        undo.push(apply(this.tables, write));
      }
    } catch (error) {
      for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
      throw error;
    }
    this.commits++;
  }

  /** Test-only surgery on committed history, to prove that recovery notices it. */
  tamperEntry(seq: number, line: string): void {
    const row = this.tables.entries[seq];
    if (row === undefined) throw new Error(`no entry ${seq}`);
    this.tables.entries[seq] = { ...row, line };
  }
}

/** Restores a key of a map to what it held before (or to absent). */
function restore<K, V>(map: Map<K, V>, key: K): () => void {
  const had = map.has(key);
  const before = map.get(key);
  return () => (had ? map.set(key, before as V) : map.delete(key));
}

/** Applies one write and returns its undo. */
function apply(t: Tables, write: LedgerWrite): () => void {
  switch (write.table) {
    case "head": {
      const before = t.head;
      t.head = write.row;
      return () => (t.head = before);
    }
    case "tenant": {
      const before = t.tenant;
      t.tenant = write.row;
      return () => (t.tenant = before);
    }
    case "entry":
      // Like SQLite's primary key: a seq is written once, in order.
      if (write.row.seq !== t.entries.length) throw new Error(`entry ${write.row.seq} out of order (have ${t.entries.length})`);
      t.entries.push(write.row);
      return () => t.entries.pop();
    case "node":
      return setWith(t.nodes, `${write.level}:${write.index}`, write.hash);
    case "reservation":
      return setWith(t.reservations, write.row.id, write.row);
    case "keyed":
      return setWith(t.keyed, `${write.scope}\u0000${write.key}`, write.value);
    case "outbox":
      return setWith(t.outbox, write.row.id, write.row);
    case "outbox_delete": {
      const undo = restore(t.outbox, write.id);
      t.outbox.delete(write.id);
      return undo;
    }
    case "checkpoint":
      t.checkpoints.push(write.row);
      return () => t.checkpoints.pop();
    case "tally":
      return addTally(t.tally, write);
    case "shadow_tally":
      return addShadowTally(t.shadow, write);
    case "usage":
      return addUsage(t.usage, write.step);
    case "truncate_entries": {
      const removed = t.entries.slice(write.fromSeq);
      t.entries.length = Math.min(t.entries.length, write.fromSeq);
      return () => t.entries.push(...removed);
    }
  }
}

function setWith<V>(map: Map<string, V>, key: string, value: V): () => void {
  const undo = restore(map, key);
  map.set(key, value);
  return undo;
}
