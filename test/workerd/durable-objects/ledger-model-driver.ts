// Drives a real TenantLedger Durable Object over RPC and the reference model of
// test/shared/ledger-model.ts with the same random operations, and compares every answer, the
// budget and the chain after each one. Each run gets a fresh object. Used by the default and the
// slow workerd model tests; the operations mirror test/node/ledger/ledger-model-driver.ts.
//
// Expiry: reservations live RESERVATION_TTL_MS (10 minutes) and workerd's clock cannot be moved,
// so one operation reaches into the object (runInDurableObject) and submits the engine's expire
// command at the object's own Date.now() + TTL + 1, as an expiry alarm firing 10 minutes late
// would. Everything else goes through the public RPC surface and the real alarm.
//
// Checkpoints: only the object's alarm appends them, and it fires on its own too (at once after
// an outcome, whose outbox row is due now). It signs over new entries at most once per
// CHECKPOINT_INTERVAL_MS. So the driver checks every checkpoint entry it finds against the model
// at that entry's own time, and after each alarm it ran checks that a checkpoint that was due was
// signed.

import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import type { TenantLedger } from "../../../src/durable-objects/tenant-ledger.ts";
import type { DecideInput } from "../../../src/durable-objects/ledger-rpc.ts";
import { openCheckpoint } from "../../../src/ledger/checkpoint.ts";
import type { EntryRecord } from "../../../src/ledger/entry.ts";
import { LedgerModel } from "../../shared/ledger-model.ts";
import {
  API_KEY_HASH_HEX,
  CHECKPOINT_INTERVAL_MS,
  checkpointOrigin,
  chainLines,
  freshName,
  internals,
  ledgerStub,
  outcomeSpecBody,
  postOutcome,
  RESERVATION_TTL_MS,
  synthetic,
  tenantInput,
  verifyLines,
  type LedgerStub,
  type OutcomeSpec,
  type SqlRow,
  withEngine,
  WRONG_KEY_HASH_HEX,
  devVerifier,
} from "./ledger-do-fixtures.ts";
import { ChainMirror } from "./ledger-chain-mirror.ts";
import { runArbitrary, type Op, type RpcOp, type TargetKind } from "./ledger-model-ops.ts";
import { bump, check, checkSafeNumbers, emptyStats, show, sortKeys, traceValue, type DriverStats } from "./ledger-model-stats.ts";

const UNKNOWN_FINGERPRINT = "ee".repeat(32);

/** An outcome as sent, with the seq its fingerprint named, so that it can be sent again. */
interface SentOutcome {
  readonly spec: OutcomeSpec;
  readonly seq: number | null;
  readonly recordValid: boolean;
}

/** The name of the option at a rank, as decide inputs give it and outcomes name it. */
const optionName = (rank: number): string => `model-${rank}`;

/** One RPC operation resolved against the current state: the call, and the model's twin of it. */
interface Step {
  readonly label: string;
  readonly type: "create" | "top_up" | "decide" | "outcome" | "release" | "status" | "policy";
  readonly call: () => Promise<unknown>;
  /** Runs after the answer and the new entries are in; returns what the model expects. */
  readonly model: (answer: Record<string, unknown>) => unknown;
}

/** One run: a fresh object and a fresh model, driven in lockstep. */
export class ModelRun {
  private readonly tenantId: string;
  private readonly stub: LedgerStub;
  private readonly model = new LedgerModel();
  private readonly stats: DriverStats;
  /** The chain as read so far, verified entry by entry. */
  private readonly chain: ChainMirror;
  private readonly issuedDecisionIds: string[] = [];
  private counter = 0;
  /** The last outcome sent and the seq its fingerprint named, for a retry of it. */
  private lastOutcome: SentOutcome | null = null;
  private readonly trace: string[] = [];
  /** Time of the last checkpoint entry, and how many the run has seen. */
  private lastCheckpointTs: number | null = null;
  private checkpointsSigned = 0;

