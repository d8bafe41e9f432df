// Seeded random command histories for the ledger's Node tests: a mix of top-ups, decisions,
// outcomes, releases, expiries, checkpoints and suspensions, with duplicates and a few bad
// amounts, run batch by batch on a pure engine. The batches are kept so a test can replay them.

import type { LedgerCommand } from "../../../src/ledger/commands.ts";
import type { LedgerEngine } from "../../../src/ledger/engine.ts";
import { createTenantCommand, decideCommand, devSigner, ORIGIN, outcomeCommand, submitAll, type TestRandom } from "./ledger-fixtures.ts";

export interface AckedEntry {
  readonly seq: number;
  readonly fingerprint: string;
}

interface KnownDecision {
  readonly fingerprint: string;
  readonly reservationId: string | null;
  readonly costMicros: number;
}

const POISON_AMOUNTS: readonly unknown[] = [Number.NaN, Infinity, -Infinity, -0, 1e300, 2 ** 53, -1, 1.5, "5", null];
const TTLS_MS = [0, 500, 2_000, 60_000] as const;

/** Builds commands that refer to what earlier batches answered (fingerprints, reservations, ids). */
export class HistoryBuilder {
  readonly engine: LedgerEngine;
  readonly rng: TestRandom;
  readonly batches: LedgerCommand[][] = [];
  readonly acked: AckedEntry[] = [];
  clockMs = 1_000;
  private readonly decisions: KnownDecision[] = [];
  private readonly topUpIds: { id: string; amount: number }[] = [];
  private readonly webhookIds: string[] = [];
  private counter = 0;
  private suspended = false;

  constructor(engine: LedgerEngine, rng: TestRandom) {
    this.engine = engine;
    this.rng = rng;
  }

  async createTenant(initialBudgetMicros: number): Promise<void> {
    await this.run([createTenantCommand(initialBudgetMicros)]);
  }

  /** Runs one batch of commands submitted together and records what was acknowledged. */
  async run(batch: LedgerCommand[]): Promise<unknown[]> {
    this.batches.push(batch);
    const results = await submitAll(this.engine, batch);
    results.forEach((result, i) => this.learn(batch[i]!, result));
    return results;
  }

  private learn(command: LedgerCommand, result: unknown): void {
    const r = result as { ok: boolean; seq?: number | null; fingerprint?: string; reservationId?: string | null; reservedMicros?: number };
    if (!r.ok) return;
    if (typeof r.seq === "number" && typeof r.fingerprint === "string") this.acked.push({ seq: r.seq, fingerprint: r.fingerprint });
    if (command.type === "decide" && typeof r.fingerprint === "string") {
      this.decisions.push({ fingerprint: r.fingerprint, reservationId: r.reservationId ?? null, costMicros: r.reservedMicros ?? 0 });
    }
    if (command.type === "update_tenant") this.suspended = command.changes.status === "suspended";
  }

  private amount(maxMicros: number): number {
    return this.rng.chance(0.04) ? (this.rng.pick(POISON_AMOUNTS) as number) : this.rng.int(maxMicros + 1);
  }

  /** One random command against the current state; `allowCheckpoint` lets a test keep notes rare. */
  command(allowCheckpoint = true): LedgerCommand {
    this.clockMs += this.rng.int(400);
    const nowMs = this.clockMs;
    const roll = this.rng.int(100);
    if (roll < 30) return this.decide(nowMs);
    if (roll < 52 && this.decisions.length > 0) return this.outcome(nowMs);
    if (roll < 66) return this.topUp(nowMs);
    if (roll < 76 && this.decisions.length > 0) {
      const reservationId = this.rng.pick(this.decisions).reservationId ?? `unknown-${this.counter++}`;
      return { type: "release", reservationId, nowMs };
    }
    if (roll < 88) return { type: "expire", nowMs: nowMs - this.rng.pick([0, 0, 3_000]), limit: this.rng.pick([1_000, 1_000, 2]) };
    if (roll < 94 && allowCheckpoint) return { type: "checkpoint", origin: ORIGIN, signer: devSigner, nowMs };
    const suspend = !this.suspended && this.rng.chance(0.5);
    return { type: "update_tenant", op: suspend ? "suspend" : "resume", changes: { status: suspend ? "suspended" : "active" }, nowMs };
  }

  private decide(nowMs: number): LedgerCommand {
    const candidates = this.rng.int(5);
    const costs = Array.from({ length: candidates }, () => this.amount(40_000));
    const idempotencyKey = this.rng.chance(0.3) ? `key-${this.rng.int(12)}` : null;
    const reuse = this.rng.chance(0.05) && this.decisions.length > 0;
    const decisionId = reuse ? (this.rng.pick(this.decisions).reservationId ?? `dec-${this.counter++}`) : `dec-${this.counter++}`;
    return decideCommand({
      decisionId,
      costs,
      nowMs,
      idempotencyKey,
      digest: this.rng.pick(["d1", "d1", "d2"]),
      ttlMs: this.rng.pick(TTLS_MS),
    });
  }

  private outcome(nowMs: number): LedgerCommand {
    const decision = this.rng.pick(this.decisions);
    const reuse = this.rng.chance(0.1) && this.webhookIds.length > 0;
    const webhookId = reuse ? this.rng.pick(this.webhookIds) : `wh-${this.counter++}`;
    this.webhookIds.push(webhookId);
    const fingerprint = this.rng.chance(0.03) ? "ab".repeat(32) : decision.fingerprint;
    return outcomeCommand(webhookId, fingerprint, this.amount(decision.costMicros * 2 + 100), nowMs);
  }

  private topUp(nowMs: number): LedgerCommand {
    if (this.rng.chance(0.15) && this.topUpIds.length > 0) {
      const prior = this.rng.pick(this.topUpIds);
      return { type: "top_up", topUpId: prior.id, amountMicros: this.rng.chance(0.7) ? prior.amount : prior.amount + 1, nowMs };
    }
    const id = `top-${this.counter++}`;
    const amount = this.amount(100_000);
    if (typeof amount === "number" && Number.isSafeInteger(amount)) this.topUpIds.push({ id, amount });
    return { type: "top_up", topUpId: id, amountMicros: amount, nowMs };
  }
}
