// One batch of outcomes from the ledger's outbox, learned in delivery order. Ids learned before,
// or earlier in the same batch, are skipped, so a redelivery never counts twice. Pure: the Learner
// object reads which ids it has learned, and persists what this returns; nothing here is stored.

import type { DomainPack } from "../domain/domain-pack.ts";
import type { OutcomePayload } from "./learner-input.ts";
import { applyOutcome, type CostOf, type LearnerState } from "./learner-state.ts";

/** An outcome as the outbox delivers it: its id and the payload the ledger sealed (JSON). */
export interface DeliveredOutcome {
  readonly id: string;
  readonly payload: string;
}

export interface LearnedBatch {
  /** The state after every new outcome; the very input object when none changed it. */
  readonly state: LearnerState;
  /** Ids seen for the first time, in delivery order. Unreadable ones are among them: see below. */
  readonly newIds: readonly string[];
  /** New outcomes whose payload could not be learned, with the reason, for the object's log. */
  readonly unreadable: readonly { readonly id: string; readonly error: string }[];
  /** The payloads learned, in delivery order: what the evaluation scores next (evaluation-book.ts). */
  readonly learned: readonly OutcomePayload[];
}

/**
 * Learns every outcome whose id is neither in `learnedBefore` nor earlier in `outcomes`.
 * An unreadable payload was written by our own ledger, so it is a bug; it is reported and still
 * counted as learned, because refusing it would block the outbox behind it for ever.
 */
export function learnBatch(
  state: LearnerState,
  pack: DomainPack,
  outcomes: readonly DeliveredOutcome[],
  options: { readonly learnedBefore: ReadonlySet<string>; readonly costOf: CostOf },
): LearnedBatch {
  const seen = new Set(options.learnedBefore);
  const newIds: string[] = [];
  const unreadable: { id: string; error: string }[] = [];
  const learned: OutcomePayload[] = [];
  let next = state;
  for (const outcome of outcomes) {
    if (seen.has(outcome.id)) continue;
    seen.add(outcome.id);
    newIds.push(outcome.id);
    try {
      const payload = JSON.parse(outcome.payload) as OutcomePayload;
      next = applyOutcome(next, pack, payload, options.costOf);
      learned.push(payload);
    } catch (error) {
      unreadable.push({ id: outcome.id, error: String(error) });
    }
  }
  return { state: next, newIds, unreadable, learned };
}