  constructor(stats: DriverStats) {
    this.stats = stats;
    this.tenantId = freshName("model");
    this.stub = ledgerStub(this.tenantId);
    this.chain = new ChainMirror(this.stub, this.tenantId);
  }

  async run(ops: readonly Op[]): Promise<void> {
    try {
      for (const op of ops) await this.apply(op);
      const startMs = Date.now();
      await this.finish();
      this.stats.timeMs.set("finish", (this.stats.timeMs.get("finish") ?? 0) + Date.now() - startMs);
    } catch (error) {
      if (error instanceof Error) error.message += `\nobject ${this.tenantId}; last steps:\n${this.trace.slice(-16).join("\n")}`;
      throw error;
    } finally {
      // Objects outlive their run; without this their checkpoint alarms would fire during later runs.
      await runInDurableObject(this.stub, (_instance: TenantLedger, state) => state.storage.deleteAlarm()).catch(() => undefined);
    }
    this.stats.runs++;
  }

  private async apply(op: Op): Promise<void> {
    this.stats.operations++;
    bump(this.stats.kinds, op.kind);
    const startMs = Date.now();
    await this.applyOp(op);
    const midMs = Date.now();
    await this.compareState();
    const endMs = Date.now();
    this.stats.timeMs.set(op.kind, (this.stats.timeMs.get(op.kind) ?? 0) + midMs - startMs);
    this.stats.timeMs.set("compare_state", (this.stats.timeMs.get("compare_state") ?? 0) + endMs - midMs);
  }

  private async applyOp(op: Op): Promise<void> {
    switch (op.kind) {
      case "expire":
        await this.expire(op.lagMs, op.limit);
        break;
      case "alarm":
        for (let i = 0; i < op.times; i++) await this.scheduledAlarm();
        break;
      case "spurious_alarm":
        await this.spuriousAlarm();
        break;
      case "evict":
        this.stats.evictions++;
        this.trace.push("evict");
        await evictDurableObject(this.stub);
        break;
      case "burst":
        this.stats.bursts++;
        await this.rpcSteps(op.ops.map((sub) => this.step(sub)));
        break;
      default:
        await this.rpcSteps([this.step(op)]);
    }
  }

  /** Sends every call at once (they arrive in order: one client's calls to one object keep E-order). */
  private async rpcSteps(steps: readonly Step[]): Promise<void> {
    this.stats.rpcCalls += steps.length;
    const answers = (await Promise.all(steps.map((step) => step.call()))) as Record<string, unknown>[];
    await this.chain.readNew();
    steps.forEach((step, i) => {
      const answer = answers[i]!;
      this.trace.push(`${step.label} -> ${JSON.stringify(answer, traceValue).slice(0, 400)}`);
      this.absorbCheckpoints();
      this.compare(step.type, answer, step.model(answer));
    });
    this.absorbCheckpoints();
  }

  /**
   * Takes into the model every checkpoint entry found where its next entry is due. No operation
   * of this driver appends one, only the alarm (ours or its own), so each must be one the model
   * allows at the entry's own time: new entries since the last note, and a full interval since it.
   */
  private absorbCheckpoints(): void {
    for (let entry = this.chain.entries[this.model.size]; entry?.kind === "checkpoint"; entry = this.chain.entries[this.model.size]) {
      const found = entry;
      check(
        this.checkpointDueAt(found.ts),
        () =>
          `checkpoint at seq ${found.seq} (ts ${found.ts}) with nothing new to sign or within ` +
          `${CHECKPOINT_INTERVAL_MS} ms of the last one (ts ${this.lastCheckpointTs}); model size ${this.model.size}, last tree ${this.model.lastCheckpointSize}`,
      );
      const result = this.model.checkpoint();
      check(result.signed && result.treeSize === found.seq, () => `the model's checkpoint ${JSON.stringify(result)} vs entry ${found.seq}`);
      const opened = openCheckpoint(found.record.note as string, devVerifier, checkpointOrigin(this.tenantId));
      check(
        opened.ok && opened.checkpoint.treeSize === found.seq,
        () => `checkpoint note at seq ${found.seq} does not open: ${JSON.stringify(opened)}`,
      );
      this.lastCheckpointTs = found.ts;
      this.checkpointsSigned++;
      bump(this.stats.events, "checkpoint_signed");
      this.trace.push(`checkpoint signed over ${found.seq} entries`);
    }
  }

