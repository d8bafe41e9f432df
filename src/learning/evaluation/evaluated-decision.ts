// One settled decision as the evaluation needs it: what its sealed record and its outcome give.
// The check refuses anything malformed before the state is touched, with the kernel's message
// template (`"propensityPpm" expected integer in [1, 1000000], got 0`).

import { expectIntegerInRange } from "../../kernel/prng.ts";
import { BPS_SCALE } from "../../kernel/units.ts";
import type { EvaluationShape } from "./evaluation-state.ts";
import { PPM_SCALE } from "./weights.ts";

export interface EvaluatedDecision {
  readonly regime: number;
  /** The option served (its index in the pack). */
  readonly served: number;
  /**
   * The probability, ppm, that the policy which served this decision (production, or the
   * baseline on a holdout decision) would serve this option: the propensity sealed with it.
   */
  readonly propensityPpm: number;
  /** Served by the holdout baseline instead of production (deterministic by request hash). */
  readonly holdout: boolean;
  /** Realized net value, rewardMicros() of the outcome (src/learning/reward.ts). */
  readonly rewardMicros: number;
  readonly success: boolean;
  /** Production's posterior mean success of the served option when it decided, or null if unknown. */
  readonly predictedBps: number | null;
  /**
   * The staged candidate's shadow decision on the same request and seed: its choice, and its
   * exact probability (ppm) of choosing the option that was served. It may be 0 even when the
   * candidate chose that option: ppm are rounded, and a chance under half a ppm rounds to 0.
   * Null when no candidate was staged.
   */
  readonly candidate: { readonly choice: number; readonly servedProbPpm: number } | null;
}

/** Reward bounds: any safe integer (rewardMicros saturates losses at -(2^53 - 1)). */
const REWARD_MICROS_MAX = Number.MAX_SAFE_INTEGER;

function expectBoolean(name: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new TypeError(`"${name}" expected boolean, got ${typeof value}`);
  return value;
}

/** Refuses a decision that does not fit the shape or the units; returns it unchanged otherwise. */
export function checkEvaluatedDecision(decision: EvaluatedDecision, shape: EvaluationShape): EvaluatedDecision {
  if (typeof decision !== "object" || decision === null) throw new TypeError(`"decision" expected an object`);
  expectIntegerInRange("regime", decision.regime, 0, shape.regimeCount - 1);
  expectIntegerInRange("served", decision.served, 0, shape.optionCount - 1);
  expectIntegerInRange("propensityPpm", decision.propensityPpm, 1, PPM_SCALE);
  expectBoolean("holdout", decision.holdout);
  expectIntegerInRange("rewardMicros", decision.rewardMicros, -REWARD_MICROS_MAX, REWARD_MICROS_MAX);
  expectBoolean("success", decision.success);
  if (decision.predictedBps !== null) expectIntegerInRange("predictedBps", decision.predictedBps, 0, BPS_SCALE);
  const candidate = decision.candidate;
  if (candidate !== null) {
    if (typeof candidate !== "object") throw new TypeError(`"candidate" expected an object or null`);
    expectIntegerInRange("candidate.choice", candidate.choice, 0, shape.optionCount - 1);
    expectIntegerInRange("candidate.servedProbPpm", candidate.servedProbPpm, 0, PPM_SCALE);
  }
  return decision;
}
