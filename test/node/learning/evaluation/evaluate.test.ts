// Hand-computed figures of the evaluation (src/learning/evaluation): four decisions on one regime
// and two options, worked out on paper below (every term is a dyadic fraction, so the point
// estimates are exact in doubles), then regret, scope, the support rule and the counts.

import { describe, expect, it } from "vitest";
import { addDecision, countDecision, resetCandidate } from "../../../../src/learning/evaluation/add-decision.ts";
import type { EvaluatedDecision } from "../../../../src/learning/evaluation/evaluated-decision.ts";
import { emptyEvaluationState } from "../../../../src/learning/evaluation/evaluation-state.ts";
import { evaluate, REGRET_SUPPORT_MIN } from "../../../../src/learning/evaluation/evaluate.ts";
import { Z_95, type Estimate } from "../../../../src/learning/evaluation/interval.ts";

function decision(
  fields: Partial<EvaluatedDecision> & Pick<EvaluatedDecision, "served" | "propensityPpm" | "rewardMicros">,
): EvaluatedDecision {
  return { regime: 0, holdout: false, success: true, predictedBps: null, candidate: null, ...fields };
}

/*
 * The worked example. q is the mean reward of earlier decisions per (regime, option), else 0.
 *   d1 served 0, p = 1/2, r = 100; candidate chose 1, P(serves 0) = 1/4.  q = (0, 0), residual 100
 *      fixed 0: w 2, DR 0 + 2 x 100 = 200, IPS 200 | fixed 1: w 0, DR 0 | candidate: w 1/2, DR q(1) + 50 = 50, IPS 50
 *   d2 served 1, p = 1/4, r = 40; candidate chose 1, P(serves 1) = 3/4.   q = (100, 0), residual 40
 *      fixed 0: DR 100 | fixed 1: w 4, DR 160, IPS 160 | candidate: w 3, DR 0 + 120 = 120, IPS 120
 *   d3 holdout, served 0, p = 1, r = 70; candidate chose 0, P = 1/4.       q = (100, 40), residual -30
 *      fixed 0: w 1, DR 70, IPS 70 | fixed 1: DR 40 | candidate: w 1/4, DR 100 - 7.5 = 92.5, IPS 17.5
 *   d4 served 0, p = 1/2, r = 60; candidate chose 0, P = 1/4.              q = (85, 40), residual -25
 *      fixed 0: w 2, DR 35, IPS 120 | fixed 1: DR 40 | candidate: w 1/2, DR 85 - 12.5 = 72.5, IPS 30
 */
const EXAMPLE: readonly EvaluatedDecision[] = [
  decision({ served: 0, propensityPpm: 500_000, rewardMicros: 100, candidate: { choice: 1, servedProbPpm: 250_000 } }),
  decision({ served: 1, propensityPpm: 250_000, rewardMicros: 40, candidate: { choice: 1, servedProbPpm: 750_000 } }),
  decision({ served: 0, propensityPpm: 1_000_000, rewardMicros: 70, holdout: true, candidate: { choice: 0, servedProbPpm: 250_000 } }),
  decision({ served: 0, propensityPpm: 500_000, rewardMicros: 60, candidate: { choice: 0, servedProbPpm: 250_000 } }),
];

function exampleReport() {
  const state = emptyEvaluationState({ regimeCount: 1, optionCount: 2 });
  for (const d of EXAMPLE) addDecision(state, d);
  return evaluate(state);
}

/** The sample mean's estimate with its interval, from the terms written out (two passes). */
function expectMean(actual: Estimate | null, terms: readonly number[], mean: number): void {
  const n = terms.length;
  const variance = terms.reduce((sum, t) => sum + (t - mean) * (t - mean), 0) / (n - 1);
  const halfWidth = Z_95 * Math.sqrt(variance / n);
  expect(actual).not.toBeNull();
  expect(actual!.estimate).toBe(mean);
  expect(actual!.n).toBe(n);
  expect(actual!.ci95[0]).toBeCloseTo(mean - halfWidth, 9);
  expect(actual!.ci95[1]).toBeCloseTo(mean + halfWidth, 9);
}