  /** Whether an alarm running at `nowMs` must sign (ledger-alarm.ts mayCheckpoint, restated). */
  private checkpointDueAt(nowMs: number): boolean {
    return (
      this.model.tenantStatus !== null &&
      this.modelWantsCheckpoint() &&
      (this.lastCheckpointTs === null || nowMs - this.lastCheckpointTs >= CHECKPOINT_INTERVAL_MS)
    );
  }

  /**
   * After an alarm that ran at some time at or after `startedAtMs`: a checkpoint that was due
   * then (a second of slack for the two clocks) must have been signed by it. Its expiry step finds
   * nothing on the real clock (reservations live 10 minutes), so it appends nothing else.
   */
  private afterAlarm(startedAtMs: number, signedBefore: number): void {
    this.absorbCheckpoints();
    if (this.checkpointsSigned > signedBefore) return;
    bump(this.stats.events, "alarm_signed_nothing");
    check(
      !this.checkpointDueAt(startedAtMs - 1_000),
      () =>
        `the alarm signed nothing although a checkpoint was due: ` +
        `size ${this.model.size}, last tree ${this.model.lastCheckpointSize} at ts ${this.lastCheckpointTs}, alarm at or after ${startedAtMs}`,
    );
  }

  /** Resolves an abstract operation against the current state into an RPC call and its model twin. */
  private step(op: RpcOp): Step {
    const unauthorized = { ok: false, code: "unauthorized" };
    switch (op.kind) {
      case "create":
        return {
          label: `createTenant(${show(op.amount)})`,
          type: "create",
          call: () => this.stub.createTenant(tenantInput(this.tenantId, op.amount as number)),
          model: () => this.model.createTenant(op.amount),
        };
      case "top_up":
        return {
          label: `topUp(top-${op.id}, ${show(op.amount)})`,
          type: "top_up",
          call: () => this.stub.topUp(`top-${op.id}`, op.amount as number),
          model: () => this.model.topUp(`top-${op.id}`, op.amount),
        };
      case "decide":
        return this.decideStep(op);
      case "outcome":
        return this.outcomeStep(op);
      case "release": {
        const reservationId = this.releaseTarget(op.target, op.targetKind);
        return {
          label: `release(${reservationId})`,
          type: "release",
          call: async () => (await this.stub.release(API_KEY_HASH_HEX, reservationId)).result,
          model: () => (this.model.tenantStatus === null ? unauthorized : this.model.release(reservationId)),
        };
      }
      case "status": {
        const status = op.suspend ? "suspended" : "active";
        return {
          label: `updateTenant(${op.suspend ? "suspend" : "resume"})`,
          type: "status",
          call: () => this.stub.updateTenant(op.suspend ? "suspend" : "resume", { status }),
          model: () => this.model.setStatus(status),
        };
      }
      case "policy": {
        const n = this.counter++;
        // The event is opaque to the ledger; the hostile records cross the RPC type on purpose.
        const record = { object: { op: "stage", n }, float: { op: "stage", score: 1.5 }, array: [n] }[op.record] as EntryRecord;
        return {
          label: `policyEvent(${op.record})`,
          type: "policy",
          call: () => this.stub.policyEvent(record),
          model: () => this.model.policy(op.record === "object"),
        };
      }
    }
  }

