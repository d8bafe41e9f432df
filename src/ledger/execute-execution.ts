// Proxy mode in the ledger (issue 14): the attempts the worker made at providers for one decision,
// each sealed as an `execution` entry, the last one settling the reservation from reported usage;
// later quality feedback on that execution, sealed as an `outcome` that moves no money; and the
// tenant's proxy settings (default regime, provider key ciphertexts). Pure steps on a batch; no secret and no plaintext key ever enters here.

import type { Budget } from "./budget.ts";
import { budgetRecord } from "./budget-view.ts";
import type {
  ExecutionCommand,
  ExecutionResult,
  FeedbackCommand,
  OutcomeResult,
  ProxySettingCommand,
  ProxySettingResult,
} from "./commands.ts";
import type { EntryRecord } from "./entry.ts";
import {
  commitSettlement,
  queueForLearner,
  reservationOpen,
  settleReservation,
  storedDecision,
  type StoredDecision,
} from "./execute-decision.ts";
import { ledgerFailure, type LedgerFailure } from "./ledger-codes.ts";
import { checkMicros } from "./money.ts";
import type { LedgerTxn } from "./txn.ts";

/** Attempts per execution, at most: the kernel ranks at most every option of a pack. */
export const ATTEMPTS_MAX = 32;

/** What a settled execution keeps for its feedback, by decision fingerprint. */
interface StoredExecution {
  readonly seq: number;
  readonly settlement: Settled;
  /** The served attempt (model, tokens, latency) and its Learner form; null when none answered. */
  readonly served: ExecutionCommand["served"];
}

export interface Settled {
  readonly actual_cost_micros: number;
  readonly charged_micros: number;
  readonly released_micros: number;
  readonly uncollected_micros: number;
}

/** The checks before an execution may settle, in order; null when it may. */
function executionRefusal(txn: LedgerTxn, cmd: ExecutionCommand, decision: StoredDecision): LedgerFailure | null {
  if (decision.reservationId === null) return ledgerFailure("decision_not_reserved", "this decision was refused, so it has no execution");
  if (cmd.attempts.length === 0 || cmd.attempts.length > ATTEMPTS_MAX) {
    return ledgerFailure("record_invalid", `an execution has 1 to ${ATTEMPTS_MAX} attempts, not ${cmd.attempts.length}`);
  }
  for (const attempt of cmd.attempts) {
    if (decision.offered !== undefined && !decision.offered.includes(attempt.option)) {
      return ledgerFailure("outcome_model_not_offered", `attempted option ${JSON.stringify(attempt.option.slice(0, 128))} was not offered`);
    }
  }
  if (reservationOpen(txn, decision)) return null;
  if (
    txn.keyed("decision_execution", cmd.decisionFingerprint) !== null ||
    txn.keyed("decision_outcome", cmd.decisionFingerprint) !== null
  ) {
    return ledgerFailure("outcome_already_recorded", "this decision was already executed or has an outcome");
  }
  return null;
}

/**
 * The last attempt's settlement as sealed, keys in JCS order: the entry then seals with the native
 * JSON.stringify instead of the checking encoder (canonical.ts), a third of an execution's sealing.
 */
export function settlementRecord(settled: Settled, budget: Budget, late: boolean, reservationId: string): EntryRecord {
  return {
    actual_cost_micros: settled.actual_cost_micros,
    budget: budgetRecord(budget),
    charged_micros: settled.charged_micros,
    late,
    released_micros: settled.released_micros,
    reservation_id: reservationId,
    uncollected_micros: settled.uncollected_micros,
  };
}

export function applyExecution(txn: LedgerTxn, cmd: ExecutionCommand): ExecutionResult {
  if (txn.tenant === null) return ledgerFailure("tenant_unknown", "no tenant in this ledger");
  const decision = storedDecision(txn, cmd.decisionFingerprint);
  if ("ok" in decision) return decision;
  const actual = checkMicros(cmd.actualCostMicros, "actualCostMicros");
  if (typeof actual !== "number") return actual;
  const refusal = executionRefusal(txn, cmd, decision);
  if (refusal !== null) return refusal;
  const settled = settleReservation(txn, decision, actual);
  const { reservation, late, settlement } = settled;
  const record: Settled = {
    actual_cost_micros: actual,
    charged_micros: settlement.chargedMicros,
    released_micros: settlement.releasedMicros,
    uncollected_micros: settlement.uncollectedMicros,
  };
  let last = { seq: -1, fpHex: "" };
  const finalIndex = cmd.attempts.length - 1;
  for (const [index, attempt] of cmd.attempts.entries()) {
    // Keys in JCS order. Only the last attempt moves money, so only it carries the settlement.
    last = txn.append("execution", cmd.nowMs, {
      execution: attempt.record,
      ledger: {
        attempt: index,
        decision_fp: cmd.decisionFingerprint,
        decision_seq: decision.seq,
        settlement: index === finalIndex ? settlementRecord(record, settlement.budget, late, reservation.id) : null,
      },
    });
  }
  // The charge is filed under the last attempt's option: only the last attempt can have been served.
  commitSettlement(txn, settled, last.seq, { nowMs: cmd.nowMs, decision, option: cmd.attempts[finalIndex]!.option });
  const stored: StoredExecution = { seq: last.seq, settlement: record, served: cmd.served };
  txn.putKeyed("decision_execution", cmd.decisionFingerprint, JSON.stringify(stored));
  return {
    ok: true,
    seq: last.seq,
    fingerprint: last.fpHex,
    decisionFingerprint: cmd.decisionFingerprint,
    committedMicros: settlement.chargedMicros,
    releasedMicros: settlement.releasedMicros,
    uncollectedMicros: settlement.uncollectedMicros,
  };
}

