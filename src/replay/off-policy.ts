// Doubly robust off-policy evaluation (DESIGN.md "Learning and evaluation") on the adaptive run's
// own log: from what Calybris served, with the exact propensities it sealed, estimate what
// another policy would have achieved. The replay knows every option's real outcome, so each
// estimate can be checked against the truth; that check is what this module is for.

import { rewardMicros } from "../learning/reward.ts";
import type { RecordTable } from "./record-table.ts";

/** Importance weights are capped at 20 (propensities of at least 5 % need no cap). */
export const WEIGHT_CAP = 20;

export interface LoggedRun {
  readonly choices: Int32Array;
  readonly propensityPpm: Int32Array;
}

export type Reward = (table: RecordTable, i: number, o: number) => number;

export const successReward: Reward = (table, i, o) => table.success[i * table.optionCount + o]!;

/**
 * DESIGN.md's reward (src/learning/reward.ts) on the table's outcomes: right or wrong (quality
 * 10,000 or 0 bps), no business outcome and no latency recorded, so value x success - cost, the
 * net value every policy is scored by (netValueMicros). The table's graded qualityBps is left out
 * on purpose: the estimate must be of the very net value the report gives each policy.
 */
export function netValueReward(valueMicros?: number): Reward {
  return (table, i, o) => {
    const cell = i * table.optionCount + o;
    return rewardMicros(
      { valueMicros: valueMicros ?? table.valueMicros[i]!, success: table.success[cell] === 1, actualCostMicros: table.costMicros[cell]! },
      0,
    );
  };
}

/**
 * The direct model: mean logged reward per (regime, option), else per option, else 0, fitted on
 * the records of one parity only. Cross-fitting: a model fitted on the very records it corrects
 * cancels its own correction and inherits the downward bias of adaptively collected means.
 */
function directModel(
  table: RecordTable,
  log: LoggedRun,
  regimeCount: number,
  reward: Reward,
  parity: number,
): (i: number, o: number) => number {
  const m = table.optionCount;
  const sum = new Float64Array(regimeCount * m);
  const count = new Float64Array(regimeCount * m);
  const optionSum = new Float64Array(m);
  const optionCount = new Float64Array(m);
  for (let i = parity; i < table.count; i += 2) {
    const a = log.choices[i]!;
    if (a < 0) continue;
    const y = reward(table, i, a);
    sum[table.regime[i]! * m + a]! += y;
    count[table.regime[i]! * m + a]! += 1;
    optionSum[a]! += y;
    optionCount[a]! += 1;
  }
  return (i, o) => {
    const cell = table.regime[i]! * m + o;
    if (count[cell]! > 0) return sum[cell]! / count[cell]!;
    return optionCount[o]! > 0 ? optionSum[o]! / optionCount[o]! : 0;
  };
}

/** Mean reward per record that `target` would have earned, estimated by DR from the log. */
export function doublyRobust(table: RecordTable, log: LoggedRun, target: Int32Array, regimeCount: number, reward: Reward): number {
  // Odd records are corrected with the model of the even ones, and the other way round.
  const models = [directModel(table, log, regimeCount, reward, 1), directModel(table, log, regimeCount, reward, 0)];
  let total = 0;
  let used = 0;
  for (let i = 0; i < table.count; i++) {
    const a = log.choices[i]!;
    const p = log.propensityPpm[i]!;
    if (a < 0 || p <= 0) continue;
    const pi = target[i]!;
    const q = models[i & 1]!;
    let estimate = q(i, pi);
    if (a === pi) estimate += Math.min(WEIGHT_CAP, 1_000_000 / p) * (reward(table, i, a) - q(i, a));
    total += estimate;
    used++;
  }
  return used === 0 ? 0 : total / used;
}

/** The true mean reward per record of a policy, from the table (what DR is checked against). */
export function trueValue(table: RecordTable, choices: Int32Array, reward: Reward): number {
  let total = 0;
  let used = 0;
  for (let i = 0; i < table.count; i++) {
    const o = choices[i]!;
    if (o < 0) continue;
    total += reward(table, i, o);
    used++;
  }
  return used === 0 ? 0 : total / used;
}
