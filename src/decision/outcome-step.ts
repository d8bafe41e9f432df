// One outcome, exactly as the worker and the replay both report it: what was executed and what
// came of it become the record the ledger seals and what the Learner learns from. Pure.

import type { LearnerOutcome } from "../learning/learner-input.ts";

export interface Execution {
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Null where it was not measured (replays of data sets without latency). */
  readonly latencyMs: number | null;
  readonly actualCostMicros: number;
}

export interface Result {
  readonly success: boolean | null;
  readonly qualityBps: number | null;
  readonly businessOutcomeMicros: number | null;
}

/** The outcome as sealed in the chain, keys in JCS order. */
export type OutcomeRecord = {
  readonly business_outcome_micros: number | null;
  readonly input_tokens: number;
  readonly latency_ms: number | null;
  readonly model: string;
  readonly output_tokens: number;
  readonly quality_bps: number | null;
  readonly success: boolean | null;
};

export interface PreparedOutcome {
  /** The option that ran: the ledger refuses one the decision did not offer. */
  readonly model: string;
  readonly actualCostMicros: number;
  readonly record: OutcomeRecord;
  readonly learnerOutcome: LearnerOutcome;
}

export function prepareOutcome(execution: Execution, result: Result): PreparedOutcome {
  return {
    model: execution.model,
    actualCostMicros: execution.actualCostMicros,
    record: {
      business_outcome_micros: result.businessOutcomeMicros,
      input_tokens: execution.inputTokens,
      latency_ms: execution.latencyMs,
      model: execution.model,
      output_tokens: execution.outputTokens,
      quality_bps: result.qualityBps,
      success: result.success,
    },
    learnerOutcome: {
      model: execution.model,
      success: result.success,
      quality_bps: result.qualityBps,
      input_tokens: execution.inputTokens,
      output_tokens: execution.outputTokens,
      business_outcome_micros: result.businessOutcomeMicros,
      latency_ms: execution.latencyMs,
      actual_cost_micros: execution.actualCostMicros,
    },
  };
}

/**
 * The result fields of an outcome as quality feedback on an execution the proxy already settled
 * (src/ledger/execute-execution.ts merges them into the execution's outcome record), keys in JCS order.
 */
export function feedbackRecord(result: Result): {
  business_outcome_micros: number | null;
  quality_bps: number | null;
  success: boolean | null;
} {
  return { business_outcome_micros: result.businessOutcomeMicros, quality_bps: result.qualityBps, success: result.success };
}
