// The reward of DESIGN.md "Learning and evaluation" (src/learning/reward.ts): hand-computed cases,
// a BigInt reference (which cannot round) that it must equal everywhere, fast-check properties
// over edge-biased values (never NaN, a safe integer, monotone in quality, the business outcome
// replaces the value), and hostile inputs refused with the shared message template.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { latencyPenaltyMicros, rewardMicros, type RewardOutcome } from "../../../src/learning/reward.ts";

const MAX = Number.MAX_SAFE_INTEGER;
const LATENCY_MS_MAX = 3_600_000;
const NUM_RUNS = 5_000;

describe("hand-computed rewards", () => {
  test.each<[string, RewardOutcome, number, number]>([
    // 3,000,000 x 10,000 / 10,000 - 120,000
    ["a success earns the value less the cost", { valueMicros: 3_000_000, success: true, actualCostMicros: 120_000 }, 0, 2_880_000],
    ["a failure earns nothing and still pays", { valueMicros: 3_000_000, success: false, actualCostMicros: 120_000 }, 0, -120_000],
    // floor(1,000,001 x 7,500 / 10,000) = floor(750,000.75) = 750,000; less 1,000
    ["graded quality, floored", { valueMicros: 1_000_001, qualityBps: 7_500, actualCostMicros: 1_000 }, 0, 749_000],
    // quality_bps is given, so success does not count: 0 - 500
    ["quality_bps takes precedence over success", { valueMicros: 1_000, success: true, qualityBps: 0, actualCostMicros: 500 }, 0, -500],
    // share floor(2,500 x 100 / 1000) = 250 bps; penalty 1,000,000 x 250 / 10,000 = 25,000;
    // 1,000,000 - 10,000 - 25,000
    ["a latency penalty", { valueMicros: 1_000_000, success: true, actualCostMicros: 10_000, latencyMs: 2_500 }, 100, 965_000],
    // gain 5,000,000 (the business outcome); penalty 250 bps of the request's 3,000,000 = 75,000;
    // 5,000,000 - 120,000 - 75,000
    [
      "the business outcome replaces the value in the gain, not in the penalty",
      { valueMicros: 3_000_000, businessOutcomeMicros: 5_000_000, success: true, actualCostMicros: 120_000, latencyMs: 2_500 },
      100,
      4_805_000,
    ],
    // a business outcome of 0 is a given outcome, not an absent one: 0 - 7
    ["a business outcome of zero", { valueMicros: 3_000_000, businessOutcomeMicros: 0, success: true, actualCostMicros: 7 }, 0, -7],
    // null fields are absent: 3,000,000 - 7
    [
      "null business outcome and latency",
      { valueMicros: 3_000_000, businessOutcomeMicros: null, success: true, actualCostMicros: 7, latencyMs: null },
      100,
      2_999_993,
    ],
    // penalty = the whole value (share capped at 10,000); gain 0; -(2^53 - 1) - (2^53 - 1) saturates
    [
      "a loss beyond -(2^53 - 1) saturates",
      { valueMicros: MAX, qualityBps: 0, actualCostMicros: MAX, latencyMs: LATENCY_MS_MAX },
      10_000,
      -MAX,
    ],
    // 2^53 - 1 with nothing taken off
    ["the largest gain", { valueMicros: MAX, success: true, actualCostMicros: 0 }, 0, MAX],
  ])("%s", (_name, outcome, latencyBpsPerSecond, expected) => {
    expect(rewardMicros(outcome, latencyBpsPerSecond)).toBe(expected);
  });

  test("the latency share is floored to whole bps before it prices the value, and capped at the whole value", () => {
    // floor(1,234 x 100 / 1000) = floor(123.4) = 123 bps; floor(999,999 x 123 / 10,000) = floor(12,299.98)
    // = 12,299 (the unrounded 999,999 x 100 x 1,234 / 10^7 would be 12,339.98).
    expect(latencyPenaltyMicros(999_999, 1_234, 100)).toBe(12_299);
    // 999 ms at 1 bps per second is 0.999 bps: floored to none.
    expect(latencyPenaltyMicros(999_999, 999, 1)).toBe(0);
    // 20 s at 1,000 bps per second would be 20,000 bps: capped at 10,000, the whole value.
    expect(latencyPenaltyMicros(123_457, 20_000, 1_000)).toBe(123_457);
  });
});

/** Integers in [min, max] with the edges (0, 1, 9,999, 10,000, 2^31 - 1, 2^53 - 1...) drawn often. */
function edgeBiased(min: number, max: number): fc.Arbitrary<number> {
  const edges = [0, 1, 2, 999, 1_000, 9_999, 10_000, 10_001, 2 ** 31 - 1, 2 ** 32, MAX - 1, MAX].filter((x) => x >= min && x <= max);
  return fc.oneof({ arbitrary: fc.integer({ min, max }), weight: 3 }, { arbitrary: fc.constantFrom(min, max, ...edges), weight: 2 });
}

