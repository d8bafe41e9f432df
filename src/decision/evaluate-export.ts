// The evaluation recomputed from a chain export alone (`calybris evaluate`): every decision entry
// gives the context the ledger sealed for the Learner (learnerContext, the same function) and a
// count in the tally; every outcome entry, in chain order, gives the payload the outbox delivered.
// The same evaluation book then scores them, so anyone who holds the chain gets GET
// /v1/evaluation's answer to the last digit. Pure: the CLI reads the file and prints.

import type { DomainPack } from "../domain/domain-pack.ts";
import { DecisionCode } from "../kernel/result-codes.ts";
import { evaluate } from "../learning/evaluation/evaluate.ts";
import { EMPTY_META, oldestKeptDay, recordOutcomes, shapeOf, sumBuckets, type BookMeta } from "../learning/evaluation/evaluation-book.ts";
import { emptyEvaluationState, type EvaluationState } from "../learning/evaluation/evaluation-state.ts";
import type { LearnerContext, OutcomePayload } from "../learning/learner-input.ts";
import type { TallyRow } from "../ledger/store.ts";
import { learnerContext } from "./decide-step.ts";
import type { DecisionRecord } from "./decision-record.ts";
import { dayText, evaluationAnswer, type EvaluationAnswerJson, type EvaluationScope } from "./evaluation-answer.ts";
import type { OutcomeRecord } from "./outcome-step.ts";

const DAY_MS = 86_400_000;

interface SealedDecision {
  readonly context: LearnerContext;
  readonly servedOption: string | null;
  readonly servedRank: number;
}

type Line = {
  readonly seq: number;
  readonly kind: string;
  readonly ts: number;
  readonly record: {
    readonly decision?: DecisionRecord;
    readonly outcome?: OutcomeRecord;
    readonly ledger?: Record<string, unknown>;
    readonly policy?: { readonly op?: unknown; readonly config_hash?: unknown };
  };
};

export type ExportEvaluation =
  { readonly ok: true; readonly answer: EvaluationAnswerJson } | { readonly ok: false; readonly problem: string };

/**
 * The evaluation of an export's lines (one chain entry each, as GET /v1/chain serves them; the
 * chain's integrity is `calybris verify`'s job). `packOf` names the pack of the decisions' `pack`.
 */