  private decideStep(op: Extract<RpcOp, { kind: "decide" }>): Step {
    const reused = op.reuseId !== null && this.issuedDecisionIds.length > 0;
    const decisionId = reused ? this.issuedDecisionIds[op.reuseId! % this.issuedDecisionIds.length]! : `dec-${this.counter++}`;
    if (!reused) this.issuedDecisionIds.push(decisionId);
    const idempotencyKey = op.key === null ? null : `key-${op.key}`;
    const requestDigestHex = `d${op.digest}`;
    const input = synthetic<DecideInput>({
      decisionId,
      idempotencyKey,
      requestDigestHex,
      candidates: op.costs.map((cost, i) => ({ option: optionName(i), costMicros: cost as number })),
      // 1.5 has no canonical form: the whole record is refused as record_invalid.
      record: op.recordValid ? { request: decisionId } : { request: decisionId, score: 1.5 },
      learnerContext: { regime: "coding" },
      tally: { regime: 0, propensity: null, shadow: null },
    });
    return {
      label: `decide(${decisionId}, key ${idempotencyKey}, ${requestDigestHex}, [${op.costs.map(show).join(", ")}]${op.recordValid ? "" : ", bad record"}${op.wrongKey ? ", wrong key" : ""})`,
      type: "decide",
      call: async () => {
        const answer = await this.stub.decide(op.wrongKey ? WRONG_KEY_HASH_HEX : API_KEY_HASH_HEX, input);
        const result = answer.result as Record<string, unknown>;
        // A replayed decision carries its sealed entry so that the worker can answer it again.
        if (result.ok === true && result.replayed === true) {
          const line = (answer as { line?: string }).line;
          check(
            line !== undefined && JSON.parse(line).seq === result.seq && JSON.parse(line).fp === result.fingerprint,
            () => `replayed decide without its own line: ${JSON.stringify(answer)}`,
          );
        }
        return result;
      },
      model: (answer) => {
        if (op.wrongKey || this.model.tenantStatus === null) return { ok: false, code: "unauthorized" };
        // The object takes its own clock: the model takes the time the sealed entry carries.
        const sealed = answer.ok === true && answer.replayed === false ? this.chain.entries[answer.seq as number] : undefined;
        return this.model.decide({
          decisionId,
          idempotencyKey,
          requestDigestHex,
          costsMicros: op.costs,
          options: op.costs.map((_, i) => optionName(i)),
          reservationTtlMs: RESERVATION_TTL_MS,
          nowMs: sealed?.ts ?? Date.now(),
          recordValid: op.recordValid,
        });
      },
    };
  }

  private outcomeStep(op: Extract<RpcOp, { kind: "outcome" }>): Step {
    const sent = op.repeat && this.lastOutcome !== null ? this.lastOutcome : this.newOutcome(op);
    this.lastOutcome = sent;
    const { spec, seq, recordValid } = sent;
    return {
      label: `outcome(${spec.webhookId}, seq ${seq}, ${spec.model}, ${show(spec.actualCostMicros)}${recordValid ? "" : ", bad record"}, ${op.auth}${op.repeat ? ", repeat" : ""})`,
      type: "outcome",
      call: () => postOutcome(this.stub, { ...spec, auth: op.auth }),
      model: () => {
        if (this.model.tenantStatus === null) return { ok: false, code: "unauthorized" };
        if (op.auth === "bad_signature") return { ok: false, code: "webhook_signature_invalid" };
        if (op.auth === "stale") return { ok: false, code: "webhook_timestamp_stale" };
        // The body stands for the digest: the ledger hashes exactly these bytes.
        return this.model.outcome({
          webhookId: spec.webhookId,
          digest: outcomeSpecBody(spec),
          decisionSeq: seq,
          model: spec.model!,
          actualCostMicros: spec.actualCostMicros,
          recordValid,
        });
      },
    };
  }

