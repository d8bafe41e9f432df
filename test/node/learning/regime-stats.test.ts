// Regime statistics as exact power sums (src/learning/regime-stats.ts) and the anomaly check
// built on them (src/learning/anomaly.ts): merging shards is associative and commutative bit for
// bit, and the exact z test agrees with an independent two-pass rational reference.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ANOMALY_FLOOR_RAISE_BPS,
  ANOMALY_MIN_OBSERVATIONS,
  ANOMALY_Z_P,
  ANOMALY_Z_Q,
  FEATURES,
  NO_ANOMALY,
  checkAnomaly,
  type RegimeFeatureSums,
} from "../../../src/learning/anomaly.ts";
import {
  EMPTY_SUMS,
  aggregate,
  describeSums,
  exceedsZ,
  merge,
  observe,
  sumsFromText,
  sumsToText,
  type PowerSums,
} from "../../../src/learning/regime-stats.ts";

const MAX = Number.MAX_SAFE_INTEGER;
/** Safe integers biased to the edges: 0, +-1, +-(2^31 - 1), +-(2^53 - 1) and everything between. */
const safeInteger = fc.oneof(
  fc.constantFrom(0, 1, -1, 2, 2 ** 31 - 1, -(2 ** 31 - 1), MAX, -MAX, MAX - 1),
  fc.integer({ min: -1_000, max: 1_000 }),
  fc.maxSafeInteger(),
);
const values = fc.array(safeInteger, { maxLength: 40 });

/**
 * The reference z test, written independently of exceedsZ: two passes over the data. With
 * d_i = n x_i - S1, sum d_i^2 = n (n S2 - S1^2) = n^2 (n - 1) s^2, and n x - S1 = n (x - mean), so
 * z^2 = (n x - S1)^2 (n - 1) / sum d_i^2 and |z| > p / q iff q^2 (n x - S1)^2 (n - 1) > p^2 sum d_i^2.
 * Zero variance (sum d_i^2 = 0) makes every x off the mean anomalous, as the rule says.
 */
function referenceExceedsZ(data: readonly number[], x: number, p: bigint, q: bigint): boolean {
  const n = BigInt(data.length);
  if (n < 2n) return false;
  const s1 = data.reduce((sum, v) => sum + BigInt(v), 0n);
  let squaredDeviations = 0n;
  for (const v of data) {
    const d = n * BigInt(v) - s1;
    squaredDeviations += d * d;
  }
  const deviation = n * BigInt(x) - s1;
  return q * q * (n - 1n) * deviation * deviation > p * p * squaredDeviations;
}

const bitForBit = (sums: PowerSums): string => `${sums.n}/${sums.s1}/${sums.s2}`;

describe("power sums", () => {
  it("aggregate [3, 1, 4, 1, 5, 9, 2, 6] is n 8, sum 31, sum of squares 173", () => {
    expect(aggregate([3, 1, 4, 1, 5, 9, 2, 6])).toEqual({ n: 8n, s1: 31n, s2: 173n });
    expect(describeSums(aggregate([3, 1, 4, 1, 5, 9, 2, 6]))).toEqual({ n: 8, mean: 31 / 8, variance: (8 * 173 - 31 * 31) / 56 });
  });

  it("the empty aggregate is the merge identity", () => {
    expect(aggregate([])).toEqual(EMPTY_SUMS);
    fc.assert(
      fc.property(values, (a) => {
        expect(bitForBit(merge(aggregate(a), EMPTY_SUMS))).toBe(bitForBit(aggregate(a)));
        expect(bitForBit(merge(EMPTY_SUMS, aggregate(a)))).toBe(bitForBit(aggregate(a)));
      }),
    );
  });

  it("agg(A ++ B ++ C) = merge(merge(agg A, agg B), agg C) = merge(agg A, merge(agg B, agg C)), bit for bit", () => {
    fc.assert(
      fc.property(values, values, values, (a, b, c) => {
        const whole = bitForBit(aggregate([...a, ...b, ...c]));
        expect(bitForBit(merge(merge(aggregate(a), aggregate(b)), aggregate(c)))).toBe(whole);
        expect(bitForBit(merge(aggregate(a), merge(aggregate(b), aggregate(c))))).toBe(whole);
      }),
      { numRuns: 300 },
    );
  });

  it("merge is commutative, bit for bit", () => {
    fc.assert(
      fc.property(values, values, (a, b) => {
        expect(bitForBit(merge(aggregate(a), aggregate(b)))).toBe(bitForBit(merge(aggregate(b), aggregate(a))));
      }),
      { numRuns: 300 },
    );
  });

  it("sums exactly even where doubles cannot: (2^53 - 1)^2 and sums past 2^53", () => {
    const sums = aggregate([MAX, MAX, -MAX]);
    expect(sums).toEqual({ n: 3n, s1: BigInt(MAX), s2: 3n * BigInt(MAX) * BigInt(MAX) });
  });

  it("refuses anything but a safe integer, with the shared message template", () => {
    for (const bad of [Number.NaN, 1.5, 2 ** 53, -(2 ** 53), Number.POSITIVE_INFINITY, 1e9999, Number.NEGATIVE_INFINITY]) {
      expect(() => observe(EMPTY_SUMS, bad)).toThrow(`"x" expected safe integer, got ${bad}`);
    }
  });

  it("sumsToText / sumsFromText round trip exactly, at any size", () => {
    fc.assert(
      fc.property(values, (a) => {
        const sums = aggregate(a);
        const text = sumsToText(sums);
        expect(sumsFromText(text)).toEqual(sums);
        expect(sumsFromText(JSON.parse(JSON.stringify(text)))).toEqual(sums);
        for (const field of [text.n, text.s1, text.s2]) expect(field).toMatch(/^-?(0|[1-9][0-9]*)$/);
      }),
    );
  });
});

