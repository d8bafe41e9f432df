// The evaluation's sufficient statistics (issue 12, "Evaluation on the live log"): per regime and
// per regime x option, the sums every estimate and interval follows from, so no request reads the
// log. A plain JSON value of number arrays, O(regimes x options) in size, never O(decisions).

import { expectIntegerInRange } from "../../kernel/prng.ts";
import { OPTIONS_MAX, REGIMES_MAX } from "../../kernel/units.ts";

export interface EvaluationShape {
  readonly regimeCount: number;
  readonly optionCount: number;
}

/** Count, sum and sum of squares per target: a sample mean and its variance. */
export interface MomentColumns {
  readonly n: number[];
  readonly sum: number[];
  readonly squares: number[];
}

/** One off-policy target's sums: its DR and IPS terms, and the weights SNIPS divides by. */
export interface OffPolicyColumns {
  readonly n: number[];
  /** Decisions where the target's weight was positive: the ones that carry evidence about it. */
  readonly support: number[];
  readonly drSum: number[];
  readonly drSquares: number[];
  /** Sum of w r, and of (w r)^2. */
  readonly ipsSum: number[];
  readonly ipsSquares: number[];
  readonly weightSum: number[];
  readonly weightSquares: number[];
  /** Sum of w^2 r: with the two above, the delta method's variance of SNIPS. */
  readonly weightSquaresReward: number[];
}

/**
 * Everything the evaluation keeps. Arrays are indexed by regime (r), by cell (r x optionCount + o)
 * or by bin (cell x RELIABILITY_BINS + b). addDecision updates them in place.
 */
export interface EvaluationState {
  readonly v: 1;
  readonly regimeCount: number;
  readonly optionCount: number;
  readonly counts: { readonly decisions: number[]; readonly decisionsLowPropensity: number[]; readonly outcomesLowPropensity: number[] };
  /** The prequential direct model: settled decisions and their reward sum per cell. */
  readonly model: { readonly n: number[]; readonly sumMicros: number[] };
  readonly production: MomentColumns;
  readonly holdout: MomentColumns;
  readonly fixed: OffPolicyColumns;
  /** Per cell, over production's decisions: the fixed option's DR term minus the realized reward. */
  readonly fixedVsProduction: MomentColumns;
  readonly candidate: OffPolicyColumns;
  readonly candidateVsProduction: MomentColumns;
  readonly calibration: {
    readonly n: number[];
    readonly predictedSumBps: number[];
    readonly predictedSquaresBps: number[];
    readonly successes: number[];
  };
}

/** Ten bins of predicted success by 1,000 bps: [0, 1,000), ..., [9,000, 10,000]. */
export const RELIABILITY_BINS = 10;

type Group = Exclude<keyof EvaluationState, "v" | "regimeCount" | "optionCount">;
/** How long a column is, and whether it holds counts (safe integers >= 0) or sums (finite). */
type Column = `${"regime" | "cell" | "bin"}:${"count" | "sum"}`;

const MOMENTS = { n: "regime:count", sum: "regime:sum", squares: "regime:sum" } as const;
const CELL_MOMENTS = { n: "cell:count", sum: "cell:sum", squares: "cell:sum" } as const;
function offPolicy<E extends "regime" | "cell">(extent: E) {
  const sum = `${extent}:sum` as const;
  return {
    n: `${extent}:count`,
    support: `${extent}:count`,
    drSum: sum,
    drSquares: sum,
    ipsSum: sum,
    ipsSquares: sum,
    weightSum: sum,
    weightSquares: sum,
    weightSquaresReward: sum,
  } as const;
}

/** The layout of every group, checked against the interface: a column missing here fails the type check. */
const LAYOUT = {
  counts: { decisions: "regime:count", decisionsLowPropensity: "regime:count", outcomesLowPropensity: "regime:count" },
  model: { n: "cell:count", sumMicros: "cell:sum" },
  production: MOMENTS,
  holdout: MOMENTS,
  fixed: offPolicy("cell"),
  fixedVsProduction: CELL_MOMENTS,
  candidate: offPolicy("regime"),
  candidateVsProduction: MOMENTS,
  calibration: { n: "bin:count", predictedSumBps: "bin:sum", predictedSquaresBps: "bin:sum", successes: "bin:count" },
} as const satisfies { readonly [G in Group]: { readonly [K in keyof EvaluationState[G]]: Column } };