describe("the worked example", () => {
  const report = exampleReport();

  it("production is the mean of its own rewards, for IPS, SNIPS and DR alike", () => {
    // (100 + 40 + 60) / 3; deviations 100/3, -80/3, -20/3: s^2 = (16,800 / 9) / 2 = 2,800 / 3.
    expectMean(report.production.dr, [100, 40, 60], 200 / 3);
    expect(report.production.dr!.ci95[1] - report.production.dr!.estimate).toBeCloseTo(Z_95 * (Math.sqrt(2_800) / 3), 9);
    expect(report.production.ips).toEqual(report.production.dr);
    expect(report.production.snips).toEqual(report.production.dr);
  });

  it("the holdout has one decision: no interval, so no estimate", () => {
    expect(report.holdout).toEqual({ ips: null, snips: null, dr: null });
  });

  it("fixed option 0: DR 405/4, IPS 390/4, SNIPS 390/5 with the delta-method interval", () => {
    const fixed0 = report.fixed.find((entry) => entry.option === 0)!;
    expect(fixed0.support).toBe(3);
    expectMean(fixed0.dr, [200, 100, 70, 35], 101.25);
    expectMean(fixed0.ips, [200, 0, 70, 120], 97.5);
    // theta = 78; residuals w (r - theta) = 44, 0, -8, -36, squares 3,296; Var = 4 x 3,296 / (3 x 5^2).
    expect(fixed0.snips!.estimate).toBe(78);
    expect(fixed0.snips!.ci95[1] - 78).toBeCloseTo(Z_95 * Math.sqrt(13_184 / 75), 9);
    expect(fixed0.snips!.ci95[0]).toBeCloseTo(78 - Z_95 * Math.sqrt(13_184 / 75), 9);
  });

  it("fixed option 1 was served once: its estimates are null, not an interval of model guesses", () => {
    const fixed1 = report.fixed.find((entry) => entry.option === 1)!;
    expect(fixed1).toEqual({ regime: 0, option: 1, support: 1, ips: null, snips: null, dr: null });
  });

  it("the candidate: DR 335/4, IPS 217.5/4, SNIPS 217.5/4.25", () => {
    expect(report.candidate.support).toBe(4);
    expectMean(report.candidate.dr, [50, 120, 92.5, 72.5], 83.75);
    expectMean(report.candidate.ips, [50, 120, 17.5, 30], 54.375);
    // theta = 217.5 / 4.25; residuals 0.5 (100 - theta), 3 (40 - theta), 0.25 (70 - theta), 0.5 (60 - theta).
    const theta = 217.5 / 4.25;
    const residuals = [0.5 * (100 - theta), 3 * (40 - theta), 0.25 * (70 - theta), 0.5 * (60 - theta)];
    const squares = residuals.reduce((sum, e) => sum + e * e, 0);
    expect(report.candidate.snips!.estimate).toBeCloseTo(theta, 12);
    expect(report.candidate.snips!.ci95[1] - report.candidate.snips!.estimate).toBeCloseTo(
      Z_95 * Math.sqrt((4 * squares) / (3 * 4.25 * 4.25)),
      9,
    );
  });

  it("candidate against production is paired over production's three decisions: 50 - 100, 120 - 40, 72.5 - 60", () => {
    expectMean(report.candidateVsProduction, [-50, 80, 12.5], 42.5 / 3);
  });

  it("regret: no option was served 50 times, so none is named best and no regret is measured", () => {
    expect(REGRET_SUPPORT_MIN).toBe(50);
    expect(report.regret.byRegime).toEqual([{ regime: 0, best: null, regret: null }]);
    expect(report.regret.overall).toBeNull();
  });

  it("regret, once option 0 was served 50 times: its DR terms minus production's rewards, paired", () => {
    const state = emptyEvaluationState({ regimeCount: 1, optionCount: 2 });
    for (const d of EXAMPLE) addDecision(state, d);
    // 47 more decisions serve option 0 with certainty: each DR term is its reward, so each paired term is 0.
    for (let i = 0; i < REGRET_SUPPORT_MIN - 3; i++)
      addDecision(state, decision({ served: 0, propensityPpm: 1_000_000, rewardMicros: 60 + i }));
    const { regret, fixed } = evaluate(state);
    expect(fixed.find((entry) => entry.option === 0)!.support).toBe(REGRET_SUPPORT_MIN);
    expect(regret.byRegime[0]!.best).toBe(0);
    // The example's paired terms 200 - 100, 100 - 40, 35 - 60, then 47 zeros: 135 / 50.
    expectMean(regret.byRegime[0]!.regret, [100, 60, -25, ...Array.from({ length: REGRET_SUPPORT_MIN - 3 }, () => 0)], 135 / 50);
    expect(regret.overall).toEqual(regret.byRegime[0]!.regret);
  });

  it("counts the settled decisions, the holdout and the shadowed ones", () => {
    expect(report.counts).toEqual({
      decisions: 0,
      lowPropensityDecisions: 0,
      lowPropensityDecisionShare: null,
      outcomes: 4,
      lowPropensityOutcomes: 0,
      lowPropensityOutcomeShare: 0,
      holdoutOutcomes: 1,
      shadowOutcomes: 4,
    });
  });
});

