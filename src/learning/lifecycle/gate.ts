// The promotion gate (issue 12): four criteria a staged candidate must meet before a human may
// promote it without force, each with a sentence saying why it passed or failed. It reads the
// evaluation's report and the shadow's refusal count; it never promotes anything itself.

import { expectIntegerInRange } from "../../kernel/prng.ts";
import { OPTIONS_MAX, REGIMES_MAX } from "../../kernel/units.ts";
import type { EvaluationReport } from "../evaluation/evaluate.ts";
import { CALIBRATION_OUTCOMES_MIN } from "../evaluation/reliability.ts";

/*
 * The defaults, and why.
 * - decisions, 500 paired decisions with outcomes: the interval's half-width is 1.96 s / sqrt(N)
 *   for a paired difference of standard deviation s, so at 500 it is 0.088 s: a gain of a tenth of
 *   the per-decision spread shows. Fewer, and the normal interval of DR terms (weights up to 20,
 *   a prequential model still learning) is less trustworthy; at 500 the paired interval covered
 *   the true difference in 93 % of 400 seeded synthetic logs (test/node/learning/evaluation/
 *   synthetic-log.ts), as at 2,000 (gate.test.ts checks it). More only delays a clear gain.
 * - improvement: the lower 95 % bound of candidate - production above 0, paired per decision
 *   (EvaluationReport.candidateVsProduction). An equal candidate passes about 2.5 % of the time.
 * - no_new_refusals: zero. A gate or budget refusal is a request the tenant did not get served;
 *   no estimated gain pays for that without a human saying so (force, with a reason).
 * - calibration: see calibrationTolerance.
 */
export const DECISIONS_MIN = 500;
/** A calibrated cell warns with probability 2 (1 - Phi(2)) = 4.6 % at most (reliability.ts), rounded up. */
export const CALIBRATION_FALSE_ALARM_RATE = 0.05;
/** How often chance alone may fail the calibration criterion of a perfectly calibrated tenant. */
export const CALIBRATION_FALSE_FAILURE_RATE = 0.01;

/** The criteria, in the order a verdict lists them. */
export const CRITERION_NAMES = ["decisions", "improvement", "no_new_refusals", "calibration"] as const;
export type CriterionName = (typeof CRITERION_NAMES)[number];

export type GateCriterion = { readonly name: CriterionName; readonly pass: boolean; readonly detail: string };

export interface GateVerdict {
  /** The configuration hash of the candidate judged: promote refuses a verdict on another one. */
  readonly candidateHash: string;
  readonly promotable: boolean;
  readonly criteria: readonly GateCriterion[];
}

export interface GateInput {
  readonly candidateHash: string;
  /** The evaluation over every regime, with the candidate's shadow sums. */
  readonly report: EvaluationReport;
  /** Decisions where the candidate refused (a gate or the budget) and production served (shadowReport). */
  readonly extraRefusals: number;
  /** Paired decisions required; DECISIONS_MIN unless a replay of a small data set says otherwise. */
  readonly decisionsMin?: number;
}

/**
 * The warnings tolerated over `cells` tested cells: the smallest k such that a perfectly
 * calibrated tenant raises more than k warnings with probability at most 1 %, warnings being
 * independent with probability 5 % each (Binomial(cells, 5 %)). Failing on any warning would
 * refuse a calibrated tenant with 20 tested cells 64 % of the time. A real miscalibration (drift,
 * a wrong catalog) biases many cells at once and passes the tolerance; one odd cell does not, and
 * the detail names it. Only + - x / on doubles, which every engine rounds alike: the sealed
 * verdict is the same everywhere.
 */
export function calibrationTolerance(cells: number): number {
  expectIntegerInRange("cells", cells, 0, REGIMES_MAX * OPTIONS_MAX);
  const p = CALIBRATION_FALSE_ALARM_RATE;
  const odds = p / (1 - p);
  let probability = 1;
  for (let i = 0; i < cells; i++) probability *= 1 - p;
  let cumulative = probability;
  let k = 0;
  while (k < cells && 1 - cumulative > CALIBRATION_FALSE_FAILURE_RATE) {
    probability *= ((cells - k) / (k + 1)) * odds;
    cumulative += probability;
    k++;
  }
  return k;
}

const round = (micros: number): string => String(Math.round(micros));

function decisionsCriterion(report: EvaluationReport, decisionsMin: number): GateCriterion {
  const n = report.candidateVsProduction?.n ?? 0;
  return {
    name: "decisions",
    pass: n >= decisionsMin,
    detail: `${n} shadowed decisions with outcomes (holdout excluded), ${decisionsMin} required`,
  };
}

function improvementCriterion(report: EvaluationReport): GateCriterion {
  const paired = report.candidateVsProduction;
  if (paired === null) return { name: "improvement", pass: false, detail: "no paired estimate yet (fewer than 2 shadowed decisions)" };
  const [low, high] = paired.ci95;
  return {
    name: "improvement",
    pass: low > 0,
    detail: `candidate - production: ${round(paired.estimate)} micros per decision, 95 % interval [${round(low)}, ${round(high)}]; its lower bound must be above 0`,
  };
}

function refusalsCriterion(extraRefusals: number): GateCriterion {
  return {
    name: "no_new_refusals",
    pass: extraRefusals === 0,
    detail: `${extraRefusals} gate or budget refusals the candidate made where production served`,
  };
}

function calibrationCriterion(report: EvaluationReport): GateCriterion {
  const tested = report.calibration.cells.filter((cell) => cell.n >= CALIBRATION_OUTCOMES_MIN).length;
  const warnings = report.calibration.warnings;
  const tolerated = calibrationTolerance(tested);
  const named = warnings
    .slice(0, 5)
    .map((w) => `regime ${w.regime} option ${w.option}: bias ${Math.round(w.biasBps)} bps over ${w.n}`)
    .join("; ");
  return {
    name: "calibration",
    pass: warnings.length <= tolerated,
    detail: `${warnings.length} calibration warnings over ${tested} tested cells, ${tolerated} tolerated${named === "" ? "" : ` (${named}${warnings.length > 5 ? "; ..." : ""})`}`,
  };
}

/** The verdict on each criterion, in a fixed order; promotable when all four pass. */
export function gateVerdict(input: GateInput): GateVerdict {
  const decisionsMin = expectIntegerInRange("decisionsMin", input.decisionsMin ?? DECISIONS_MIN, 2, Number.MAX_SAFE_INTEGER);
  const extraRefusals = expectIntegerInRange("extraRefusals", input.extraRefusals, 0, Number.MAX_SAFE_INTEGER);
  const criteria = [
    decisionsCriterion(input.report, decisionsMin),
    improvementCriterion(input.report),
    refusalsCriterion(extraRefusals),
    calibrationCriterion(input.report),
  ];
  return { candidateHash: input.candidateHash, promotable: criteria.every((criterion) => criterion.pass), criteria };
}
