// Drives the pure ledger (LedgerEngine over a MemoryStore) and the reference model of
// test/shared/ledger-model.ts with the same random operations, and compares every answer, the
// budget, the tenant and the chain after each one. Used by the default and the slow model tests.

import fc from "fast-check";
import { verifyExportBytes } from "../../../src/ledger/chain-verifier.ts";
import type { LedgerCommand } from "../../../src/ledger/commands.ts";
import type { EntryRecord } from "../../../src/ledger/entry.ts";
import { LedgerEngine, loadState } from "../../../src/ledger/engine.ts";
import { openCheckpoint } from "../../../src/ledger/checkpoint.ts";
import { MemoryStore } from "../../../src/ledger/memory-store.ts";
import { rootFromFrontier } from "../../../src/ledger/merkle.ts";
import { bytesToHex } from "@noble/hashes/utils.js";
import { LedgerModel } from "../../shared/ledger-model.ts";
import { allEntries, devSigner, devVerifier, exportBytes, nobleSha256, ORIGIN, tenantRow } from "./ledger-fixtures.ts";

// ---- Operations: abstract, so fast-check can shrink them; ids are resolved when they run. ----

type TargetKind = "known" | "any_entry" | "unknown";
/** Operations that may run inside a burst (one batch): everything but restarts, ticks and bursts. */
export type BatchedOp =
  | { readonly kind: "create"; readonly amount: unknown }
  | { readonly kind: "top_up"; readonly id: number; readonly amount: unknown }
  | {
      readonly kind: "decide";
      readonly reuseId: number | null;
      readonly key: number | null;
      readonly digest: number;
      readonly costs: readonly unknown[];
      readonly ttlMs: number;
      readonly recordValid: boolean;
    }
  | {
      readonly kind: "outcome";
      readonly webhook: number;
      readonly digest: number;
      readonly target: number;
      readonly targetKind: TargetKind;
      /** Names model-<pick>; decisions rank model-0 to model-3, so 4 is never offered. */
      readonly modelPick: number;
      readonly actual: unknown;
      readonly recordValid: boolean;
    }
  | { readonly kind: "release"; readonly target: number; readonly targetKind: TargetKind }
  | { readonly kind: "expire"; readonly lagMs: number; readonly limit: number }
  | { readonly kind: "checkpoint" }
  | { readonly kind: "status"; readonly suspend: boolean }
  | { readonly kind: "policy"; readonly record: PolicyRecordKind };

export type Op =
  | BatchedOp
  | { readonly kind: "tick"; readonly ms: number }
  | { readonly kind: "restart" }
  | { readonly kind: "burst"; readonly ops: readonly BatchedOp[] };

/** A policy event's record: an object (sealed), or one the ledger must refuse as record_invalid. */
type PolicyRecordKind = "object" | "float" | "array" | "null";

/** The record a policy command carries; the ledger treats the event as opaque, so any object will do. */
function policyRecord(kind: PolicyRecordKind, n: number): EntryRecord {
  if (kind === "object") return { op: "stage", n };
  // No canonical form (1.5), or no object at all: crossing the type here is the point.
  const hostile: Record<Exclude<PolicyRecordKind, "object">, unknown> = { float: { op: "stage", score: 1.5 }, array: [n], null: null };
  return hostile[kind] as EntryRecord;
}

export const POISON_AMOUNTS: readonly unknown[] = [Number.NaN, Infinity, -Infinity, -0, 1e300, 2 ** 53, -1, 1.5, "5", null];

const poison = fc.constantFrom(...POISON_AMOUNTS);
const amount = (maxMicros: number): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 14, arbitrary: fc.integer({ min: 0, max: maxMicros }) },
    { weight: 1, arbitrary: fc.constantFrom(0, 1, 2 ** 31 - 1, 2 ** 53 - 2, 2 ** 53 - 1) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }) },
    { weight: 2, arbitrary: poison },
  );
const targetKind = fc.constantFrom<TargetKind>("known", "known", "known", "known", "any_entry", "unknown");

