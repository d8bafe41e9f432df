// A slow, obviously-correct reference model of one tenant's ledger: plain Maps and numbers, no
// hashing, no storage and no Node or Workers APIs, so Node tests and Durable Object tests can both
// drive it beside the real ledger and compare every answer. It must never share code with src/ledger.
//
// Entries are named by their seq, never by fingerprint: the model does not hash. A driver maps the
// fingerprints the real ledger answers to seqs (an outcome names its decision by `decisionSeq`,
// or null for a fingerprint that names no entry at all).
//
// Where DESIGN.md and the brief leave the order of refusals open, the model checks in the order
// the ledger documents per command (listed above each method), so that a divergence is a real one.

import type { LedgerCodeName } from "../../src/ledger/ledger-codes.ts";

/** 2^53 - 1: the largest amount of microcents a JS number holds exactly. */
export const MODEL_MICROS_MAX = 9_007_199_254_740_991;

export interface ModelFailure {
  readonly ok: false;
  readonly code: LedgerCodeName;
}

export interface ModelBudget {
  readonly creditedMicros: number;
  readonly committedMicros: number;
  readonly reservedMicros: number;
  readonly availableMicros: number;
}

export type ModelReservationStatus = "open" | "committed" | "released" | "expired";

export interface ModelReservation {
  readonly id: string;
  readonly amountMicros: number;
  readonly expiresAtMs: number;
  status: ModelReservationStatus;
  /** Seq of the entry that resolved it, or -1 while open. */
  resolvedSeq: number;
}

export interface ModelDecision {
  readonly seq: number;
  readonly decisionId: string;
  readonly reservationId: string | null;
  /** The options the decision ranked, by name: an outcome must name one of them. */
  readonly options: readonly string[];
  outcomeSeq: number | null;
}

export type ModelCreateResult = { ok: true; seq: number; budget: ModelBudget } | ModelFailure;
export type ModelTopUpResult = { ok: true; seq: number; budget: ModelBudget; replayed: boolean } | ModelFailure;
export interface ModelDecideOk {
  ok: true;
  seq: number;
  decisionId: string;
  servedRank: number;
  reservationId: string | null;
  reservedMicros: number;
  budgetVerdict: "pass" | "fail" | "not_evaluated";
  replayed: boolean;
}
export type ModelDecideResult = ModelDecideOk | ModelFailure;
export interface ModelOutcomeOk {
  ok: true;
  seq: number;
  decisionSeq: number;
  committedMicros: number;
  releasedMicros: number;
  uncollectedMicros: number;
  replayed: boolean;
}
export type ModelOutcomeResult = ModelOutcomeOk | ModelFailure;
export type ModelReleaseResult = { ok: true; seq: number; releasedMicros: number; replayed: boolean } | ModelFailure;
export type ModelExpireResult = { ok: true; expired: number; releasedMicros: number; seq: number | null };
export type ModelCheckpointResult = { ok: true; treeSize: number; signed: boolean };
export type ModelUpdateResult = { ok: true; seq: number } | ModelFailure;

export interface ModelDecideInput {
  readonly decisionId: string;
  readonly idempotencyKey: string | null;
  readonly requestDigestHex: string;
  /** Worst-case costs in rank order; anything, since the ledger must refuse bad money itself. */
  readonly costsMicros: readonly unknown[];
  /** The ranked options' names, one per cost. */
  readonly options: readonly string[];
  readonly reservationTtlMs: number;
  readonly nowMs: number;
  /** False when the driver sent a record without a canonical form (for example a float). */
  readonly recordValid: boolean;
}

export interface ModelOutcomeInput {
  readonly webhookId: string;
  /** Stands for the body: the same id with another digest is a reused id, not a retry. */
  readonly digest: string;
  /** Seq of the entry the fingerprint names, or null when it names no entry. */
  readonly decisionSeq: number | null;
  /** The option that ran. */
  readonly model: string;
  readonly actualCostMicros: unknown;
  readonly recordValid: boolean;
}

const fail = (code: LedgerCodeName): ModelFailure => ({ ok: false, code });

/** Valid money: a number that is an integer in [0, 2^53 - 1] and not -0. Written without money.ts on purpose. */
export function isModelMicros(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MODEL_MICROS_MAX && !Object.is(value, -0);
}

export class LedgerModel {
  tenantStatus: "active" | "suspended" | null = null;
  /** Entries in the chain: the seq the next entry gets. */
  size = 0;
  creditedMicros = 0;
  committedMicros = 0;
  reservedMicros = 0;
  lastCheckpointSize: number | null = null;
  readonly topUps = new Map<string, { amountMicros: number; seq: number }>();
  readonly reservations = new Map<string, ModelReservation>();
  /** Decisions by the seq of their entry. */
  readonly decisions = new Map<number, ModelDecision>();
  readonly decisionKeys = new Map<string, { digest: string; result: ModelDecideOk }>();
  readonly webhooks = new Map<string, { digest: string; result: ModelOutcomeOk }>();

