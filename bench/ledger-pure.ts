// The pure half of `npm run bench:ledger`: decide commands through LedgerEngine in Node, submitted
// 64 at a time so each flush commits one batch of 64 (the group commit the Durable Object does).
// Over MemoryStore, whose commit copies every table (cost grows with the store), and over
// AppendStore, whose commit costs what the batch writes: the engine's own speed.

import type { LedgerCommand } from "../src/ledger/commands.ts";
import { LedgerEngine } from "../src/ledger/engine.ts";
import { MemoryStore } from "../src/ledger/memory-store.ts";
import type { LedgerStore, TenantRow } from "../src/ledger/store.ts";
import { AppendStore } from "./ledger-append-store.ts";
import { benchDecideInput } from "./ledger-decide.ts";

export const CONCURRENT_SUBMITS = 64;
const RESERVATION_TTL_MS = 600_000;

export function benchTenant(tenantId: string): TenantRow {
  return {
    tenantId,
    name: "Bench tenant",
    status: "active",
    mode: "live",
    pack: "llm",
    allowedProviderMask: 0xffff,
    rateLimitPerMinute: 2 ** 40,
    costCapMicros: -1,
    apiKeyHashHex: "be".repeat(32),
    apiKeyId: "bench",
    webhookSecret: "whsec_YmVuY2g=",
    createdAtMs: 0,
  };
}

export async function newBenchEngine(store: LedgerStore, tenantId: string): Promise<LedgerEngine> {
  const engine = new LedgerEngine(store, { defer: (flush) => queueMicrotask(flush) });
  const created = await engine.submit({ type: "create_tenant", tenant: benchTenant(tenantId), initialBudgetMicros: 2 ** 52, nowMs: 0 });
  if (!created.ok) throw new Error(`bench tenant refused: ${created.code}`);
  return engine;
}

export function decideCommand(runId: string, i: number, nowMs: number): LedgerCommand {
  return { type: "decide", ...benchDecideInput(runId, i), reservationTtlMs: RESERVATION_TTL_MS, nowMs };
}

/** Appends `count` decisions in rounds of 64 concurrent submits; returns decisions per second. */
export async function appendDecisions(engine: LedgerEngine, runId: string, count: number): Promise<number> {
  const startMs = performance.now();
  for (let done = 0; done < count; done += CONCURRENT_SUBMITS) {
    const round = Math.min(CONCURRENT_SUBMITS, count - done);
    const results = await Promise.all(
      Array.from({ length: round }, (_, k) => engine.submit(decideCommand(runId, done + k, 1_000 + done + k))),
    );
    for (const result of results) if (!result.ok) throw new Error(`bench decision refused: ${result.code}`);
  }
  return count / ((performance.now() - startMs) / 1000);
}

export interface PureResult {
  readonly memoryStorePerSec: number;
  readonly memoryStoreAppends: number;
  readonly appendStorePerSec: number;
  readonly appendStoreAppends: number;
  readonly entriesPerTxn: number;
}

export async function benchPure(memoryStoreAppends: number, appendStoreAppends: number): Promise<PureResult> {
  await appendDecisions(await newBenchEngine(new AppendStore(), "warm-up"), "warm", 4_096);
  const memoryEngine = await newBenchEngine(new MemoryStore(), "pure-memory");
  const memoryStorePerSec = await appendDecisions(memoryEngine, "m", memoryStoreAppends);
  const appendEngine = await newBenchEngine(new AppendStore(), "pure-append");
  const appendStorePerSec = await appendDecisions(appendEngine, "a", appendStoreAppends);
  const { batches, commands } = memoryEngine.stats;
  return { memoryStorePerSec, memoryStoreAppends, appendStorePerSec, appendStoreAppends, entriesPerTxn: commands / batches };
}