describe("exceedsZ, the exact |z| > p/q test", () => {
  const ratio = fc.tuple(fc.bigInt({ min: 0n, max: 20n }), fc.bigInt({ min: 1n, max: 5n }));

  it("agrees with the two-pass rational reference on arbitrary safe integers, huge and negative ones included", () => {
    fc.assert(
      fc.property(values, safeInteger, ratio, (data, x, [p, q]) => {
        expect(exceedsZ(aggregate(data), x, p, q)).toBe(referenceExceedsZ(data, x, p, q));
      }),
      { numRuns: 1_000 },
    );
  });

  it("agrees with the reference right at the boundary, where a float test could round either way", () => {
    // Data {0, 2}: mean 1, sample variance 2, so |z| = |x - 1| / sqrt(2). With p/q = 1, x = 1 +- 1
    // gives z^2 = 1/2 and x = 1 +- 2 gives z^2 = 2; with p/q = 2 x = 1 +- 2 is z^2 = 2 < 4.
    // Data {0, 0, 6}: mean 2, variance 12, so x = 8 has z^2 = 3 exactly, z = sqrt(3); p/q = 7/4 is
    // 1.75 > 1.7320 and 17/10 = 1.7 < 1.7320.
    const cases: [number[], number, bigint, bigint, boolean][] = [
      [[0, 2], 2, 1n, 1n, false],
      [[0, 2], 3, 1n, 1n, true],
      [[0, 2], 3, 2n, 1n, false],
      [[0, 2], -1, 1n, 1n, true],
      [[0, 0, 6], 8, 7n, 4n, false],
      [[0, 0, 6], 8, 17n, 10n, true],
      // |z| exactly p/q is not anomalous, the rule is strict: {0, 2, 4} has mean 2 and sd 2, so x = 10 is z = 4 exactly.
      [[0, 2, 4], 10, 4n, 1n, false],
      [[0, 2, 4], 11, 4n, 1n, true],
      [[0, 2, 4], -6, 4n, 1n, false],
      [[0, 2, 4], -7, 4n, 1n, true],
    ];
    for (const [data, x, p, q, expected] of cases) {
      expect(referenceExceedsZ(data, x, p, q), `reference ${data} ${x} ${p}/${q}`).toBe(expected);
      expect(exceedsZ(aggregate(data), x, p, q), `exceedsZ ${data} ${x} ${p}/${q}`).toBe(expected);
    }
  });

  it("agrees with a float computation on small values away from the boundary", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1_000, max: 1_000 }), { minLength: 2, maxLength: 50 }),
        fc.integer({ min: -5_000, max: 5_000 }),
        (data, x) => {
          const n = data.length;
          const mean = data.reduce((s, v) => s + v, 0) / n;
          const variance = data.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
          fc.pre(variance > 0);
          const z = Math.abs(x - mean) / Math.sqrt(variance);
          fc.pre(Math.abs(z - 4) > 1e-6);
          expect(exceedsZ(aggregate(data), x, ANOMALY_Z_P, ANOMALY_Z_Q)).toBe(z > 4);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it("needs two observations; with zero variance any x off the mean is anomalous and the mean is not", () => {
    expect(exceedsZ(EMPTY_SUMS, 1e15, 4n, 1n)).toBe(false);
    expect(exceedsZ(aggregate([5]), 1e15, 4n, 1n)).toBe(false);
    expect(exceedsZ(aggregate([5, 5]), 6, 4n, 1n)).toBe(true);
    expect(exceedsZ(aggregate([5, 5]), 5, 4n, 1n)).toBe(false);
  });
});

describe("checkAnomaly", () => {
  const history = (n: number): RegimeFeatureSums => ({
    input_tokens: aggregate(Array.from({ length: n }, (_, i) => 100 + (i % 7) * 50)),
    value_micros: aggregate(Array.from({ length: n }, () => 5_000_000)),
    risk_bps: aggregate(Array.from({ length: n }, (_, i) => 1_000 + (i % 3))),
  });
  const ordinary = { input_tokens: 250, value_micros: 5_000_000, risk_bps: 1_001 };

  it(`applies only from ${ANOMALY_MIN_OBSERVATIONS} observations on`, () => {
    const huge = { ...ordinary, input_tokens: 1_000_000 };
    expect(checkAnomaly(history(Number(ANOMALY_MIN_OBSERVATIONS) - 1), huge)).toEqual(NO_ANOMALY);
    expect(checkAnomaly(history(Number(ANOMALY_MIN_OBSERVATIONS)), huge)).toEqual({
      raiseBps: ANOMALY_FLOOR_RAISE_BPS,
      features: ["input_tokens"],
    });
    expect(checkAnomaly(history(0), huge)).toEqual(NO_ANOMALY);
  });

  it("lets an ordinary request pass and names every feature out of line, in FEATURES order", () => {
    const sums = history(60);
    expect(checkAnomaly(sums, ordinary)).toEqual(NO_ANOMALY);
    expect(checkAnomaly(sums, { input_tokens: 1_000_000, value_micros: 5_000_001, risk_bps: 9_000 })).toEqual({
      raiseBps: ANOMALY_FLOOR_RAISE_BPS,
      features: [...FEATURES],
    });
    expect(checkAnomaly(sums, { ...ordinary, risk_bps: 9_000 }).features).toEqual(["risk_bps"]);
  });
});
