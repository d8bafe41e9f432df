// Properties of the evaluation (src/learning/evaluation) over arbitrary decision sequences: it
// agrees with an independent reference (reference-evaluation.ts), its state survives a JSON
// round trip at any point of the sequence with bit-identical figures, no figure is ever NaN or
// infinite, and a malformed decision is refused before the state changes.

import fc from "fast-check";
import { describe, expect, it, test } from "vitest";
import { addDecision } from "../../../../src/learning/evaluation/add-decision.ts";
import type { EvaluatedDecision } from "../../../../src/learning/evaluation/evaluated-decision.ts";
import { emptyEvaluationState, parseEvaluationState, type EvaluationState } from "../../../../src/learning/evaluation/evaluation-state.ts";
import { evaluate, OFF_POLICY_SUPPORT_MIN, REGRET_SUPPORT_MIN } from "../../../../src/learning/evaluation/evaluate.ts";
import type { Estimate } from "../../../../src/learning/evaluation/interval.ts";
import { referenceMean, referenceSnips, referenceTerms, type ReferenceEstimate } from "./reference-evaluation.ts";

const SHAPE = { regimeCount: 2, optionCount: 3 } as const;
const MAX = Number.MAX_SAFE_INTEGER;

/** Edge-biased ppm: the cap's boundary (50,000), its worst case (1) and certainty (10^6). */
const propensityPpm = fc.oneof(fc.constantFrom(1, 2, 49_999, 50_000, 50_001, 999_999, 1_000_000), fc.integer({ min: 1, max: 1_000_000 }));
const servedProbPpm = fc.oneof(fc.constant(0), propensityPpm);
const moderateReward = fc.oneof(fc.constantFrom(0, 1, -1), fc.integer({ min: -1_000_000, max: 1_000_000 }));
const extremeReward = fc.oneof(fc.constantFrom(0, 1, -1, MAX, -MAX, 2 ** 31 - 1), fc.integer({ min: -MAX, max: MAX }));

function decisions(
  reward: fc.Arbitrary<number>,
  maxLength: number,
  minLength = 0,
  regime?: number,
  served?: number,
): fc.Arbitrary<EvaluatedDecision[]> {
  const decision: fc.Arbitrary<EvaluatedDecision> = fc.record({
    regime: regime === undefined ? fc.integer({ min: 0, max: SHAPE.regimeCount - 1 }) : fc.constant(regime),
    served: served === undefined ? fc.integer({ min: 0, max: SHAPE.optionCount - 1 }) : fc.constant(served),
    propensityPpm,
    holdout: fc.boolean(),
    rewardMicros: reward,
    success: fc.boolean(),
    predictedBps: fc.option(fc.oneof(fc.constantFrom(0, 9_999, 10_000), fc.integer({ min: 0, max: 10_000 })), { nil: null }),
    candidate: fc.option(fc.record({ choice: fc.integer({ min: 0, max: SHAPE.optionCount - 1 }), servedProbPpm }), { nil: null }),
  });
  return fc.array(decision, { minLength, maxLength });
}

/**
 * A log in which some regime x options were served about REGRET_SUPPORT_MIN times or more, so that
 * some are eligible to be named best and some fall just short: arbitrary decisions with runs of
 * one regime x option spliced in.
 */
function supportedDecisions(reward: fc.Arbitrary<number>): fc.Arbitrary<EvaluatedDecision[]> {
  const run = fc
    .tuple(fc.integer({ min: 0, max: SHAPE.regimeCount - 1 }), fc.integer({ min: 0, max: SHAPE.optionCount - 1 }))
    .chain(([regime, served]) => decisions(reward, REGRET_SUPPORT_MIN + 5, REGRET_SUPPORT_MIN - 5, regime, served));
  return fc
    .tuple(decisions(reward, 40), fc.array(run, { maxLength: 3 }))
    .chain(([log, runs]) => fc.shuffledSubarray([log, ...runs], { minLength: runs.length + 1 }).map((parts) => parts.flat()));
}

function stateOf(log: readonly EvaluatedDecision[]): EvaluationState {
  const state = emptyEvaluationState(SHAPE);
  for (const d of log) addDecision(state, d);
  return state;
}

