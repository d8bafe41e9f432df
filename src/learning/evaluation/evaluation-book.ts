// The evaluation as the Learner keeps it: one state for every outcome since the first it
// evaluated, and the same terms bucketed by the UTC day the outcome was sealed, so "since a day"
// is the sum of at most DAYS_KEPT buckets, never a scan of the log. The shell stores the whole,
// the meta and each day's bucket as rows and hands the buckets in; everything here is pure.

import type { DomainPack } from "../../domain/domain-pack.ts";
import type { OutcomePayload } from "../learner-input.ts";
import { addDecision } from "./add-decision.ts";
import { addStateInto, emptyEvaluationState, type EvaluationShape, type EvaluationState } from "./evaluation-state.ts";
import { evaluationInput, type EvaluationSkip } from "./from-outcome.ts";

export const DAY_MS = 86_400_000;
/** Day buckets kept, counted back from the newest: a quarter of a year of `since`. */
export const DAYS_KEPT = 92;

export interface BookMeta {
  /** The first outcome evaluated (its seq in the chain), or null before any. */
  readonly firstOutcomeSeq: number | null;
  /** The newest UTC day with an evaluated outcome, or null. */
  readonly newestDay: number | null;
  /** Outcomes not evaluated, by reason. */
  readonly skipped: Readonly<Record<EvaluationSkip, number>>;
}

export const EMPTY_META: BookMeta = {
  firstOutcomeSeq: null,
  newestDay: null,
  skipped: { nothing_served: 0, apprentice: 0, fallback: 0, unknown_option: 0, no_verdict: 0 },
};

export function shapeOf(pack: DomainPack): EvaluationShape {
  return { regimeCount: pack.regimes.length, optionCount: pack.options.length };
}

/** The oldest day a `since` may name: buckets before it are dropped. */
export function oldestKeptDay(meta: BookMeta): number | null {
  return meta.newestDay === null ? null : meta.newestDay - DAYS_KEPT + 1;
}

/**
 * Adds outcomes in the order given (chain order: the ledger delivers the outbox so) to `whole`
 * and to their day's bucket (`bucketOf`, created empty by the shell when new), and a shadowed
 * one to its candidate configuration's sums (`candidateOf`), in place; returns the new meta. An outcome without a seal time (queued before the book) counts in the
 * whole only, as does one older than the kept days.
 */
export function recordOutcomes(
  whole: EvaluationState,
  meta: BookMeta,
  pack: DomainPack,
  payloads: readonly OutcomePayload[],
  bucketOf: (day: number) => EvaluationState,
  candidateOf: (configHash: string) => EvaluationState,
): BookMeta {
  let { firstOutcomeSeq, newestDay } = meta;
  const skipped = { ...meta.skipped };
  for (const payload of payloads) {
    const input = evaluationInput(pack, payload);
    if (!input.ok) {
      skipped[input.skip] += 1;
      continue;
    }
    if (firstOutcomeSeq === null && payload.outcomeSeq !== undefined) firstOutcomeSeq = payload.outcomeSeq;
    const day = payload.outcomeTs === undefined ? null : Math.floor(payload.outcomeTs / DAY_MS);
    if (day !== null && (newestDay === null || day > newestDay)) newestDay = day;
    const kept = day !== null && newestDay !== null && day > newestDay - DAYS_KEPT;
    // A shadowed decision also scores in its candidate's own sums (one per configuration staged),
    // with the whole's model: the whole's candidate columns mix candidates and are not reported.
    const shadow = input.decision.candidate === null ? null : (payload.context.shadow ?? null);
    const also = [...(kept ? [bucketOf(day)] : []), ...(shadow === null ? [] : [candidateOf(shadow.config_hash)])];
    addDecision(whole, input.decision, also);
  }
  return { firstOutcomeSeq, newestDay, skipped };
}

/** The buckets of the days asked for, added up in the order given (ascending days, by the caller). */
export function sumBuckets(shape: EvaluationShape, buckets: readonly EvaluationState[]): EvaluationState {
  const sum = emptyEvaluationState(shape);
  for (const bucket of buckets) addStateInto(sum, bucket);
  return sum;
}