const batchedOp: fc.Arbitrary<BatchedOp> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("create" as const), amount: amount(20_000) }) },
  {
    weight: 10,
    // A few fixed amounts, so that a reused top-up id often comes with its first amount (a replay).
    arbitrary: fc.record({
      kind: fc.constant("top_up" as const),
      id: fc.nat(7),
      amount: fc.oneof(amount(5_000), fc.constantFrom(100, 2_500)),
    }),
  },
  {
    weight: 28,
    arbitrary: fc.record({
      kind: fc.constant("decide" as const),
      reuseId: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat(50) }),
      key: fc.option(fc.nat(5), { freq: 2 }),
      digest: fc.nat(1),
      costs: fc.array(amount(5_000), { maxLength: 4 }),
      ttlMs: fc.constantFrom(0, 200, 1_000, 5_000),
      recordValid: fc.oneof({ weight: 19, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    }),
  },
  {
    weight: 20,
    arbitrary: fc.record({
      kind: fc.constant("outcome" as const),
      webhook: fc.nat(11),
      digest: fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }),
      target: fc.nat(60),
      targetKind,
      modelPick: fc.constantFrom(0, 0, 0, 0, 1, 2, 3, 4),
      actual: amount(10_000),
      recordValid: fc.oneof({ weight: 19, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    }),
  },
  { weight: 10, arbitrary: fc.record({ kind: fc.constant("release" as const), target: fc.nat(60), targetKind }) },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("expire" as const),
      lagMs: fc.constantFrom(0, 0, 0, 1_000, 10_000),
      limit: fc.constantFrom(1, 2, 1_000, 1_000),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: "checkpoint" as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("status" as const), suspend: fc.constantFrom(true, false, false) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("policy" as const),
      record: fc.constantFrom<PolicyRecordKind>("object", "object", "object", "object", "float", "array", "null"),
    }),
  },
);

/**
 * Ledger bugs found by this test and pinned by a failing test of their own (named below). While
 * one is open, its trigger is kept out of the random runs so that the runs can still find others;
 * set its flag to false once the lead has fixed it.
 */
export const AVOID_KNOWN_BUGS = {
  /** ledger-bugs.test.ts "two checkpoint commands in one batch sign once". */
  twoCheckpointsInOneBatch: false,
  /** ledger-bugs.test.ts "expire with a limit in a batch after a release still expires `limit` due reservations". */
  limitedExpireAfterOthersInOneBatch: false,
};

function burstAllowed(ops: readonly BatchedOp[]): boolean {
  if (AVOID_KNOWN_BUGS.twoCheckpointsInOneBatch && ops.filter((op) => op.kind === "checkpoint").length > 1) return false;
  if (AVOID_KNOWN_BUGS.limitedExpireAfterOthersInOneBatch && ops.some((op, i) => i > 0 && op.kind === "expire" && op.limit < 1_000))
    return false;
  return true;
}

export const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 80, arbitrary: batchedOp },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant("tick" as const), ms: fc.integer({ min: 0, max: 1_500 }) }) },
  { weight: 3, arbitrary: fc.constant({ kind: "restart" as const }) },
  {
    weight: 9,
    arbitrary: fc.record({
      kind: fc.constant("burst" as const),
      ops: fc.array(batchedOp, { minLength: 2, maxLength: 4 }).filter(burstAllowed),
    }),
  },
);

/** A run: a tenant creation (sometimes with a poisoned amount) and then up to `opsMax` operations. */
export function runArbitrary(opsMax: number): fc.Arbitrary<readonly Op[]> {
  const first = fc.record({ kind: fc.constant("create" as const), amount: amount(20_000) });
  return fc
    .tuple(first, fc.array(opArbitrary, { minLength: 0, maxLength: opsMax - 1, size: "max" }))
    .map(([head, rest]) => [head, ...rest]);
}

/** The name of the option at a rank, as decide commands give it and outcomes name it. */
const optionName = (rank: number): string => `model-${rank}`;

// ---- The driver ----

