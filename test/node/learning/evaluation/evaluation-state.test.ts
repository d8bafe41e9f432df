// The stored form of the evaluation (src/learning/evaluation/evaluation-state.ts): its size stays
// O(regimes x options) whatever the number of decisions, and a row without the layout is refused
// with the name of the column at fault.

import { describe, expect, it } from "vitest";
import { addDecision } from "../../../../src/learning/evaluation/add-decision.ts";
import { emptyEvaluationState, parseEvaluationState, RELIABILITY_BINS } from "../../../../src/learning/evaluation/evaluation-state.ts";

const SHAPE = { regimeCount: 8, optionCount: 22 } as const;

function numbersIn(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  return typeof value === "object" && value !== null ? Object.values(value).reduce((sum: number, child) => sum + numbersIn(child), 0) : 0;
}

describe("size", () => {
  it("the LLM pack's 8 regimes x 22 options: a fixed count of numbers, before and after 5,000 decisions", () => {
    const state = emptyEvaluationState(SHAPE);
    const cells = SHAPE.regimeCount * SHAPE.optionCount;
    // Per regime: 3 counts, 3 + 3 moments, 9 candidate sums, 3 paired; per cell: 2 model, 9 fixed,
    // 3 paired; per bin: 4 calibration sums.
    const expected = 21 * SHAPE.regimeCount + 14 * cells + 4 * cells * RELIABILITY_BINS;
    expect(numbersIn(state)).toBe(expected);
    for (let i = 0; i < 5_000; i++) {
      addDecision(state, {
        regime: i % 8,
        served: i % 22,
        propensityPpm: 100_000,
        holdout: i % 5 === 0,
        rewardMicros: 1_000 * (i % 7) - 2_000,
        success: i % 3 !== 0,
        predictedBps: (i * 37) % 10_001,
        candidate: { choice: (i * 7) % 22, servedProbPpm: 30_000 },
      });
    }
    expect(numbersIn(state)).toBe(expected);
    // Measured 46,225 bytes of JSON here (62,100 after a million varied decisions): one SQLite row.
    expect(JSON.stringify(state).length).toBeLessThan(200_000);
  });
});

describe("parseEvaluationState refuses a row without the layout", () => {
  const json = () => JSON.parse(JSON.stringify(emptyEvaluationState({ regimeCount: 2, optionCount: 3 })));

  it.each<[string, (row: Record<string, Record<string, unknown[]>>) => unknown, string]>([
    ["another version", (row) => ({ ...row, v: 2 }), '"v" expected 1, got 2'],
    ["a shape out of range", (row) => ({ ...row, optionCount: 65 }), '"optionCount" expected integer in [1, 64], got 65'],
    ["a missing group", (row) => ({ ...row, fixed: undefined }), '"fixed" expected an object'],
    ["a short column", (row) => ((row.fixed!.drSum = [0]), row), '"fixed.drSum" expected an array of 6 numbers'],
    [
      "a fractional count",
      (row) => ((row.production!.n![1] = 0.5), row),
      '"production.n" expected integer in [0, 9007199254740991], got 0.5',
    ],
    ["a negative count", (row) => ((row.calibration!.successes![0] = -1), row), '"calibration.successes" expected integer'],
    [
      "a sum that is not a number",
      (row) => ((row.candidate!.drSum![0] = "1"), row),
      '"candidate.drSum" expected finite numbers, got string',
    ],
    ["a sum of -0", (row) => ((row.model!.sumMicros![2] = -0), row), '"model.sumMicros" expected finite numbers, got -0'],
    ["not an object", () => [], '"state" expected an object'],
  ])("%s", (_name, corrupt, message) => {
    expect(() => parseEvaluationState(corrupt(json()))).toThrow(message);
  });

  it("reads back what it wrote, and copies it: the parsed state shares no array with its input", () => {
    const row = json();
    const state = parseEvaluationState(row);
    expect(state).toStrictEqual(emptyEvaluationState({ regimeCount: 2, optionCount: 3 }));
    state.production.n[0] = 7;
    expect(row.production.n[0]).toBe(0);
  });
});