  budget(): ModelBudget {
    return {
      creditedMicros: this.creditedMicros,
      committedMicros: this.committedMicros,
      reservedMicros: this.reservedMicros,
      availableMicros: this.creditedMicros - this.committedMicros - this.reservedMicros,
    };
  }

  private available(): number {
    return this.creditedMicros - this.committedMicros - this.reservedMicros;
  }

  private appendEntry(): number {
    this.size += 1;
    return this.size - 1;
  }

  /** tenant_exists, amount_invalid; then entry 0 credits the initial budget. */
  createTenant(initialBudgetMicros: unknown): ModelCreateResult {
    if (this.tenantStatus !== null || this.size > 0) return fail("tenant_exists");
    if (!isModelMicros(initialBudgetMicros)) return fail("amount_invalid");
    this.tenantStatus = "active";
    this.creditedMicros = initialBudgetMicros;
    return { ok: true, seq: this.appendEntry(), budget: this.budget() };
  }

  /** tenant_unknown, amount_invalid, idempotency_key_reused (or replay), balance_limit_exceeded. */
  topUp(topUpId: string, amountMicros: unknown): ModelTopUpResult {
    if (this.tenantStatus === null) return fail("tenant_unknown");
    if (!isModelMicros(amountMicros)) return fail("amount_invalid");
    const prior = this.topUps.get(topUpId);
    if (prior !== undefined) {
      if (prior.amountMicros !== amountMicros) return fail("idempotency_key_reused");
      return { ok: true, seq: prior.seq, budget: this.budget(), replayed: true };
    }
    // Compared as a difference so that no sum can round: amount + credited > max.
    if (amountMicros > MODEL_MICROS_MAX - this.creditedMicros) return fail("balance_limit_exceeded");
    this.creditedMicros += amountMicros;
    const seq = this.appendEntry();
    this.topUps.set(topUpId, { amountMicros, seq });
    return { ok: true, seq, budget: this.budget(), replayed: false };
  }

  /**
   * tenant_unknown, idempotency_key_reused (or replay, even when suspended since), tenant_suspended,
   * amount_invalid (any candidate), record_invalid (decision id already used, or a bad record).
   */
  decide(input: ModelDecideInput): ModelDecideResult {
    if (this.tenantStatus === null) return fail("tenant_unknown");
    if (input.idempotencyKey !== null) {
      const prior = this.decisionKeys.get(input.idempotencyKey);
      if (prior !== undefined) {
        if (prior.digest !== input.requestDigestHex) return fail("idempotency_key_reused");
        return { ...prior.result, replayed: true };
      }
    }
    if (this.tenantStatus === "suspended") return fail("tenant_suspended");
    if (!input.costsMicros.every(isModelMicros)) return fail("amount_invalid");
    const costs = input.costsMicros as readonly number[];
    if ([...this.decisions.values()].some((decision) => decision.decisionId === input.decisionId)) return fail("record_invalid");
    if (!input.recordValid) return fail("record_invalid");
    let rank = -1;
    for (let i = 0; i < costs.length && rank < 0; i++) if (costs[i]! <= this.available()) rank = i;
    const verdict = costs.length === 0 ? "not_evaluated" : rank < 0 ? "fail" : "pass";
    const reservedMicros = rank < 0 ? 0 : costs[rank]!;
    const reservationId = rank < 0 ? null : input.decisionId;
    const seq = this.appendEntry();
    if (reservationId !== null) {
      this.reservedMicros += reservedMicros;
      this.reservations.set(reservationId, {
        id: reservationId,
        amountMicros: reservedMicros,
        expiresAtMs: input.nowMs + input.reservationTtlMs,
        status: "open",
        resolvedSeq: -1,
      });
    }
    this.decisions.set(seq, { seq, decisionId: input.decisionId, reservationId, options: input.options, outcomeSeq: null });
    const result: ModelDecideOk = {
      ok: true,
      seq,
      decisionId: input.decisionId,
      servedRank: rank,
      reservationId,
      reservedMicros,
      budgetVerdict: verdict,
      replayed: false,
    };
    if (input.idempotencyKey !== null) this.decisionKeys.set(input.idempotencyKey, { digest: input.requestDigestHex, result });
    return result;
  }

