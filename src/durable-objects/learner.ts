// Learner: one Durable Object per tenant, apart from its ledger, that learns from the outcomes
// the ledger's outbox delivers — each outcome id exactly once — and publishes versioned,
// content-hashed policy snapshots for the worker's kernel. Every snapshot is kept for replays.

import { DurableObject } from "cloudflare:workers";
import { LLM_PACK } from "../domain/llm/pack.ts";
import { applyOutcome, initialLearnerState, type LearnerState, type OutcomePayload } from "../learning/learner-state.ts";
import { optionCostMicros } from "../learning/option-cost.ts";
import { buildSnapshot, type PolicyContent, type PolicySnapshot } from "../learning/policy-snapshot.ts";
import { regimesReport, type RegimeReport } from "../learning/regimes-report.ts";
import { LEARNER_MIGRATIONS } from "./learner-migrations.ts";
import { migrate } from "./migrate.ts";

export interface ApprenticeReport {
  readonly mode_decisions_with_outcome: number;
  readonly agreements: number;
  readonly agreement_rate_bps: number | null;
  readonly estimated_savings_micros: number;
}

export class Learner extends DurableObject<Env> {
  private state: LearnerState | null = null;
  private current: PolicySnapshot | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, LEARNER_MIGRATIONS, Date.now());
    });
  }

  /** Loads state and the current snapshot; version 0 is the warm start, published on first use. */
  private load(): { state: LearnerState; snapshot: PolicySnapshot } {
    if (this.state !== null && this.current !== null) return { state: this.state, snapshot: this.current };
    const sql = this.ctx.storage.sql;
    const row = sql.exec<{ state: string; version: number }>("SELECT state, version FROM learner_state WHERE id = 1").toArray()[0];
    if (row === undefined) {
      const state = initialLearnerState(LLM_PACK);
      const snapshot = this.ctx.storage.transactionSync(() => {
        this.save(state, 0);
        return this.publish(state.content, 0);
      });
      this.state = state;
      this.current = snapshot;
    } else {
      this.state = JSON.parse(row.state) as LearnerState;
      this.current = buildSnapshot(this.state.content, Number(row.version));
    }
    return { state: this.state, snapshot: this.current! };
  }

  async snapshot(): Promise<PolicySnapshot> {
    return this.load().snapshot;
  }

  /** A snapshot by content hash, for replays; null if this tenant never published it. */
  async snapshotByHash(hash: string): Promise<PolicySnapshot | null> {
    // Version 0 is stored on first load; a tenant whose only decisions were holdouts needs it too.
    this.load();
    const row = this.ctx.storage.sql.exec<{ version: number; content: string }>("SELECT version, content FROM snapshots WHERE hash = ? ORDER BY version LIMIT 1", hash).toArray()[0];
    return row === undefined ? null : buildSnapshot(JSON.parse(row.content) as PolicyContent, Number(row.version));
  }

  /**
   * Outcomes from the ledger's outbox. Ids already learned are acknowledged and skipped, so a
   * redelivery (a retried or duplicated alarm) never counts twice. One transaction per batch:
   * learned ids, new state and the new snapshot commit together.
   */
  async learn(outcomes: readonly { readonly id: string; readonly payload: string }[]): Promise<{ accepted: string[] }> {
    const loaded = this.load();
    const sql = this.ctx.storage.sql;
    const nowMs = Date.now();
    const costOf = (option: string, input: number, output: number): number | null => optionCostMicros(LLM_PACK, option, input, output);
    // Memory changes only after the transaction committed: a throw leaves state and snapshot as they were.
    const next = this.ctx.storage.transactionSync(() => {
      let state = loaded.state;
      let changed = false;
      for (const outcome of outcomes) {
        const seen = sql.exec("SELECT 1 FROM learned_outcomes WHERE id = ?", outcome.id).toArray().length > 0;
        if (seen) continue;
        sql.exec("INSERT INTO learned_outcomes (id, learned_at_ms) VALUES (?, ?)", outcome.id, nowMs);
        try {
          const next = applyOutcome(state, LLM_PACK, JSON.parse(outcome.payload) as OutcomePayload, costOf);
          changed ||= next !== state;
          state = next;
        } catch (error) {
          // Our own ledger wrote it, so this is a bug; skipping it (logged) beats blocking the outbox forever.
          console.error(JSON.stringify({ learner: "outcome_unreadable", id: outcome.id, error: String(error) }));
        }
      }
      if (!changed) return null;
      const version = loaded.snapshot.version + 1;
      this.save(state, version);
      return { state, snapshot: this.publish(state.content, version) };
    });
    if (next !== null) {
      this.state = next.state;
      this.current = next.snapshot;
    }
    return { accepted: outcomes.map((outcome) => outcome.id) };
  }

  async learnedCount(): Promise<number> {
    return Number(this.ctx.storage.sql.exec("SELECT count(*) AS n FROM learned_outcomes").one().n);
  }

  async regimes(): Promise<{ version: number; hash: string; outcomes: number; regimes: RegimeReport[] }> {
    const { state, snapshot } = this.load();
    return { version: snapshot.version, hash: snapshot.hash, outcomes: state.outcomes, regimes: regimesReport(LLM_PACK, state.content) };
  }

  async apprentice(): Promise<ApprenticeReport> {
    const figures = this.load().state.apprentice;
    return {
      mode_decisions_with_outcome: figures.decisions,
      agreements: figures.agreements,
      agreement_rate_bps: figures.decisions === 0 ? null : Math.floor((figures.agreements * 10_000) / figures.decisions),
      estimated_savings_micros: figures.savingsMicros,
    };
  }

  private publish(content: PolicyContent, version: number): PolicySnapshot {
    const snapshot = buildSnapshot(content, version);
    this.ctx.storage.sql.exec(
      "INSERT INTO snapshots (version, hash, content, created_at_ms) VALUES (?, ?, ?, ?)", version, snapshot.hash, JSON.stringify(content), Date.now(),
    );
    return snapshot;
  }

  private save(state: LearnerState, version: number): void {
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO learner_state (id, state, version) VALUES (1, ?, ?)", JSON.stringify(state), version);
  }
}
