// Shared fixtures for the ledger's Node tests: a tenant row, the public development signing key,
// engines whose flushes the test schedules, a store that can be cloned from its commit log, a
// seeded PRNG, and export helpers. Test support only: nothing here may be imported by src/.

import { hash } from "node:crypto";
import { readFileSync } from "node:fs";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import type { DecideCommand, LedgerCommand, OutcomeCommand } from "../../../src/ledger/commands.ts";
import { LedgerEngine } from "../../../src/ledger/engine.ts";
import { MemoryStore } from "../../../src/ledger/memory-store.ts";
import { parseSignerKey, parseVerifierKey, type SignerKey, type VerifierKey } from "../../../src/ledger/signed-note.ts";
import type { EntryRow, LedgerStore, LedgerWrite, TenantRow } from "../../../src/ledger/store.ts";

export { nobleSha256 };

/** node:crypto SHA-256, several times faster than noble for long exports; must agree with it. */
export function nodeSha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(hash("sha256", data, "buffer"));
}

export function tenantRow(tenantId = "tenant-test"): TenantRow {
  return {
    tenantId,
    name: "Test tenant",
    status: "active",
    mode: "live",
    pack: "llm",
    allowedProviderMask: 63,
    rateLimitPerMinute: 600,
    costCapMicros: -1,
    apiKeyHashHex: "00".repeat(32),
    apiKeyId: "key-1",
    webhookSecret: "whsec_dGVzdA==",
    createdAtMs: 0,
  };
}

const DEV_KEY_DOC = readFileSync(new URL("../../../docs/dev-signing-key.md", import.meta.url), "utf8");

function docLine(prefix: string): string {
  const line = DEV_KEY_DOC.split("\n").find((candidate) => candidate.startsWith(prefix));
  if (line === undefined) throw new Error(`docs/dev-signing-key.md has no line starting with ${prefix}`);
  return line;
}

function parsedSigner(): SignerKey {
  const parsed = parseSignerKey(docLine("PRIVATE+KEY+calybris-dev+"));
  if (!parsed.ok) throw new Error(`dev signer key refused: ${parsed.code}`);
  return parsed.key;
}

function parsedVerifier(): VerifierKey {
  const parsed = parseVerifierKey(docLine("calybris-dev+"));
  if (!parsed.ok) throw new Error(`dev verifier key refused: ${parsed.code}`);
  return parsed.key;
}

/** The public development key of docs/dev-signing-key.md: for tests only, never for production. */
export const devSigner: SignerKey = parsedSigner();
export const devVerifier: VerifierKey = parsedVerifier();
export const ORIGIN = "calybris.test/ledger";

/** Flush callbacks wait here until the test runs them: the test owns every await point. */
export class ManualScheduler {
  readonly pending: (() => void)[] = [];
  readonly defer = (flush: () => void): void => {
    this.pending.push(flush);
  };

  runOne(): void {
    const flush = this.pending.shift();
    if (flush === undefined) throw new Error("no pending flush");
    flush();
  }

  /** Runs flushes until none is pending; bounded, since a flush schedules at most one more. */
  runAll(bound = 100_000): void {
    for (let i = 0; this.pending.length > 0; i++) {
      if (i >= bound) throw new Error(`more than ${bound} flushes`);
      this.runOne();
    }
  }
}

export function microtaskEngine(store: LedgerStore, batchMax?: number): LedgerEngine {
  return new LedgerEngine(store, batchMax === undefined ? { defer: queueMicrotask } : { defer: queueMicrotask, batchMax });
}

/** A MemoryStore that logs every committed batch, so a test can clone it through the public port. */
export class RecordingStore extends MemoryStore {
  readonly committed: (readonly LedgerWrite[])[] = [];

  override commit(writes: readonly LedgerWrite[]): void {
    super.commit(writes);
    this.committed.push(writes);
  }

  /** A new store holding exactly the committed state, built by replaying the log in one commit. */
  clone(): RecordingStore {
    const copy = new RecordingStore();
    copy.commit(this.committed.flat());
    return copy;
  }
}

export function allEntries(store: LedgerStore): EntryRow[] {
  return store.readEntries(0, Number.MAX_SAFE_INTEGER);
}

/** The JSONL export: every line followed by a newline. */
export function exportText(store: LedgerStore): string {
  return allEntries(store)
    .map((row) => `${row.line}\n`)
    .join("");
}

export function exportBytes(store: LedgerStore): Uint8Array {
  return new TextEncoder().encode(exportText(store));
}

/** mulberry32: a tiny seeded PRNG, good enough to pick test commands reproducibly. */
export class TestRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from nothing");
    return items[this.int(items.length)]!;
  }
}

export interface DecideSpec {
  readonly decisionId: string;
  readonly costs: readonly number[];
  readonly nowMs: number;
  readonly idempotencyKey?: string | null;
  readonly digest?: string;
  readonly ttlMs?: number;
  readonly record?: DecideCommand["record"];
}

export function decideCommand(spec: DecideSpec): DecideCommand {
  return {
    type: "decide",
    decisionId: spec.decisionId,
    idempotencyKey: spec.idempotencyKey ?? null,
    requestDigestHex: spec.digest ?? "d1",
    candidates: spec.costs.map((costMicros, i) => ({ option: `model-${i}`, costMicros })),
    record: spec.record ?? { request: spec.decisionId, tier: 1 },
    learnerContext: { regime: "coding" },
    tally: { regime: 0, propensity: null, shadow: null },
    reservationTtlMs: spec.ttlMs ?? 1_000,
    nowMs: spec.nowMs,
  };
}

/** An outcome of `model-0` (the first candidate of every decideCommand); its digest names what it settles. */
export function outcomeCommand(webhookId: string, decisionFingerprint: string, actualCostMicros: number, nowMs: number): OutcomeCommand {
  return {
    type: "outcome",
    webhookId,
    requestDigestHex: `${decisionFingerprint}:${actualCostMicros}`,
    decisionFingerprint,
    model: "model-0",
    actualCostMicros,
    record: { quality_bps: 9_000 },
    learnerOutcome: { success: true },
    nowMs,
  };
}

export function createTenantCommand(initialBudgetMicros: number, tenantId = "tenant-test"): LedgerCommand {
  return { type: "create_tenant", tenant: tenantRow(tenantId), initialBudgetMicros, nowMs: 0 };
}

/** Submits every command at once (one batch under the default batch size) and waits for all. */
export async function submitAll(engine: LedgerEngine, commands: readonly LedgerCommand[]): Promise<unknown[]> {
  return Promise.all(commands.map((command) => engine.submit(command)));
}
