// All SQL of the Learner: its state row, every published policy snapshot and the ids of learned
// outcomes (schema in migrations/learner/). commit() writes one batch in one transactionSync, so
// learned ids, state and snapshot land together or not at all. No learning rule lives here.

import type { BookMeta } from "../learning/evaluation/evaluation-book.ts";
import { parseEvaluationState, type EvaluationState } from "../learning/evaluation/evaluation-state.ts";
import type { LearnerState } from "../learning/learner-state.ts";
import type { StoredSnapshotHead } from "../learning/learner-start.ts";
import type { PolicyContent, PolicySnapshot } from "../learning/policy-snapshot.ts";

/** Durable Object SQL accepts at most 100 bound values per statement. */
const BOUND_VALUES_MAX = 100;

/** One atomic write of the Learner. */
export interface LearnerCommit {
  /** Outcome ids learned by this batch; the dedup record of exactly-once learning. */
  readonly learnedIds: readonly string[];
  /** The state to keep, with the version of the snapshot of its content and its pack; null keeps the stored one. */
  readonly state: { readonly value: LearnerState; readonly version: number; readonly pack: string } | null;
  /** A snapshot to publish: its version, hash and content (the sample bank is rebuilt from the hash). */
  readonly publish: (Pick<PolicySnapshot, "version" | "hash"> & { readonly content: PolicyContent }) | null;
  /** The evaluation after this batch: the whole, the meta, the day buckets it touched, and the first day kept. */
  readonly evaluation?: {
    readonly whole: EvaluationState;
    readonly meta: BookMeta;
    readonly days: ReadonlyMap<number, EvaluationState>;
    readonly candidates: ReadonlyMap<string, EvaluationState>;
    readonly oldestDay: number | null;
  } | null;
  readonly nowMs: number;
}

export class LearnerStore {
  private readonly storage: DurableObjectStorage;
  private readonly sql: SqlStorage;

  constructor(storage: DurableObjectStorage) {
    this.storage = storage;
    this.sql = storage.sql;
  }

  readState(): { state: LearnerState; version: number; pack: string } | null {
    const row = this.sql
      .exec<{ state: string; version: number; pack: string }>("SELECT state, version, pack FROM learner_state WHERE id = 1")
      .toArray()[0];
    return row === undefined
      ? null
      : { state: JSON.parse(row.state) as LearnerState, version: Number(row.version), pack: String(row.pack) };
  }

  readLatestSnapshot(): StoredSnapshotHead | null {
    const row = this.sql
      .exec<{ version: number; hash: string }>("SELECT version, hash FROM snapshots ORDER BY version DESC LIMIT 1")
      .toArray()[0];
    return row === undefined ? null : { version: Number(row.version), hash: String(row.hash) };
  }

  /** The first snapshot published with this content hash, or null. */
  readSnapshot(hash: string): { version: number; content: PolicyContent } | null {
    const row = this.sql
      .exec<{ version: number; content: string }>("SELECT version, content FROM snapshots WHERE hash = ? ORDER BY version LIMIT 1", hash)
      .toArray()[0];
    return row === undefined ? null : { version: Number(row.version), content: JSON.parse(row.content) as PolicyContent };
  }

  /** Which of `ids` were learned before. */
  readLearnedIds(ids: readonly string[]): Set<string> {
    const learned = new Set<string>();
    for (let start = 0; start < ids.length; start += BOUND_VALUES_MAX) {
      const chunk = ids.slice(start, start + BOUND_VALUES_MAX);
      const query = `SELECT id FROM learned_outcomes WHERE id IN (${chunk.map(() => "?").join(", ")})`;
      for (const row of this.sql.exec<{ id: string }>(query, ...chunk)) learned.add(String(row.id));
    }
    return learned;
  }

  /** The evaluation's whole and meta, or null before the first evaluated outcome. */
  readEvaluation(): { whole: EvaluationState; meta: BookMeta } | null {
    const row = this.sql.exec<{ whole: string; meta: string }>("SELECT whole, meta FROM evaluation WHERE id = 1").toArray()[0];
    return row === undefined ? null : { whole: parseEvaluationState(JSON.parse(row.whole)), meta: JSON.parse(row.meta) as BookMeta };
  }

  /** One day's bucket, or null when no outcome of that day was evaluated. */
  readEvaluationDay(day: number): EvaluationState | null {
    const row = this.sql.exec<{ state: string }>("SELECT state FROM evaluation_days WHERE day = ?", day).toArray()[0];
    return row === undefined ? null : parseEvaluationState(JSON.parse(row.state));
  }

  /** A candidate configuration's own evaluation sums, or null before it shadowed an outcome. */
  readEvaluationCandidate(configHash: string): EvaluationState | null {
    const row = this.sql.exec<{ state: string }>("SELECT state FROM evaluation_candidates WHERE config_hash = ?", configHash).toArray()[0];
    return row === undefined ? null : parseEvaluationState(JSON.parse(row.state));
  }

  /** The buckets of the days from `sinceDay` on, oldest first. */
  readEvaluationDays(sinceDay: number): EvaluationState[] {
    return this.sql
      .exec<{ state: string }>("SELECT state FROM evaluation_days WHERE day >= ? ORDER BY day", sinceDay)
      .toArray()
      .map((row) => parseEvaluationState(JSON.parse(row.state)));
  }

  countLearned(): number {
    return Number(this.sql.exec("SELECT count(*) AS n FROM learned_outcomes").one().n);
  }

  commit(batch: LearnerCommit): void {
    const evaluation = batch.evaluation ?? null;
    if (batch.learnedIds.length === 0 && batch.state === null && batch.publish === null && evaluation === null) return;
    this.storage.transactionSync(() => {
      const rowsPerStatement = BOUND_VALUES_MAX / 2;
      for (let start = 0; start < batch.learnedIds.length; start += rowsPerStatement) {
        const chunk = batch.learnedIds.slice(start, start + rowsPerStatement);
        this.sql.exec(
          `INSERT INTO learned_outcomes (id, learned_at_ms) VALUES ${chunk.map(() => "(?, ?)").join(", ")}`,
          ...chunk.flatMap((id) => [id, batch.nowMs]),
        );
      }
      if (batch.state !== null) {
        this.sql.exec(
          "INSERT OR REPLACE INTO learner_state (id, state, version, pack) VALUES (1, ?, ?, ?)",
          JSON.stringify(batch.state.value),
          batch.state.version,
          batch.state.pack,
        );
      }
      if (evaluation !== null) {
        this.sql.exec(
          "INSERT OR REPLACE INTO evaluation (id, whole, meta) VALUES (1, ?, ?)",
          JSON.stringify(evaluation.whole),
          JSON.stringify(evaluation.meta),
        );
        for (const [day, state] of evaluation.days) {
          this.sql.exec("INSERT OR REPLACE INTO evaluation_days (day, state) VALUES (?, ?)", day, JSON.stringify(state));
        }
        if (evaluation.oldestDay !== null) this.sql.exec("DELETE FROM evaluation_days WHERE day < ?", evaluation.oldestDay);
        for (const [hash, state] of evaluation.candidates) {
          this.sql.exec("INSERT OR REPLACE INTO evaluation_candidates (config_hash, state) VALUES (?, ?)", hash, JSON.stringify(state));
        }
      }
      const snapshot = batch.publish;
      if (snapshot !== null) {
        this.sql.exec(
          "INSERT INTO snapshots (version, hash, content, created_at_ms) VALUES (?, ?, ?, ?)",
          snapshot.version,
          snapshot.hash,
          JSON.stringify(snapshot.content),
          batch.nowMs,
        );
      }
    });
  }
}