type OutcomeSuccess = Extract<OutcomeResult, { ok: true }>;

/** A feedback id seen before: its first answer for the same body, else a refusal. */
function priorFeedback(txn: LedgerTxn, cmd: FeedbackCommand): OutcomeResult | null {
  const prior = txn.keyed("webhook", cmd.feedbackId);
  if (prior === null) return null;
  const stored = JSON.parse(prior) as { digest: string; result: OutcomeSuccess };
  if (stored.digest === cmd.requestDigestHex) return { ...stored.result, replayed: true };
  // POST /v1/feedback names its id after the decision: another body is a second outcome.
  return cmd.feedbackId === `feedback:${cmd.decisionFingerprint}`
    ? ledgerFailure("outcome_already_recorded", "this decision already has feedback")
    : ledgerFailure("webhook_id_reused", "this webhook-id was already used with a different body");
}

/** Object keys in JCS order, so the entry seals with the native JSON.stringify. */
function sortedRecord(record: EntryRecord): EntryRecord {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function applyFeedback(txn: LedgerTxn, cmd: FeedbackCommand): OutcomeResult {
  if (txn.tenant === null) return ledgerFailure("tenant_unknown", "no tenant in this ledger");
  const prior = priorFeedback(txn, cmd);
  if (prior !== null) return prior;
  const decision = storedDecision(txn, cmd.decisionFingerprint);
  if ("ok" in decision) return decision;
  const text = txn.keyed("decision_execution", cmd.decisionFingerprint);
  const execution = text === null ? null : (JSON.parse(text) as StoredExecution);
  if (execution === null || execution.served === null) {
    return ledgerFailure(
      "decision_not_executed",
      "the proxy did not execute this decision (or no provider answered it): report its outcome with execution on /v1/outcomes",
    );
  }
  if (txn.keyed("decision_outcome", cmd.decisionFingerprint) !== null) {
    return ledgerFailure("outcome_already_recorded", "this decision already has an outcome");
  }
  const budget = txn.budget();
  const entry = txn.append("outcome", cmd.nowMs, {
    ledger: {
      ...execution.settlement,
      budget: budgetRecord(budget),
      decision_fp: cmd.decisionFingerprint,
      decision_seq: decision.seq,
      late: false,
      reservation_id: decision.reservationId,
      settled_seq: execution.seq,
      webhook_id: cmd.feedbackId,
    },
    outcome: sortedRecord({ ...execution.served.record, ...cmd.result }),
  });
  txn.putKeyed("decision_outcome", cmd.decisionFingerprint, entry.fpHex);
  const learnerOutcome = { ...execution.served.learnerExecution, ...cmd.result };
  queueForLearner(
    txn,
    { webhookId: cmd.feedbackId, nowMs: cmd.nowMs, decisionFingerprint: cmd.decisionFingerprint, learnerOutcome },
    decision,
    execution.settlement.charged_micros,
    entry.seq,
  );
  const result: OutcomeSuccess = {
    ok: true,
    seq: entry.seq,
    fingerprint: entry.fpHex,
    decisionFingerprint: cmd.decisionFingerprint,
    committedMicros: 0,
    releasedMicros: 0,
    uncollectedMicros: 0,
    replayed: false,
  };
  txn.putKeyed("webhook", cmd.feedbackId, JSON.stringify({ digest: cmd.requestDigestHex, result }));
  return result;
}

/** Keeps one proxy setting; an empty value marks a removed one (the keyed table has no delete). */
export function applyProxySetting(txn: LedgerTxn, cmd: ProxySettingCommand): ProxySettingResult {
  if (txn.tenant === null) return ledgerFailure("tenant_unknown", "no tenant in this ledger");
  txn.putKeyed("proxy", cmd.name, cmd.value ?? "");
  return { ok: true };
}