/** Equal up to the rounding of a different order of operations, relative to the terms' scale. */
function expectAgrees(actual: Estimate | null, expected: ReferenceEstimate | null, scale: number): void {
  if (expected === null) return void expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  expect(actual!.n).toBe(expected.n);
  expect(Math.abs(actual!.estimate - expected.estimate)).toBeLessThanOrEqual(1e-9 * scale);
  const halfWidth = (actual!.ci95[1] - actual!.ci95[0]) / 2;
  expect(Math.abs(halfWidth - expected.halfWidth)).toBeLessThanOrEqual(1e-6 * scale);
}

function scaleOf(log: readonly EvaluatedDecision[]): number {
  // A DR term is q + w (r - q) with |q| <= max |r| and w <= 20: at most 41 max |r|.
  return 1 + 41 * log.reduce((m, d) => Math.max(m, Math.abs(d.rewardMicros)), 0);
}

describe("agreement with the reference", () => {
  it("fixed options, the candidate, production, holdout and the paired differences, per regime", () => {
    fc.assert(
      fc.property(decisions(moderateReward, 40), (log) => {
        const state = stateOf(log);
        const scale = scaleOf(log);
        for (let regime = 0; regime < SHAPE.regimeCount; regime++) {
          const report = evaluate(state, { regime });
          const mine = log.filter((d) => d.regime === regime);
          expectAgrees(report.production.dr, referenceMean(mine.filter((d) => !d.holdout).map((d) => d.rewardMicros)), scale);
          expectAgrees(report.holdout.dr, referenceMean(mine.filter((d) => d.holdout).map((d) => d.rewardMicros)), scale);
          const targets = [...report.fixed.map((entry) => [entry, entry.option] as const), [report.candidate, "candidate"] as const];
          for (const [entry, target] of targets) {
            const terms = referenceTerms(log, regime, target);
            const support = terms.weights.filter((w) => w > 0).length;
            expect(entry.support).toBe(support);
            if (support < OFF_POLICY_SUPPORT_MIN) continue;
            expectAgrees(entry.dr, referenceMean(terms.dr), scale);
            expectAgrees(entry.ips, referenceMean(terms.weights.map((w, i) => w * terms.rewards[i]!)), scale);
            expectAgrees(entry.snips, referenceSnips(terms.weights, terms.rewards), scale);
          }
          expectAgrees(report.candidateVsProduction, referenceMean(referenceTerms(log, regime, "candidate").paired), scale);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("regret: the chosen option has the highest DR estimate of those served often enough, and its regret is its paired mean", () => {
    let named = 0;
    fc.assert(
      fc.property(supportedDecisions(moderateReward), (log) => {
        const report = evaluate(stateOf(log));
        const scale = scaleOf(log);
        const paired: number[] = [];
        for (const { regime, best, regret } of report.regret.byRegime) {
          const served = (option: number): number => log.filter((d) => d.regime === regime && d.served === option).length;
          const eligible = report.fixed.filter(
            (entry) => entry.regime === regime && entry.dr !== null && served(entry.option) >= REGRET_SUPPORT_MIN,
          );
          const estimates = eligible.map((entry) => entry.dr!.estimate);
          if (best === null) {
            expect(estimates).toEqual([]);
            continue;
          }
          expect(report.fixed.find((entry) => entry.regime === regime && entry.option === best)!.dr!.estimate).toBe(Math.max(...estimates));
          named++;
          const terms = referenceTerms(log, regime, best).paired;
          expectAgrees(regret, referenceMean(terms), scale);
          paired.push(...terms);
        }
        expectAgrees(report.regret.overall, referenceMean(paired), scale);
      }),
      { numRuns: 200 },
    );
    // The runs make the property bite: many regimes had an option to name.
    expect(named).toBeGreaterThan(100);
  });
});

describe("storage and determinism", () => {
  it("a JSON round trip at any point of the sequence changes no figure, to the last bit", () => {
    fc.assert(
      fc.property(decisions(extremeReward, 60), fc.nat(), (log, at) => {
        const split = log.length === 0 ? 0 : at % (log.length + 1);
        const whole = stateOf(log);
        const resumed = parseEvaluationState(JSON.parse(JSON.stringify(stateOf(log.slice(0, split)))));
        for (const d of log.slice(split)) addDecision(resumed, d);
        expect(resumed).toStrictEqual(whole);
        for (const regime of [null, 0, 1]) expect(evaluate(resumed, { regime })).toStrictEqual(evaluate(whole, { regime }));
        expect(JSON.stringify(evaluate(resumed))).toBe(JSON.stringify(evaluate(whole)));
      }),
    );
  });

  it("no figure is NaN or infinite: empty state, 1 ppm propensities and rewards of +-(2^53 - 1)", () => {
    const finite = (value: unknown): boolean =>
      typeof value === "number"
        ? Number.isFinite(value)
        : typeof value !== "object" || value === null || Object.values(value).every(finite);
    expect(finite(evaluate(emptyEvaluationState(SHAPE)))).toBe(true);
    fc.assert(
      fc.property(decisions(extremeReward, 60), (log) => {
        const state = stateOf(log);
        for (const regime of [null, 0, 1]) expect(finite(evaluate(state, { regime }))).toBe(true);
        expect(finite(state)).toBe(true);
      }),
    );
    const worst = stateOf(
      Array.from({ length: 50 }, (_, i) => ({
        regime: 0,
        served: i % 3,
        propensityPpm: 1,
        holdout: i % 5 === 0,
        rewardMicros: i % 2 === 0 ? MAX : -MAX,
        success: true,
        predictedBps: 10_000,
        candidate: { choice: 2, servedProbPpm: 1_000_000 },
      })),
    );
    expect(finite(evaluate(worst))).toBe(true);
  });
});

describe("malformed decisions are refused before the state changes", () => {
  const base: EvaluatedDecision = {
    regime: 1,
    served: 2,
    propensityPpm: 300_000,
    holdout: false,
    rewardMicros: 5,
    success: true,
    predictedBps: 7_000,
    candidate: { choice: 0, servedProbPpm: 100_000 },
  };
  const hostile: readonly unknown[] = [Number.NaN, Infinity, -Infinity, -0, -1, 1.5, 2 ** 53, "7", 7n, null, undefined, {}];
  const fields = [
    "regime",
    "served",
    "propensityPpm",
    "holdout",
    "rewardMicros",
    "success",
    "predictedBps",
    "candidate.choice",
    "candidate.servedProbPpm",
  ];
  /** Values a field accepts: a loss of 1 is a reward, null is "no prediction". */
  const valid = (field: string, value: unknown) =>
    (field === "rewardMicros" && value === -1) || (field === "predictedBps" && value === null);

  test.each(fields.flatMap((field) => hostile.filter((value) => !valid(field, value)).map((value) => [field, value] as const)))(
    "%s = %s",
    (field, value) => {
      const [head, tail] = field.split(".") as [keyof EvaluatedDecision, string | undefined];
      const decision = tail === undefined ? { ...base, [head]: value } : { ...base, candidate: { ...base.candidate!, [tail]: value } };
      const state = stateOf([base]);
      const before = JSON.stringify(state);
      expect(() => addDecision(state, decision as EvaluatedDecision)).toThrow(`"${field}" expected`);
      expect(JSON.stringify(state)).toBe(before);
    },
  );

  it("an option or regime outside the shape, and a candidate that is not an object", () => {
    const state = stateOf([]);
    expect(() => addDecision(state, { ...base, served: 3 })).toThrow('"served" expected integer in [0, 2], got 3');
    expect(() => addDecision(state, { ...base, regime: 2 })).toThrow('"regime" expected integer in [0, 1], got 2');
    expect(() => addDecision(state, { ...base, propensityPpm: 0 })).toThrow('"propensityPpm" expected integer in [1, 1000000], got 0');
    expect(() => addDecision(state, { ...base, candidate: 3 } as unknown as EvaluatedDecision)).toThrow(
      '"candidate" expected an object or null',
    );
    expect(() => addDecision(state, { ...base, candidate: undefined } as unknown as EvaluatedDecision)).toThrow('"candidate" expected');
    expect(state).toStrictEqual(emptyEvaluationState(SHAPE));
  });
});
