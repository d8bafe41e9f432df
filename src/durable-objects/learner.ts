// Learner: one Durable Object per tenant that learns from outcomes delivered by the ledger's
// outbox. Outcomes are deduplicated by id, so each is learned exactly once.
import { DurableObject } from "cloudflare:workers";

export class Learner extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS learned_outcomes (id TEXT PRIMARY KEY, payload TEXT NOT NULL)");
  }

  async learn(outcomes: readonly { readonly id: string; readonly payload: string }[]): Promise<{ accepted: string[] }> {
    this.ctx.storage.transactionSync(() => {
      for (const outcome of outcomes) {
        this.ctx.storage.sql.exec("INSERT OR IGNORE INTO learned_outcomes (id, payload) VALUES (?, ?)", outcome.id, outcome.payload);
      }
    });
    return { accepted: outcomes.map((outcome) => outcome.id) };
  }

  async learnedCount(): Promise<number> {
    return Number(this.ctx.storage.sql.exec("SELECT count(*) AS n FROM learned_outcomes").one().n);
  }
}
