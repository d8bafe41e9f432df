// The idealised bandit of src/replay/bandit-ceiling.ts: per-regime means from a record table,
// KL-UCB's index, and regret shares that are 0 where nothing can be lost and
// small where the best arm is obvious, for every policy it compares.

import { describe, expect, test } from "vitest";
import { BANDIT_POLICY_NAMES, bernoulliKl, ceilingRegretShare, klUpper, regimeBandits } from "../../../src/replay/bandit-ceiling.ts";
import { RecordTableBuilder } from "../../../src/replay/record-table.ts";

const VALUE = 1_000;

describe("regimeBandits", () => {
  test("averages each option's success and cost per regime, skipping a regime without records", () => {
    const builder = new RecordTableBuilder(2);
    const outcomes = (a: boolean, b: boolean, costB: number) => [
      { success: a, qualityBps: a ? 10_000 : 0, costMicros: 10 },
      { success: b, qualityBps: b ? 10_000 : 0, costMicros: costB },
    ];
    const record = (id: string, regimeIndex: number, a: boolean, b: boolean, costB: number) =>
      builder.push({
        id,
        regimeIndex,
        inputTokens: 1,
        maxOutputTokens: 1,
        valueMicros: VALUE,
        riskBps: 0,
        event: false,
        outcomes: outcomes(a, b, costB),
      });
    record("1", 0, true, false, 20);
    record("2", 0, false, false, 40);
    record("3", 2, true, true, 5);
    expect(regimeBandits(builder.build(), 3)).toEqual([
      { rounds: 2, success: [0.5, 0], costMicros: [10, 30] },
      { rounds: 1, success: [1, 1], costMicros: [10, 5] },
    ]);
  });
});

describe("the pieces", () => {
  test("klUpper is the largest q >= p with n KL(p, q) <= bound, shrinking as n grows", () => {
    for (const [p, n, bound] of [
      [0.5, 10, 1],
      [0.9, 40, 2],
      [0, 5, 1],
      [0.3, 200, 3],
    ] as const) {
      const q = klUpper(p, n, bound);
      expect(q).toBeGreaterThanOrEqual(p);
      expect(n * bernoulliKl(p, q)).toBeLessThanOrEqual(bound + 1e-6);
      if (q < 1 - 1e-6) expect(n * bernoulliKl(p, Math.min(1, q + 1e-4))).toBeGreaterThan(bound);
      expect(klUpper(p, n * 4, bound)).toBeLessThan(q);
    }
  });
});

describe("ceilingRegretShare", () => {
  const policies = BANDIT_POLICY_NAMES;

  test("is 0 for every policy where there is one arm, and null where the best arm earns nothing", () => {
    for (const policy of policies) {
      expect(ceilingRegretShare([{ rounds: 50, success: [0.7], costMicros: [100] }], VALUE, policy, 1)).toBe(0);
      expect(ceilingRegretShare([{ rounds: 50, success: [0, 0], costMicros: [5, 9] }], VALUE, policy, 1)).toBeNull();
    }
  });

  test("stays small for every policy but greedy when one arm is plainly best, and the same seed repeats", () => {
    const bandits = [{ rounds: 2_000, success: [0.9, 0.3, 0.5], costMicros: [50, 10, 10] }];
    for (const policy of policies) {
      const share = ceilingRegretShare(bandits, VALUE, policy, 3)!;
      expect(share).toBeGreaterThanOrEqual(0);
      if (policy !== "greedy_posterior_mean") expect(share).toBeLessThan(0.02);
      expect(ceilingRegretShare(bandits, VALUE, policy, 3)).toBe(share);
    }
  });

  test("refuses a policy it does not know", () => {
    expect(() => ceilingRegretShare([{ rounds: 1, success: [1], costMicros: [0] }], VALUE, "oracle", 1)).toThrow(RangeError);
  });
});
