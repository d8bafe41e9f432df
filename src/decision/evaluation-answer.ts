// The answer of GET /v1/evaluation, built the same way by the worker (from the Learner's sums and
// the ledger's tally) and by `calybris evaluate` (from a chain export): the two agree to the last
// digit because they build the same object from the same figures. Pure.

import type { DomainPack } from "../domain/domain-pack.ts";
import type { EvaluationReport, PolicyEstimates } from "../learning/evaluation/evaluate.ts";
import type { BookMeta } from "../learning/evaluation/evaluation-book.ts";
import type { Estimate } from "../learning/evaluation/interval.ts";
import { CALIBRATION_BIAS_BPS_MIN, CALIBRATION_OUTCOMES_MIN, CALIBRATION_STANDARD_ERRORS } from "../learning/evaluation/reliability.ts";
import { WEIGHT_CAP } from "../learning/evaluation/weights.ts";
import type { TallyRow } from "../ledger/store.ts";

export interface EvaluationScope {
  /** A regime index of the pack, or null for all. */
  readonly regime: number | null;
  /** A UTC day number (ms / 86,400,000), or null for every evaluated outcome. */
  readonly sinceDay: number | null;
}

type EstimateJson = { estimate_micros: number; ci95_micros: [number, number]; n: number } | null;

function estimateJson(estimate: Estimate | null): EstimateJson {
  return estimate === null
    ? null
    : { estimate_micros: estimate.estimate, ci95_micros: [estimate.ci95[0], estimate.ci95[1]], n: estimate.n };
}

function policyJson(estimates: PolicyEstimates): { dr: EstimateJson; ips: EstimateJson; snips: EstimateJson } {
  return { dr: estimateJson(estimates.dr), ips: estimateJson(estimates.ips), snips: estimateJson(estimates.snips) };
}

function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

export function dayText(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** The JSON answer: estimates of net value per decision in micros, with 95 % intervals, named in the pack's vocabulary. */
export function evaluationAnswer(
  pack: DomainPack,
  scope: EvaluationScope,
  report: EvaluationReport,
  meta: BookMeta,
  tally: readonly TallyRow[],
  candidate: { readonly configHash: string; readonly report: EvaluationReport } | null,
) {
  const regimeId = (index: number): string => pack.regimes[index]!.id;
  const optionId = (index: number): string => pack.options[index]!.id;
  const rows = tally.filter((row) => scope.regime === null || row.regime === scope.regime);
  const decisions = rows.reduce((sum, row) => sum + row.decisions, 0);
  const lowDecisions = rows.reduce((sum, row) => sum + row.lowPropensity, 0);
  const c = report.counts;
  return {
    pack: pack.id,
    regime: scope.regime === null ? null : regimeId(scope.regime),
    since: scope.sinceDay === null ? null : dayText(scope.sinceDay),
    unit: "net value per decision, micros: business outcome (or value) x quality - cost - latency penalty",
    first_outcome_seq: meta.firstOutcomeSeq,
    counts: {
      decisions,
      low_propensity_decisions: lowDecisions,
      low_propensity_decision_share: share(lowDecisions, decisions),
      outcomes: c.outcomes,
      low_propensity_outcomes: c.lowPropensityOutcomes,
      low_propensity_outcome_share: c.lowPropensityOutcomeShare,
      holdout_outcomes: c.holdoutOutcomes,
      shadow_outcomes: candidate === null ? 0 : candidate.report.counts.shadowOutcomes,
      not_evaluated: { ...meta.skipped },
    },
    weight_cap: WEIGHT_CAP,
    production: policyJson(report.production),
    holdout: policyJson(report.holdout),
    // The staged candidate's own sums (every decision it shadowed, since it was staged), or none.
    candidate_config_hash: candidate === null ? null : candidate.configHash,
    candidate:
      candidate === null
        ? { dr: null, ips: null, snips: null, support: 0 }
        : { ...policyJson(candidate.report.candidate), support: candidate.report.candidate.support },
    candidate_vs_production: candidate === null ? null : estimateJson(candidate.report.candidateVsProduction),
    fixed: report.fixed.map((f) => ({ regime: regimeId(f.regime), option: optionId(f.option), ...policyJson(f), support: f.support })),
    regret: {
      overall: estimateJson(report.regret.overall),
      by_regime: report.regret.byRegime.map((r) => ({
        regime: regimeId(r.regime),
        best: r.best === null ? null : optionId(r.best),
        regret: estimateJson(r.regret),
      })),
    },
    calibration: {
      rule: {
        outcomes_min: CALIBRATION_OUTCOMES_MIN,
        bias_bps_min: CALIBRATION_BIAS_BPS_MIN,
        standard_errors: CALIBRATION_STANDARD_ERRORS,
      },
      warnings: report.calibration.warnings.map((w) => ({
        regime: regimeId(w.regime),
        option: optionId(w.option),
        bias_bps: w.biasBps,
        n: w.n,
      })),
      cells: report.calibration.cells.map((cell) => ({
        regime: regimeId(cell.regime),
        option: optionId(cell.option),
        n: cell.n,
        mean_predicted_bps: cell.meanPredictedBps,
        observed_bps: cell.observedBps,
        bias_bps: cell.biasBps,
        bins: cell.bins.map((b) => ({
          low_bps: b.lowBps,
          high_bps: b.highBps,
          n: b.n,
          mean_predicted_bps: b.meanPredictedBps,
          observed_bps: b.observedBps,
        })),
      })),
    },
  };
}

export type EvaluationAnswerJson = ReturnType<typeof evaluationAnswer>;
