// Learner: one Durable Object per tenant, apart from its ledger, that learns from outcomes the
// ledger's outbox delivers (deduplicated by outcome id: each is learned exactly once) and
// publishes versioned, content-hashed policy snapshots for the worker's kernel.

import { DurableObject } from "cloudflare:workers";
import { LLM_PACK } from "../domain/llm/pack.ts";
import { buildSnapshot, type PolicyContent, type PolicySnapshot } from "../learning/policy-snapshot.ts";
import { warmStartContent } from "../learning/warm-start.ts";
import { LEARNER_MIGRATIONS } from "./learner-migrations.ts";
import { migrate } from "./migrate.ts";

export class Learner extends DurableObject<Env> {
  private current: PolicySnapshot | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, LEARNER_MIGRATIONS, Date.now());
    });
  }

  /** The current snapshot; version 0 (the warm start) until outcomes arrive. */
  async snapshot(): Promise<PolicySnapshot> {
    if (this.current !== null) return this.current;
    const row = this.ctx.storage.sql.exec<{ version: number; content: string }>("SELECT version, content FROM snapshots ORDER BY version DESC LIMIT 1").toArray()[0];
    if (row === undefined) {
      this.current = this.publish(warmStartContent(LLM_PACK), 0);
    } else {
      this.current = buildSnapshot(JSON.parse(row.content) as PolicyContent, Number(row.version));
    }
    return this.current;
  }

  /** A snapshot by content hash, for replays; null if this tenant never published it. */
  async snapshotByHash(hash: string): Promise<PolicySnapshot | null> {
    const row = this.ctx.storage.sql.exec<{ version: number; content: string }>("SELECT version, content FROM snapshots WHERE hash = ? ORDER BY version LIMIT 1", hash).toArray()[0];
    return row === undefined ? null : buildSnapshot(JSON.parse(row.content) as PolicyContent, Number(row.version));
  }

  private publish(content: PolicyContent, version: number): PolicySnapshot {
    const snapshot = buildSnapshot(content, version);
    this.ctx.storage.sql.exec(
      "INSERT INTO snapshots (version, hash, content, created_at_ms) VALUES (?, ?, ?, ?)",
      version, snapshot.hash, JSON.stringify(content), Date.now(),
    );
    return snapshot;
  }

  /** Outcomes from the ledger's outbox; each id is accepted once and learned once. */
  async learn(outcomes: readonly { readonly id: string; readonly payload: string }[]): Promise<{ accepted: string[] }> {
    const nowMs = Date.now();
    this.ctx.storage.transactionSync(() => {
      for (const outcome of outcomes) {
        this.ctx.storage.sql.exec("INSERT OR IGNORE INTO learned_outcomes (id, learned_at_ms) VALUES (?, ?)", outcome.id, nowMs);
      }
    });
    return { accepted: outcomes.map((outcome) => outcome.id) };
  }

  async learnedCount(): Promise<number> {
    return Number(this.ctx.storage.sql.exec("SELECT count(*) AS n FROM learned_outcomes").one().n);
  }
}
