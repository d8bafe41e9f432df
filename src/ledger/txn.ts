// One batch's working view of the ledger: reads fall through to the store unless the batch
// already wrote the row; writes are only collected. Nothing reaches storage until the engine
// commits the collected writes atomically, so a failed batch leaves no trace.

import { hexToBytes } from "@noble/hashes/utils.js";
import type { Budget } from "./budget.ts";
import { sealEntry, type EntryKind, type EntryRecord, type SealedEntry } from "./entry.ts";
import { appendLeaf, leafHash } from "./merkle.ts";
import type { UsageStep } from "./usage.ts";
import type { CheckpointRow, HeadRow, KeyedScope, LedgerStore, LedgerWrite, OutboxRow, ReservationRow, TenantRow } from "./store.ts";

/** The small state the engine keeps in memory between batches. */
export interface LedgerState {
  readonly head: HeadRow;
  readonly frontier: readonly Uint8Array[];
  readonly tenant: TenantRow | null;
}

export class LedgerTxn {
  head: HeadRow;
  frontier: Uint8Array[];
  tenant: TenantRow | null;
  readonly writes: LedgerWrite[] = [];
  readonly store: LedgerStore;
  private readonly reservations = new Map<string, ReservationRow>();
  /** Rows read from the store in this batch: a settlement's checks and its write read one row once. */
  private readonly reservationsRead = new Map<string, ReservationRow | null>();
  private readonly keyedValues = new Map<string, string>();
  private readonly nodes = new Map<string, Uint8Array>();
  private readonly outboxDeleted = new Set<string>();
  private headChanged = false;
  private prev: Uint8Array | null = null;
  private prevHex = "";
  private checkpoint: CheckpointRow | null = null;

  constructor(store: LedgerStore, state: LedgerState) {
    this.store = store;
    this.head = state.head;
    this.frontier = [...state.frontier];
    this.tenant = state.tenant;
  }

  state(): LedgerState {
    return { head: this.head, frontier: this.frontier, tenant: this.tenant };
  }

  budget(): Budget {
    return this.head;
  }

  setBudget(budget: Budget): void {
    const { creditedMicros, committedMicros, reservedMicros } = budget;
    this.head = { ...this.head, creditedMicros, committedMicros, reservedMicros };
    this.headChanged = true;
  }

  setCheckpointSize(size: number): void {
    this.head = { ...this.head, checkpointSize: size };
    this.headChanged = true;
  }

  setTenant(row: TenantRow): void {
    this.tenant = row;
    this.writes.push({ table: "tenant", row });
  }

  /** The latest signed checkpoint, including one this batch signed. */
  latestCheckpoint(): CheckpointRow | null {
    return this.checkpoint ?? this.store.readLatestCheckpoint();
  }

  putCheckpoint(row: CheckpointRow): void {
    this.checkpoint = row;
    this.writes.push({ table: "checkpoint", row });
  }

  reservation(id: string): ReservationRow | null {
    const written = this.reservations.get(id);
    if (written !== undefined) return written;
    let row = this.reservationsRead.get(id);
    if (row === undefined) {
      row = this.store.readReservation(id);
      this.reservationsRead.set(id, row);
    }
    return row;
  }

  putReservation(row: ReservationRow): void {
    this.reservations.set(row.id, row);
    this.writes.push({ table: "reservation", row });
  }

  /** Open reservations due at nowMs, seen through this batch's own writes. */
  expiredReservations(nowMs: number, limit: number): ReservationRow[] {
    const due = new Map<string, ReservationRow>();
    // Rows this batch already resolved may fill the store's first `limit` answers: ask for that
    // many more, so a batched run expires exactly what one run per batch would.
    for (const row of this.store.readExpiredReservations(nowMs, limit + this.reservations.size)) {
      due.set(row.id, this.reservations.get(row.id) ?? row);
    }
    for (const row of this.reservations.values()) due.set(row.id, row);
    return [...due.values()]
      .filter((row) => row.status === "open" && row.expiresAtMs <= nowMs)
      .sort((a, b) => a.expiresAtMs - b.expiresAtMs || (a.id < b.id ? -1 : 1))
      .slice(0, limit);
  }

  keyed(scope: KeyedScope, key: string): string | null {
    return this.keyedValues.get(`${scope}\u0000${key}`) ?? this.store.readKeyed(scope, key);
  }

  putKeyed(scope: KeyedScope, key: string, value: string): void {
    this.keyedValues.set(`${scope}\u0000${key}`, value);
    this.writes.push({ table: "keyed", scope, key, value });
  }

  /**
   * Counts one sealed decision for the evaluation (its UTC day and regime). Low propensity: it
   * served the policy's draw (rank 0) with a chance under 1/20, where importance weights are capped.
   */
  tally(nowMs: number, regime: number, propensity: { readonly numerator: number; readonly denominator: number } | null): void {
    const lowPropensity = propensity !== null && propensity.denominator > 0 && propensity.numerator * 20 < propensity.denominator;
    this.writes.push({ table: "tally", day: Math.floor(nowMs / 86_400_000), regime, lowPropensity });
  }

  /** Adds a decision or a settled charge to its hour's usage bucket (the dashboard's series). */
  usage(step: UsageStep): void {
    this.writes.push({ table: "usage", step });
  }

  /** Counts one shadowed decision of a candidate configuration (the promotion gate's counts). */
  shadowTally(configHash: string, regime: number, mismatch: boolean, extraRefusal: boolean): void {
    this.writes.push({ table: "shadow_tally", configHash, regime, mismatch, extraRefusal });
  }

  putOutbox(row: OutboxRow): void {
    this.outboxDeleted.delete(row.id);
    this.writes.push({ table: "outbox", row });
  }

  deleteOutbox(id: string): void {
    this.outboxDeleted.add(id);
    this.writes.push({ table: "outbox_delete", id });
  }

  node(level: number, index: number): Uint8Array {
    const hash = this.nodes.get(`${level}:${index}`) ?? this.store.readNode(level, index);
    if (hash === null) throw new Error(`merkle node (${level}, ${index}) missing`);
    return hash;
  }

  /** Seals an entry at the head of the chain and extends the Merkle tree by its leaf. */
  append(kind: EntryKind, tsMs: number, record: EntryRecord): SealedEntry {
    // The previous fingerprint's bytes are kept from the last append: no hex round trip per entry.
    const prev = this.prevHex === this.head.headHex && this.prev !== null ? this.prev : hexToBytes(this.head.headHex);
    const entry = sealEntry(prev, this.head.size, kind, tsMs, record);
    const fp = entry.fp;
    this.prev = fp;
    this.prevHex = entry.fpHex;
    const { frontier, completed } = appendLeaf(this.frontier, this.head.size, leafHash(fp));
    for (const node of completed) {
      this.nodes.set(`${node.level}:${node.index}`, node.hash);
      this.writes.push({ table: "node", level: node.level, index: node.index, hash: node.hash });
    }
    this.writes.push({ table: "entry", row: { seq: entry.seq, kind, tsMs, fpHex: entry.fpHex, line: entry.line } });
    this.frontier = frontier;
    this.head = { ...this.head, size: this.head.size + 1, headHex: entry.fpHex };
    this.headChanged = true;
    return entry;
  }

  /** All writes of the batch, the head row last. */
  finish(): LedgerWrite[] {
    return this.headChanged ? [...this.writes, { table: "head", row: this.head }] : [...this.writes];
  }
}
