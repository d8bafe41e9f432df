// TenantLedger: one Durable Object per tenant holding its budget and its hash-chained decision
// log. A thin shell: it authenticates, rate-limits, and hands commands to the ledger engine,
// whose group commit writes each batch in one SQLite transaction. All rules live in src/ledger.

import { DurableObject } from "cloudflare:workers";
import { packOf } from "../domain/packs.ts";
import { initialLifecycleState, type LifecycleState } from "../learning/lifecycle/lifecycle-state.ts";
import type { PolicyConfig } from "../learning/lifecycle/policy-config.ts";
import { LIFECYCLE_KEY, storedLifecycle, transitionFor, type LifecycleAnswer, type LifecycleRequest } from "./ledger-lifecycle.ts";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { CreateTenantResult, TopUpResult, UpdateTenantCommand, UpdateTenantResult } from "../ledger/commands.ts";
import type { EntryRecord } from "../ledger/entry.ts";
import { LedgerEngine, type BatchStats } from "../ledger/engine.ts";
import { proveEntry } from "../ledger/entry-proof.ts";
import { ledgerFailure, type LedgerFailure } from "../ledger/ledger-codes.ts";
import { recover } from "../ledger/recovery.ts";
import type { ShadowTallyRow, TenantRow } from "../ledger/store.ts";
import { verifyWebhook } from "../ledger/webhook-signature.ts";
import { runAlarm, nextAlarmAt } from "./ledger-alarm.ts";
import { ledgerConfig, type LedgerConfig } from "./ledger-config.ts";
import { LEDGER_MIGRATIONS } from "./ledger-migrations.ts";
import type {
  BudgetAnswer,
  ChainPageAnswer,
  CheckpointAnswer,
  CreateTenantInput,
  DecideAnswer,
  DecideInput,
  ExecutionAnswer,
  ExecutionInput,
  FeedbackAnswer,
  FeedbackInput,
  OutcomeAnswer,
  ProxySettings,
  ProxySettingsAnswer,
  OutcomeInput,
  PolicyEventAnswer,
  ProofAnswer,
  RateLimited,
  ReleaseAnswer,
  TallyAnswer,
  TenantAnswer,
  TenantView,
  Unauthorized,
  UsageAnswer,
} from "./ledger-rpc.ts";
import { hourOf } from "../ledger/usage.ts";
import { isVacant, migrate } from "./migrate.ts";
import { newBucket, peekTokens, takeToken, type Bucket, type RateDecision, type WriteRoute } from "./rate-limit.ts";
import { SqlLedgerStore } from "./sql-ledger-store.ts";

const CHAIN_PAGE_MAX = 1000;

function constantTimeEqualHex(a: string, b: string): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) difference |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return difference === 0;
}

export function tenantView(t: TenantRow): TenantView {
  return {
    tenantId: t.tenantId,
    name: t.name,
    status: t.status,
    mode: t.mode,
    pack: t.pack,
    allowedProviderMask: t.allowedProviderMask,
    rateLimitPerMinute: t.rateLimitPerMinute,
    costCapMicros: t.costCapMicros,
    apiKeyId: t.apiKeyId,
  };
}

