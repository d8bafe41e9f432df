// What the Learner learns from, named once: the context sealed beside a decision, the outcome
// as the client reported it, and the outbox message the ledger builds from both. The decision
// layer writes the first two, the ledger carries them as canonical values, the Learner reads
// the third. Type aliases, not interfaces, so they are canonical values as they stand.

/** Sealed with a decision: what its outcome will be learned against. */
export type LearnerContext = {
  readonly regime_index: number;
  readonly ranked: readonly string[];
  /** The learning arm of each ranked option: its index in the pack (one arm per option). */
  readonly ranked_arms: readonly number[];
  readonly propensity: { readonly numerator: number; readonly denominator: number };
  readonly explored: boolean;
  readonly holdout: boolean;
  readonly policy_hash: string;
  readonly input_tokens: number;
  readonly value_micros: number;
  readonly risk_bps: number;
  readonly mode: string;
  readonly kernel_choice: string | null;
  /** The floor the decision was gated by, bps: a graded outcome at or above it counts as a success. */
  readonly floor_bps: number;
  /** Posterior mean success of each ranked option when it was decided, bps (empty if not sealed). */
  readonly predicted_bps: readonly number[];
  /** The reward's latency price (src/learning/reward.ts), as the deciding snapshot had it. */
  readonly latency_bps_per_second: number;
  /**
   * The staged candidate's shadow: its configuration, its choice (the option's index in the pack,
   * -1 when it refused) and its exact probability of choosing what production chose. Null when none.
   */
  readonly shadow: {
    readonly config_hash: string;
    readonly choice: number;
    readonly served_probability: { readonly numerator: number; readonly denominator: number };
  } | null;
};

/** An outcome as the Learner needs it; null where the client did not say. */
export type LearnerOutcome = {
  readonly model: string;
  readonly success: boolean | null;
  readonly quality_bps: number | null;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly business_outcome_micros?: number | null;
  readonly latency_ms?: number | null;
  readonly actual_cost_micros: number;
};

/**
 * One outbox row's payload (src/ledger/execute-decision.ts writes it). Older rows may lack the
 * optional outcome fields; the Learner reads them as absent.
 */
export type OutcomePayload = {
  readonly outcomeId: string;
  readonly decisionFingerprint?: string;
  readonly decisionSeq?: number;
  /** The outcome entry's seq and seal time; rows queued before they existed lack them. */
  readonly outcomeSeq?: number;
  readonly outcomeTs?: number;
  readonly servedOption: string | null;
  readonly servedRank?: number;
  readonly context: Pick<LearnerContext, "regime_index" | "input_tokens" | "value_micros" | "risk_bps"> & Partial<LearnerContext>;
  readonly outcome: Pick<LearnerOutcome, "success" | "quality_bps"> & Partial<LearnerOutcome>;
  readonly chargedMicros?: number;
};
