// The dashboard's figures (src/dashboard/series.ts, format.ts): hour axes, spend and routing-mix
// series from usage buckets, stacking, Beta intervals and savings against always-best. Expected
// values are worked by hand in the comments, not captured from the code.

import { describe, expect, it } from "vitest";
import { percent, usd } from "../../../src/dashboard/format.ts";
import { betaInterval, hourAxis, mixSeries, mixTotals, savingsAgainstBest, spendSeries, stacked } from "../../../src/dashboard/series.ts";
import type { UsageJson } from "../../../src/dashboard/answers.ts";

const H = 3_600_000;
const HOUR0 = 490_000 * H;

function usage(buckets: UsageJson["buckets"], hours = 48): UsageJson {
  const to = HOUR0 + hours * H;
  return { bucket_ms: H, from_ms: to - hours * H, to_ms: to, regimes: ["support", "coding"], buckets };
}

describe("hourAxis", () => {
  it("starts at the first hour with data, shows at least six hours, and never starts before the window", () => {
    const last = HOUR0 + 47 * H;
    expect(hourAxis(usage([{ hour_ms: last, regime: "support", option: "a", decisions: 1, committed_micros: 0 }]))).toEqual(
      [42, 43, 44, 45, 46, 47].map((h) => (HOUR0 + h * H) / 1000),
    );
    const early = hourAxis(usage([{ hour_ms: HOUR0 + 10 * H, regime: "support", option: "a", decisions: 1, committed_micros: 0 }]));
    expect(early.length).toBe(38);
    expect(early[0]).toBe((HOUR0 + 10 * H) / 1000);
    // A bucket before the window (a clock step) cannot pull the axis before from_ms.
    expect(hourAxis(usage([{ hour_ms: HOUR0 - 5 * H, regime: "support", option: "a", decisions: 1, committed_micros: 0 }])).length).toBe(
      48,
    );
    expect(hourAxis(usage([])).length).toBe(6);
  });

  it("refuses a span no answer of GET /v1/usage can have", () => {
    expect(() => hourAxis({ ...usage([]), to_ms: HOUR0 + 10_000 * H })).toThrow(RangeError);
    expect(() => hourAxis({ ...usage([]), to_ms: Number.NaN })).toThrow(RangeError);
    expect(() => hourAxis({ ...usage([]), bucket_ms: 0 })).toThrow(RangeError);
  });
});

describe("spend and mix series", () => {
  const buckets = [
    { hour_ms: HOUR0 + 45 * H, regime: "support", option: "a", decisions: 3, committed_micros: 150_000_000 },
    { hour_ms: HOUR0 + 45 * H, regime: "coding", option: "b", decisions: 1, committed_micros: 50_000_000 },
    { hour_ms: HOUR0 + 47 * H, regime: "support", option: "b", decisions: 2, committed_micros: 25_000_000 },
    { hour_ms: HOUR0 + 47 * H, regime: "support", option: null, decisions: 1, committed_micros: 0 },
  ];

  it("sums spend per hour in USD, with its running total", () => {
    // Axis: hours 42..47. Hour 45: 1.5 + 0.5 USD; hour 47: 0.25 USD.
    const spend = spendSeries(usage(buckets));
    expect(spend.perHourUsd).toEqual([0, 0, 0, 2, 0, 0.25]);
    expect(spend.cumulativeUsd).toEqual([0, 0, 0, 2, 2, 2.25]);
  });

  it("counts decisions per hour by model, in one regime or all, refusals apart", () => {
    expect(mixSeries(usage(buckets), null).series).toEqual([
      { label: "a", values: [0, 0, 0, 3, 0, 0] },
      { label: "b", values: [0, 0, 0, 1, 0, 2] },
      { label: "refused", values: [0, 0, 0, 0, 0, 1] },
    ]);
    expect(mixSeries(usage(buckets), "coding").series).toEqual([{ label: "b", values: [0, 0, 0, 1, 0, 0] }]);
  });

  it("stacks series as running sums, tallest first, keeping each series' own values", () => {
    const series = stacked(mixSeries(usage(buckets), null).series);
    expect(series.map((s) => s.label)).toEqual(["refused", "b", "a"]);
    expect(series[0]!.values).toEqual([0, 0, 0, 4, 0, 3]);
    expect(series[0]!.own).toEqual([0, 0, 0, 0, 0, 1]);
    expect(series[2]!.values).toEqual(series[2]!.own);
    expect(stacked([])).toEqual([]);
  });

  it("splits each regime's decisions across its models", () => {
    // support: a 3, b 2, refused 1 of 6; coding: b 1 of 1.
    expect(mixTotals(usage(buckets))).toEqual([
      { regime: "coding", option: "b", decisions: 1, share: 1 },
      { regime: "support", option: "a", decisions: 3, share: 0.5 },
      { regime: "support", option: "b", decisions: 2, share: 2 / 6 },
      { regime: "support", option: "refused", decisions: 1, share: 1 / 6 },
    ]);
  });
});

