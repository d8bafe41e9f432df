// Decisions and outcomes as pure steps on a batch. A decision reserves the worst-case cost of the
// first ranked option the budget covers (none = the budget gate fails, and that is sealed too);
// an outcome settles that reservation once and queues the outcome for the Learner. Both are
// idempotent by a client key and refuse a key reused for another request.

import { firstFitting, reserve, settle, type Settlement } from "./budget.ts";
import { budgetRecord } from "./budget-view.ts";
import type { DecideCommand, DecideResult, OutcomeCommand, OutcomeResult } from "./commands.ts";
import { ledgerFailure, type LedgerFailure } from "./ledger-codes.ts";
import { checkMicros } from "./money.ts";
import type { ReservationRow } from "./store.ts";
import type { LedgerTxn } from "./txn.ts";
import type { CanonicalValue } from "./canonical.ts";
import { NO_OPTION, UNKNOWN_REGIME, usageStep } from "./usage.ts";

export interface StoredDecision {
  readonly seq: number;
  readonly decisionId: string;
  readonly reservationId: string | null;
  /** The ranked option the budget covered, and its rank; what the outcome is about. */
  readonly servedOption: string | null;
  readonly servedRank: number;
  /**
   * Every option the decision ranked (in apprentice mode only the tenant's own choice): the
   * served one and its fallbacks, which an outcome may name. Absent in decisions stored before
   * outcomes were checked against it; those outcomes are not checked.
   */
  readonly offered?: readonly string[];
  readonly context: CanonicalValue;
  /** The decision's regime, for the hourly spend of its outcome; absent in decisions stored before usage buckets. */
  readonly regime?: number;
}

type DecideSuccess = Extract<DecideResult, { ok: true }>;

export function applyDecide(txn: LedgerTxn, cmd: DecideCommand): DecideResult {
  if (txn.tenant === null) return ledgerFailure("tenant_unknown", "no tenant in this ledger");
  if (cmd.idempotencyKey !== null) {
    const prior = txn.keyed("decision_key", cmd.idempotencyKey);
    if (prior !== null) {
      const stored = JSON.parse(prior) as { digest: string; result: DecideSuccess };
      if (stored.digest !== cmd.requestDigestHex) {
        return ledgerFailure("idempotency_key_reused", "this Idempotency-Key was used with a different request");
      }
      return { ...stored.result, replayed: true };
    }
  }
  // Re-checked here because the worker's view of the tenant may be up to a second old: fail closed.
  // A retry of a stored decision (above) still answers it: that decision is history.
  if (txn.tenant.status !== "active") return ledgerFailure("tenant_suspended", "this tenant is suspended");
  const costs: number[] = [];
  for (const candidate of cmd.candidates) {
    const cost = checkMicros(candidate.costMicros, "costMicros");
    if (typeof cost !== "number") return cost;
    costs.push(cost);
  }
  if (txn.keyed("operation", `decision:${cmd.decisionId}`) !== null) {
    return ledgerFailure("record_invalid", `decision id ${cmd.decisionId} already used`);
  }
  const budgetBefore = txn.budget();
  const rank = costs.length === 0 ? -1 : firstFitting(budgetBefore, costs);
  const verdict = costs.length === 0 ? "not_evaluated" : rank < 0 ? "fail" : "pass";
  const reservedMicros = rank < 0 ? 0 : costs[rank]!;
  const budget = rank < 0 ? txn.budget() : reserve(txn.budget(), reservedMicros);
  const reservationId = rank < 0 ? null : cmd.decisionId;
  const expiresAtMs = rank < 0 ? 0 : cmd.nowMs + cmd.reservationTtlMs;
  // Keys in JCS order (see canonical.ts): the entry then seals with the native JSON.stringify.
  const entry = txn.append("decision", cmd.nowMs, {
    decision: cmd.record,
    ledger: {
      budget: budgetRecord(budget),
      budget_verdict: verdict,
      decision_id: cmd.decisionId,
      expires_at_ms: expiresAtMs,
      request_digest: cmd.requestDigestHex,
      reservation_id: reservationId,
      reserved_micros: reservedMicros,
      served_option: rank < 0 ? null : cmd.candidates[rank]!.option,
      served_rank: rank,
    },
  });
  txn.setBudget(budget);
  txn.tally(cmd.nowMs, cmd.tally.regime, rank === 0 ? cmd.tally.propensity : null);
  txn.usage(
    usageStep(cmd.nowMs, cmd.tally.regime, rank < 0 ? NO_OPTION : cmd.candidates[rank]!.option, { decisions: 1, committedMicros: 0 }),
  );
  const shadow = cmd.tally.shadow;
  if (shadow !== null) {
    // Judged against the budget production's options were: what the candidate ranked, did any fit?
    const shadowRefused = shadow.refused || firstFitting(budgetBefore, shadow.costsMicros) < 0;
    txn.shadowTally(shadow.configHash, cmd.tally.regime, shadow.mismatch, shadowRefused && rank >= 0);
  }
  if (reservationId !== null) {
    txn.putReservation({
      id: reservationId,
      decisionSeq: entry.seq,
      amountMicros: reservedMicros,
      createdAtMs: cmd.nowMs,
      expiresAtMs,
      status: "open",
      resolvedSeq: -1,
    });
  }
  txn.putKeyed("operation", `decision:${cmd.decisionId}`, entry.fpHex);
  const servedOption = rank < 0 ? null : cmd.candidates[rank]!.option;
  const offered = cmd.candidates.map((candidate) => candidate.option);
  const stored: StoredDecision = {
    seq: entry.seq,
    decisionId: cmd.decisionId,
    reservationId,
    servedOption,
    servedRank: rank,
    offered,
    context: cmd.learnerContext,
    regime: cmd.tally.regime,
  };
  txn.putKeyed("decision_fp", entry.fpHex, JSON.stringify(stored));
  const result: DecideSuccess = {
    ok: true,
    seq: entry.seq,
    fingerprint: entry.fpHex,
    decisionId: cmd.decisionId,
    servedRank: rank,
    reservationId,
    reservedMicros,
    budgetVerdict: verdict,
    replayed: false,
  };
  if (cmd.idempotencyKey !== null) {
    txn.putKeyed("decision_key", cmd.idempotencyKey, JSON.stringify({ digest: cmd.requestDigestHex, result }));
  }
  return result;
}