export interface DriverStats {
  runs: number;
  commands: number;
  restarts: number;
  bursts: number;
  okResults: number;
  failures: Map<string, number>;
  /** Interesting successes: replays, late outcomes, overruns, expiries, signed checkpoints. */
  events: Map<string, number>;
}

export function emptyStats(): DriverStats {
  return { runs: 0, commands: 0, restarts: 0, bursts: 0, okResults: 0, failures: new Map(), events: new Map() };
}

type Step = { command: LedgerCommand; model: () => unknown };

const UNKNOWN_FINGERPRINT = "ee".repeat(32);

class Divergence extends Error {
  override readonly name = "Divergence";
}

function check(condition: boolean, message: () => string): void {
  if (!condition) throw new Divergence(message());
}

/** One run: a fresh store, engine and model, driven in lockstep. */
export class ModelRun {
  private readonly store = new MemoryStore();
  private engine = new LedgerEngine(this.store, { defer: queueMicrotask });
  private readonly model = new LedgerModel();
  private readonly resolved = new Set<string>();
  private readonly issuedDecisionIds: string[] = [];
  private readonly fingerprints: string[] = [];
  private readonly seqOfFingerprint = new Map<string, number>();
  private clockMs = 1_000_000;
  private counter = 0;
  private readonly stats: DriverStats;
  private readonly trace: string[] = [];

  constructor(stats: DriverStats) {
    this.stats = stats;
  }

  async run(ops: readonly Op[]): Promise<void> {
    try {
      for (const op of ops) await this.apply(op);
      this.finish();
    } catch (error) {
      if (error instanceof Error) error.message += `\nlast steps:\n${this.trace.slice(-8).join("\n")}`;
      throw error;
    }
    this.stats.runs++;
  }

  private async apply(op: Op): Promise<void> {
    if (op.kind === "tick") {
      this.clockMs += op.ms;
      return;
    }
    if (op.kind === "restart") {
      this.restart();
      return;
    }
    const steps = op.kind === "burst" ? op.ops.map((sub) => this.step(sub)) : [this.step(op)];
    if (op.kind === "burst") this.stats.bursts++;
    // All steps are submitted before any flush runs, so a burst is one batch (one storage commit).
    const commitsBefore = this.store.commits;
    const answers = await Promise.all(steps.map((step) => this.engine.submit(step.command)));
    check(this.store.commits === commitsBefore + 1, () => `a batch of ${steps.length} took ${this.store.commits - commitsBefore} commits`);
    this.absorbNewEntries();
    steps.forEach((step, i) => {
      this.trace.push(`${JSON.stringify(step.command, traceValue).slice(0, 300)} -> ${JSON.stringify(answers[i])}`);
      this.compare(step.command, answers[i], step.model());
    });
    this.compareState();
  }

  /** Resolves an abstract operation against the current state into a command and its model twin. */
  private step(op: BatchedOp): Step {
    const nowMs = this.clockMs;
    this.stats.commands++;
    switch (op.kind) {
      case "create":
        return {
          command: { type: "create_tenant", tenant: tenantRow("tenant-model"), initialBudgetMicros: op.amount as number, nowMs },
          model: () => this.model.createTenant(op.amount),
        };
      case "top_up":
        return {
          command: { type: "top_up", topUpId: `top-${op.id}`, amountMicros: op.amount as number, nowMs },
          model: () => this.model.topUp(`top-${op.id}`, op.amount),
        };
      case "decide":
        return this.decideStep(op, nowMs);
      case "outcome":
        return this.outcomeStep(op, nowMs);
      case "release": {
        const reservationId = this.releaseTarget(op.target, op.targetKind);
        return { command: { type: "release", reservationId, nowMs }, model: () => this.model.release(reservationId) };
      }
      case "expire": {
        const at = nowMs - op.lagMs;
        return { command: { type: "expire", nowMs: at, limit: op.limit }, model: () => this.model.expire(at, op.limit) };
      }
      case "checkpoint":
        return { command: { type: "checkpoint", origin: ORIGIN, signer: devSigner, nowMs }, model: () => this.model.checkpoint() };
      case "status": {
        const status = op.suspend ? "suspended" : "active";
        return {
          command: { type: "update_tenant", op: op.suspend ? "suspend" : "resume", changes: { status }, nowMs },
          model: () => this.model.setStatus(status),
        };
      }
      case "policy":
        return {
          command: { type: "policy", record: policyRecord(op.record, this.counter++), nowMs },
          model: () => this.model.policy(op.record === "object"),
        };
    }
  }

