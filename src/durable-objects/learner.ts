// Learner: one Durable Object per tenant, apart from its ledger, that learns from the outcomes
// the ledger's outbox delivers — each outcome id exactly once — and publishes versioned,
// content-hashed policy snapshots for the worker's kernel. Every snapshot is kept for replays.
// A thin shell: the rules are in src/learning, the SQL in learner-store.ts.

import { DurableObject } from "cloudflare:workers";
import type { DomainPack } from "../domain/domain-pack.ts";
import { packOf } from "../domain/packs.ts";
import { upgradeContent } from "../learning/content-upgrade.ts";
import { evaluationAnswer, type EvaluationAnswerJson, type EvaluationScope } from "../decision/evaluation-answer.ts";
import { evaluate, type EvaluationReport } from "../learning/evaluation/evaluate.ts";
import { gateVerdict, type GateVerdict } from "../learning/lifecycle/gate.ts";
import type { TallyRow } from "../ledger/store.ts";
import { EMPTY_META, oldestKeptDay, recordOutcomes, shapeOf, sumBuckets, type BookMeta } from "../learning/evaluation/evaluation-book.ts";
import { emptyEvaluationState, type EvaluationState } from "../learning/evaluation/evaluation-state.ts";
import { learnBatch, type DeliveredOutcome } from "../learning/learn-batch.ts";
import { learnerStart } from "../learning/learner-start.ts";
import { applySettings, settingsProblem, type PolicySettings } from "../learning/policy-settings.ts";
import type { LearnerState } from "../learning/learner-state.ts";
import { optionCostMicros } from "../learning/option-cost.ts";
import { buildSnapshot, type PolicySnapshot } from "../learning/policy-snapshot.ts";
import { configHash, configOfContent, type PolicyConfig } from "../learning/lifecycle/policy-config.ts";
import { adoptConfig, publishedContent, underConfig } from "../learning/lifecycle/running-config.ts";
import { regimesReport, type RegimeReport } from "../learning/regimes-report.ts";
import { LEARNER_MIGRATIONS } from "./learner-migrations.ts";
import { LearnerStore } from "./learner-store.ts";
import { migrate } from "./migrate.ts";

export type ConfigureAnswer =
  | { readonly ok: true; readonly version: number; readonly hash: string; readonly explorationBps: number; readonly holdoutBps: number }
  | { readonly ok: false; readonly code: "request_malformed"; readonly detail: string };

/** The evaluation's figures over a scope, or why the scope cannot be answered. */
export type EvaluationAnswer =
  | { readonly ok: true; readonly answer: EvaluationAnswerJson }
  | { readonly ok: false; readonly code: "since_out_of_range"; readonly detail: string };

export interface ApprenticeReport {
  readonly mode_decisions_with_outcome: number;
  readonly agreements: number;
  readonly agreement_rate_bps: number | null;
  readonly estimated_savings_micros: number;
}

interface Loaded {
  /** The tenant's domain pack: fixed when the Learner first starts, stored with its state. */
  readonly pack: DomainPack;
  readonly state: LearnerState;
  readonly snapshot: PolicySnapshot;
}