type OutcomeSuccess = Extract<OutcomeResult, { ok: true }>;

/** What a webhook-id keeps: the digest of the body it came with, and the first result. */
interface StoredWebhook {
  readonly digest: string;
  readonly result: OutcomeSuccess;
}

/**
 * The first answer again when this webhook-id was seen with the same body, a refusal when it was
 * seen with another (a retry never changes its body, so that is a second message under a used
 * id), or null for a new id. Ids stored before digests were kept hold the bare result: replayed.
 */
function priorOutcome(txn: LedgerTxn, cmd: OutcomeCommand): OutcomeResult | null {
  const prior = txn.keyed("webhook", cmd.webhookId);
  if (prior === null) return null;
  const stored = JSON.parse(prior) as StoredWebhook | OutcomeSuccess;
  if (!("digest" in stored)) return { ...stored, replayed: true };
  if (stored.digest !== cmd.requestDigestHex) {
    return ledgerFailure("webhook_id_reused", "this webhook-id was already used with a different body");
  }
  return { ...stored.result, replayed: true };
}

/** The checks between the decision and its settlement, in order; null when the outcome may settle. */
function outcomeRefusal(txn: LedgerTxn, cmd: OutcomeCommand, decision: StoredDecision): OutcomeResult | null {
  if (decision.reservationId === null) return ledgerFailure("decision_not_reserved", "this decision was refused, so it has no outcome");
  // Settling the cost of an option the decision never offered would charge its budget for a
  // choice it did not make and teach the Learner about an arm it did not pull.
  if (decision.offered !== undefined && !decision.offered.includes(cmd.model)) {
    return ledgerFailure(
      "outcome_model_not_offered",
      `execution.model ${JSON.stringify(cmd.model.slice(0, 128))} is neither the decision's served option nor one of its fallbacks`,
    );
  }
  if (reservationOpen(txn, decision)) return null;
  if (txn.keyed("decision_outcome", cmd.decisionFingerprint) !== null) {
    return ledgerFailure("outcome_already_recorded", "this decision already has an outcome");
  }
  // The proxy already settled its cost from the provider's usage: a second settlement would charge twice.
  if (txn.keyed("decision_execution", cmd.decisionFingerprint) !== null) {
    return ledgerFailure(
      "outcome_already_recorded",
      "the proxy executed this decision and settled its cost; send quality as feedback (an outcome without execution)",
    );
  }
  return null;
}

/**
 * Whether the decision's reservation is still open. Every outcome and execution that settles a
 * decision closes its reservation (commitSettlement), and feedback needs an execution first, so an
 * open reservation proves the decision has neither: the two lookups that would say so are skipped
 * for the usual settlement, the first one. A closed reservation (settled, released or expired)
 * proves nothing, and then they run.
 */
export function reservationOpen(txn: LedgerTxn, decision: StoredDecision): boolean {
  return decision.reservationId !== null && txn.reservation(decision.reservationId)?.status === "open";
}

/** A sealed decision by its fingerprint, as applyDecide stored it. */
export function storedDecision(txn: LedgerTxn, fingerprint: string): StoredDecision | LedgerFailure {
  const text = txn.keyed("decision_fp", fingerprint);
  if (text === null) return ledgerFailure("decision_unknown", "no decision with this fingerprint in this tenant's chain");
  return JSON.parse(text) as StoredDecision;
}