export class TenantLedger extends DurableObject<Env> {
  /** Lifecycle transitions, one after another: each reads the state the previous one sealed. */
  private lifecycleTurn: Promise<void> = Promise.resolve();
  private engine: LedgerEngine | null = null;
  private integrity: LedgerFailure | null = null;
  private startFailure: LedgerFailure | null = null;
  private readonly config: LedgerConfig;
  /**
   * One bucket per write route, each with the tenant's whole allowance: a decision is normally
   * followed by its outcome, so one shared bucket would halve the decisions a limit allows.
   */
  private readonly buckets: Record<WriteRoute, Bucket> = { decide: newBucket(), outcome: newBucket(), release: newBucket() };
  private alarmAtMs: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = ledgerConfig(env);
    // An object nobody created stays vacant: reading sqlite_master writes nothing, so a guessed
    // tenant name never makes the service store anything.
    void ctx.blockConcurrencyWhile(async () => {
      if (!isVacant(ctx.storage.sql)) this.start();
      this.alarmAtMs = await ctx.storage.getAlarm();
    });
  }

  /**
   * open(), with a failure recorded instead of thrown: a throw out of blockConcurrencyWhile would
   * reset the object and surface as an unhandled rejection. Calls answer the failure, and the next
   * call tries to start again, so a passing fault heals while a lasting one keeps failing closed.
   */
  private start(): void {
    try {
      this.open();
      this.startFailure = null;
    } catch (error) {
      this.startFailure = ledgerFailure("storage_unavailable", `the ledger could not start: ${String(error)}`);
    }
  }

  /** Migrates, verifies the chain since the last checkpoint, and starts the engine. */
  private open(): void {
    migrate(this.ctx.storage, LEDGER_MIGRATIONS, Date.now());
    const store = new SqlLedgerStore(this.ctx.storage);
    const report = recover(store);
    if (!report.ok) {
      // Damage in committed history: serve nothing until a human looks (fail closed).
      this.integrity = ledgerFailure("ledger_integrity_failed", `entry ${report.seq}: ${report.reason}`);
      return;
    }
    if (report.writes.length > 0) store.commit(report.writes);
    this.engine = new LedgerEngine(store, { defer: (flush) => void setTimeout(flush, 0) });
  }

  private ready(): LedgerEngine | LedgerFailure {
    if (this.startFailure !== null) this.start();
    if (this.startFailure !== null) return this.startFailure;
    if (this.integrity !== null) return this.integrity;
    if (this.engine === null || this.engine.tenant === null) return ledgerFailure("tenant_unknown", "no such tenant");
    return this.engine;
  }

  /** The engine when the caller holds the tenant's current API key; one failure shape for all. */
  private authorized(secretHashHex: string): LedgerEngine | Unauthorized | LedgerFailure {
    const engine = this.ready();
    if (!(engine instanceof LedgerEngine)) return engine.code === "tenant_unknown" ? unauthorized() : engine;
    if (!constantTimeEqualHex(secretHashHex, engine.tenant!.apiKeyHashHex)) return unauthorized();
    return engine;
  }

  async createTenant(input: CreateTenantInput): Promise<CreateTenantResult> {
    if (this.engine === null && this.integrity === null) this.start();
    if (this.startFailure !== null) return this.startFailure;
    const engine = this.engine;
    if (engine === null) return this.integrity ?? ledgerFailure("storage_unavailable", "ledger did not open");
    const nowMs = Date.now();
    const tenant: TenantRow = { ...input, status: "active", createdAtMs: nowMs };
    const result = await engine.submit({ type: "create_tenant", tenant, initialBudgetMicros: input.initialBudgetMicros, nowMs });
    await this.armAlarm();
    return result;
  }

  async tenant(secretHashHex: string): Promise<TenantAnswer> {
    const engine = this.authorized(secretHashHex);
    return engine instanceof LedgerEngine ? { ok: true, tenant: tenantView(engine.tenant!) } : engine;
  }

  /** A candidate configuration's shadow counts per regime (admin; the worker checked the token). */
  async shadowTally(configHash: string): Promise<{ readonly ok: true; readonly rows: readonly ShadowTallyRow[] } | LedgerFailure> {
    const engine = this.ready();
    return engine instanceof LedgerEngine ? { ok: true, rows: engine.store.readShadowTally(configHash) } : engine;
  }

  /** The tenant's policy lifecycle (current configuration, history, staged candidate), or null before its first event. */
  async lifecycle(): Promise<{ readonly ok: true; readonly state: LifecycleState | null } | LedgerFailure> {
    const engine = this.ready();
    if (!(engine instanceof LedgerEngine)) return engine;
    return { ok: true, state: storedLifecycle(engine.store.readKeyed("lifecycle", LIFECYCLE_KEY)) };
  }

  /**
   * One lifecycle transition (admin; the worker checked the token), sealed as a `policy` entry in
   * the same transaction that stores the new state. `initial` is the configuration the tenant runs
   * today (the Learner's), the current one of a first event. Transitions run one at a time.
   */
  async lifecycleTransition(request: LifecycleRequest, initial: PolicyConfig): Promise<LifecycleAnswer> {
    const run = this.lifecycleTurn.then(async (): Promise<LifecycleAnswer> => {
      const engine = this.ready();
      if (!(engine instanceof LedgerEngine)) return engine;
      const nowMs = Date.now();
      const state = storedLifecycle(engine.store.readKeyed("lifecycle", LIFECYCLE_KEY)) ?? initialLifecycleState(initial, nowMs);
      const transition = transitionFor(state, packOf(engine.tenant!.pack), request, nowMs);
      if (!transition.ok) return transition;
      const sealed = await engine.submit({ type: "policy", record: transition.event, lifecycle: JSON.stringify(transition.state), nowMs });
      await this.armAlarm();
      if (!sealed.ok) return sealed;
      return { ok: true, state: transition.state, event: transition.event, seq: sealed.seq, fingerprint: sealed.fingerprint };
    });
    this.lifecycleTurn = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Admin view (the worker checked the admin token): no API key needed. */
  async adminTenant(): Promise<TenantAnswer> {
    const engine = this.ready();
    return engine instanceof LedgerEngine ? { ok: true, tenant: tenantView(engine.tenant!) } : engine;
  }

  /**
   * Spends one token of a write route's bucket, unless the call only replays what storage already
   * holds (a stored Idempotency-Key, webhook-id or release): a replay writes nothing, and retries
   * are what a client sends when it is being limited, so they must not eat its allowance.
   */
  private rate(route: WriteRoute, engine: LedgerEngine, replay: boolean, nowMs: number): RateDecision {
    const perMinute = engine.tenant!.rateLimitPerMinute;
    return replay ? peekTokens(this.buckets[route], perMinute, nowMs) : takeToken(this.buckets[route], perMinute, nowMs);
  }

  /**
   * Seals a decision. `executions` are proxy settlements the worker carried in this call
   * (src/worker/settlement-batch.ts): they join the decision's batch, so a proxied request costs
   * the ledger one commit for its decision and the previous one's settlement, not two. Their
   * answers come back in order, whatever becomes of the decision.
   */
  async decide(secretHashHex: string, input: DecideInput, executions: readonly ExecutionInput[] = []): Promise<DecideAnswer> {
    const engine = this.authorized(secretHashHex);
    if (!(engine instanceof LedgerEngine)) {
      return executions.length === 0
        ? { result: engine, rate: null }
        : { result: engine, rate: null, executions: executions.map(() => engine) };
    }
    const nowMs = Date.now();
    const settling = Promise.all(executions.map((execution) => engine.submit({ type: "execution", ...execution, nowMs })));
    const answer = await this.decideOne(engine, input, nowMs, executions.length > 0);
    return executions.length === 0 ? answer : { ...answer, executions: await settling };
  }

  private async decideOne(engine: LedgerEngine, input: DecideInput, nowMs: number, settling: boolean): Promise<DecideAnswer> {
    const replay = input.idempotencyKey !== null && engine.store.readKeyed("decision_key", input.idempotencyKey) !== null;
    const rate = this.rate("decide", engine, replay, nowMs);
    if (!rate.ok) return { result: rateLimited(rate, "decisions"), rate };
    const result = await engine.submit({ type: "decide", ...input, reservationTtlMs: this.config.reservationTtlMs, nowMs });
    // A decision adds work due no sooner than one checkpoint interval (its reservation expires
    // later still); a settlement, an outcome for the Learner due now.
    await this.coverWorkDueAt(settling ? nowMs : nowMs + this.config.checkpointIntervalMs);
    if (result.ok && result.replayed) {
      const line = engine.store.readEntries(result.seq, 1)[0]?.line;
      if (line !== undefined) return { result, rate, line };
    }
    return { result, rate };
  }

  /**
   * Settles an outcome. A suspended tenant still may: the decision was made and its money spent
   * before the suspension, and refusing its outcome would only leave the reservation to expire.
   */
  async outcome(secretHashHex: string, input: OutcomeInput): Promise<OutcomeAnswer> {
    const engine = this.authorized(secretHashHex);
    if (!(engine instanceof LedgerEngine)) return { result: engine, rate: null };
    const nowMs = Date.now();
    const id = input.headers.id;
    const rate = this.rate("outcome", engine, id !== null && engine.store.readKeyed("webhook", id) !== null, nowMs);
    if (!rate.ok) return { result: rateLimited(rate, "outcomes"), rate };
    const check = verifyWebhook(engine.tenant!.webhookSecret, input.headers, input.body, Math.floor(nowMs / 1000));
    if (!check.ok) return { result: check, rate };
    const requestDigestHex = bytesToHex(sha256(utf8ToBytes(input.body)));
    if ("feedback" in input) {
      const decisionFingerprint = input.decisionFingerprint;
      const result = await engine.submit({
        type: "feedback",
        feedbackId: id!,
        requestDigestHex,
        decisionFingerprint,
        result: input.feedback,
        nowMs,
      });
      await this.coverWorkDueAt(nowMs);
      return { result, rate };
    }
    const result = await engine.submit({
      type: "outcome",
      webhookId: id!,
      requestDigestHex,
      decisionFingerprint: input.decisionFingerprint,
      model: input.model,
      actualCostMicros: input.actualCostMicros,
      record: input.record,
      learnerOutcome: input.learnerOutcome,
      nowMs,
    });
    await this.coverWorkDueAt(nowMs);
    return { result, rate };
  }

  /**
   * Seals the proxy's attempts at decisions and settles their reservations from their usage, one
   * result per input in order. The worker batches the settlements of concurrent requests, and the
   * engine commits them in one transaction.
   */
  async executions(secretHashHex: string, inputs: readonly ExecutionInput[]): Promise<readonly ExecutionAnswer[]> {
    const engine = this.authorized(secretHashHex);
    if (!(engine instanceof LedgerEngine)) return inputs.map(() => engine);
    const nowMs = Date.now();
    const results = await Promise.all(inputs.map((input) => engine.submit({ type: "execution", ...input, nowMs })));
    await this.coverWorkDueAt(nowMs);
    return results;
  }

  /** Quality feedback on a decision the proxy executed (API key; the outcome bucket's rate limit). */
  async feedback(secretHashHex: string, input: FeedbackInput): Promise<FeedbackAnswer> {
    const engine = this.authorized(secretHashHex);
    if (!(engine instanceof LedgerEngine)) return { result: engine, rate: null };
    const nowMs = Date.now();
    const feedbackId = `feedback:${input.decisionFingerprint}`;
    const rate = this.rate("outcome", engine, engine.store.readKeyed("webhook", feedbackId) !== null, nowMs);
    if (!rate.ok) return { result: rateLimited(rate, "outcomes"), rate };
    const result = await engine.submit({ type: "feedback", feedbackId, ...input, nowMs });
    await this.coverWorkDueAt(nowMs);
    return { result, rate };
  }

  /**
   * The tenant's proxy settings: key ciphertexts only the worker's secret opens. By API key, or
   * with null for the admin (the worker checked the admin token and answers only which keys exist).
   */
  async proxySettings(secretHashHex: string | null): Promise<ProxySettingsAnswer> {
    const engine = secretHashHex === null ? this.ready() : this.authorized(secretHashHex);
    if (!(engine instanceof LedgerEngine)) return engine;
    return { ok: true, settings: this.storedProxySettings(engine) };
  }

  /** Admin: sets (or with null removes) one proxy setting; answers the settings after it. */
  async setProxySetting(name: string, value: string | null): Promise<ProxySettingsAnswer> {
    const engine = this.ready();
    if (!(engine instanceof LedgerEngine)) return engine;
    const result = await engine.submit({ type: "proxy_setting", name, value, nowMs: Date.now() });
    if (!result.ok) return result;
    return { ok: true, settings: this.storedProxySettings(engine) };
  }

  private storedProxySettings(engine: LedgerEngine): ProxySettings {
    const cipherTexts: Record<string, string> = {};
    for (const provider of packOf(engine.tenant!.pack).providers) {
      const cipherText = engine.store.readKeyed("proxy", `provider_key:${provider}`);
      if (cipherText !== null && cipherText !== "") cipherTexts[provider] = cipherText;
    }
    const regime = engine.store.readKeyed("proxy", "default_regime");
    return { defaultRegime: regime === null || regime === "" ? null : regime, cipherTexts };
  }

  async budget(secretHashHex: string | null): Promise<BudgetAnswer> {
    const engine = secretHashHex === null ? this.ready() : this.authorized(secretHashHex);
    return engine instanceof LedgerEngine ? { ok: true, budget: engine.budget(), entries: engine.head.size } : engine;
  }

  /** Sealed decisions per regime from the UTC day `sinceDay` on (every day when null). */
  async decisionTally(secretHashHex: string, sinceDay: number | null): Promise<TallyAnswer> {
    const engine = this.authorized(secretHashHex);
    return engine instanceof LedgerEngine ? { ok: true, rows: engine.store.readDecisionTally(sinceDay) } : engine;
  }

  /** Hourly usage buckets of the hours from `sinceHour` on: a bounded read, never a log scan. */
  async usage(secretHashHex: string, sinceHour: number): Promise<UsageAnswer> {
    const engine = this.authorized(secretHashHex);
    if (!(engine instanceof LedgerEngine)) return engine;
    return { ok: true, rows: engine.store.readUsage(sinceHour), nowHour: hourOf(Date.now()) };
  }

  async chainPage(secretHashHex: string, fromSeq: number, limit: number): Promise<ChainPageAnswer> {
    const engine = this.authorized(secretHashHex);
    if (!(engine instanceof LedgerEngine)) return engine;
    const size = engine.head.size;
    const count = Math.max(0, Math.min(limit, CHAIN_PAGE_MAX, size - fromSeq));
    const lines = count === 0 ? [] : engine.store.readEntries(fromSeq, count).map((row) => row.line);
    const next = fromSeq + lines.length;
    return { ok: true, lines, nextSeq: next < size ? next : null, size };
  }

  async proof(secretHashHex: string, seq: number): Promise<ProofAnswer> {
    const engine = this.authorized(secretHashHex);
    if (!(engine instanceof LedgerEngine)) return engine;
    return proveEntry(engine.store, { size: engine.head.size, frontier: engine.frontier }, seq);
  }

  async latestCheckpoint(secretHashHex: string): Promise<CheckpointAnswer> {
    const engine = this.authorized(secretHashHex);
    if (!(engine instanceof LedgerEngine)) return engine;
    const checkpoint = engine.store.readLatestCheckpoint();
    if (checkpoint === null) return { ok: false, code: "checkpoint_not_found", detail: "no checkpoint has been signed yet" };
    return { ok: true, note: checkpoint.note, treeSize: checkpoint.treeSize };
  }

  async topUp(topUpId: string, amountMicros: number): Promise<TopUpResult> {
    const engine = this.ready();
    if (!(engine instanceof LedgerEngine)) return engine;
    const result = await engine.submit({ type: "top_up", topUpId, amountMicros, nowMs: Date.now() });
    await this.armAlarm();
    return result;
  }

  async updateTenant(op: UpdateTenantCommand["op"], changes: UpdateTenantCommand["changes"]): Promise<UpdateTenantResult> {
    const engine = this.ready();
    if (!(engine instanceof LedgerEngine)) return engine;
    const result = await engine.submit({ type: "update_tenant", op, changes, nowMs: Date.now() });
    await this.armAlarm();
    return result;
  }

  /**
   * Seals one policy lifecycle event (src/learning/lifecycle's PolicyEventRecord) as a `policy`
   * entry. Admin only (the worker checked the admin token); a suspended tenant is not refused
   * (src/ledger/execute-policy.ts says why). The ledger does not read the event.
   */
  async policyEvent(record: EntryRecord): Promise<PolicyEventAnswer> {
    const engine = this.ready();
    if (!(engine instanceof LedgerEngine)) return engine;
    const result = await engine.submit({ type: "policy", record, nowMs: Date.now() });
    await this.armAlarm();
    return result;
  }

  async release(secretHashHex: string, reservationId: string): Promise<ReleaseAnswer> {
    const engine = this.authorized(secretHashHex);
    if (!(engine instanceof LedgerEngine)) return { result: engine, rate: null };
    const nowMs = Date.now();
    const rate = this.rate("release", engine, engine.store.readReservation(reservationId)?.status === "released", nowMs);
    if (!rate.ok) return { result: rateLimited(rate, "releases"), rate };
    const result = await engine.submit({ type: "release", reservationId, nowMs });
    await this.armAlarm();
    return { result, rate };
  }

  /**
   * The engine's group-commit counters since the object started (commands / batches = commands per
   * storage transaction), for benchmarks and diagnostics. Static, so that it is no RPC method: a
   * bench build's subclass (bench/worker/) or a test inside the object reads it. Counts only.
   */
  static batchStats(ledger: TenantLedger): BatchStats {
    const engine = ledger.engine;
    return engine === null ? { batches: 0, commands: 0 } : { batches: engine.stats.batches, commands: engine.stats.commands };
  }

  override async alarm(): Promise<void> {
    this.alarmAtMs = null;
    const engine = this.ready();
    if (!(engine instanceof LedgerEngine)) return;
    await runAlarm(engine, this.env, this.config, Date.now());
    await this.armAlarm();
  }

  /**
   * Arms the alarm for work a write added, due no sooner than `dueAtMs`, unless an alarm already
   * set by then covers it: the alarm recomputes all its work when it runs, and the storage reads of
   * armAlarm() cost a call as much as its own write.
   */
  private async coverWorkDueAt(dueAtMs: number): Promise<void> {
    if (this.alarmAtMs === null || this.alarmAtMs > dueAtMs) await this.armAlarm();
  }

  /**
   * Keeps one alarm at the earliest time any alarm step has work. Best effort: when storage cannot
   * be read the answer already says so, and the next successful write arms the alarm again.
   */
  private async armAlarm(): Promise<void> {
    if (this.engine === null) return;
    let at: number | null;
    try {
      at = nextAlarmAt(this.engine, this.config, Date.now());
    } catch (error) {
      console.error(JSON.stringify({ ledger: "alarm_not_armed", error: String(error) }));
      return;
    }
    if (at === null || (this.alarmAtMs !== null && this.alarmAtMs <= at)) return;
    this.alarmAtMs = at;
    await this.ctx.storage.setAlarm(at);
  }
}

function rateLimited(rate: RateDecision, what: string): RateLimited {
  return { ok: false, code: "rate_limited", detail: `at most ${rate.limit} ${what} per minute` };
}

function unauthorized(): Unauthorized {
  return { ok: false, code: "unauthorized", detail: "missing or invalid API key" };
}
