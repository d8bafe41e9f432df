// The ledger store of a replay: the same atomic-batch contract as the Durable Object's SQLite,
// but sized for half a million records. Entries go to a sink (a chain file, or only counted)
// instead of memory; merkle nodes are not kept (only a restart would read them, and a replay
// never restarts); settled reservations are dropped; keyed rows (outcomes look decisions up by
// them) are dropped when the replay says every decision so far is settled.

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
} from "../ledger/store.ts";
import type { UsageRow } from "../ledger/usage.ts";
import {
  addShadowTally,
  addTally,
  byChainOrder,
  emptyShadowCells,
  shadowRows,
  sumTally,
  type ShadowTallyRow,
  type TallyRow,
} from "../ledger/store.ts";

const ASCII = /^[\x00-\x7f]*$/;

/** UTF-8 length of a well-formed string; lines are nearly always ASCII, which is checked first. */
export function utf8Length(text: string): number {
  if (ASCII.test(text)) return text.length;
  let bytes = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

export class ReplayStore implements LedgerStore {
  private head: HeadRow | null = null;
  private tenant: TenantRow | null = null;
  private readonly reservations = new Map<string, ReservationRow>();
  private readonly keyed = new Map<string, string>();
  private readonly outbox = new Map<string, OutboxRow>();
  private readonly tally = new Map<string, { day: number; regime: number; decisions: number; lowPropensity: number }>();
  private readonly shadow = emptyShadowCells();
  private entryCount = 0;
  /** UTF-8 bytes of all entry lines (each plus its newline): the size of the chain's JSONL export. */
  entryBytes = 0;
  private readonly onEntry: ((row: EntryRow) => void) | null;
  private readonly byteLength: (text: string) => number;

  /** `byteLength` counts a line's UTF-8 bytes; a Node shell may pass the native Buffer.byteLength. */
  constructor(onEntry: ((row: EntryRow) => void) | null = null, byteLength: (text: string) => number = utf8Length) {
    this.onEntry = onEntry;
    this.byteLength = byteLength;
  }

  get entries(): number {
    return this.entryCount;
  }

  /**
   * Forgets keyed rows (idempotency keys, decision fingerprints, webhook ids) once the replay has
   * settled every decision it made: nothing can refer to them again, and half a million records'
   * worth of them made garbage collection the replay's largest cost.
   */
  forgetSettled(): void {
    this.keyed.clear();
  }

  readHead(): HeadRow | null {
    return this.head;
  }
  readTenant(): TenantRow | null {
    return this.tenant;
  }
  readEntries(): EntryRow[] {
    return [];
  }
  readNode(): Uint8Array | null {
    return null;
  }
  readReservation(id: string): ReservationRow | null {
    return this.reservations.get(id) ?? null;
  }
  readKeyed(scope: KeyedScope, key: string): string | null {
    return this.keyed.get(`${scope}\u0000${key}`) ?? null;
  }
  readLatestCheckpoint(): CheckpointRow | null {
    return null;
  }
  readExpiredReservations(): ReservationRow[] {
    return [];
  }
  readNextExpiry(): number | null {
    return null;
  }

  readDecisionTally(sinceDay: number | null): TallyRow[] {
    return sumTally(this.tally, sinceDay);
  }

  readShadowTally(configHash: string): ShadowTallyRow[] {
    return shadowRows(this.shadow, configHash);
  }

  readUsage(): UsageRow[] {
    return [];
  }

  readOutboxDue(nowMs: number, limit: number): OutboxRow[] {
    const rows = [...this.outbox.values()].sort(byChainOrder);
    return rows.length > 0 && rows[0]!.nextAttemptMs <= nowMs ? rows.slice(0, limit) : [];
  }

  readNextOutboxAttempt(): number | null {
    const rows = [...this.outbox.values()].sort(byChainOrder);
    return rows[0]?.nextAttemptMs ?? null;
  }

  /** Checks the batch before touching anything, so a refused batch leaves the store as it was. */
  commit(writes: readonly LedgerWrite[]): void {
    let seq = this.entryCount;
    for (const write of writes) {
      if (write.table === "entry") {
        if (write.row.seq !== seq) throw new Error(`entry ${write.row.seq} out of order (have ${seq})`);
        seq++;
      } else if (write.table === "truncate_entries" || write.table === "checkpoint") {
        throw new Error(`the replay store does not take "${write.table}" writes`);
      }
    }
    for (const write of writes) this.apply(write);
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
        this.entryCount++;
        this.entryBytes += this.byteLength(write.row.line) + 1;
        this.onEntry?.(write.row);
        return;
      case "node":
        return;
      case "reservation":
        if (write.row.status === "open") this.reservations.set(write.row.id, write.row);
        else this.reservations.delete(write.row.id);
        return;
      case "keyed":
        this.keyed.set(`${write.scope}\u0000${write.key}`, write.value);
        return;
      case "outbox":
        this.outbox.set(write.row.id, write.row);
        return;
      case "tally":
        addTally(this.tally, write);
        return;
      case "shadow_tally":
        addShadowTally(this.shadow, write);
        return;
      // The replay serves no dashboard: its hourly buckets would only cost memory and time.
      case "usage":
        return;
      case "outbox_delete":
        this.outbox.delete(write.id);
        return;
      case "checkpoint":
      case "truncate_entries":
        return;
    }
  }
}