describe("scope, counts and the candidate's reset", () => {
  it("a regime's figures use that regime's decisions only; all regimes pool them", () => {
    const state = emptyEvaluationState({ regimeCount: 2, optionCount: 2 });
    const rewards = [
      [10, 20, 30],
      [1_000, 3_000],
    ] as const;
    rewards.forEach((list, regime) => {
      for (const rewardMicros of list) addDecision(state, decision({ regime, served: 0, propensityPpm: 1_000_000, rewardMicros }));
    });
    expectMean(evaluate(state, { regime: 0 }).production.dr, [10, 20, 30], 20);
    expectMean(evaluate(state, { regime: 1 }).production.dr, [1_000, 3_000], 2_000);
    expectMean(evaluate(state).production.dr, [10, 20, 30, 1_000, 3_000], 4_060 / 5);
    expect(evaluate(state, { regime: 1 }).fixed.map((entry) => [entry.regime, entry.option])).toEqual([
      [1, 0],
      [1, 1],
    ]);
    expect(() => evaluate(state, { regime: 2 })).toThrow('"regime" expected integer in [0, 1], got 2');
  });

  it("overall regret pools the paired differences of each regime's best option: weighted by decisions", () => {
    const state = emptyEvaluationState({ regimeCount: 2, optionCount: 1 });
    // One option, always served with p = 1: every DR term equals the reward, so regret is exactly 0.
    // Regime 0 has 50 decisions (rewards 5, 7, 9, ...), regime 1 has 60 (9, 11, 13, ...).
    for (const [regime, count, first] of [
      [0, REGRET_SUPPORT_MIN, 5],
      [1, REGRET_SUPPORT_MIN + 10, 9],
    ] as const) {
      for (let i = 0; i < count; i++)
        addDecision(state, decision({ regime, served: 0, propensityPpm: 1_000_000, rewardMicros: first + 2 * (i % 3) }));
    }
    const { regret } = evaluate(state);
    expect(regret.byRegime.map((entry) => entry.best)).toEqual([0, 0]);
    expect(regret.overall).toEqual({ estimate: 0, ci95: [0, 0], n: 2 * REGRET_SUPPORT_MIN + 10 });
  });

  it("countDecision counts sealed decisions and those under 5 %; refused ones pass null", () => {
    const state = emptyEvaluationState({ regimeCount: 1, optionCount: 2 });
    countDecision(state, 0, 49_999);
    countDecision(state, 0, 50_000);
    countDecision(state, 0, null);
    countDecision(state, 0, 1);
    addDecision(state, decision({ served: 1, propensityPpm: 49_999, rewardMicros: 1 }));
    const { counts } = evaluate(state);
    expect(counts).toMatchObject({ decisions: 4, lowPropensityDecisions: 2, lowPropensityDecisionShare: 0.5, outcomes: 1 });
    expect(counts).toMatchObject({ lowPropensityOutcomes: 1, lowPropensityOutcomeShare: 1 });
    expect(() => countDecision(state, 0, 0)).toThrow('"propensityPpm" expected integer in [1, 1000000], got 0');
    expect(() => countDecision(state, 1, null)).toThrow('"regime" expected integer in [0, 0], got 1');
  });

  it("resetCandidate forgets the candidate and nothing else", () => {
    const state = emptyEvaluationState({ regimeCount: 1, optionCount: 2 });
    for (const d of EXAMPLE) addDecision(state, d);
    const before = evaluate(state);
    resetCandidate(state);
    const after = evaluate(state);
    expect(after.candidate).toEqual({ ips: null, snips: null, dr: null, support: 0 });
    expect(after.candidateVsProduction).toBeNull();
    expect(after.counts.shadowOutcomes).toBe(0);
    expect({ ...after, candidate: null, candidateVsProduction: null, counts: null }).toEqual({
      ...before,
      candidate: null,
      candidateVsProduction: null,
      counts: null,
    });
  });

  it("a weight is capped at 20: a propensity of 1 ppm counts as 5 %", () => {
    const state = emptyEvaluationState({ regimeCount: 1, optionCount: 2 });
    addDecision(state, decision({ served: 0, propensityPpm: 1, rewardMicros: 10 }));
    addDecision(state, decision({ served: 0, propensityPpm: 50_000, rewardMicros: 10 }));
    // q = 0 then 10: DR terms 0 + 20 x 10 = 200 and 10 + 20 x 0 = 10; IPS terms 200 and 200.
    const fixed0 = evaluate(state).fixed[0]!;
    expect(fixed0.dr!.estimate).toBe(105);
    expect(fixed0.ips!.estimate).toBe(200);
    expect(fixed0.ips!.ci95).toEqual([200, 200]);
  });
});
