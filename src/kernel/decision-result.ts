// The kernel's reusable output. decide() overwrites every field on each call, so one instance
// serves millions of decisions without allocating. Copy it (explain.ts) before keeping it.

import * as codes from "./result-codes.ts";
import * as units from "./units.ts";

// Module consts, not imported bindings: reset() runs on every decision, and V8 folds a module's
// own const into compiled code but reloads an import through its live cell on every use (kernel.ts).
const { FloorSource, GATE_COUNT, NOT_DECIDED, Verdict } = codes;
const { RANKED_MAX, UNSET } = units;

/** Offsets into a terms array: the four utility terms of one option, all microcents. */
export const TERM_QUALITY_ADJUSTED_VALUE = 0;
export const TERM_RISK_PENALTY = 1;
export const TERM_COST = 2;
export const TERM_LATENCY_PENALTY = 3;
export const TERM_COUNT = 4;

/** An option's utility from its four terms, in the order the scan subtracts them: value - risk - cost - latency. */
export function utilityOfTerms(terms: Float64Array): number {
  return terms[TERM_QUALITY_ADJUSTED_VALUE]! - terms[TERM_RISK_PENALTY]! - terms[TERM_COST]! - terms[TERM_LATENCY_PENALTY]!;
}

export class DecisionResult {
  /** DecisionCode of the last decide(), or NOT_DECIDED while none completed. */
  code: number = NOT_DECIDED;
  /** 1-based gate that failed, or 0. */
  failedGate = 0;
  readonly gateVerdicts = new Uint8Array(GATE_COUNT);
  /** Option index of the choice, or UNSET. */
  chosen = UNSET;
  /** The chosen option first, then up to three fallbacks in rank order. */
  readonly ranked = new Int32Array(RANKED_MAX).fill(UNSET);
  rankedCount = 0;
  /** Worst-case cost of each ranked option: what the ledger reserves. */
  readonly rankedCostMicros = new Float64Array(RANKED_MAX);
  floorBps = 0;
  floorSource: number = FloorSource.none;
  /** Anomaly raise applied to a learned or warm-start floor (never to a client floor). */
  floorRaisedBps = 0;
  /** Index k of the posterior sample this decision read. */
  sampleIndex = 0;
  explored = false;
  feasibleCount = 0;
  /** Tiers with at least one feasible option: exploration is uniform over them. */
  feasibleTierCount = 0;
  /** theta of the chosen option's tier under sample k, bps. */
  chosenThetaBps = 0;
  readonly chosenTerms = new Float64Array(TERM_COUNT);
  chosenUtilityMicros = 0;
  /** The next-ranked option (first fallback), or UNSET when only one option was feasible. */
  runnerUp = UNSET;
  readonly runnerUpTerms = new Float64Array(TERM_COUNT);
  runnerUpUtilityMicros = 0;
  /** Exact propensity numerator / denominator, and rounded to parts per million (set by propensity()). */
  propensityNumerator = 0;
  propensityDenominator = 1;
  propensityPpm = 0;
  /** Thompson share: of the K samples, how many make the chosen option the greedy winner. */
  thompsonWins = 0;

  reset(): void {
    // Plain loops: TypedArray.prototype.fill is a builtin call per array, which costs more here.
    this.code = NOT_DECIDED;
    this.failedGate = 0;
    const verdicts = this.gateVerdicts;
    for (let g = 0; g < GATE_COUNT; g++) verdicts[g] = Verdict.not_evaluated;
    this.chosen = UNSET;
    for (let r = 0; r < RANKED_MAX; r++) {
      this.ranked[r] = UNSET;
      this.rankedCostMicros[r] = 0;
    }
    this.rankedCount = 0;
    this.floorBps = 0;
    this.floorSource = FloorSource.none;
    this.floorRaisedBps = 0;
    this.sampleIndex = 0;
    this.explored = false;
    this.feasibleCount = 0;
    this.feasibleTierCount = 0;
    this.chosenThetaBps = 0;
    for (let t = 0; t < TERM_COUNT; t++) {
      this.chosenTerms[t] = 0;
      this.runnerUpTerms[t] = 0;
    }
    this.chosenUtilityMicros = 0;
    this.runnerUp = UNSET;
    this.runnerUpUtilityMicros = 0;
    this.propensityNumerator = 0;
    this.propensityDenominator = 1;
    this.propensityPpm = 0;
    this.thompsonWins = 0;
  }
}
