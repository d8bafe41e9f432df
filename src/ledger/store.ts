// The ledger's storage port: what the engine reads and the writes it hands over in one atomic
// batch. The Durable Object implements it on SQLite (transactionSync), tests and the CLI on
// memory. Reads are synchronous because both backends are; writes happen only in transaction().

export interface HeadRow {
  /** Number of entries in the chain: the next entry's seq. */
  readonly size: number;
  /** Fingerprint of the last entry, or the genesis hash when the chain is empty (hex). */
  readonly headHex: string;
  readonly creditedMicros: number;
  readonly committedMicros: number;
  readonly reservedMicros: number;
  /** Tree size of the last signed checkpoint (0 = none). */
  readonly checkpointSize: number;
}

export type TenantStatus = "active" | "suspended";
export type TenantMode = "live" | "apprentice";

export interface TenantRow {
  readonly tenantId: string;
  readonly name: string;
  readonly status: TenantStatus;
  readonly mode: TenantMode;
  /** The domain pack the tenant decides with (src/domain/packs.ts), e.g. "llm" or "security". */
  readonly pack: string;
  readonly allowedProviderMask: number;
  readonly rateLimitPerMinute: number;
  /** Per-request cost cap in microcents, or -1 for none. */
  readonly costCapMicros: number;
  /** SHA-256 of the API key's secret part (hex); the secret itself is never stored. */
  readonly apiKeyHashHex: string;
  /** A short public id of the current API key, safe to log and chain. */
  readonly apiKeyId: string;
  /** Standard Webhooks secret ("whsec_" + base64); needed in the clear to check signatures. */
  readonly webhookSecret: string;
  readonly createdAtMs: number;
}

export type ReservationStatus = "open" | "committed" | "released" | "expired";

export interface ReservationRow {
  readonly id: string;
  readonly decisionSeq: number;
  readonly amountMicros: number;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  readonly status: ReservationStatus;
  /** Seq of the entry that resolved it, or -1 while open. */
  readonly resolvedSeq: number;
}

export interface EntryRow {
  readonly seq: number;
  readonly kind: string;
  readonly tsMs: number;
  readonly fpHex: string;
  readonly line: string;
}

export interface OutboxRow {
  readonly id: string;
  readonly payload: string;
  readonly attempts: number;
  readonly nextAttemptMs: number;
}

export interface CheckpointRow {
  readonly treeSize: number;
  readonly rootHex: string;
  readonly note: string;
  /** Seq of the checkpoint entry that carries this note in the chain. */
  readonly seq: number;
}

/** Keyed records: idempotency keys, decision fingerprints, webhook ids, operation ids. */
export type KeyedScope = "decision_key" | "decision_fp" | "decision_outcome" | "webhook" | "operation";

export type LedgerWrite =
  | { readonly table: "head"; readonly row: HeadRow }
  | { readonly table: "tenant"; readonly row: TenantRow }
  | { readonly table: "entry"; readonly row: EntryRow }
  | { readonly table: "node"; readonly level: number; readonly index: number; readonly hash: Uint8Array }
  | { readonly table: "reservation"; readonly row: ReservationRow }
  | { readonly table: "keyed"; readonly scope: KeyedScope; readonly key: string; readonly value: string }
  | { readonly table: "outbox"; readonly row: OutboxRow }
  | { readonly table: "outbox_delete"; readonly id: string }
  | { readonly table: "checkpoint"; readonly row: CheckpointRow }
  /** Recovery only: drops entries at or after fromSeq that no committed head ever covered. */
  | { readonly table: "truncate_entries"; readonly fromSeq: number };

export interface LedgerStore {
  readHead(): HeadRow | null;
  readTenant(): TenantRow | null;
  readEntries(fromSeq: number, limit: number): EntryRow[];
  readNode(level: number, index: number): Uint8Array | null;
  readReservation(id: string): ReservationRow | null;
  /** Open reservations with expiresAtMs <= nowMs, oldest first, at most `limit`. */
  readExpiredReservations(nowMs: number, limit: number): ReservationRow[];
  /** Earliest expiresAtMs of an open reservation, or null. */
  readNextExpiry(): number | null;
  readKeyed(scope: KeyedScope, key: string): string | null;
  readOutboxDue(nowMs: number, limit: number): OutboxRow[];
  readNextOutboxAttempt(): number | null;
  readLatestCheckpoint(): CheckpointRow | null;
  /** Applies every write or none: a throw from any write rolls the whole batch back. */
  commit(writes: readonly LedgerWrite[]): void;
}