  private decideStep(op: Extract<Op, { kind: "decide" }>, nowMs: number): Step {
    const reused = op.reuseId !== null && this.issuedDecisionIds.length > 0;
    const decisionId = reused ? this.issuedDecisionIds[op.reuseId! % this.issuedDecisionIds.length]! : `dec-${this.counter++}`;
    if (!reused) this.issuedDecisionIds.push(decisionId);
    const idempotencyKey = op.key === null ? null : `key-${op.key}`;
    const requestDigestHex = `d${op.digest}`;
    const command: LedgerCommand = {
      type: "decide",
      decisionId,
      idempotencyKey,
      requestDigestHex,
      candidates: op.costs.map((cost, i) => ({ option: optionName(i), costMicros: cost as number })),
      // 1.5 has no canonical form: the whole record is refused as record_invalid.
      record: op.recordValid ? { request: decisionId } : { request: decisionId, score: 1.5 },
      learnerContext: { regime: "coding" },
      tally: { regime: 0, propensity: null, shadow: null },
      reservationTtlMs: op.ttlMs,
      nowMs,
    };
    return {
      command,
      model: () =>
        this.model.decide({
          decisionId,
          idempotencyKey,
          requestDigestHex,
          costsMicros: op.costs,
          options: op.costs.map((_, i) => optionName(i)),
          reservationTtlMs: op.ttlMs,
          nowMs,
          recordValid: op.recordValid,
        }),
    };
  }

  private outcomeStep(op: Extract<Op, { kind: "outcome" }>, nowMs: number): Step {
    const decisionSeqs = [...this.model.decisions.keys()];
    let seq: number | null = null;
    if (op.targetKind === "known" && decisionSeqs.length > 0) seq = decisionSeqs[op.target % decisionSeqs.length]!;
    if (op.targetKind === "any_entry" && this.fingerprints.length > 0) seq = op.target % this.fingerprints.length;
    const decisionFingerprint = seq === null ? UNKNOWN_FINGERPRINT : this.fingerprints[seq]!;
    const webhookId = `wh-${op.webhook}`;
    const digest = `w${op.digest}`;
    const model = optionName(op.modelPick);
    const command: LedgerCommand = {
      type: "outcome",
      webhookId,
      requestDigestHex: digest,
      decisionFingerprint,
      model,
      actualCostMicros: op.actual as number,
      record: op.recordValid ? { quality_bps: 9_000 } : { quality: 0.9 },
      learnerOutcome: { success: true },
      nowMs,
    };
    return {
      command,
      model: () =>
        this.model.outcome({ webhookId, digest, decisionSeq: seq, model, actualCostMicros: op.actual, recordValid: op.recordValid }),
    };
  }

  private releaseTarget(target: number, kind: TargetKind): string {
    const reservationIds = [...this.model.reservations.keys()];
    if (kind === "known" && reservationIds.length > 0) return reservationIds[target % reservationIds.length]!;
    // A decision id, which names a reservation only when that decision reserved something.
    if (kind === "any_entry" && this.issuedDecisionIds.length > 0) return this.issuedDecisionIds[target % this.issuedDecisionIds.length]!;
    return `no-such-reservation-${target}`;
  }

