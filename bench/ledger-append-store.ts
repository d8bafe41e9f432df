// A LedgerStore for benchmarks and export generation whose commit costs O(writes), not O(store):
// MemoryStore copies every table on each commit to stay atomic, which makes a long run quadratic.
// Atomicity here comes from validating the batch before applying any of it. With a sink, entries
// are handed over at each commit instead of kept, so a million-entry export fits in memory.
// Bench support only.

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
} from "../src/ledger/store.ts";
import { addUsage, emptyUsageCells, usageRows, type UsageRow } from "../src/ledger/usage.ts";
import {
  addShadowTally,
  addTally,
  byChainOrder,
  emptyShadowCells,
  shadowRows,
  sumTally,
  type ShadowTallyRow,
  type TallyRow,
} from "../src/ledger/store.ts";

export interface AppendStoreOptions {
  /** Receives each commit's entries in order; when given, the store keeps none of them. */
  readonly onEntries?: (rows: readonly EntryRow[]) => void;
}

export class AppendStore implements LedgerStore {
  private readonly onEntries: ((rows: readonly EntryRow[]) => void) | null;
  private entryCount = 0;
  private head: HeadRow | null = null;
  private tenant: TenantRow | null = null;
  private readonly entries: EntryRow[] = [];
  private readonly nodes = new Map<string, Uint8Array>();
  private readonly reservations = new Map<string, ReservationRow>();
  private readonly keyed = new Map<string, string>();
  private readonly outbox = new Map<string, OutboxRow>();
  private readonly tally = new Map<string, { day: number; regime: number; decisions: number; lowPropensity: number }>();
  private readonly shadow = emptyShadowCells();
  private readonly usage = emptyUsageCells();
  private readonly checkpoints: CheckpointRow[] = [];
  commits = 0;

  constructor(options: AppendStoreOptions = {}) {
    this.onEntries = options.onEntries ?? null;
  }

  readHead(): HeadRow | null {
    return this.head;
  }
  readTenant(): TenantRow | null {
    return this.tenant;
  }
  readEntries(fromSeq: number, limit: number): EntryRow[] {
    return this.entries.slice(fromSeq, fromSeq + limit);
  }
  readNode(level: number, index: number): Uint8Array | null {
    return this.nodes.get(`${level}:${index}`) ?? null;
  }
  readReservation(id: string): ReservationRow | null {
    return this.reservations.get(id) ?? null;
  }
  readKeyed(scope: KeyedScope, key: string): string | null {
    return this.keyed.get(`${scope}\u0000${key}`) ?? null;
  }
  readLatestCheckpoint(): CheckpointRow | null {
    return this.checkpoints.at(-1) ?? null;
  }

  readExpiredReservations(nowMs: number, limit: number): ReservationRow[] {
    return [...this.reservations.values()]
      .filter((r) => r.status === "open" && r.expiresAtMs <= nowMs)
      .sort((a, b) => a.expiresAtMs - b.expiresAtMs || (a.id < b.id ? -1 : 1))
      .slice(0, limit);
  }

  readNextExpiry(): number | null {
    let next: number | null = null;
    for (const r of this.reservations.values()) if (r.status === "open" && (next === null || r.expiresAtMs < next)) next = r.expiresAtMs;
    return next;
  }

  readDecisionTally(sinceDay: number | null): TallyRow[] {
    return sumTally(this.tally, sinceDay);
  }

  readShadowTally(configHash: string): ShadowTallyRow[] {
    return shadowRows(this.shadow, configHash);
  }

  readUsage(sinceHour: number): UsageRow[] {
    return usageRows(this.usage, sinceHour);
  }

  readOutboxDue(nowMs: number, limit: number): OutboxRow[] {
    const rows = [...this.outbox.values()].sort(byChainOrder);
    return rows.length > 0 && rows[0]!.nextAttemptMs <= nowMs ? rows.slice(0, limit) : [];
  }

  readNextOutboxAttempt(): number | null {
    return [...this.outbox.values()].sort(byChainOrder)[0]?.nextAttemptMs ?? null;
  }

  /** Every write or none: the only write that can be refused (an entry out of order) is checked first. */
  commit(writes: readonly LedgerWrite[]): void {
    let size = this.entryCount;
    for (const write of writes) {
      if (write.table === "truncate_entries") throw new Error("AppendStore does not truncate (it serves no recovery)");
      if (write.table !== "entry") continue;
      if (write.row.seq !== size) throw new Error(`entry ${write.row.seq} out of order (have ${size})`);
      size++;
    }
    const added: EntryRow[] = [];
    for (const write of writes) {
      if (write.table === "entry") added.push(write.row);
      else this.apply(write);
    }
    this.entryCount = size;
    if (this.onEntries === null) this.entries.push(...added);
    else this.onEntries(added);
    this.commits++;
  }

  private apply(write: LedgerWrite): void {
    switch (write.table) {
      case "head":
        this.head = write.row;
        return;
      case "tenant":
        this.tenant = write.row;
        return;
      case "entry":
        return;
      case "node":
        this.nodes.set(`${write.level}:${write.index}`, write.hash);
        return;
      case "reservation":
        this.reservations.set(write.row.id, write.row);
        return;
      case "keyed":
        this.keyed.set(`${write.scope}\u0000${write.key}`, write.value);
        return;
      case "outbox":
        this.outbox.set(write.row.id, write.row);
        return;
      case "outbox_delete":
        this.outbox.delete(write.id);
        return;
      case "checkpoint":
        this.checkpoints.push(write.row);
        return;
      case "tally":
        addTally(this.tally, write);
        return;
      case "shadow_tally":
        addShadowTally(this.shadow, write);
        return;
      case "usage":
        addUsage(this.usage, write.step);
        return;
      case "truncate_entries":
        return;
    }
  }
}
