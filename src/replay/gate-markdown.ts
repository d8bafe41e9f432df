// The "Policy lifecycle: the gate on real data" section of docs/results.md: per data set and
// candidate, the truth beside the gate's estimate and verdict, and whether the verdict was right.
// Pure: the same reports give the same text; every sentence about a row is derived from its numbers.

import type { CandidateReport } from "./candidate-replay.ts";

/** One candidate judged on one data set (scripts/results.ts). */
export interface GateRow {
  readonly dataset: string;
  readonly report: CandidateReport;
}

function usd(micros: number): string {
  const dollars = micros / 100_000_000;
  const text = `$${Math.abs(dollars).toPrecision(3)}`;
  return micros < 0 ? `−${text}` : micros > 0 ? `+${text}` : "$0";
}

function plainUsd(micros: number): string {
  return `$${(micros / 100_000_000).toPrecision(4)}`;
}

function changes(report: CandidateReport): string {
  return report.changes.map((change) => change.replace(/^(\w+): (.*) -> (.*)$/, "$1 $2 → $3")).join(", ");
}

function estimateCell(report: CandidateReport): string {
  const e = report.estimate;
  return e === null ? "–" : `${usd(e.estimate)} [${usd(e.ci95[0])}, ${usd(e.ci95[1])}]`;
}

function covers(report: CandidateReport): boolean | null {
  const e = report.estimate;
  const value = report.truth.shadow_difference_micros;
  return e === null || value === null ? null : e.ci95[0] <= value && value <= e.ci95[1];
}

/** Why a wrong verdict was wrong, from the row's own numbers. */
function whyWrong(row: GateRow): string {
  const { report } = row;
  const shadowValue = report.truth.shadow_difference_micros ?? 0;
  const shadowSaysBetter = shadowValue > 0;
  const reason =
    shadowSaysBetter !== report.truly_better
      ? "what the gate estimates, the candidate deciding on production's posteriors, is itself on the other side of zero from the truth, where the candidate learns from its own decisions: a shadow cannot show that difference, and on one seed part of it may be chance"
      : covers(report) === false
        ? "the estimate missed the value it estimates (its interval does not cover it)"
        : "the estimate's interval is too wide for a difference this small to show";
  return `- ${row.dataset}, ${changes(report)}: ${report.verdict.promotable ? "promoted" : "refused"} although truly ${report.truly_better ? "better" : "worse"} (${usd(report.truth.difference_micros)} per decision); ${reason}.`;
}

/** The section, or nothing when no candidate was judged. */
export function gateSection(rows: readonly GateRow[]): string[] {
  if (rows.length === 0) return [];
  const production = rows[0]!.report.production_config;
  const right = rows.filter((row) => row.report.verdict_right).length;
  const covered = rows.filter((row) => covers(row.report) === true).length;
  const wrong = rows.filter((row) => !row.report.verdict_right);
  return [
    "",
    "## Policy lifecycle: the gate on real data",
    "",
    "`calybris replay <data set> --candidate <config.json>` stages a candidate configuration in production's shadow: at every",
    "snapshot the candidate's policy is production's learned posteriors under the candidate's settings, it decides every",
    "request with the same seed, and the promotion gate (src/learning/lifecycle/gate.ts) judges it from the evaluation the",
    "Learner keeps: at least 500 paired decisions, the lower end of the 95% interval of the paired doubly robust estimate",
    "of candidate − production above 0, no refusal production did not make, and calibration. The replay knows every",
    "option's outcome, so it also runs the candidate as production from the first record (same seed): the *truth*. It",
    "also computes exactly what the gate's estimate estimates: over production's decisions, the candidate's expected net",
    "value under its own probabilities minus production's realized one.",
    "",
    `Net value per decision as the evaluation scores it (value × quality − cost), at the middle value; seed 1. Production`,
    `runs under each data set's default configuration (exploration ${production.exploration_bps / 100}%, prior strength ${production.prior_strength}, sharpening ${production.sharpening}).`,
    "The candidates were chosen by measurement: each data set's truly better and truly worse one, and one more that",
    "shows where a shadow cannot see.",
    "",
    "| data set | candidate | true net value per decision: production → candidate | true difference | gate's estimate [95% interval] | exact value it estimates | failed criteria | verdict | right? |",
    "|---|---|---:|---:|---:|---:|---|---|---|",
    ...rows.map(({ dataset, report }) => {
      const failed = report.verdict.criteria.filter((criterion) => !criterion.pass).map((criterion) => criterion.name);
      const shadowValue = report.truth.shadow_difference_micros;
      return `| ${dataset} | ${changes(report)} | ${plainUsd(report.truth.production_per_decision_micros)} → ${plainUsd(report.truth.candidate_per_decision_micros)} | ${usd(report.truth.difference_micros)} | ${estimateCell(report)} | ${shadowValue === null ? "–" : usd(shadowValue)} | ${failed.length === 0 ? "none" : failed.join(", ")} | ${report.verdict.promotable ? "promote" : "refuse"} | ${report.verdict_right ? "yes" : "**no**"} |`;
    }),
    "",
    `The verdict was right in ${right} of ${rows.length} cases; the interval covered the exact value it estimates in ${covered} of ${rows.length}.`,
    ...(wrong.length === 0 ? [] : ["", ...wrong.map(whyWrong)]),
    "",
    "One seed: the truth is one run of each configuration, so a small true difference may change sign on another seed.",
  ];
}
