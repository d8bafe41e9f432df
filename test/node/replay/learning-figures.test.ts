// The learning figures (src/replay/learning-figures.ts) on small hand-made reports whose every
// expected number is worked out in the comments, and the target checks on the printed figures.

import { describe, expect, test } from "vitest";
import { checkTargets, learningFigures, type LearningFigures, type LearningReport } from "../../../src/replay/learning-figures.ts";

/**
 * 400 records. Adaptive: 300 successes, cost 2,000,000, net 9,000,000. Always-best: 320
 * successes, cost 8,000,000. Hindsight: net 10,000,000. Hindsight succeeds 995 bps more often in
 * the first quarter and 12 bps less often in the last; 2,133 bps of the decisions explored.
 */
const REPORT: LearningReport = {
  policies: {
    adaptive: { records: 400, successes: 300, cost_micros: 2_000_000, net_value_micros: 9_000_000 },
    best: { records: 400, successes: 320, cost_micros: 8_000_000, net_value_micros: 4_800_000 },
    hindsight: { records: 400, successes: 310, cost_micros: 2_500_000, net_value_micros: 10_000_000 },
  },
  adaptive: {
    gap_to_hindsight: { first_quarter: { success_bps: 995 }, last_quarter: { success_bps: -12 } },
    explored_bps: 2_133,
  },
};

function withNet(adaptiveNet: number, hindsightNet: number): LearningReport {
  return {
    ...REPORT,
    policies: {
      ...REPORT.policies,
      adaptive: { ...REPORT.policies.adaptive!, net_value_micros: adaptiveNet },
      hindsight: { ...REPORT.policies.hindsight!, net_value_micros: hindsightNet },
    },
  };
}

describe("learningFigures", () => {
  test("a report worked out by hand", () => {
    expect(learningFigures(REPORT)).toEqual({
      // (10,000,000 - 9,000,000) / 10,000,000
      regret_share: 0.1,
      // (300 / 400) / (320 / 400) = 0.75 / 0.8
      quality_share_of_best: 0.9375,
      // 2,000,000 / 8,000,000
      cost_share_of_best: 0.25,
      // 995 bps and -12 bps in percentage points
      gap_first_quarter_pp: 9.95,
      gap_last_quarter_pp: -0.12,
      explored_share: 0.2133,
    } satisfies LearningFigures);
  });

  test("shares round to four decimals", () => {
    // 1/3 = 0.33333..., 2/3 = 0.66666..., 1/8 = 0.125 (exact).
    expect(learningFigures(withNet(2_000_000, 3_000_000)).regret_share).toBe(0.3333);
    expect(learningFigures(withNet(1_000_000, 3_000_000)).regret_share).toBe(0.6667);
    expect(learningFigures(withNet(7_000_000, 8_000_000)).regret_share).toBe(0.125);
    // 3 / 40,000 = 0.000075: 0.75 of the fourth decimal rounds up to 0.0001.
    expect(learningFigures(withNet(39_997, 40_000)).regret_share).toBe(0.0001);
  });

  test("an adaptive policy beating hindsight has a negative regret share; no regret is 0, not -0", () => {
    // (1,000,000 - 1,050,000) / 1,000,000
    expect(learningFigures(withNet(1_050_000, 1_000_000)).regret_share).toBe(-0.05);
    expect(Object.is(learningFigures(withNet(1_000_000, 1_000_000)).regret_share, 0)).toBe(true);
    // -0.00004 rounds to -0 and is printed as 0.
    expect(Object.is(learningFigures(withNet(100_004, 100_000)).regret_share, 0)).toBe(true);
  });

  test("no share of a hindsight value at or below zero: every option lost money there", () => {
    expect(learningFigures(withNet(-5_000, 0)).regret_share).toBeNull();
    expect(learningFigures(withNet(-5_000, -1_000)).regret_share).toBeNull();
  });

  test("a best policy with no successes or no cost leaves its shares null", () => {
    const best = { records: 400, successes: 0, cost_micros: 0, net_value_micros: 0 };
    const figures = learningFigures({ ...REPORT, policies: { ...REPORT.policies, best } });
    expect(figures.quality_share_of_best).toBeNull();
    expect(figures.cost_share_of_best).toBeNull();
  });

  test("policies or the adaptive summary missing: their figures are null, the rest stand", () => {
    expect(learningFigures({ policies: {}, adaptive: null })).toEqual({
      regret_share: null,
      quality_share_of_best: null,
      cost_share_of_best: null,
      gap_first_quarter_pp: null,
      gap_last_quarter_pp: null,
      explored_share: null,
    });
    const noHindsight = learningFigures({
      policies: { adaptive: REPORT.policies.adaptive!, best: REPORT.policies.best! },
      adaptive: { gap_to_hindsight: null, explored_bps: 0 },
    });
    expect(noHindsight).toEqual({
      regret_share: null,
      quality_share_of_best: 0.9375,
      cost_share_of_best: 0.25,
      gap_first_quarter_pp: null,
      gap_last_quarter_pp: null,
      explored_share: 0,
    });
  });
});

describe("checkTargets", () => {
  const figures = {
    a: { middle: learningFigures(REPORT) },
    b: { middle: learningFigures(withNet(0, -1)) },
  };

  test("met when the printed figure is at most the ceiling, equality included", () => {
    const checks = checkTargets(figures, [
      { dataset: "a", level: "middle", figure: "regret_share", max: 0.1 },
      { dataset: "a", level: "middle", figure: "regret_share", max: 0.03 },
      { dataset: "a", level: "middle", figure: "gap_last_quarter_pp", max: 0.5 },
    ]);
    expect(checks).toEqual([
      { dataset: "a", level: "middle", figure: "regret_share", max: 0.1, value: 0.1, met: true },
      { dataset: "a", level: "middle", figure: "regret_share", max: 0.03, value: 0.1, met: false },
      { dataset: "a", level: "middle", figure: "gap_last_quarter_pp", max: 0.5, value: -0.12, met: true },
    ]);
  });

  test("a figure that is null, or a data set or level not run, never meets its target", () => {
    const checks = checkTargets(figures, [
      { dataset: "b", level: "middle", figure: "regret_share", max: 1 },
      { dataset: "c", level: "middle", figure: "regret_share", max: 1 },
      { dataset: "a", level: "high", figure: "regret_share", max: 1 },
    ]);
    expect(checks.map((check) => [check.value, check.met])).toEqual([
      [null, false],
      [null, false],
      [null, false],
    ]);
  });
});
