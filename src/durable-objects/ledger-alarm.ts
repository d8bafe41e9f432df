// The TenantLedger's alarm: expire reservations whose time is up, sign a checkpoint over new
// entries, and drain the outcome outbox to the tenant's Learner with retries. Every step is
// idempotent, so an alarm that fires late or twice does no harm.

import type { LedgerEngine } from "../ledger/engine.ts";
import type { OutboxRow } from "../ledger/store.ts";
import { checkpointOrigin, type LedgerConfig } from "./ledger-config.ts";

const EXPIRE_BATCH = 500;
const EXPIRE_ROUNDS_MAX = 20;
const OUTBOX_BATCH = 100;
const RETRY_DELAY_MS_MAX = 5 * 60_000;

/** Entries appended since the last checkpoint, not counting the checkpoint entry itself. */
export function hasUncheckpointedEntries(engine: LedgerEngine): boolean {
  const { size, checkpointSize } = engine.head;
  return checkpointSize === 0 ? size > 0 : size > checkpointSize + 1;
}

/**
 * When to wake up for a checkpoint: one interval after the first entry it would cover, so new
 * entries are gathered into one note instead of one note each.
 */
export function nextCheckpointAt(engine: LedgerEngine, config: LedgerConfig): number | null {
  if (config.signer === null || !hasUncheckpointedEntries(engine)) return null;
  const firstNew = engine.head.checkpointSize === 0 ? 0 : engine.head.checkpointSize + 1;
  const firstNewAtMs = engine.store.readEntries(firstNew, 1)[0]?.tsMs ?? 0;
  // Never before mayCheckpoint() allows it, even if the clock went back: no alarm busy-loop.
  return Math.max(firstNewAtMs, lastCheckpointAtMs(engine)) + config.checkpointIntervalMs;
}

function lastCheckpointAtMs(engine: LedgerEngine): number {
  const latest = engine.store.readLatestCheckpoint();
  return latest === null ? 0 : (engine.store.readEntries(latest.seq, 1)[0]?.tsMs ?? 0);
}

/** Whether an alarm running now may sign: new entries, and no checkpoint within the last interval. */
export function mayCheckpoint(engine: LedgerEngine, config: LedgerConfig, nowMs: number): boolean {
  if (config.signer === null || !hasUncheckpointedEntries(engine)) return false;
  if (engine.store.readLatestCheckpoint() === null) return true;
  return nowMs - lastCheckpointAtMs(engine) >= config.checkpointIntervalMs;
}

export function nextAlarmAt(engine: LedgerEngine, config: LedgerConfig, nowMs: number): number | null {
  const candidates: number[] = [];
  const expiry = engine.store.readNextExpiry();
  if (expiry !== null) candidates.push(expiry);
  const outbox = engine.store.readNextOutboxAttempt();
  if (outbox !== null) candidates.push(outbox);
  const checkpoint = nextCheckpointAt(engine, config);
  if (checkpoint !== null) candidates.push(checkpoint);
  if (candidates.length === 0) return null;
  return Math.max(nowMs, Math.min(...candidates));
}

/** Where due outcomes go: the tenant's Learner, learning in the tenant's pack. */
export type LearnerSink = (
  outcomes: readonly { readonly id: string; readonly payload: string }[],
) => Promise<{ readonly accepted: readonly string[] }>;

export async function runAlarm(engine: LedgerEngine, env: Env, config: LedgerConfig, nowMs: number): Promise<void> {
  for (let round = 0; round < EXPIRE_ROUNDS_MAX; round++) {
    const expired = await engine.submit({ type: "expire", nowMs, limit: EXPIRE_BATCH });
    if (expired.expired < EXPIRE_BATCH) break;
  }
  const tenant = engine.tenant;
  if (tenant !== null && config.signer !== null && mayCheckpoint(engine, config, nowMs)) {
    await engine.submit({ type: "checkpoint", origin: checkpointOrigin(config, tenant.tenantId), signer: config.signer, nowMs });
  }
  if (tenant !== null) {
    const learner = env.LEARNER.get(env.LEARNER.idFromName(tenant.tenantId));
    await drainOutbox(engine, (outcomes) => learner.learn(tenant.pack, outcomes), nowMs);
  }
}

/** Hands due outcomes to the Learner; delivered ones leave the outbox, the rest back off. */
export async function drainOutbox(engine: LedgerEngine, learner: LearnerSink, nowMs: number): Promise<void> {
  const due: OutboxRow[] = engine.store.readOutboxDue(nowMs, OUTBOX_BATCH);
  if (due.length === 0) return;
  let accepted: ReadonlySet<string>;
  try {
    const answer = await learner(due.map((row) => ({ id: row.id, payload: row.payload })));
    accepted = new Set(answer.accepted);
  } catch {
    accepted = new Set();
  }
  const retry = due
    .filter((row) => !accepted.has(row.id))
    .map((row) => ({
      ...row,
      attempts: row.attempts + 1,
      nextAttemptMs: nowMs + Math.min(RETRY_DELAY_MS_MAX, 1000 * 2 ** Math.min(row.attempts, 20)),
    }));
  await engine.submit({ type: "outbox_settle", delivered: [...accepted], retry });
}