/** A reserved decision's settlement at its actual cost, not yet written. */
export interface ReservationSettlement {
  readonly reservation: ReservationRow;
  /** The reservation had expired or was released: nothing is released again. */
  readonly late: boolean;
  readonly settlement: Settlement;
}

/**
 * Settles a reserved decision's reservation (an outcome's or the proxy's execution's). Settling
 * after expiry or release still costs money: it is charged from what is available.
 */
export function settleReservation(txn: LedgerTxn, decision: StoredDecision, actualCostMicros: number): ReservationSettlement {
  const reservation = txn.reservation(decision.reservationId!);
  if (reservation === null) throw new Error("decision without its reservation row (ledger bug)");
  const late = reservation.status !== "open";
  return { reservation, late, settlement: settle(txn.budget(), late ? 0 : reservation.amountMicros, actualCostMicros) };
}

/** Who was charged, and when: the hourly spend buckets file the charge under them. */
export interface SettledSpend {
  readonly nowMs: number;
  readonly decision: StoredDecision;
  /** The option that ran and was charged: the served one, or a fallback. */
  readonly option: string;
}

/**
 * Writes a settlement: the budget, an open reservation committed by the entry at `seq`, and the
 * charge in the hour it settled, under its regime and the option that ran. Every path that moves
 * money (a webhook's outcome, the proxy's execution) settles here, so the dashboard's spend can
 * never miss one of them.
 */
export function commitSettlement(txn: LedgerTxn, settled: ReservationSettlement, seq: number, spend: SettledSpend): void {
  txn.setBudget(settled.settlement.budget);
  if (!settled.late) txn.putReservation({ ...settled.reservation, status: "committed", resolvedSeq: seq });
  const charge = { decisions: 0 as const, committedMicros: settled.settlement.chargedMicros };
  txn.usage(usageStep(spend.nowMs, spend.decision.regime ?? UNKNOWN_REGIME, spend.option, charge));
}

export function applyOutcome(txn: LedgerTxn, cmd: OutcomeCommand): OutcomeResult {
  if (txn.tenant === null) return ledgerFailure("tenant_unknown", "no tenant in this ledger");
  const prior = priorOutcome(txn, cmd);
  if (prior !== null) return prior;
  const decision = storedDecision(txn, cmd.decisionFingerprint);
  if ("ok" in decision) return decision;
  const actual = checkMicros(cmd.actualCostMicros, "actualCostMicros");
  if (typeof actual !== "number") return actual;
  const refusal = outcomeRefusal(txn, cmd, decision);
  if (refusal !== null) return refusal;
  const { reservation, late, settlement } = settleReservation(txn, decision, actual);
  const entry = txn.append("outcome", cmd.nowMs, {
    ledger: {
      actual_cost_micros: actual,
      budget: budgetRecord(settlement.budget),
      charged_micros: settlement.chargedMicros,
      decision_fp: cmd.decisionFingerprint,
      decision_seq: decision.seq,
      late,
      released_micros: settlement.releasedMicros,
      reservation_id: reservation.id,
      uncollected_micros: settlement.uncollectedMicros,
      webhook_id: cmd.webhookId,
    },
    outcome: cmd.record,
  });
  commitSettlement(txn, { reservation, late, settlement }, entry.seq, { nowMs: cmd.nowMs, decision, option: cmd.model });
  txn.putKeyed("decision_outcome", cmd.decisionFingerprint, entry.fpHex);
  queueForLearner(txn, cmd, decision, settlement.chargedMicros, entry.seq);
  const result: OutcomeSuccess = {
    ok: true,
    seq: entry.seq,
    fingerprint: entry.fpHex,
    decisionFingerprint: cmd.decisionFingerprint,
    committedMicros: settlement.chargedMicros,
    releasedMicros: settlement.releasedMicros,
    uncollectedMicros: settlement.uncollectedMicros,
    replayed: false,
  };
  const stored: StoredWebhook = { digest: cmd.requestDigestHex, result };
  txn.putKeyed("webhook", cmd.webhookId, JSON.stringify(stored));
  return result;
}

/** The outbox row the alarm hands to the Learner: the outcome with its decision's context. */
export function queueForLearner(
  txn: LedgerTxn,
  cmd: Pick<OutcomeCommand, "webhookId" | "nowMs" | "decisionFingerprint" | "learnerOutcome">,
  decision: StoredDecision,
  chargedMicros: number,
  seq: number,
): void {
  txn.putOutbox({
    id: cmd.webhookId,
    seq,
    payload: JSON.stringify({
      outcomeId: cmd.webhookId,
      outcomeSeq: seq,
      outcomeTs: cmd.nowMs,
      decisionFingerprint: cmd.decisionFingerprint,
      decisionSeq: decision.seq,
      servedOption: decision.servedOption,
      servedRank: decision.servedRank,
      context: decision.context,
      outcome: cmd.learnerOutcome,
      chargedMicros,
    }),
    attempts: 0,
    nextAttemptMs: cmd.nowMs,
  });
}
