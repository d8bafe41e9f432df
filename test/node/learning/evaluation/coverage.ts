// Coverage of the evaluation's 95 % intervals over seeded synthetic logs with a known truth
// (synthetic-log.ts): the share of seeds whose interval holds the true value, per policy and estimator.

import { addDecision } from "../../../../src/learning/evaluation/add-decision.ts";
import { emptyEvaluationState } from "../../../../src/learning/evaluation/evaluation-state.ts";
import { evaluate, type PolicyEstimates } from "../../../../src/learning/evaluation/evaluate.ts";
import type { Estimate } from "../../../../src/learning/evaluation/interval.ts";
import { syntheticLog } from "./synthetic-log.ts";

type Estimator = keyof PolicyEstimates;
const ESTIMATORS: readonly Estimator[] = ["dr", "ips", "snips"];
const POLICIES = ["production", "holdout", "candidate"] as const;

export type Coverage = Record<(typeof POLICIES)[number], Record<Estimator, number>>;

function covers(estimate: Estimate | null, truth: number): boolean {
  return estimate !== null && estimate.ci95[0] <= truth && truth <= estimate.ci95[1];
}

/** Coverage shares over seeds 1..seeds, each a log of `count` decisions. */
export function measureCoverage(seeds: number, count: number): { coverage: Coverage; seeds: number; decisions: number } {
  const hits = Object.fromEntries(POLICIES.map((policy) => [policy, { dr: 0, ips: 0, snips: 0 }])) as Coverage;
  for (let seed = 1; seed <= seeds; seed++) {
    const log = syntheticLog(seed, count);
    const state = emptyEvaluationState({ regimeCount: 3, optionCount: 5 });
    for (const decision of log.decisions) addDecision(state, decision);
    const report = evaluate(state);
    for (const policy of POLICIES) {
      for (const estimator of ESTIMATORS) if (covers(report[policy][estimator], log.truth[policy])) hits[policy][estimator] += 1;
    }
  }
  for (const policy of POLICIES) for (const estimator of ESTIMATORS) hits[policy][estimator] /= seeds;
  return { coverage: hits, seeds, decisions: count };
}
