// The evaluation as the Learner keeps it: one state for every outcome since the first it
// evaluated, and the same terms bucketed by the UTC day the outcome was sealed, so "since a day"
// is the sum of a few buckets, never a scan of the log. Pure: the Learner stores it as JSON.

import type { DomainPack } from "../../domain/domain-pack.ts";
import type { OutcomePayload } from "../learner-input.ts";
import { addDecision } from "./add-decision.ts";
import { addStateInto, emptyEvaluationState, parseEvaluationState, type EvaluationState } from "./evaluation-state.ts";
import { evaluationInput, type EvaluationSkip } from "./from-outcome.ts";

export const DAY_MS = 86_400_000;
/** Day buckets kept: a quarter of a year of `since`; older figures stay in the whole. */
export const DAYS_KEPT = 92;

export interface EvaluationBook {
  readonly whole: EvaluationState;
  /** Buckets by UTC day number (ms / DAY_MS), oldest first; at most DAYS_KEPT. */
  readonly days: { readonly day: number; readonly state: EvaluationState }[];
  /** The first outcome evaluated (its seq in the chain), or null before any. */
  firstOutcomeSeq: number | null;
  /** Outcomes not evaluated, by reason. */
  readonly skipped: Record<EvaluationSkip, number>;
}

export function emptyBook(pack: DomainPack): EvaluationBook {
  return {
    whole: emptyEvaluationState({ regimeCount: pack.regimes.length, optionCount: pack.options.length }),
    days: [],
    firstOutcomeSeq: null,
    skipped: { nothing_served: 0, apprentice: 0, fallback: 0, unknown_option: 0, no_verdict: 0 },
  };
}

/** Reads a stored book back; a row that is not one is refused (a bug to surface, not to guess). */
export function parseBook(value: unknown): EvaluationBook {
  const record = value as { whole?: unknown; days?: unknown; firstOutcomeSeq?: unknown; skipped?: unknown };
  if (typeof record !== "object" || record === null || !Array.isArray(record.days)) throw new TypeError("evaluation book expected");
  const days = record.days.map((entry: { day?: unknown; state?: unknown }) => {
    if (!Number.isSafeInteger(entry.day)) throw new RangeError('"day" expected an integer');
    return { day: entry.day as number, state: parseEvaluationState(entry.state) };
  });
  const first = record.firstOutcomeSeq;
  if (first !== null && !Number.isSafeInteger(first)) throw new RangeError('"firstOutcomeSeq" expected an integer or null');
  const skipped = record.skipped as Record<EvaluationSkip, number>;
  return { whole: parseEvaluationState(record.whole), days, firstOutcomeSeq: first as number | null, skipped: { ...skipped } };
}

/**
 * Adds outcomes in the order given (chain order: the ledger delivers the outbox so), in place.
 * An outcome without a seal time (queued before the book existed) counts in the whole only.
 */
export function recordOutcomes(book: EvaluationBook, pack: DomainPack, payloads: readonly OutcomePayload[]): void {
  for (const payload of payloads) {
    const input = evaluationInput(pack, payload);
    if (!input.ok) {
      book.skipped[input.skip] += 1;
      continue;
    }
    if (book.firstOutcomeSeq === null && payload.outcomeSeq !== undefined) book.firstOutcomeSeq = payload.outcomeSeq;
    const bucket = payload.outcomeTs === undefined ? null : dayBucket(book, Math.floor(payload.outcomeTs / DAY_MS));
    addDecision(book.whole, input.decision, bucket === null ? [] : [bucket]);
  }
}

/** The bucket of a day, created (and the oldest dropped past DAYS_KEPT) as needed. */
function dayBucket(book: EvaluationBook, day: number): EvaluationState | null {
  const last = book.days.at(-1);
  if (last !== undefined && last.day === day) return last.state;
  // The ledger's clock never goes back far; an outcome sealed before the newest bucket joins its own day's if kept.
  const kept = book.days.find((entry) => entry.day === day);
  if (kept !== undefined) return kept.state;
  if (last !== undefined && day < last.day) return null;
  book.days.push({ day, state: emptyEvaluationState(book.whole) });
  if (book.days.length > DAYS_KEPT) book.days.shift();
  return book.days.at(-1)!.state;
}

export type SinceAnswer =
  { readonly ok: true; readonly state: EvaluationState } | { readonly ok: false; readonly oldestDay: number | null };

/** The whole, or the buckets from `sinceDay` on added up in day order; refused before the oldest kept day. */
export function stateSince(book: EvaluationBook, sinceDay: number | null): SinceAnswer {
  if (sinceDay === null) return { ok: true, state: book.whole };
  const oldest = book.days[0]?.day ?? null;
  if (oldest === null || sinceDay < oldest) {
    // Nothing was sealed before the first bucket: a `since` before it is the whole, if nothing was ever dropped.
    if (book.days.length < DAYS_KEPT && (oldest === null || sinceDay < oldest)) return { ok: true, state: book.whole };
    return { ok: false, oldestDay: oldest };
  }
  const sum = emptyEvaluationState(book.whole);
  for (const entry of book.days) if (entry.day >= sinceDay) addStateInto(sum, entry.state);
  return { ok: true, state: sum };
}