  /**
   * tenant_unknown, webhook_id_reused (or replay), decision_unknown, amount_invalid,
   * decision_not_reserved, outcome_model_not_offered, outcome_already_recorded, record_invalid.
   * An open reservation settles (release first, then charge up to available); a released or
   * expired one is late and charged from available only.
   */
  outcome(input: ModelOutcomeInput): ModelOutcomeResult {
    if (this.tenantStatus === null) return fail("tenant_unknown");
    const prior = this.webhooks.get(input.webhookId);
    if (prior !== undefined) return prior.digest === input.digest ? { ...prior.result, replayed: true } : fail("webhook_id_reused");
    const decision = input.decisionSeq === null ? undefined : this.decisions.get(input.decisionSeq);
    if (decision === undefined) return fail("decision_unknown");
    if (!isModelMicros(input.actualCostMicros)) return fail("amount_invalid");
    const actual = input.actualCostMicros;
    if (decision.reservationId === null) return fail("decision_not_reserved");
    if (!decision.options.includes(input.model)) return fail("outcome_model_not_offered");
    if (decision.outcomeSeq !== null) return fail("outcome_already_recorded");
    if (!input.recordValid) return fail("record_invalid");
    const reservation = this.reservations.get(decision.reservationId);
    if (reservation === undefined) throw new Error("model: a reserved decision without its reservation");
    const open = reservation.status === "open";
    const heldMicros = open ? reservation.amountMicros : 0;
    const chargedMicros = Math.min(actual, this.available() + heldMicros);
    const releasedMicros = Math.max(0, heldMicros - chargedMicros);
    this.reservedMicros -= heldMicros;
    this.committedMicros += chargedMicros;
    const seq = this.appendEntry();
    if (open) {
      reservation.status = "committed";
      reservation.resolvedSeq = seq;
    }
    decision.outcomeSeq = seq;
    const result: ModelOutcomeOk = {
      ok: true,
      seq,
      decisionSeq: decision.seq,
      committedMicros: chargedMicros,
      releasedMicros,
      uncollectedMicros: actual - chargedMicros,
      replayed: false,
    };
    this.webhooks.set(input.webhookId, { digest: input.digest, result });
    return result;
  }

  /** reservation_unknown, replay of a release, reservation_already_resolved. */
  release(reservationId: string): ModelReleaseResult {
    const reservation = this.reservations.get(reservationId);
    if (reservation === undefined) return fail("reservation_unknown");
    if (reservation.status === "released") {
      return { ok: true, seq: reservation.resolvedSeq, releasedMicros: reservation.amountMicros, replayed: true };
    }
    if (reservation.status !== "open") return fail("reservation_already_resolved");
    this.reservedMicros -= reservation.amountMicros;
    reservation.status = "released";
    reservation.resolvedSeq = this.appendEntry();
    return { ok: true, seq: reservation.resolvedSeq, releasedMicros: reservation.amountMicros, replayed: false };
  }

  /** Every open reservation due at nowMs (oldest first, then by id; at most limit) expires in one entry. */
  expire(nowMs: number, limit: number): ModelExpireResult {
    const due = [...this.reservations.values()]
      .filter((r) => r.status === "open" && r.expiresAtMs <= nowMs)
      .sort((a, b) => a.expiresAtMs - b.expiresAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, Math.max(0, limit));
    if (due.length === 0) return { ok: true, expired: 0, releasedMicros: 0, seq: null };
    const seq = this.appendEntry();
    let releasedMicros = 0;
    for (const reservation of due) {
      reservation.status = "expired";
      reservation.resolvedSeq = seq;
      releasedMicros += reservation.amountMicros;
    }
    this.reservedMicros -= releasedMicros;
    return { ok: true, expired: due.length, releasedMicros, seq };
  }

  /** Signs over the whole chain unless nothing but the last checkpoint entry came since it. */
  checkpoint(): ModelCheckpointResult {
    const last = this.lastCheckpointSize;
    if (this.size === 0 || (last !== null && this.size <= last + 1)) return { ok: true, treeSize: last ?? 0, signed: false };
    const treeSize = this.size;
    this.appendEntry();
    this.lastCheckpointSize = treeSize;
    return { ok: true, treeSize, signed: true };
  }

  /** Suspending or resuming always seals an entry, even when the status does not change. */
  setStatus(status: "active" | "suspended"): ModelUpdateResult {
    if (this.tenantStatus === null) return fail("tenant_unknown");
    this.tenantStatus = status;
    return { ok: true, seq: this.appendEntry() };
  }

  /**
   * tenant_unknown, record_invalid; then one `policy` entry and no budget change. A suspended
   * tenant is not refused: the lifecycle is the admin's, like top-ups.
   */
  policy(recordValid: boolean): ModelUpdateResult {
    if (this.tenantStatus === null) return fail("tenant_unknown");
    if (!recordValid) return fail("record_invalid");
    return { ok: true, seq: this.appendEntry() };
  }

  /** What must hold after every command; returns the broken rules (empty when all hold). */
  problems(): string[] {
    const found: string[] = [];
    const { creditedMicros, committedMicros, reservedMicros, availableMicros } = this.budget();
    for (const [name, value] of Object.entries({ creditedMicros, committedMicros, reservedMicros, availableMicros })) {
      if (!Number.isSafeInteger(value) || value < 0) found.push(`${name} = ${value} is not a safe integer >= 0`);
    }
    let openMicros = 0;
    for (const r of this.reservations.values()) {
      if (r.status === "open") openMicros += r.amountMicros;
      if ((r.status === "open") !== (r.resolvedSeq === -1))
        found.push(`reservation ${r.id} is ${r.status} with resolvedSeq ${r.resolvedSeq}`);
    }
    if (openMicros !== reservedMicros) found.push(`reserved ${reservedMicros} differs from the open reservations' ${openMicros}`);
    return found;
  }
}
