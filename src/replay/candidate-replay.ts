// The gate's verdict beside the truth (issue 12, "Replay"). Production ran with the candidate in
// shadow (candidate-shadow.ts); the gate judges it from that run's evaluation as the Learner
// would. The replay knows every option's outcome, so it also runs the candidate as production and
// says whether the verdict was right: promote exactly when the candidate is truly better.

import { evaluate } from "../learning/evaluation/evaluate.ts";
import type { Estimate } from "../learning/evaluation/interval.ts";
import { gateVerdict, type GateVerdict } from "../learning/lifecycle/gate.ts";
import { configHash, type PolicyConfig } from "../learning/lifecycle/policy-config.ts";
import { shadowReport, type ShadowReport } from "../learning/lifecycle/shadow-tally.ts";
import { rewardMicros } from "../learning/reward.ts";
import type { CandidateShadowRun } from "./candidate-shadow.ts";
import type { RecordTable } from "./record-table.ts";
import type { AdaptiveRun } from "./run-adaptive.ts";

export interface CandidateTruth {
  /** Net value per record as the evaluation scores it (value x quality - cost of the real outcome), micros; 0 where nothing was served. */
  readonly production_per_decision_micros: number;
  /** The same for the candidate run as production from the first record (its truth run). */
  readonly candidate_per_decision_micros: number;
  /** Candidate minus production: what promoting the candidate on day one would have earned per decision. */
  readonly difference_micros: number;
  /**
   * What the gate's paired estimate estimates, exactly: over the decisions production served and
   * the candidate did not refuse, the mean of the candidate's expected reward under its own
   * probabilities (sum over options of P(option) x its real outcome) minus production's realized
   * reward. It differs from difference_micros where the candidate, run on its own, would have
   * learned something else than production's posteriors (and by prior_strength, see apply-config.ts).
   */
  readonly shadow_difference_micros: number | null;
  readonly shadow_decisions: number;
}

export interface CandidateReport {
  readonly config: PolicyConfig;
  readonly config_hash: string;
  readonly production_config: PolicyConfig;
  readonly production_config_hash: string;
  /** The fields the candidate changes, as `name: production -> candidate`. */
  readonly changes: readonly string[];
  readonly shadow: ShadowReport;
  /** The gate's paired estimate of candidate - production per decision (DR), with its 95 % interval. */
  readonly estimate: Estimate | null;
  readonly verdict: GateVerdict;
  readonly truth: CandidateTruth;
  readonly truly_better: boolean;
  /** promotable === truly_better. */
  readonly verdict_right: boolean;
}

/** The evaluation's reward of option o on record i (src/learning/evaluation/from-outcome.ts, no latency measured). */
function scoredReward(table: RecordTable, i: number, o: number, valueMicros: number | undefined): number {
  const cell = i * table.optionCount + o;
  return rewardMicros(
    {
      valueMicros: valueMicros ?? table.valueMicros[i]!,
      success: table.success[cell] === 1,
      qualityBps: table.qualityBps[cell]!,
      actualCostMicros: table.costMicros[cell]!,
    },
    0,
  );
}

function perDecision(table: RecordTable, choices: Int32Array, valueMicros: number | undefined): number {
  let total = 0;
  for (let i = 0; i < table.count; i++) if (choices[i]! >= 0) total += scoredReward(table, i, choices[i]!, valueMicros);
  return table.count === 0 ? 0 : total / table.count;
}

function shadowDifference(table: RecordTable, production: Int32Array, shadow: CandidateShadowRun, valueMicros: number | undefined) {
  const m = table.optionCount;
  let total = 0;
  let decisions = 0;
  for (let i = 0; i < table.count; i++) {
    if (production[i]! < 0 || shadow.choices[i]! < 0) continue;
    let expected = 0;
    for (let o = 0; o < m; o++) {
      const p = shadow.probabilities[i * m + o]!;
      if (p > 0) expected += p * scoredReward(table, i, o, valueMicros);
    }
    total += expected - scoredReward(table, i, production[i]!, valueMicros);
    decisions++;
  }
  return { shadow_difference_micros: decisions === 0 ? null : Math.round(total / decisions), shadow_decisions: decisions };
}

function changesOf(production: PolicyConfig, candidate: PolicyConfig): string[] {
  const changes: string[] = [];
  for (const key of Object.keys(candidate) as (keyof PolicyConfig)[]) {
    const [from, to] = [JSON.stringify(production[key]), JSON.stringify(candidate[key])];
    if (from !== to) changes.push(`${key}: ${from} -> ${to}`);
  }
  return changes;
}

export interface CandidateRuns {
  readonly table: RecordTable;
  /** The value every record was run at, or undefined for the table's own. */
  readonly valueMicros: number | undefined;
  readonly productionConfig: PolicyConfig;
  /** Production's run, with the candidate in shadow. */
  readonly production: AdaptiveRun;
  /** The candidate's configuration run as production (runAdaptive's `config`). */
  readonly truth: AdaptiveRun;
  /** Paired decisions the gate requires; its default unless given. */
  readonly decisionsMin?: number;
}

/** The verdict and the truth side by side. Pure: the same runs give the same report. */
export function candidateReport(runs: CandidateRuns): CandidateReport {
  const { table, valueMicros, production, truth } = runs;
  const shadow = production.shadow;
  if (shadow === null) throw new Error("the production run has no candidate in shadow");
  const evaluation = evaluate(shadow.evaluation);
  const tally = shadowReport(shadow.tally);
  const verdict = gateVerdict({
    candidateHash: shadow.configHash,
    report: evaluation,
    extraRefusals: tally.extraRefusals,
    ...(runs.decisionsMin === undefined ? {} : { decisionsMin: runs.decisionsMin }),
  });
  const productionValue = perDecision(table, production.choices, valueMicros);
  const candidateValue = perDecision(table, truth.choices, valueMicros);
  const difference = candidateValue - productionValue;
  return {
    config: shadow.config,
    config_hash: shadow.configHash,
    production_config: runs.productionConfig,
    production_config_hash: configHash(runs.productionConfig),
    changes: changesOf(runs.productionConfig, shadow.config),
    shadow: tally,
    estimate: evaluation.candidateVsProduction,
    verdict,
    truth: {
      production_per_decision_micros: Math.round(productionValue),
      candidate_per_decision_micros: Math.round(candidateValue),
      difference_micros: Math.round(difference),
      ...shadowDifference(table, production.choices, shadow, valueMicros),
    },
    truly_better: difference > 0,
    verdict_right: verdict.promotable === difference > 0,
  };
}