export function evaluateExport(
  lines: readonly string[],
  scope: EvaluationScope,
  packOf: (id: string) => DomainPack | null,
): ExportEvaluation {
  let pack: DomainPack | null = null;
  const decisions = new Map<number, SealedDecision>();
  const tally = new Map<string, { day: number; regime: number; decisions: number; lowPropensity: number }>();
  const payloads: { payload: OutcomePayload }[] = [];
  // The staged candidate, as the chain's policy entries leave it: a stage names it, anything else ends it.
  let candidateHash: string | null = null;
  for (const [index, text] of lines.entries()) {
    if (text.length === 0) continue;
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch {
      return { ok: false, problem: `line ${index + 1} is not JSON` };
    }
    if (line.kind === "decision" && line.record.decision !== undefined) {
      const record = line.record.decision;
      pack ??= packOf(record.pack);
      if (pack === null || pack.id !== record.pack)
        return { ok: false, problem: `line ${index + 1}: pack ${JSON.stringify(record.pack)} unknown or mixed` };
      const ledger = line.record.ledger ?? {};
      const servedRank = typeof ledger.served_rank === "number" ? ledger.served_rank : -1;
      decisions.set(line.seq, {
        context: learnerContext(pack, record),
        servedOption: (ledger.served_option as string | null) ?? null,
        servedRank,
      });
      // The ledger's tally (src/ledger/txn.ts): the policy's own draw served at rank 0 with a chance under 1/20.
      const r = record.result;
      const own = r.code === DecisionCode.ok && record.apprentice === null && servedRank === 0;
      const low = own && r.propensity.denominator > 0 && r.propensity.numerator * 20 < r.propensity.denominator;
      const day = Math.floor(line.ts / DAY_MS);
      const key = `${day}:${record.request.regime_index}`;
      const row = tally.get(key) ?? { day, regime: record.request.regime_index, decisions: 0, lowPropensity: 0 };
      row.decisions += 1;
      if (low) row.lowPropensity += 1;
      tally.set(key, row);
    } else if (line.kind === "policy" && line.record.policy !== undefined) {
      const event = line.record.policy;
      candidateHash = event.op === "stage" && typeof event.config_hash === "string" ? event.config_hash : null;
    } else if (line.kind === "outcome" && line.record.outcome !== undefined) {
      const ledger = line.record.ledger ?? {};
      const decision = decisions.get(ledger.decision_seq as number);
      if (decision === undefined)
        return { ok: false, problem: `line ${index + 1}: outcome of decision ${String(ledger.decision_seq)}, not in the export` };
      const outcome = line.record.outcome;
      payloads.push({
        payload: {
          outcomeId: ledger.webhook_id as string,
          decisionFingerprint: ledger.decision_fp as string,
          decisionSeq: ledger.decision_seq as number,
          outcomeSeq: line.seq,
          outcomeTs: line.ts,
          servedOption: decision.servedOption,
          servedRank: decision.servedRank,
          context: decision.context,
          outcome: {
            model: outcome.model,
            success: outcome.success,
            quality_bps: outcome.quality_bps,
            input_tokens: outcome.input_tokens,
            output_tokens: outcome.output_tokens,
            business_outcome_micros: outcome.business_outcome_micros,
            latency_ms: outcome.latency_ms,
            actual_cost_micros: ledger.actual_cost_micros as number,
          },
          chargedMicros: ledger.charged_micros as number,
        },
      });
    }
  }
  if (pack === null) return { ok: false, problem: "the export holds no decision" };
  const book = bookOf(
    pack,
    payloads.map((p) => p.payload),
  );
  const sinceDay = scope.sinceDay;
  let state = book.whole;
  if (sinceDay !== null) {
    const oldest = oldestKeptDay(book.meta);
    if (oldest !== null && sinceDay < oldest) return { ok: false, problem: `"since" reaches back at most to ${dayText(oldest)}` };
    state = sumBuckets(
      shapeOf(pack),
      [...book.days.entries()]
        .filter(([day]) => day >= sinceDay && (oldest === null || day >= oldest))
        .sort(([a], [b]) => a - b)
        .map(([, s]) => s),
    );
  }
  const rows: TallyRow[] = [...tally.values()]
    .filter((row) => sinceDay === null || row.day >= sinceDay)
    .reduce<TallyRow[]>((sums, row) => {
      const at = sums.findIndex((sum) => sum.regime === row.regime);
      if (at < 0) sums.push({ regime: row.regime, decisions: row.decisions, lowPropensity: row.lowPropensity });
      else
        sums[at] = {
          regime: row.regime,
          decisions: sums[at]!.decisions + row.decisions,
          lowPropensity: sums[at]!.lowPropensity + row.lowPropensity,
        };
      return sums;
    }, [])
    .sort((a, b) => a.regime - b.regime);
  const sums = candidateHash === null ? null : (book.candidates.get(candidateHash) ?? emptyEvaluationState(shapeOf(pack)));
  const candidate =
    candidateHash === null || sums === null ? null : { configHash: candidateHash, report: evaluate(sums, { regime: scope.regime }) };
  return { ok: true, answer: evaluationAnswer(pack, scope, evaluate(state, { regime: scope.regime }), book.meta, rows, candidate) };
}

/** The book the Learner would hold after these outcomes, with every day bucket. */
function bookOf(
  pack: DomainPack,
  payloads: readonly OutcomePayload[],
): { whole: EvaluationState; meta: BookMeta; days: Map<number, EvaluationState>; candidates: Map<string, EvaluationState> } {
  const whole = emptyEvaluationState(shapeOf(pack));
  const days = new Map<number, EvaluationState>();
  const bucketOf = (day: number): EvaluationState => {
    let bucket = days.get(day);
    if (bucket === undefined) {
      bucket = emptyEvaluationState(shapeOf(pack));
      days.set(day, bucket);
    }
    return bucket;
  };
  const candidates = new Map<string, EvaluationState>();
  const candidateOf = (hash: string): EvaluationState => {
    let sums = candidates.get(hash);
    if (sums === undefined) {
      sums = emptyEvaluationState(shapeOf(pack));
      candidates.set(hash, sums);
    }
    return sums;
  };
  const meta = recordOutcomes(whole, EMPTY_META, pack, payloads, bucketOf, candidateOf);
  return { whole, meta, days, candidates };
}