const micros = edgeBiased(0, MAX);
const quality = edgeBiased(0, 10_000);
const latency = edgeBiased(0, LATENCY_MS_MAX);
const latencyBps = edgeBiased(0, 10_000);
const outcomes: fc.Arbitrary<RewardOutcome> = fc.record({
  valueMicros: micros,
  businessOutcomeMicros: fc.option(micros, { nil: undefined }),
  success: fc.boolean(),
  qualityBps: fc.option(quality, { nil: undefined }),
  actualCostMicros: micros,
  latencyMs: fc.option(latency, { nil: undefined }),
});

/** The reward in BigInt, written from DESIGN.md and the module's stated rounding, sharing no code with it. */
function referenceReward(o: RewardOutcome, latencyBpsPerSecond: number): number {
  const q = BigInt(o.qualityBps ?? (o.success === true ? 10_000 : 0));
  const gain = (BigInt(o.businessOutcomeMicros ?? o.valueMicros) * q) / 10_000n;
  let share = (BigInt(o.latencyMs ?? 0) * BigInt(latencyBpsPerSecond)) / 1_000n;
  if (share > 10_000n) share = 10_000n;
  const penalty = (BigInt(o.valueMicros) * share) / 10_000n;
  const reward = gain - BigInt(o.actualCostMicros) - penalty;
  return reward < -BigInt(MAX) ? -MAX : Number(reward);
}

describe("properties", () => {
  test("equals the BigInt reference, and is a safe integer, never NaN or -0", () => {
    fc.assert(
      fc.property(outcomes, latencyBps, (outcome, bpsPerSecond) => {
        const reward = rewardMicros(outcome, bpsPerSecond);
        expect(Number.isSafeInteger(reward)).toBe(true);
        expect(Object.is(reward, -0)).toBe(false);
        expect(reward).toBe(referenceReward(outcome, bpsPerSecond));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test("monotone in quality: more quality never earns less", () => {
    fc.assert(
      fc.property(outcomes, latencyBps, quality, quality, (outcome, bpsPerSecond, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(rewardMicros({ ...outcome, qualityBps: low }, bpsPerSecond)).toBeLessThanOrEqual(
          rewardMicros({ ...outcome, qualityBps: high }, bpsPerSecond),
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test("a success never earns less than a failure", () => {
    fc.assert(
      fc.property(outcomes, latencyBps, (outcome, bpsPerSecond) => {
        // Without quality_bps, so that success decides the quality.
        const rest = { ...outcome, qualityBps: undefined };
        expect(rewardMicros({ ...rest, success: false }, bpsPerSecond)).toBeLessThanOrEqual(
          rewardMicros({ ...rest, success: true }, bpsPerSecond),
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test("the business outcome overrides the value: with no latency the request's value no longer matters", () => {
    fc.assert(
      fc.property(outcomes, micros, micros, (outcome, business, otherValue) => {
        const given = { ...outcome, businessOutcomeMicros: business, latencyMs: 0 };
        const reward = rewardMicros(given, 10_000);
        expect(rewardMicros({ ...given, valueMicros: otherValue }, 10_000)).toBe(reward);
        // ... and it is the reward a request worth exactly the business outcome would have earned.
        expect(rewardMicros({ ...given, businessOutcomeMicros: undefined, valueMicros: business }, 10_000)).toBe(reward);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test("a costlier outcome or a slower one never earns more", () => {
    fc.assert(
      fc.property(outcomes, latencyBps, micros, latency, (outcome, bpsPerSecond, extraCost, slower) => {
        const reward = rewardMicros(outcome, bpsPerSecond);
        const cost = Math.min(MAX, outcome.actualCostMicros + extraCost);
        expect(rewardMicros({ ...outcome, actualCostMicros: cost }, bpsPerSecond)).toBeLessThanOrEqual(reward);
        const latencyMs = Math.max(outcome.latencyMs ?? 0, slower);
        expect(rewardMicros({ ...outcome, latencyMs }, bpsPerSecond)).toBeLessThanOrEqual(reward);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe("hostile inputs are refused with the field's name", () => {
  const base: RewardOutcome = { valueMicros: 1_000, success: true, actualCostMicros: 10, latencyMs: 5 };
  const hostile: readonly unknown[] = [Number.NaN, Infinity, -Infinity, -0, -1, 1.5, MAX + 1, 2 ** 53, "7", 7n, null, {}];
  const fields = ["valueMicros", "businessOutcomeMicros", "qualityBps", "actualCostMicros", "latencyMs"] as const;

  test.each(fields.flatMap((field) => hostile.map((value) => [field, value] as const)))("%s = %s", (field, value) => {
    // null is how a client says "not given" for the optional fields; it is refused only where required.
    const optional = field !== "valueMicros" && field !== "actualCostMicros";
    if (value === null && optional) return;
    const outcome = { ...base, [field]: value } as unknown as RewardOutcome;
    expect(() => rewardMicros(outcome, 100)).toThrow(`"${field}" expected integer in`);
  });

  test("latencyBpsPerSecond above 10,000 or negative, and an outcome with neither success nor quality", () => {
    expect(() => rewardMicros(base, 10_001)).toThrow('"latencyBpsPerSecond" expected integer in [0, 10000], got 10001');
    expect(() => rewardMicros(base, -1)).toThrow('"latencyBpsPerSecond" expected integer in [0, 10000], got -1');
    expect(() => rewardMicros({ valueMicros: 1, actualCostMicros: 0 }, 0)).toThrow('"success" expected a boolean');
  });
});
