// What the textbook bandit algorithms reach on a data set's own numbers, with none of Calybris's
// machinery: each regime becomes a Bernoulli bandit whose arms have the options' real success rates
// and mean costs, played for as many rounds as the regime has records, one outcome learned after
// every round (no windows, no floors, no exploration share), from neutral priors. Its regret share
// (against each regime's best arm) puts the replay's figure and a target such as "regret share
// <= 0.03" in proportion: what no standard learner reaches in this idealised form, the replay's
// learner will not reach either (docs/design-notes.md).

import { betaU32 } from "../kernel/beta-sampler.ts";
import { Xoshiro128StarStar } from "../kernel/prng.ts";
import type { RecordTable } from "./record-table.ts";

/** One regime as a bandit: per arm, its success rate and mean cost over the regime's records. */
export interface RegimeBandit {
  readonly rounds: number;
  readonly success: readonly number[];
  readonly costMicros: readonly number[];
}

/** Per regime with records, its arms' success rates and mean costs (the value only scales rewards). */
export function regimeBandits(table: RecordTable, regimeCount: number): RegimeBandit[] {
  const m = table.optionCount;
  const rounds = new Array<number>(regimeCount).fill(0);
  const success = Array.from({ length: regimeCount }, () => new Array<number>(m).fill(0));
  const cost = Array.from({ length: regimeCount }, () => new Array<number>(m).fill(0));
  for (let i = 0; i < table.count; i++) {
    const r = table.regime[i]!;
    rounds[r]!++;
    for (let o = 0; o < m; o++) {
      success[r]![o]! += table.success[i * m + o]!;
      cost[r]![o]! += table.costMicros[i * m + o]!;
    }
  }
  return rounds.flatMap((n, r) =>
    n === 0 ? [] : [{ rounds: n, success: success[r]!.map((s) => s / n), costMicros: cost[r]!.map((c) => c / n) }],
  );
}

/** A uniform double in (0, 1) from one word of the kernel's generator. */
function uniform(rng: Xoshiro128StarStar): number {
  return (rng.nextU32() + 0.5) / 4_294_967_296;
}

/** Bernoulli KL divergence, clamped away from 0 and 1. */
export function bernoulliKl(p: number, q: number): number {
  const e = 1e-12;
  const a = Math.min(1 - e, Math.max(e, p));
  const b = Math.min(1 - e, Math.max(e, q));
  return a * Math.log(a / b) + (1 - a) * Math.log((1 - a) / (1 - b));
}

/** The largest q >= p with n KL(p, q) <= bound (bisection): KL-UCB's index. */
export function klUpper(p: number, n: number, bound: number): number {
  let low = p;
  let high = 1;
  for (let i = 0; i < 30; i++) {
    const mid = (low + high) / 2;
    if (n * bernoulliKl(p, mid) > bound) high = mid;
    else low = mid;
  }
  return low;
}

/** Picks an arm from each arm's successes and failures so far; `round` counts from 1. */
export type BanditPolicy = (successes: readonly number[], failures: readonly number[], round: number, rng: Xoshiro128StarStar) => number;

/** The arm with the highest value x index - cost. */
function argmax(costs: readonly number[], value: number, index: (arm: number) => number): number {
  let best = 0;
  let bestUtility = -Infinity;
  for (let arm = 0; arm < costs.length; arm++) {
    const utility = value * index(arm) - costs[arm]!;
    if (utility > bestUtility) {
      bestUtility = utility;
      best = arm;
    }
  }
  return best;
}

type PolicyFor = (costs: readonly number[], value: number) => BanditPolicy;

// Thompson sampling from Beta(1 + s, 1 + f) with the kernel's exact sampler; tempered by d: from
// Beta(d^2 (1 + s), d^2 (1 + f)), the same mean and about 1/d of the spread.
const thompson =
  (d: number): PolicyFor =>
  (costs, value) =>
  (s, f, _round, rng) =>
    argmax(costs, value, (arm) => betaU32(rng, d * d * (1 + s[arm]!), d * d * (1 + f[arm]!)) / 4_294_967_296);

// KL-UCB with exploration function c log t; an arm never tried has index 1.
const klUcb =
  (c: number): PolicyFor =>
  (costs, value) =>
  (s, f, round) =>
    argmax(costs, value, (arm) => {
      const n = s[arm]! + f[arm]!;
      return n === 0 ? 1 : klUpper(s[arm]! / n, n, c * Math.log(Math.max(2, round)));
    });

/** The policies compared, by name. */
const POLICIES: Readonly<Record<string, PolicyFor>> = {
  thompson: thompson(1),
  thompson_tempered_d2: thompson(2),
  thompson_tempered_d3: thompson(3),
  kl_ucb: klUcb(1),
  kl_ucb_c0_5: klUcb(0.5),
  kl_ucb_c0_25: klUcb(0.25),
  greedy_posterior_mean: (costs, value) => (s, f) => argmax(costs, value, (arm) => (1 + s[arm]!) / (2 + s[arm]! + f[arm]!)),
};

export const BANDIT_POLICY_NAMES: readonly string[] = Object.keys(POLICIES);

/**
 * One run over every regime: regret (in expectation given the arms played, so only the policy's
 * own randomness varies) divided by the best arms' total net value. Null when that total is not
 * positive.
 */
export function ceilingRegretShare(bandits: readonly RegimeBandit[], value: number, policyName: string, seed: number): number | null {
  const policyFor = POLICIES[policyName];
  if (policyFor === undefined) throw new RangeError(`unknown bandit policy ${policyName}`);
  const rng = new Xoshiro128StarStar();
  rng.seedSplitmix64(BigInt(seed));
  let regret = 0;
  let best = 0;
  for (const bandit of bandits) {
    const arms = bandit.success.length;
    const net = bandit.success.map((p, arm) => value * p - bandit.costMicros[arm]!);
    const top = Math.max(...net);
    best += top * bandit.rounds;
    const policy = policyFor(bandit.costMicros, value);
    const successes = new Array<number>(arms).fill(0);
    const failures = new Array<number>(arms).fill(0);
    for (let round = 1; round <= bandit.rounds; round++) {
      const arm = policy(successes, failures, round, rng);
      if (uniform(rng) < bandit.success[arm]!) successes[arm]!++;
      else failures[arm]!++;
      regret += top - net[arm]!;
    }
  }
  return best > 0 ? regret / best : null;
}
