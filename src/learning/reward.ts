// The reward of one outcome (DESIGN.md "Learning and evaluation"): business_outcome x quality -
// actual cost - latency penalty, in integer microcents. Pure and exact: integers only, every
// product split so nothing leaves 2^53 - 1; it never reads the clock and never rounds silently.

import { mulBps } from "../kernel/exact-math.ts";
import { expectIntegerInRange } from "../kernel/prng.ts";
import { BPS_SCALE, LATENCY_MS_MAX } from "../kernel/units.ts";

const MICROS_MAX = Number.MAX_SAFE_INTEGER;

/** An outcome as the reward needs it: the webhook's fields beside the value sealed with the decision. */
export interface RewardOutcome {
  /** The request's business value (value_micros, sealed with its decision). */
  readonly valueMicros: number;
  /** The value the client says the answer produced; replaces valueMicros in the reward's gain. */
  readonly businessOutcomeMicros?: number | null | undefined;
  readonly success?: boolean | null | undefined;
  /** Graded quality; takes precedence over success when given. */
  readonly qualityBps?: number | null | undefined;
  readonly actualCostMicros: number;
  /** Measured latency; none recorded is no penalty. */
  readonly latencyMs?: number | null | undefined;
}

/**
 * The latency penalty: latencyBpsPerSecond x latency_ms / 1000 as a share of the request's value
 * (bps), priced as the kernel prices its latency term (src/kernel/kernel.ts): the share is floored
 * to whole bps and capped at 10,000 (slowness never costs more than the whole value), then
 * floor(value x share / 10,000) exactly. Both floors round down, so the penalty is never more
 * than the unrounded product; the share's product stays below 3.6 x 10^10.
 */
export function latencyPenaltyMicros(valueMicros: number, latencyMs: number, latencyBpsPerSecond: number): number {
  expectIntegerInRange("valueMicros", valueMicros, 0, MICROS_MAX);
  expectIntegerInRange("latencyMs", latencyMs, 0, LATENCY_MS_MAX);
  expectIntegerInRange("latencyBpsPerSecond", latencyBpsPerSecond, 0, BPS_SCALE);
  const shareBps = Math.floor((latencyMs * latencyBpsPerSecond) / 1000);
  return mulBps(valueMicros, Math.min(shareBps, BPS_SCALE));
}

/** quality_bps when given, else 10,000 bps for a success and 0 for a failure. */
export function outcomeQualityBps(outcome: Pick<RewardOutcome, "success" | "qualityBps">): number {
  const { qualityBps, success } = outcome;
  if (qualityBps !== null && qualityBps !== undefined) return expectIntegerInRange("qualityBps", qualityBps, 0, BPS_SCALE);
  if (success === true) return BPS_SCALE;
  if (success === false) return 0;
  // The outcome schema requires one of the two (src/worker/schemas.ts): this is a bug, not data.
  throw new RangeError(`"success" expected a boolean when "qualityBps" is absent, got ${String(success)}`);
}

/**
 * reward_micros = floor(gain x quality_bps / 10,000) - actual cost - latency penalty, where the
 * gain is the business outcome when the outcome carries one, else the request's value. The
 * latency penalty is always a share of the request's value, the price the tenant set on waiting
 * when it asked, so a slow answer costs the same whatever it produced. Inputs are safe integers
 * >= 0 (the thrown error names the first that is not). The result is a safe integer: a loss beyond
 * -(2^53 - 1) saturates there (DESIGN.md "Numbers"), since only a cost near 2^53 can reach it.
 */
export function rewardMicros(outcome: RewardOutcome, latencyBpsPerSecond: number): number {
  const value = expectIntegerInRange("valueMicros", outcome.valueMicros, 0, MICROS_MAX);
  const business = outcome.businessOutcomeMicros;
  const gainBase =
    business === null || business === undefined ? value : expectIntegerInRange("businessOutcomeMicros", business, 0, MICROS_MAX);
  const cost = expectIntegerInRange("actualCostMicros", outcome.actualCostMicros, 0, MICROS_MAX);
  const gain = mulBps(gainBase, outcomeQualityBps(outcome));
  const penalty = latencyPenaltyMicros(value, outcome.latencyMs ?? 0, latencyBpsPerSecond);
  // gain and cost lie in [0, 2^53 - 1], so their difference is exact and safe; the penalty then
  // lowers it by at most the value, which may cross -(2^53 - 1): saturate rather than round.
  const net = gain - cost;
  if (net < penalty - MICROS_MAX) return -MICROS_MAX;
  return net - penalty;
}
