// Policy metrics and off-policy estimates (src/replay/metrics.ts, off-policy.ts) on a hand-made
// eight-record table whose every number is worked out in the comments below, and the exactness
// of the doubly robust estimator when the log is the target and every propensity is 100 %.

import { describe, expect, test } from "vitest";
import { curve, policyMetrics } from "../../../src/replay/metrics.ts";
import { doublyRobust, netValueReward, successReward, trueValue, WEIGHT_CAP, type LoggedRun } from "../../../src/replay/off-policy.ts";
import { RecordTableBuilder, type RecordTable } from "../../../src/replay/record-table.ts";
import { syntheticTable } from "./synthetic-dataset.ts";

const VALUE = 5_000;

// Two options; per record: regime, event, then per option [success, quality, cost].
type Row = readonly [regime: number, event: boolean, o0: readonly [boolean, number, number], o1: readonly [boolean, number, number]];
const ROWS: readonly Row[] = [
  [0, false, [true, 10_000, 100], [true, 10_000, 1_000]],
  [0, true, [false, 0, 100], [true, 10_000, 1_000]],
  [1, true, [false, 3_000, 200], [true, 9_000, 2_000]],
  [1, false, [true, 8_000, 200], [true, 10_000, 2_000]],
  [0, false, [false, 0, 100], [false, 0, 1_000]],
  [1, true, [true, 10_000, 150], [true, 10_000, 1_500]],
  [0, false, [true, 10_000, 100], [false, 0, 1_000]],
  [1, true, [false, 0, 300], [true, 10_000, 3_000]],
];

function handTable(): RecordTable {
  const builder = new RecordTableBuilder(2);
  ROWS.forEach(([regime, event, ...options], i) =>
    builder.push({
      id: `h${i}`,
      regimeIndex: regime,
      inputTokens: 1_000,
      maxOutputTokens: 1,
      valueMicros: VALUE,
      riskBps: 0,
      event,
      outcomes: options.map(([success, qualityBps, costMicros]) => ({ success, qualityBps, costMicros })),
    }),
  );
  return builder.build();
}

const table = handTable();
// Served: o0, o0, o1, none (an error), o1, o0, o0, o1.
const CHOICES = Int32Array.from([0, 0, 1, -1, 1, 0, 0, 1]);