  /** Verifies the whole export again and records which reservations each new entry resolved. */
  private absorbNewEntries(): void {
    const report = verifyExportBytes(exportBytes(this.store), { sha256: nobleSha256 });
    check(
      report.ok && report.tornTail === null && report.entries === this.engine.head.size,
      () => `export after the batch: ${JSON.stringify(report)}`,
    );
    check(
      report.headHex === this.engine.head.headHex || report.entries === 0,
      () => `export head ${report.headHex} != engine head ${this.engine.head.headHex}`,
    );
    for (const row of this.store.readEntries(this.fingerprints.length, Number.MAX_SAFE_INTEGER)) {
      this.seqOfFingerprint.set(row.fpHex, this.fingerprints.length);
      this.fingerprints.push(row.fpHex);
      const record = (JSON.parse(row.line) as { record: Record<string, unknown> }).record;
      const ledger = record.ledger as Record<string, unknown> | undefined;
      const resolvedIds: unknown[] = [];
      if (record.op === "release") resolvedIds.push(record.reservation_id);
      if (record.op === "expire") resolvedIds.push(...(record.reservation_ids as unknown[]));
      if (row.kind === "outcome" && ledger?.late === false) resolvedIds.push(ledger.reservation_id);
      for (const id of resolvedIds) {
        check(!this.resolved.has(String(id)), () => `reservation ${String(id)} resolved twice (again at seq ${row.seq})`);
        this.resolved.add(String(id));
      }
    }
  }

  /** Compares one answer field by field, after mapping fingerprints to seqs. */
  private compare(command: LedgerCommand, answer: unknown, expected: unknown): void {
    const got = { ...(answer as Record<string, unknown>) };
    const where = (): string => `${command.type}: engine ${JSON.stringify(answer)} vs model ${JSON.stringify(expected)}`;
    if (got.ok === false) {
      this.stats.failures.set(String(got.code), (this.stats.failures.get(String(got.code)) ?? 0) + 1);
      check(typeof got.detail === "string", where);
      delete got.detail;
    } else {
      this.stats.okResults++;
    }
    if (typeof got.fingerprint === "string") {
      check(
        got.fingerprint === this.fingerprints[got.seq as number],
        () => `fingerprint is not the entry's at seq ${String(got.seq)}; ${where()}`,
      );
      delete got.fingerprint;
    }
    if (typeof got.decisionFingerprint === "string") {
      got.decisionSeq = this.seqOfFingerprint.get(got.decisionFingerprint) ?? -1;
      delete got.decisionFingerprint;
    }
    for (const value of Object.values(got)) {
      if (typeof value === "number")
        check(Number.isSafeInteger(value) && !Object.is(value, -0), () => `unsafe number ${value}; ${where()}`);
    }
    if (got.ok === true) this.countEvents(command, got);
    if (command.type === "checkpoint" && got.ok === true) this.checkNote(got, where);
    check(JSON.stringify(sortKeys(got)) === JSON.stringify(sortKeys(expected)), where);
  }

  private countEvents(command: LedgerCommand, got: Record<string, unknown>): void {
    const events: string[] = [];
    if (got.replayed === true) events.push(`${command.type}_replayed`);
    if (command.type === "decide") events.push(`decide_${String(got.budgetVerdict)}`);
    if (command.type === "outcome" && got.replayed === false) {
      const decision = this.model.decisions.get(got.decisionSeq as number);
      const reservation = decision?.reservationId == null ? undefined : this.model.reservations.get(decision.reservationId);
      events.push(reservation?.status === "committed" ? "outcome_settled" : "outcome_late");
      if ((got.uncollectedMicros as number) > 0) events.push("outcome_uncollected");
    }
    if (command.type === "expire") events.push((got.expired as number) > 0 ? "expire_some" : "expire_none");
    if (command.type === "checkpoint") events.push(got.signed === true ? "checkpoint_signed" : "checkpoint_unsigned");
    if (command.type === "policy") events.push("policy_sealed");
    for (const event of events) this.stats.events.set(event, (this.stats.events.get(event) ?? 0) + 1);
  }

  private checkNote(got: Record<string, unknown>, where: () => string): void {
    const note = got.note as string;
    if (got.treeSize === 0) check(note === "", where);
    else if (got.signed === true) {
      const opened = openCheckpoint(note, devVerifier, ORIGIN);
      check(opened.ok && opened.checkpoint.treeSize === got.treeSize, () => `checkpoint note does not open: ${where()}`);
    }
    delete got.note;
  }

