// The ledger's storage port: what the engine reads and the writes it hands over in one atomic
// batch. The Durable Object implements it on SQLite (transactionSync), tests and the CLI on
// memory. Reads are synchronous because both backends are; writes happen only in transaction().

import { addToCell } from "./counter-cells.ts";
import type { UsageRow, UsageStep } from "./usage.ts";

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
  /** The outcome entry's seq: the Learner receives outcomes in chain order (readOutboxDue). */
  readonly seq: number;
  readonly payload: string;
  readonly attempts: number;
  readonly nextAttemptMs: number;
}

/** Sealed decisions of one regime, summed over the days asked for (the evaluation's counts). */
export interface TallyRow {
  readonly regime: number;
  readonly decisions: number;
  readonly lowPropensity: number;
}

/** A candidate's shadowed decisions in one regime: how many, how many chose otherwise, how many refused where production served. */
export interface ShadowTallyRow {
  readonly regime: number;
  readonly decisions: number;
  readonly mismatches: number;
  readonly extraRefusals: number;
}

export interface CheckpointRow {
  readonly treeSize: number;
  readonly rootHex: string;
  readonly note: string;
  /** Seq of the checkpoint entry that carries this note in the chain. */
  readonly seq: number;
}

/** Keyed records: idempotency keys, decision fingerprints, webhook ids, operation ids. */
export type KeyedScope =
  | "decision_key"
  | "decision_fp"
  | "decision_outcome"
  | "webhook"
  | "operation"
  | "lifecycle"
  /** A proxied decision's settled execution (src/ledger/execute-execution.ts), by decision fingerprint. */
  | "decision_execution"
  /** Proxy settings: `default_regime`, and `provider_key:<provider>` as AES-GCM ciphertext only. Never sealed. */
  | "proxy";

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
  /** One more shadowed decision of a candidate configuration in a regime (the promotion gate's counts). */
  | {
      readonly table: "shadow_tally";
      readonly configHash: string;
      readonly regime: number;
      readonly mismatch: boolean;
      readonly extraRefusal: boolean;
    }
  /** One more sealed decision of a regime on a UTC day; lowPropensity when it served with a chance under 1/20. */
  | { readonly table: "tally"; readonly day: number; readonly regime: number; readonly lowPropensity: boolean }
  /** One more decision or settled charge in an hour's usage bucket (the dashboard's series, src/ledger/usage.ts). */
  | { readonly table: "usage"; readonly step: UsageStep }
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
  /**
   * The first `limit` outbox rows in chain order (by seq), or none while the first is not yet due:
   * the Learner's evaluation is order-dependent (src/learning/evaluation), and `calybris evaluate`
   * recomputes it from the chain in chain order, so a retried row holds back the ones after it.
   */
  readOutboxDue(nowMs: number, limit: number): OutboxRow[];
  /** When the first row in chain order is due, or null for an empty outbox. */
  readNextOutboxAttempt(): number | null;
  readLatestCheckpoint(): CheckpointRow | null;
  /** Sealed decisions per regime on UTC days >= sinceDay (all days when null), by regime. */
  readDecisionTally(sinceDay: number | null): TallyRow[];
  /** A candidate configuration's shadow counts per regime, by regime. */
  readShadowTally(configHash: string): ShadowTallyRow[];
  /** Hourly usage buckets of hours >= sinceHour, by hour, regime and option. */
  readUsage(sinceHour: number): UsageRow[];
  /** Applies every write or none: a throw from any write rolls the whole batch back. */
  commit(writes: readonly LedgerWrite[]): void;
}

/** Outbox rows in chain order (LedgerStore.readOutboxDue); ids break ties of rows migrated without a seq. */
export function byChainOrder(a: OutboxRow, b: OutboxRow): number {
  return a.seq - b.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Adds one tally write into per-day, per-regime counts keyed "day:regime" (the in-memory stores). */
export function addTally(
  tally: Map<string, { day: number; regime: number; decisions: number; lowPropensity: number }>,
  write: { readonly day: number; readonly regime: number; readonly lowPropensity: boolean },
): () => void {
  const fresh = () => ({ day: write.day, regime: write.regime, decisions: 0, lowPropensity: 0 });
  return addToCell(tally, `${write.day}:${write.regime}`, fresh, { decisions: 1, lowPropensity: write.lowPropensity ? 1 : 0 });
}

/** The per-regime sums of in-memory tallies from sinceDay on, by regime. */
export function sumTally(
  tally: ReadonlyMap<string, { day: number; regime: number; decisions: number; lowPropensity: number }>,
  sinceDay: number | null,
): TallyRow[] {
  const byRegime = new Map<number, { regime: number; decisions: number; lowPropensity: number }>();
  for (const row of tally.values()) {
    if (sinceDay !== null && row.day < sinceDay) continue;
    const sum = byRegime.get(row.regime) ?? { regime: row.regime, decisions: 0, lowPropensity: 0 };
    sum.decisions += row.decisions;
    sum.lowPropensity += row.lowPropensity;
    byRegime.set(row.regime, sum);
  }
  return [...byRegime.values()].sort((a, b) => a.regime - b.regime);
}

type ShadowCells = Map<string, { configHash: string; regime: number; decisions: number; mismatches: number; extraRefusals: number }>;

/** Adds one shadow tally write into in-memory counts keyed "configHash:regime" (the in-memory stores). */
export function addShadowTally(
  tally: ShadowCells,
  write: { readonly configHash: string; readonly regime: number; readonly mismatch: boolean; readonly extraRefusal: boolean },
): () => void {
  const fresh = () => ({ configHash: write.configHash, regime: write.regime, decisions: 0, mismatches: 0, extraRefusals: 0 });
  const step = { decisions: 1, mismatches: write.mismatch ? 1 : 0, extraRefusals: write.extraRefusal ? 1 : 0 };
  return addToCell(tally, `${write.configHash}:${write.regime}`, fresh, step);
}

/** One configuration's rows of in-memory shadow counts, by regime. */
export function shadowRows(tally: ShadowCells, configHash: string): ShadowTallyRow[] {
  return [...tally.values()]
    .filter((row) => row.configHash === configHash)
    .map(({ regime, decisions, mismatches, extraRefusals }) => ({ regime, decisions, mismatches, extraRefusals }))
    .sort((a, b) => a.regime - b.regime);
}

export function emptyShadowCells(): ShadowCells {
  return new Map();
}