describe("betaInterval", () => {
  it("is the mean ± 1.96 sd of Beta(a, b), clipped to [0, 1]", () => {
    // Beta(72, 28): mean 0.72, var = 72 x 28 / (100^2 x 101) = 0.0019960..., sd = 0.0446771...
    const coding = betaInterval(72, 28);
    expect(coding.mean).toBe(0.72);
    expect(coding.low).toBeCloseTo(0.72 - 1.96 * 0.0446771, 6);
    expect(coding.high).toBeCloseTo(0.72 + 1.96 * 0.0446771, 6);
    // Beta(1, 1): sd = sqrt(1 / 12) = 0.2887, so 0.5 ± 0.566 is clipped at both ends.
    expect(betaInterval(1, 1)).toEqual({ mean: 0.5, low: 0, high: 1 });
    expect(betaInterval(1_000, 0.001).high).toBe(1);
    expect(betaInterval(0.001, 1_000).low).toBe(0);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])("refuses a parameter of %s", (bad) => {
    expect(() => betaInterval(bad, 10)).toThrow(RangeError);
    expect(() => betaInterval(10, bad)).toThrow(RangeError);
  });
});

describe("savingsAgainstBest", () => {
  const estimate = (estimate_micros: number, n: number) => ({
    estimate_micros,
    ci95_micros: [estimate_micros - 10, estimate_micros + 10] as const,
    n,
  });

  it("weights each regime's production-minus-always-best by production's outcomes", () => {
    // support: 100 - 60 = 40 over 30 outcomes; coding: 500 - 520 = -20 over 10. Mean (1200 - 200) / 40 = 25.
    const result = savingsAgainstBest(
      [
        { regime: "support", best: "big", production: estimate(100, 30) },
        { regime: "coding", best: "big", production: estimate(500, 10) },
        { regime: "analysis", best: "big", production: null },
        { regime: "security", best: "none-fixed", production: estimate(7, 3) },
      ],
      [
        { regime: "support", option: "big", dr: estimate(60, 40) },
        { regime: "support", option: "small", dr: estimate(90, 40) },
        { regime: "coding", option: "big", dr: estimate(520, 12) },
        { regime: "analysis", option: "big", dr: estimate(1, 1) },
      ],
    );
    expect(result.perRegime.map((r) => [r.regime, r.savingsMicros])).toEqual([
      ["support", 40],
      ["coding", -20],
    ]);
    expect(result.totalMicros).toBe(1_000);
    expect(result.meanMicros).toBe(25);
  });

  it("has no mean when nothing can be compared", () => {
    expect(savingsAgainstBest([], [])).toEqual({ perRegime: [], meanMicros: null, totalMicros: 0 });
  });
});

describe("format", () => {
  it.each([
    [0, "$0.000000"],
    [100_000_000, "$1.00"],
    [-250_000_000, "-$2.50"],
    [1_500_000, "$0.0150"],
    [1_234, "$0.000012"],
    [Number.NaN, "n/a"],
  ])("usd(%s) = %s", (micros, text) => expect(usd(micros)).toBe(text));

  it("writes shares as percentages, n/a for none", () => {
    expect(percent(0.25)).toBe("25.0%");
    expect(percent(null)).toBe("n/a");
    expect(percent(Number.POSITIVE_INFINITY)).toBe("n/a");
  });
});
