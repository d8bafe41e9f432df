// The learning figures of `npm run bench:learning`, computed from a replay report alone: how far
// the adaptive policy stays from the best fixed option per regime chosen in hindsight, and what
// it pays for the quality it gets. It reads only finished reports, so it keeps working whatever
// the learner does underneath; it never runs a replay itself.

import type { PolicyMetrics } from "./metrics.ts";

type Counts = Pick<PolicyMetrics, "records" | "successes" | "cost_micros" | "net_value_micros">;

/** The parts of a DatasetReport (src/replay/run-dataset.ts) the figures read. */
export interface LearningReport {
  readonly policies: { readonly adaptive?: Counts; readonly best?: Counts; readonly hindsight?: Counts };
  readonly adaptive: {
    /** Hindsight's success rate minus the adaptive policy's, per quarter of the records, bps. */
    readonly gap_to_hindsight: {
      readonly first_quarter: { readonly success_bps: number };
      readonly last_quarter: { readonly success_bps: number };
    } | null;
    readonly explored_bps: number;
  } | null;
}

/** Each figure is null where the report lacks its policies or its denominator is not positive. */
export interface LearningFigures {
  /** (hindsight net value - adaptive net value) / hindsight net value. */
  readonly regret_share: number | null;
  /** Adaptive success rate / always-best success rate. */
  readonly quality_share_of_best: number | null;
  /** Adaptive cost / always-best cost. */
  readonly cost_share_of_best: number | null;
  /** Hindsight success rate minus adaptive success rate over the first quarter, percentage points. */
  readonly gap_first_quarter_pp: number | null;
  readonly gap_last_quarter_pp: number | null;
  /** Share of the adaptive decisions that explored. */
  readonly explored_share: number | null;
}

export type LearningFigureName = keyof LearningFigures;

/** Shares are printed to four decimals (one basis point): finer digits are noise at these sizes. */
export const SHARE_DECIMALS = 4;

function share(numerator: number, denominator: number): number | null {
  if (!(denominator > 0)) return null;
  return roundShare(numerator / denominator);
}

function roundShare(x: number): number {
  const scale = 10 ** SHARE_DECIMALS;
  // + 0 turns a -0 (a tiny negative share rounded) into 0, so no figure ever holds -0.
  return Math.round(x * scale) / scale + 0;
}

/** Percentage points from integer bps: exact to the two decimals the report already carries. */
function pointsFromBps(bps: number): number {
  return bps / 100 + 0;
}

export function learningFigures(report: LearningReport): LearningFigures {
  const { adaptive, best, hindsight } = report.policies;
  const summary = report.adaptive;
  const gap = summary?.gap_to_hindsight ?? null;
  const rate = (p: Counts): number => (p.records === 0 ? 0 : p.successes / p.records);
  return {
    // A share of a non-positive hindsight value means nothing (every option loses money there): null.
    regret_share:
      adaptive === undefined || hindsight === undefined
        ? null
        : share(hindsight.net_value_micros - adaptive.net_value_micros, hindsight.net_value_micros),
    quality_share_of_best: adaptive === undefined || best === undefined ? null : share(rate(adaptive), rate(best)),
    cost_share_of_best: adaptive === undefined || best === undefined ? null : share(adaptive.cost_micros, best.cost_micros),
    gap_first_quarter_pp: gap === null ? null : pointsFromBps(gap.first_quarter.success_bps),
    gap_last_quarter_pp: gap === null ? null : pointsFromBps(gap.last_quarter.success_bps),
    explored_share: summary === null ? null : roundShare(summary.explored_bps / 10_000),
  };
}

/** A ceiling on one figure of one data set at one value level. */
export interface LearningTarget {
  readonly dataset: string;
  readonly level: string;
  readonly figure: LearningFigureName;
  readonly max: number;
}

export interface LearningTargetCheck extends LearningTarget {
  readonly value: number | null;
  /** The printed figure is at most `max`; a missing figure (null) never meets a target. */
  readonly met: boolean;
}

/** Checks each target against the figures as printed, so what is read is what was judged. */
export function checkTargets(
  figures: Readonly<Record<string, Readonly<Record<string, LearningFigures>>>>,
  targets: readonly LearningTarget[],
): LearningTargetCheck[] {
  return targets.map((target) => {
    const value = figures[target.dataset]?.[target.level]?.[target.figure] ?? null;
    return { ...target, value, met: value !== null && value <= target.max };
  });
}
