// Decisions and outcomes as pure steps on a batch. A decision reserves the worst-case cost of the
// first ranked option the budget covers (none = the budget gate fails, and that is sealed too);
// an outcome settles that reservation once and queues the outcome for the Learner.

import { firstFitting, reserve, settle } from "./budget.ts";
import { budgetRecord } from "./budget-view.ts";
import type { DecideCommand, DecideResult, OutcomeCommand, OutcomeResult } from "./commands.ts";
import { ledgerFailure } from "./ledger-codes.ts";
import { checkMicros } from "./money.ts";
import type { LedgerTxn } from "./txn.ts";
import type { CanonicalValue } from "./canonical.ts";

interface StoredDecision {
  readonly seq: number;
  readonly decisionId: string;
  readonly reservationId: string | null;
  /** The ranked option the budget covered, and its rank; what the outcome is about. */
  readonly servedOption: string | null;
  readonly servedRank: number;
  readonly context: CanonicalValue;
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
  const rank = costs.length === 0 ? -1 : firstFitting(txn.budget(), costs);
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
  if (reservationId !== null) {
    txn.putReservation({
      id: reservationId, decisionSeq: entry.seq, amountMicros: reservedMicros,
      createdAtMs: cmd.nowMs, expiresAtMs, status: "open", resolvedSeq: -1,
    });
  }
  txn.putKeyed("operation", `decision:${cmd.decisionId}`, entry.fpHex);
  const servedOption = rank < 0 ? null : cmd.candidates[rank]!.option;
  const stored: StoredDecision = { seq: entry.seq, decisionId: cmd.decisionId, reservationId, servedOption, servedRank: rank, context: cmd.learnerContext };
  txn.putKeyed("decision_fp", entry.fpHex, JSON.stringify(stored));
  const result: DecideSuccess = {
    ok: true, seq: entry.seq, fingerprint: entry.fpHex, decisionId: cmd.decisionId, servedRank: rank,
    reservationId, reservedMicros, budgetVerdict: verdict, replayed: false,
  };
  if (cmd.idempotencyKey !== null) {
    txn.putKeyed("decision_key", cmd.idempotencyKey, JSON.stringify({ digest: cmd.requestDigestHex, result }));
  }
  return result;
}

type OutcomeSuccess = Extract<OutcomeResult, { ok: true }>;

export function applyOutcome(txn: LedgerTxn, cmd: OutcomeCommand): OutcomeResult {
  if (txn.tenant === null) return ledgerFailure("tenant_unknown", "no tenant in this ledger");
  const prior = txn.keyed("webhook", cmd.webhookId);
  if (prior !== null) return { ...(JSON.parse(prior) as OutcomeSuccess), replayed: true };
  const storedText = txn.keyed("decision_fp", cmd.decisionFingerprint);
  if (storedText === null) return ledgerFailure("decision_unknown", "no decision with this fingerprint in this tenant's chain");
  const actual = checkMicros(cmd.actualCostMicros, "actualCostMicros");
  if (typeof actual !== "number") return actual;
  const decision = JSON.parse(storedText) as StoredDecision;
  if (decision.reservationId === null) return ledgerFailure("decision_not_reserved", "this decision was refused, so it has no outcome");
  if (txn.keyed("decision_outcome", cmd.decisionFingerprint) !== null) {
    return ledgerFailure("outcome_already_recorded", "this decision already has an outcome");
  }
  const reservation = txn.reservation(decision.reservationId);
  if (reservation === null) throw new Error("decision without its reservation row (ledger bug)");
  // An outcome after expiry or release still costs money: it is charged from what is available.
  const late = reservation.status !== "open";
  const settlement = settle(txn.budget(), late ? 0 : reservation.amountMicros, actual);
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
  txn.setBudget(settlement.budget);
  if (!late) txn.putReservation({ ...reservation, status: "committed", resolvedSeq: entry.seq });
  txn.putKeyed("decision_outcome", cmd.decisionFingerprint, entry.fpHex);
  txn.putOutbox({
    id: cmd.webhookId,
    payload: JSON.stringify({
      outcomeId: cmd.webhookId, decisionFingerprint: cmd.decisionFingerprint, decisionSeq: decision.seq, servedOption: decision.servedOption,
      servedRank: decision.servedRank, context: decision.context, outcome: cmd.learnerOutcome, chargedMicros: settlement.chargedMicros,
    }),
    attempts: 0,
    nextAttemptMs: cmd.nowMs,
  });
  const result: OutcomeSuccess = {
    ok: true, seq: entry.seq, fingerprint: entry.fpHex, decisionFingerprint: cmd.decisionFingerprint,
    committedMicros: settlement.chargedMicros, releasedMicros: settlement.releasedMicros,
    uncollectedMicros: settlement.uncollectedMicros, replayed: false,
  };
  txn.putKeyed("webhook", cmd.webhookId, JSON.stringify(result));
  return result;
}

