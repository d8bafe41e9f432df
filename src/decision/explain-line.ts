// A sealed decision entry explained as the dashboard lists it: the /v1/decide answer the entry
// proves (gate verdicts, the served option's utility terms, the runner-up), rebuilt from the chain
// line alone by the same pure function that answered the request. Never touches storage.

import type { DomainPack } from "../domain/domain-pack.ts";
import { decisionAnswer, type GateVerdict, type SealedDecision } from "./decision-answer.ts";
import type { DecisionRecord } from "./decision-record.ts";

interface DecisionLine {
  readonly fp: string;
  readonly kind: string;
  readonly seq: number;
  readonly ts: number;
  readonly record: {
    readonly decision: DecisionRecord;
    readonly ledger: {
      readonly budget_verdict: SealedDecision["budgetVerdict"];
      readonly decision_id: string;
      readonly reservation_id: string | null;
      readonly reserved_micros: number;
      readonly served_rank: number;
    };
  };
}

export type ExplainedDecision = {
  readonly seq: number;
  readonly ts_ms: number;
  readonly regime: string;
} & (
  | { readonly served: true; readonly answer: Record<string, unknown> }
  | { readonly served: false; readonly code: string; readonly detail: string; readonly fingerprint: string; readonly gates: GateVerdict[] }
);

/** The explanation of a decision line, or null for an entry of another kind. */
export function explainDecisionLine(pack: DomainPack, line: string): ExplainedDecision | null {
  const entry = JSON.parse(line) as DecisionLine;
  if (entry.kind !== "decision") return null;
  const { decision, ledger } = entry.record;
  const sealed: SealedDecision = {
    ok: true,
    seq: entry.seq,
    fingerprint: entry.fp,
    decisionId: ledger.decision_id,
    servedRank: ledger.served_rank,
    reservationId: ledger.reservation_id,
    reservedMicros: ledger.reserved_micros,
    budgetVerdict: ledger.budget_verdict,
    replayed: false,
  };
  const answer = decisionAnswer(pack, decision, sealed);
  const head = { seq: entry.seq, ts_ms: entry.ts, regime: decision.request.regime };
  if (answer.served) {
    // A listing is no retry: the answer's `replayed` flag means nothing here.
    const body: Record<string, unknown> = { ...answer.body };
    delete body.replayed;
    return { ...head, served: true, answer: body };
  }
  return { ...head, served: false, code: answer.code, detail: answer.detail, fingerprint: entry.fp, gates: answer.sealed.gates };
}