function columnLength(column: Column, shape: EvaluationShape): number {
  const cells = shape.regimeCount * shape.optionCount;
  if (column.startsWith("regime")) return shape.regimeCount;
  return column.startsWith("cell") ? cells : cells * RELIABILITY_BINS;
}

function checkShape(shape: EvaluationShape): void {
  expectIntegerInRange("regimeCount", shape.regimeCount, 1, REGIMES_MAX);
  expectIntegerInRange("optionCount", shape.optionCount, 1, OPTIONS_MAX);
}

function mapLayout(build: (group: string, name: string, column: Column) => number[]): Record<string, Record<string, number[]>> {
  const groups: Record<string, Record<string, number[]>> = {};
  for (const [group, columns] of Object.entries(LAYOUT)) {
    const built: Record<string, number[]> = {};
    for (const [name, column] of Object.entries(columns)) built[name] = build(group, name, column);
    groups[group] = built;
  }
  return groups;
}

/** The state before any decision: every count and sum zero. */
export function emptyEvaluationState(shape: EvaluationShape): EvaluationState {
  checkShape(shape);
  const groups = mapLayout((_group, _name, column) => new Array<number>(columnLength(column, shape)).fill(0));
  return { v: 1, regimeCount: shape.regimeCount, optionCount: shape.optionCount, ...groups } as unknown as EvaluationState;
}

/**
 * Reads a stored state back (JSON.parse of JSON.stringify(state) gives the same figures to the last
 * bit: a double prints as the shortest string that reads back to it, and no sum is ever -0). A row
 * that does not have the layout is refused: a corrupt row is a bug to surface, not data to guess.
 */
export function parseEvaluationState(value: unknown): EvaluationState {
  const record = expectRecord("state", value);
  if (record.v !== 1) throw new RangeError(`"v" expected 1, got ${String(record.v)}`);
  const shape = { regimeCount: record.regimeCount as number, optionCount: record.optionCount as number };
  checkShape(shape);
  const groups = mapLayout((group, name, column) => {
    const label = `${group}.${name}`;
    const array = expectRecord(group, record[group])[name];
    const length = columnLength(column, shape);
    if (!Array.isArray(array) || array.length !== length) throw new RangeError(`"${label}" expected an array of ${length} numbers`);
    const check = column.endsWith("count") ? expectCount : expectFiniteSum;
    for (const entry of array) check(label, entry);
    return array.slice() as number[];
  });
  return { v: 1, ...shape, ...groups } as unknown as EvaluationState;
}

function expectCount(label: string, value: unknown): void {
  expectIntegerInRange(label, value, 0, Number.MAX_SAFE_INTEGER);
}

/** Any finite number but -0, which no sum starting at 0 can reach. */
function expectFiniteSum(label: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isFinite(value) || Object.is(value, -0)) {
    throw new RangeError(
      `"${label}" expected finite numbers, got ${typeof value !== "number" ? typeof value : Object.is(value, -0) ? "-0" : String(value)}`,
    );
  }
}

function expectRecord(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new TypeError(`"${name}" expected an object`);
  return value as Record<string, unknown>;
}

/**
 * Adds every count and sum of `from` into `into`, in place: the figures since a day are the days'
 * buckets added up in day order (evaluation-book.ts), the same order wherever they are recomputed.
 */
export function addStateInto(into: EvaluationState, from: EvaluationState): void {
  if (into.regimeCount !== from.regimeCount || into.optionCount !== from.optionCount) {
    throw new RangeError("states of different shapes cannot be added");
  }
  const target = into as unknown as Record<string, Record<string, number[]>>;
  const source = from as unknown as Record<string, Record<string, number[]>>;
  for (const [group, columns] of Object.entries(LAYOUT)) {
    for (const name of Object.keys(columns)) {
      const column = target[group]![name]!;
      const add = source[group]![name]!;
      for (let i = 0; i < column.length; i++) column[i]! += add[i]!;
    }
  }
}
