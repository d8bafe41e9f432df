// The value weight of a policy configuration, applied where the kernel cannot: to the request's
// value before the decision. Exact integers (DESIGN.md "Numbers"); saturates at the kernel's bound.

import { mulBps } from "../../kernel/exact-math.ts";
import { BPS_SCALE, VALUE_MICROS_MAX } from "../../kernel/units.ts";

/**
 * floor(valueMicros x valueWeightBps / 10,000), at most VALUE_MICROS_MAX. The kernel prices quality,
 * and latency as a share of value, against cost and risk, so a weight above 10,000 leans the choice
 * towards quality and speed, below it towards cheaper options. The evaluation should keep scoring
 * the unweighted value: a candidate judged by its own weight would grade its own homework.
 * Preconditions (a bug otherwise): 0 <= valueMicros <= VALUE_MICROS_MAX, 0 <= valueWeightBps <= 10^5.
 */
export function weightedValueMicros(valueMicros: number, valueWeightBps: number): number {
  if (!Number.isSafeInteger(valueMicros) || valueMicros < 0 || valueMicros > VALUE_MICROS_MAX || Object.is(valueMicros, -0)) {
    throw new RangeError(`"valueMicros" expected integer in [0, ${VALUE_MICROS_MAX}], got ${valueMicros}`);
  }
  if (!Number.isSafeInteger(valueWeightBps) || valueWeightBps < 0 || valueWeightBps > 10 * BPS_SCALE) {
    throw new RangeError(`"valueWeightBps" expected integer in [0, ${10 * BPS_SCALE}], got ${valueWeightBps}`);
  }
  // weight = whole x 10^4 + part: value x whole is exact while below 10^15 < 2^53, and past it saturates.
  const whole = Math.floor(valueWeightBps / BPS_SCALE);
  const part = valueWeightBps - whole * BPS_SCALE;
  const scaled = valueMicros * whole;
  if (scaled >= VALUE_MICROS_MAX) return VALUE_MICROS_MAX;
  return Math.min(VALUE_MICROS_MAX, scaled + mulBps(valueMicros, part));
}