  private newOutcome(op: Extract<RpcOp, { kind: "outcome" }>): SentOutcome {
    const decisionSeqs = [...this.model.decisions.keys()];
    let seq: number | null = null;
    if (op.targetKind === "known" && decisionSeqs.length > 0) seq = decisionSeqs[op.target % decisionSeqs.length]!;
    if (op.targetKind === "any_entry" && this.chain.entries.length > 0) seq = op.target % this.chain.entries.length;
    const decisionFingerprint = seq === null ? UNKNOWN_FINGERPRINT : this.chain.entries[seq]!.fp;
    const spec: OutcomeSpec = {
      webhookId: `wh-${op.webhook}`,
      decisionFingerprint,
      model: optionName(op.modelPick),
      actualCostMicros: op.actual as number,
      record: op.recordValid ? { quality_bps: 9_000 } : { quality: 0.9 },
    };
    return { spec, seq, recordValid: op.recordValid };
  }

  private releaseTarget(target: number, kind: TargetKind): string {
    const reservationIds = [...this.model.reservations.keys()];
    if (kind === "known" && reservationIds.length > 0) return reservationIds[target % reservationIds.length]!;
    // A decision id, which names a reservation only when that decision reserved something.
    if (kind === "any_entry" && this.issuedDecisionIds.length > 0) return this.issuedDecisionIds[target % this.issuedDecisionIds.length]!;
    return `no-such-reservation-${target}`;
  }

  /** The expire command as an alarm 10 minutes late would submit it, at the object's own clock. */
  private async expire(lagMs: number, limit: number): Promise<void> {
    const { nowMs, result } = await withEngine(this.stub, async (engine) => {
      const at = Date.now() + RESERVATION_TTL_MS + 1 - lagMs;
      return { nowMs: at, result: await engine.submit({ type: "expire", nowMs: at, limit }) };
    });
    await this.chain.readNew();
    this.trace.push(`expire(now + TTL + 1 - ${lagMs}, limit ${limit}) -> ${JSON.stringify(result)}`);
    this.absorbCheckpoints();
    this.compare("expire", result as unknown as Record<string, unknown>, this.model.expire(nowMs, limit));
  }

  private async scheduledAlarm(): Promise<void> {
    const startedAtMs = Date.now();
    const signedBefore = this.checkpointsSigned;
    const ran = await runDurableObjectAlarm(this.stub);
    bump(this.stats.events, ran ? "alarm_ran" : "alarm_none_scheduled");
    await this.chain.readNew();
    this.trace.push(`runDurableObjectAlarm -> ${ran}`);
    if (ran) {
      this.afterAlarm(startedAtMs, signedBefore);
      return;
    }
    this.absorbCheckpoints();
    await this.expectAlarmWhileWorkRemains();
  }