export class Learner extends DurableObject<Env> {
  private readonly store: LearnerStore;
  private loaded: Loaded | null = null;
  /** The evaluation's whole and meta (src/learning/evaluation/evaluation-book.ts), cached. */
  private book: { whole: EvaluationState; meta: BookMeta } | null = null;
  /** The staged candidate's snapshot, built once per candidate and production version. */
  private candidate: { key: string; snapshot: PolicySnapshot } | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new LearnerStore(ctx.storage);
    void ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, LEARNER_MIGRATIONS, Date.now());
    });
  }

  /**
   * State and current snapshot, cached. A Learner without state starts from the warm start of
   * `packId`, the tenant's pack as its ledger knows it; once started, its stored pack decides.
   */
  private load(packId: string): Loaded {
    if (this.loaded !== null) return this.loaded;
    const stored = this.store.readState();
    if (stored !== null) {
      if (stored.pack !== packId) console.error(JSON.stringify({ learner: "pack_mismatch", stored: stored.pack, asked: packId }));
      const pack = packOf(stored.pack);
      const content = upgradeContent(stored.state.content, pack);
      if (content === stored.state.content) {
        this.loaded = { pack, state: stored.state, snapshot: buildSnapshot(publishedContent(stored.state, pack), stored.version) };
        return this.loaded;
      }
      // A state from before per-option arms: upgraded once, published as the next version.
      const state = { ...stored.state, content };
      const snapshot = buildSnapshot(content, stored.version + 1);
      this.store.commit({
        learnedIds: [],
        state: { value: state, version: snapshot.version, pack: pack.id },
        publish: { version: snapshot.version, hash: snapshot.hash, content },
        nowMs: Date.now(),
      });
      this.loaded = { pack, state, snapshot };
      return this.loaded;
    }
    const pack = packOf(packId);
    const start = learnerStart(pack, this.store.readLatestSnapshot());
    const { version, hash } = start.snapshot;
    this.store.commit({
      learnedIds: [],
      state: { value: start.state, version, pack: pack.id },
      publish: start.publish ? { version, hash, content: start.state.content } : null,
      nowMs: Date.now(),
    });
    this.loaded = { pack, state: start.state, snapshot: start.snapshot };
    return this.loaded;
  }

  async snapshot(packId: string): Promise<PolicySnapshot> {
    return this.load(packId).snapshot;
  }

  /** A snapshot by content hash, for replays; null if this tenant never published it. */
  async snapshotByHash(packId: string, hash: string): Promise<PolicySnapshot | null> {
    // The warm start is stored on first load; a tenant whose only decisions were holdouts needs it too.
    const { pack } = this.load(packId);
    const row = this.store.readSnapshot(hash);
    if (row === null) return null;
    // A snapshot stored before per-option arms cannot be rebuilt bit for bit by this build.
    const snapshot = buildSnapshot(upgradeContent(row.content, pack), row.version);
    return snapshot.hash === hash ? snapshot : null;
  }

  /**
   * Outcomes from the ledger's outbox. Ids already learned are acknowledged and skipped, so a
   * redelivery (a retried or duplicated alarm) never counts twice. One transaction per batch:
   * learned ids, new state and the new snapshot commit together.
   */
  async learn(packId: string, outcomes: readonly DeliveredOutcome[]): Promise<{ accepted: string[] }> {
    const loaded = this.load(packId);
    const pack = loaded.pack;
    const costOf = (option: string, inputTokens: number, outputTokens: number): number | null =>
      optionCostMicros(pack, option, inputTokens, outputTokens);
    const batch = learnBatch(loaded.state, pack, outcomes, { learnedBefore: this.store.readLearnedIds(outcomes.map((o) => o.id)), costOf });
    for (const { id, error } of batch.unreadable) console.error(JSON.stringify({ learner: "outcome_unreadable", id, error }));
    const changed = batch.state !== loaded.state;
    const published = publishedContent(batch.state, pack);
    const snapshot = changed ? buildSnapshot(published, loaded.snapshot.version + 1) : loaded.snapshot;
    // The evaluation scores the same outcomes in the same (chain) order, on copies until committed.
    const book = this.loadBook(pack);
    const whole = structuredClone(book.whole);
    const days = new Map<number, EvaluationState>();
    const bucketOf = (day: number): EvaluationState => {
      let bucket = days.get(day);
      if (bucket === undefined) {
        bucket = this.store.readEvaluationDay(day) ?? emptyEvaluationState(shapeOf(pack));
        days.set(day, bucket);
      }
      return bucket;
    };
    const candidates = new Map<string, EvaluationState>();
    const candidateOf = (hash: string): EvaluationState => {
      let sums = candidates.get(hash);
      if (sums === undefined) {
        sums = this.store.readEvaluationCandidate(hash) ?? emptyEvaluationState(shapeOf(pack));
        candidates.set(hash, sums);
      }
      return sums;
    };
    const meta = recordOutcomes(whole, book.meta, pack, batch.learned, bucketOf, candidateOf);
    this.store.commit({
      learnedIds: batch.newIds,
      state: changed ? { value: batch.state, version: snapshot.version, pack: pack.id } : null,
      publish: changed ? { version: snapshot.version, hash: snapshot.hash, content: published } : null,
      evaluation: batch.learned.length === 0 ? null : { whole, meta, days, candidates, oldestDay: oldestKeptDay(meta) },
      nowMs: Date.now(),
    });
    // Memory changes only after the commit returned: a throw leaves state and snapshot as they were.
    this.loaded = { pack, state: batch.state, snapshot };
    if (batch.learned.length > 0) this.book = { whole, meta };
    return { accepted: outcomes.map((outcome) => outcome.id) };
  }

  /**
   * The tenant's exploration and holdout shares (admin API). A change publishes a new snapshot,
   * so the next decisions seal the new settings; the learned posteriors are kept as they are.
   */
  async configure(packId: string, settings: PolicySettings): Promise<ConfigureAnswer> {
    const problem = settingsProblem(settings);
    if (problem !== null) return { ok: false, code: "request_malformed", detail: problem };
    const loaded = this.load(packId);
    const state = applySettings(loaded.state, settings);
    let snapshot = loaded.snapshot;
    if (state !== loaded.state) {
      snapshot = buildSnapshot(publishedContent(state, loaded.pack), loaded.snapshot.version + 1);
      this.store.commit({
        learnedIds: [],
        state: { value: state, version: snapshot.version, pack: loaded.pack.id },
        publish: { version: snapshot.version, hash: snapshot.hash, content: publishedContent(state, loaded.pack) },
        nowMs: Date.now(),
      });
      this.loaded = { pack: loaded.pack, state, snapshot };
    }
    return {
      ok: true,
      version: snapshot.version,
      hash: snapshot.hash,
      explorationBps: snapshot.explorationBps,
      holdoutBps: snapshot.holdoutBps,
    };
  }

  private loadBook(pack: DomainPack): { whole: EvaluationState; meta: BookMeta } {
    this.book ??= this.store.readEvaluation() ?? { whole: emptyEvaluationState(shapeOf(pack)), meta: EMPTY_META };
    return this.book;
  }

  /**
   * The evaluation on the live log (GET /v1/evaluation): from the sums kept per outcome, over
   * every evaluated outcome or over the UTC days from `sinceDay` on (at most 92 day rows read).
   * Decision counts are the ledger's tally, which the route reads first and passes in, with the
   * staged candidate's configuration hash (the ledger's lifecycle), whose own sums are reported.
   */
  async evaluation(
    packId: string,
    scope: EvaluationScope,
    tally: readonly TallyRow[],
    candidateHash: string | null,
  ): Promise<EvaluationAnswer> {
    const { pack } = this.load(packId);
    const book = this.loadBook(pack);
    const sums = candidateHash === null ? null : (this.store.readEvaluationCandidate(candidateHash) ?? emptyEvaluationState(shapeOf(pack)));
    const candidate =
      candidateHash === null || sums === null ? null : { configHash: candidateHash, report: evaluate(sums, { regime: scope.regime }) };
    const answer = (state: EvaluationState): EvaluationAnswer => ({
      ok: true,
      answer: evaluationAnswer(pack, scope, evaluate(state, { regime: scope.regime }), book.meta, tally, candidate),
    });
    if (scope.sinceDay === null) return answer(book.whole);
    const oldest = oldestKeptDay(book.meta);
    if (oldest !== null && scope.sinceDay < oldest) {
      const day = new Date(oldest * 86_400_000).toISOString().slice(0, 10);
      return {
        ok: false,
        code: "since_out_of_range",
        detail: `"since" reaches back at most to ${day} (92 days of day buckets); omit it for every outcome`,
      };
    }
    return answer(sumBuckets(shapeOf(pack), this.store.readEvaluationDays(scope.sinceDay)));
  }

  /**
   * The production snapshot under the ledger's current configuration, and the staged candidate's
   * snapshot on the same posteriors, for the worker's shadow. The ledger seals the lifecycle; the
   * Learner follows it here: a configuration it does not yet run is adopted (its fields set, the
   * posteriors kept) and published as the next version. Idempotent, so every worker refresh heals.
   */
  async policies(
    packId: string,
    lifecycle: { readonly current: PolicyConfig; readonly candidate: PolicyConfig | null } | null,
  ): Promise<{ production: PolicySnapshot; candidate: { configHash: string; snapshot: PolicySnapshot } | null }> {
    let loaded = this.load(packId);
    if (lifecycle === null) return { production: loaded.snapshot, candidate: null };
    const state = adoptConfig(loaded.state, lifecycle.current);
    if (state !== loaded.state) {
      const published = publishedContent(state, loaded.pack);
      const snapshot = buildSnapshot(published, loaded.snapshot.version + 1);
      this.store.commit({
        learnedIds: [],
        state: { value: state, version: snapshot.version, pack: loaded.pack.id },
        publish: { version: snapshot.version, hash: snapshot.hash, content: published },
        nowMs: Date.now(),
      });
      loaded = { pack: loaded.pack, state, snapshot };
      this.loaded = loaded;
    }
    if (lifecycle.candidate === null) return { production: loaded.snapshot, candidate: null };
    const hash = configHash(lifecycle.candidate);
    const key = `${hash}@${loaded.snapshot.version}`;
    if (this.candidate?.key !== key) {
      // Built on the same posteriors as production's current version: only the configuration differs.
      this.candidate = {
        key,
        snapshot: buildSnapshot(underConfig(loaded.state.content, lifecycle.candidate, loaded.pack), loaded.snapshot.version),
      };
    }
    return { production: loaded.snapshot, candidate: { configHash: hash, snapshot: this.candidate.snapshot } };
  }

  /**
   * The promotion gate's verdict on a staged candidate (src/learning/lifecycle/gate.ts), from its
   * own shadow sums and the ledger's count of refusals it made where production served.
   */
  async gate(packId: string, candidateHash: string, extraRefusals: number): Promise<{ verdict: GateVerdict; report: EvaluationReport }> {
    const { pack } = this.load(packId);
    const sums = this.store.readEvaluationCandidate(candidateHash) ?? emptyEvaluationState(shapeOf(pack));
    const report = evaluate(sums);
    return { verdict: gateVerdict({ candidateHash, report, extraRefusals }), report };
  }

  /** The configuration the tenant runs today, for its first lifecycle state (the ledger's). */
  async currentConfig(packId: string): Promise<PolicyConfig> {
    const { pack, state } = this.load(packId);
    return state.config ?? configOfContent(state.content, pack);
  }

  async learnedCount(): Promise<number> {
    return this.store.countLearned();
  }

  /** The learned floors and posteriors in the tenant's pack's vocabulary. */
  async regimes(packId: string): Promise<{ pack: string; version: number; hash: string; outcomes: number; regimes: RegimeReport[] }> {
    const { pack, state, snapshot } = this.load(packId);
    return {
      pack: pack.id,
      version: snapshot.version,
      hash: snapshot.hash,
      outcomes: state.outcomes,
      regimes: regimesReport(pack, state.content),
    };
  }

  async apprentice(packId: string): Promise<ApprenticeReport> {
    const figures = this.load(packId).state.apprentice;
    return {
      mode_decisions_with_outcome: figures.decisions,
      agreements: figures.agreements,
      agreement_rate_bps: figures.decisions === 0 ? null : Math.floor((figures.agreements * 10_000) / figures.decisions),
      estimated_savings_micros: figures.savingsMicros,
    };
  }
}