  /** After each operation: balances, size and tenant as the model has them, and the invariants. */
  private compareState(): void {
    const budget = this.engine.budget();
    const expected = this.model.budget();
    check(
      JSON.stringify(budget) === JSON.stringify(expected),
      () => `budget ${JSON.stringify(budget)} vs model ${JSON.stringify(expected)}`,
    );
    const { creditedMicros, committedMicros, reservedMicros, availableMicros } = budget;
    check(
      [creditedMicros, committedMicros, reservedMicros, availableMicros].every((x) => Number.isSafeInteger(x) && x >= 0),
      () => `budget not safe: ${JSON.stringify(budget)}`,
    );
    check(creditedMicros === availableMicros + reservedMicros + committedMicros, () => `credited != available + reserved + committed`);
    check(this.engine.head.size === this.model.size, () => `size ${this.engine.head.size} vs model ${this.model.size}`);
    check(
      (this.engine.tenant?.status ?? null) === this.model.tenantStatus,
      () => `tenant ${this.engine.tenant?.status} vs model ${this.model.tenantStatus}`,
    );
    const problems = this.model.problems();
    check(problems.length === 0, () => `model invariants: ${problems.join("; ")}`);
    for (const reservation of this.model.reservations.values()) {
      const row = this.store.readReservation(reservation.id);
      check(
        row !== null &&
          row.status === reservation.status &&
          row.amountMicros === reservation.amountMicros &&
          row.resolvedSeq === reservation.resolvedSeq,
        () => `reservation ${reservation.id}: store ${JSON.stringify(row)} vs model ${JSON.stringify(reservation)}`,
      );
    }
  }

  private restart(): void {
    this.stats.restarts++;
    const next = new LedgerEngine(this.store, { defer: queueMicrotask });
    check(
      JSON.stringify(next.head) === JSON.stringify(this.engine.head),
      () => `restart head ${JSON.stringify(next.head)} vs ${JSON.stringify(this.engine.head)}`,
    );
    check(JSON.stringify(next.budget()) === JSON.stringify(this.engine.budget()), () => "restart budget differs");
    check(JSON.stringify(next.tenant) === JSON.stringify(this.engine.tenant), () => "restart tenant differs");
    this.engine = next;
    this.trace.push("restart");
  }

  /** At the end of a run: the whole export verifies (signatures too) and matches head and root. */
  private finish(): void {
    const report = verifyExportBytes(exportBytes(this.store), { sha256: nobleSha256, verifierKey: devVerifier });
    check(report.ok && report.entries === this.model.size && report.tornTail === null, () => `export: ${JSON.stringify(report)}`);
    check(report.headHex === this.engine.head.headHex || this.model.size === 0, () => "export head differs from the engine's");
    const state = loadState(this.store);
    check(
      report.rootHex === bytesToHex(rootFromFrontier(state.frontier, state.head.size)),
      () => "export root differs from the frontier's",
    );
    check(allEntries(this.store).length === this.model.size, () => "entry rows differ from the model's size");
  }
}

/** Keeps traces short and exact: no key bytes, no tenant row, and NaN or -0 spelled out. */
function traceValue(key: string, value: unknown): unknown {
  if (key === "signer") return "<dev signer>";
  if (key === "tenant") return "<tenant row>";
  if (typeof value === "number" && (!Number.isSafeInteger(value) || Object.is(value, -0)))
    return Object.is(value, -0) ? "-0" : String(value);
  return value;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/** Runs `numRuns` random runs of up to `opsMax` operations; returns what was exercised. */
export async function checkAgainstModel(numRuns: number, opsMax: number, seed?: number): Promise<DriverStats> {
  const stats = emptyStats();
  await fc.assert(
    fc.asyncProperty(runArbitrary(opsMax), async (ops) => {
      await new ModelRun(stats).run(ops);
    }),
    seed === undefined ? { numRuns } : { numRuns, seed },
  );
  return stats;
}