  /**
   * Budget never leaks and checkpoints keep coming: while there is alarm work, an alarm is set or
   * running. A running alarm is not scheduled (runDurableObjectAlarm finds none), so wait for it to
   * finish: then it has either re-armed or done the work. Bounded: 40 looks, 25 ms apart.
   */
  private async expectAlarmWhileWorkRemains(): Promise<void> {
    const openReservations = (): number => [...this.model.reservations.values()].filter((r) => r.status === "open").length;
    for (let look = 0; look < 40; look++) {
      if (openReservations() === 0 && !this.modelWantsCheckpoint()) return;
      const scheduledAt = await runInDurableObject(this.stub, (_instance: TenantLedger, state) => state.storage.getAlarm());
      if (scheduledAt !== null) {
        bump(this.stats.events, look === 0 ? "alarm_pending" : "alarm_was_running");
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
      await this.chain.readNew();
      this.absorbCheckpoints();
    }
    check(
      false,
      () =>
        `no alarm is set or running, but ${openReservations()} reservations are open and checkpoint due: ${this.modelWantsCheckpoint()}`,
    );
  }

  private async spuriousAlarm(): Promise<void> {
    const startedAtMs = Date.now();
    const signedBefore = this.checkpointsSigned;
    await runInDurableObject(this.stub, (instance: TenantLedger) => internals(instance).alarm());
    await this.chain.readNew();
    this.trace.push("alarm() delivered with none scheduled");
    this.afterAlarm(startedAtMs, signedBefore);
  }

  private modelWantsCheckpoint(): boolean {
    const last = this.model.lastCheckpointSize;
    return this.model.size > 0 && (last === null || this.model.size > last + 1);
  }

  /** Compares one answer field by field, after mapping fingerprints to seqs. */
  private compare(type: string, answer: Record<string, unknown>, expected: unknown): void {
    const got = { ...answer };
    const where = (): string => `${type}: object ${JSON.stringify(answer, traceValue)} vs model ${JSON.stringify(expected)}`;
    if (got.ok === false) {
      bump(this.stats.failures, String(got.code));
      check(typeof got.detail === "string", where);
      delete got.detail;
    } else {
      this.stats.okResults++;
      this.countEvents(type, got);
    }
    if (typeof got.fingerprint === "string") {
      check(
        got.fingerprint === this.chain.entries[got.seq as number]?.fp,
        () => `fingerprint is not the entry's at seq ${String(got.seq)}; ${where()}`,
      );
      delete got.fingerprint;
    }
    if (typeof got.decisionFingerprint === "string") {
      got.decisionSeq = this.chain.seqOf(got.decisionFingerprint);
      delete got.decisionFingerprint;
    }
    checkSafeNumbers(got, where);
    check(JSON.stringify(sortKeys(got)) === JSON.stringify(sortKeys(expected)), where);
  }

  private countEvents(type: string, got: Record<string, unknown>): void {
    if (got.replayed === true) bump(this.stats.events, `${type}_replayed`);
    if (type === "decide") bump(this.stats.events, `decide_${String(got.budgetVerdict)}`);
    if (type === "outcome" && got.replayed === false) {
      bump(
        this.stats.events,
        this.chain.entries[got.seq as number]?.record.ledger !== undefined &&
          (this.chain.entries[got.seq as number]!.record.ledger as Record<string, unknown>).late === true
          ? "outcome_late"
          : "outcome_settled",
      );
      if ((got.uncollectedMicros as number) > 0) bump(this.stats.events, "outcome_uncollected");
    }
    if (type === "expire") bump(this.stats.events, (got.expired as number) > 0 ? "expire_some" : "expire_none");
    if (type === "policy") bump(this.stats.events, "policy_sealed");
  }

  /** After each operation: budget and size as the model has them, and the invariants. */
  private async compareState(): Promise<void> {
    let answer = await this.stub.budget(API_KEY_HASH_HEX);
    // The object's own alarm may sign between two reads: catch up until budget and chain agree.
    for (let attempt = 0; attempt < 3 && answer.ok && answer.entries !== this.model.size; attempt++) {
      await this.chain.readNew();
      this.absorbCheckpoints();
      if (answer.entries !== this.model.size) answer = await this.stub.budget(API_KEY_HASH_HEX);
    }
    if (this.model.tenantStatus === null) {
      check(!answer.ok && answer.code === "unauthorized", () => `budget without a tenant: ${JSON.stringify(answer)}`);
      check(this.chain.entries.length === 0 && this.model.size === 0, () => "entries without a tenant");
      return;
    }
    check(answer.ok, () => `budget refused: ${JSON.stringify(answer)}`);
    if (!answer.ok) return;
    const { budget, entries } = answer;
    const expected = this.model.budget();
    check(
      JSON.stringify(budget) === JSON.stringify(expected),
      () => `budget ${JSON.stringify(budget)} vs model ${JSON.stringify(expected)}`,
    );
    const { creditedMicros, committedMicros, reservedMicros, availableMicros } = budget;
    check(
      [creditedMicros, committedMicros, reservedMicros, availableMicros, entries].every((x) => Number.isSafeInteger(x) && x >= 0),
      () => `budget not safe: ${JSON.stringify(answer)}`,
    );
    check(
      creditedMicros === availableMicros + reservedMicros + committedMicros,
      () => `credited != available + reserved + committed: ${JSON.stringify(budget)}`,
    );
    check(
      entries === this.model.size && entries === this.chain.entries.length,
      () => `entries ${entries} vs model ${this.model.size}, seen ${this.chain.entries.length}`,
    );
    const problems = this.model.problems();
    check(problems.length === 0, () => `model invariants: ${problems.join("; ")}`);
  }

  /** At the end of a run: the paged export verifies, and rows, checkpoint and proofs agree with the model. */
  private async finish(): Promise<void> {
    if (this.model.tenantStatus === null) return;
    // Small pages, so that paging is exercised too.
    const lines = await chainLines(this.stub, 7);
    const report = verifyLines(lines, this.tenantId);
    check(
      report.ok && report.tornTail === null && report.entries === this.model.size && report.checkpointsVerified === report.checkpoints,
      () => `export: ${JSON.stringify(report)}`,
    );
    check(report.headHex === this.chain.entries.at(-1)?.fp, () => "export head differs from the last entry seen");
    const budget = await this.stub.budget(API_KEY_HASH_HEX);
    check(budget.ok && budget.entries === report.entries, () => `budget().entries ${JSON.stringify(budget)} vs export ${report.entries}`);
    await this.compareReservations();
    await this.compareCheckpoint();
    for (const seq of new Set([0, this.model.size - 1, Math.floor(this.model.size / 2)])) {
      const proof = await this.stub.proof(API_KEY_HASH_HEX, seq);
      check(proof.ok && proof.line === lines[seq], () => `proof(${seq}): ${JSON.stringify(proof)}`);
    }
  }

  private async compareReservations(): Promise<void> {
    const rows = await runInDurableObject(this.stub, (_instance: TenantLedger, state) =>
      state.storage.sql
        .exec<SqlRow>("SELECT id, amount_micros, expires_at_ms, status, resolved_seq FROM reservations ORDER BY id")
        .toArray(),
    );
    const stored = rows.map((r) => JSON.stringify([r.id, r.amount_micros, r.expires_at_ms, r.status, r.resolved_seq]));
    const expected = [...this.model.reservations.values()]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((r) => JSON.stringify([r.id, r.amountMicros, r.expiresAtMs, r.status, r.resolvedSeq]));
    check(
      JSON.stringify(stored) === JSON.stringify(expected),
      () => `reservations ${JSON.stringify(stored)} vs model ${JSON.stringify(expected)}`,
    );
  }

  private async compareCheckpoint(): Promise<void> {
    const latest = await this.stub.latestCheckpoint(API_KEY_HASH_HEX);
    const treeSize = this.model.lastCheckpointSize;
    if (treeSize === null) {
      check(!latest.ok && latest.code === "checkpoint_not_found", () => `latestCheckpoint without one: ${JSON.stringify(latest)}`);
      return;
    }
    check(latest.ok && latest.treeSize === treeSize, () => `latestCheckpoint ${JSON.stringify(latest)} vs model ${treeSize}`);
    if (!latest.ok) return;
    const opened = openCheckpoint(latest.note, devVerifier, checkpointOrigin(this.tenantId));
    check(opened.ok && opened.checkpoint.treeSize === treeSize, () => `latest checkpoint note does not open: ${JSON.stringify(opened)}`);
  }
}

export interface CheckOptions {
  readonly numRuns: number;
  readonly opsMax: number;
  readonly seed: number;
  /** Stops generating and shrinking after this long; runs cut short show in `stats.runs`. */
  readonly timeLimitMs: number;
}

/** Runs `numRuns` random runs of up to `opsMax` operations, each on a fresh object; returns what was exercised. */
export async function checkObjectAgainstModel(options: CheckOptions): Promise<DriverStats> {
  const stats = emptyStats();
  await fc.assert(
    fc.asyncProperty(runArbitrary(options.opsMax), async (ops) => {
      await new ModelRun(stats).run(ops);
    }),
    { numRuns: options.numRuns, seed: options.seed, plugins: [fc.interruptAfterTimeLimit(options.timeLimitMs)] },
  );
  return stats;
}