describe("policyMetrics on the hand-made table", () => {
  test("every figure as computed by hand", () => {
    expect(policyMetrics(table, CHOICES)).toEqual({
      records: 8,
      errors: 1,
      // 100 + 100 + 2,000 + 1,000 + 150 + 100 + 3,000.
      cost_micros: 6_450,
      // Records 0, 2, 5, 6 and 7.
      successes: 5,
      // (10,000 + 0 + 9,000 + 0 + 10,000 + 10,000 + 10,000) / 7 served.
      quality_bps: 7_000,
      // Records 1 and 4: served and failed (the error is not a miss).
      misses: 2,
      // Records 1, 2, 5 and 7 hold events; record 1's was missed: 1 / 4.
      events: 4,
      event_miss_rate_bps: 2_500,
      cost_per_success_micros: 1_290,
      // 5 x 5,000 - 6,450.
      net_value_micros: 18_550,
      // Quarters of 2 records: 1 success in records 0-1 (50 %), 2 in records 6-7 (100 %).
      learning_bps: 5_000,
    });
  });

  test("a value override replaces every record's value in the net value only", () => {
    const at1000 = policyMetrics(table, CHOICES, 1_000);
    expect(at1000.net_value_micros).toBe(5 * 1_000 - 6_450);
    expect({ ...at1000, net_value_micros: 0 }).toEqual({ ...policyMetrics(table, CHOICES), net_value_micros: 0 });
  });

  test("all errors: nothing served, no quality, no cost per success, every event counted as missed", () => {
    const none = policyMetrics(table, new Int32Array(8).fill(-1));
    expect(none).toMatchObject({
      errors: 8,
      cost_micros: 0,
      successes: 0,
      quality_bps: 0,
      misses: 0,
      events: 4,
      event_miss_rate_bps: 10_000,
      cost_per_success_micros: null,
      net_value_micros: 0,
      learning_bps: 0,
    });
  });

  test("an empty table gives zeros, and fewer than four records no learning figure", () => {
    const empty = new RecordTableBuilder(2).build();
    expect(policyMetrics(empty, new Int32Array(0))).toMatchObject({
      records: 0,
      errors: 0,
      quality_bps: 0,
      cost_per_success_micros: null,
      learning_bps: 0,
    });
    const builder = new RecordTableBuilder(1);
    for (let i = 0; i < 3; i++)
      builder.push({
        id: `s${i}`,
        regimeIndex: 0,
        inputTokens: 1,
        maxOutputTokens: 1,
        valueMicros: 1,
        riskBps: 0,
        event: false,
        outcomes: [{ success: i === 2, qualityBps: 0, costMicros: 0 }],
      });
    expect(policyMetrics(builder.build(), new Int32Array(3)).learning_bps).toBe(0);
  });

  test("curve: success rate per bucket and cumulative cost and successes", () => {
    expect(curve(table, CHOICES, 4)).toEqual([
      { records: 2, success_rate_bps: 5_000, cumulative_cost_micros: 200, cumulative_successes: 1 },
      // The error counts as a record without success.
      { records: 4, success_rate_bps: 5_000, cumulative_cost_micros: 2_200, cumulative_successes: 2 },
      { records: 6, success_rate_bps: 5_000, cumulative_cost_micros: 3_350, cumulative_successes: 3 },
      { records: 8, success_rate_bps: 10_000, cumulative_cost_micros: 6_450, cumulative_successes: 5 },
    ]);
    // More buckets than records: one point per record.
    expect(curve(table, CHOICES, 40).map((point) => point.records)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe("off-policy estimates", () => {
  test("trueValue is the mean reward over served records", () => {
    expect(trueValue(table, CHOICES, successReward)).toBe(5 / 7);
    expect(trueValue(table, CHOICES, netValueReward())).toBe(18_550 / 7);
    expect(trueValue(table, new Int32Array(8).fill(-1), successReward)).toBe(0);
  });

  test("with every propensity 100 % and the target equal to the log, DR is the true value", () => {
    const big = syntheticTable({ records: 500, seed: 11 });
    const choices = Int32Array.from({ length: big.count }, (_, i) => (i * 7) % big.optionCount);
    const log: LoggedRun = { choices, propensityPpm: new Int32Array(big.count).fill(1_000_000) };
    expect(doublyRobust(big, log, choices, 4, successReward)).toBe(trueValue(big, choices, successReward));
    // Net values are not 0/1: q + (r - q) may round by an ulp, so agreement to 1e-9 relative.
    const net = netValueReward();
    const truth = trueValue(big, choices, net);
    expect(Math.abs(doublyRobust(big, log, choices, 4, net) - truth)).toBeLessThan(Math.abs(truth) * 1e-9);
    const hand: LoggedRun = { choices: Int32Array.from([0, 0, 1, 0, 1, 0, 0, 1]), propensityPpm: new Int32Array(8).fill(1_000_000) };
    expect(doublyRobust(table, hand, hand.choices, 2, successReward)).toBe(trueValue(table, hand.choices, successReward));
  });

  test("records without a propensity or a served option are left out of the estimate", () => {
    const log: LoggedRun = {
      choices: CHOICES,
      propensityPpm: Int32Array.from([1_000_000, 0, 1_000_000, 1_000_000, 1_000_000, 0, 1_000_000, 1_000_000]),
    };
    // Used: records 0, 2, 4, 6, 7 (3 has no served option, 1 and 5 no propensity).
    const dr = doublyRobust(table, log, CHOICES, 2, successReward);
    expect(dr).toBeCloseTo(4 / 5, 12);
  });

  test("where the target never agrees with the log DR is the cross-fitted direct model alone, with its fallbacks", () => {
    // Log: option 0 on records 0, 1, 6 (regime 0: 1, 0, 1) and option 1 on 2, 4, 5, 7 (regime 1:
    // 1, 1, 1; regime 0: record 4's 0). Even records are judged by the model of the odd ones and
    // the other way round. Odd model: q(0, 0) = 0 (record 1), q(1, 1) = 1 (records 5, 7); q(0, 1)
    // falls back to option 1's odd mean, 1, and q(1, 0) to option 0's, 0. Even model: q(0, 0) = 1
    // (records 0, 6), q(1, 1) = 1 (record 2), q(0, 1) = 0 (record 4); q(1, 0) falls back to 1.
    const log: LoggedRun = { choices: Int32Array.from([0, 0, 1, -1, 1, 1, 0, 1]), propensityPpm: new Int32Array(8).fill(500_000) };
    const flipped = Int32Array.from(log.choices, (o) => (o < 0 ? 0 : 1 - o));
    // Records 0, 6 ask the odd q(0, 1) = 1, record 1 the even q(0, 1) = 0; record 2 the odd
    // q(1, 0) = 0, records 5, 7 the even q(1, 0) = 1; record 4 the odd q(0, 0) = 0; record 3
    // served nothing and is left out: 4 / 7.
    expect(doublyRobust(table, log, flipped, 2, successReward)).toBeCloseTo(4 / 7, 12);
    // An option logged nowhere is worth 0 to the direct model.
    const onlyZero: LoggedRun = { choices: new Int32Array(8), propensityPpm: new Int32Array(8).fill(500_000) };
    expect(doublyRobust(table, onlyZero, new Int32Array(8).fill(1), 2, successReward)).toBe(0);
  });

  test("importance weights are capped at 20", () => {
    // One record, served with a 1 % propensity: weight min(20, 100) = 20.
    const builder = new RecordTableBuilder(2);
    builder.push({
      id: "w",
      regimeIndex: 0,
      inputTokens: 1,
      maxOutputTokens: 1,
      valueMicros: 1,
      riskBps: 0,
      event: false,
      outcomes: [
        { success: true, qualityBps: 10_000, costMicros: 0 },
        { success: false, qualityBps: 0, costMicros: 0 },
      ],
    });
    builder.push({
      id: "x",
      regimeIndex: 0,
      inputTokens: 1,
      maxOutputTokens: 1,
      valueMicros: 1,
      riskBps: 0,
      event: false,
      outcomes: [
        { success: false, qualityBps: 0, costMicros: 0 },
        { success: false, qualityBps: 0, costMicros: 0 },
      ],
    });
    const t = builder.build();
    const log: LoggedRun = { choices: Int32Array.from([0, 0]), propensityPpm: Int32Array.from([10_000, 1_000_000]) };
    // Cross-fitted: record 0 is judged by record 1's model (q = 0): 0 + 20 x (1 - 0) = 20; record 1
    // by record 0's (q = 1): 1 + 1 x (0 - 1) = 0. Uncapped, record 0 alone would give 100.
    expect(WEIGHT_CAP).toBe(20);
    expect(doublyRobust(t, log, Int32Array.from([0, 0]), 1, successReward)).toBeCloseTo(20 / 2, 12);
  });
});
