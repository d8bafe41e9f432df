// Drift: when the best arm's success rate drops mid-stream, Thompson sampling with epoch decay
// (updateBeta's window W) moves to the new best within a bounded number of outcomes, and without
// decay it takes far longer. That difference is the reason the posterior decays (DESIGN.md).

import { describe, expect, it } from "vitest";
import { DECAY_WINDOW, thompsonChoose, updateBeta } from "../../../src/learning/thompson.ts";
import { NO_DECAY_WINDOW, chooserFor, pull, rounded, seeds, summarize, uniformArms, worldFor } from "./bandit-simulation.ts";

const SEEDS = 100;
/** Arm 0 succeeds 70 % of the time until DROP_ROUND, then 30 %; arm 1 always 50 %. */
const BEFORE_BPS = [7_000, 5_000] as const;
const AFTER_BPS = [3_000, 5_000] as const;
const DROP_ROUND = 3_000;
/** Switched: the new best arm took at least SWITCH_SHARE_PERCENT of the last TRAILING rounds. */
const TRAILING = 100;
const SWITCH_SHARE_PERCENT = 80;
/** A run that has not switched this long after the drop counts as this long (a lower bound). */
const ROUNDS_AFTER_DROP_MAX = 20_000;

/**
 * Rounds after the drop until arm 1 was chosen in >= 80 % of a trailing window of 100 rounds,
 * all of them after the drop (so the answer is at least 100). null when it never happened
 * within ROUNDS_AFTER_DROP_MAX.
 */
function roundsToSwitch(seed: number, window: number): number | null {
  const chooser = chooserFor(seed);
  const world = worldFor(seed);
  const arms = uniformArms(2);
  const recent = new Uint8Array(TRAILING);
  let recentNewBest = 0;
  for (let round = 0; round < DROP_ROUND + ROUNDS_AFTER_DROP_MAX; round++) {
    const successBps = round < DROP_ROUND ? BEFORE_BPS : AFTER_BPS;
    const arm = thompsonChoose(chooser, arms);
    arms[arm] = updateBeta(arms[arm]!, pull(world, successBps[arm]!), window);
    if (round < DROP_ROUND) continue;
    const after = round - DROP_ROUND;
    const isNewBest = arm === 1 ? 1 : 0;
    recentNewBest += isNewBest - recent[after % TRAILING]!;
    recent[after % TRAILING] = isNewBest;
    if (after + 1 >= TRAILING && recentNewBest * 100 >= SWITCH_SHARE_PERCENT * TRAILING) return after + 1;
  }
  return null;
}

function measure(window: number) {
  const results = seeds(SEEDS).map((seed) => roundsToSwitch(seed, window));
  const censored = results.filter((rounds) => rounds === null).length;
  const summary = summarize(results.map((rounds) => rounds ?? ROUNDS_AFTER_DROP_MAX));
  return { summary, censored };
}

/*
 * The bound. Before the drop arm 0 is pulled almost every round, so at the drop its counts hold
 * between W and 2W outcomes of evidence at a 70 % success rate: decay halves alpha and beta when
 * their sum reaches 2W, never more is kept. After the drop it keeps being pulled (it still looks
 * best) and every pull adds a 30 % outcome. The first halving comes within W pulls (the sum starts
 * at W or more) and leaves at most W of old evidence; the next comes W pulls later and leaves at
 * most W / 2 of old evidence in a sum of W. So after at most 2W pulls at most half of what arm 0
 * remembers predates the drop, and its posterior mean is at most (0.7 + 0.3) / 2 = 0.5, arm 1's
 * rate; one more epoch (3W pulls in all) brings old evidence to a quarter and the mean to about
 * 0.4, clearly below arm 1. Until then nearly every round pulls arm 0, so rounds and pulls agree;
 * the trailing window of 100 rounds must then fill with arm 1. Hence mean switch <= 3W + 100.
 */
const SWITCH_ROUNDS_BOUND = 3 * DECAY_WINDOW + TRAILING;

describe("drift: the best arm drops from 0.7 to 0.3 at round 3,000 (other arm 0.5)", () => {
  it(`switches to the new best within 3W + ${TRAILING} rounds on average with the default window, and much faster than without decay`, () => {
    const decayed = measure(DECAY_WINDOW);
    const undecayed = measure(NO_DECAY_WINDOW);
    console.log(
      JSON.stringify({
        drift: "0.7->0.3 vs 0.5 at round 3000",
        seeds: SEEDS,
        trailing_window: TRAILING,
        switch_share_percent: SWITCH_SHARE_PERCENT,
        decay_window: DECAY_WINDOW,
        bound_rounds: SWITCH_ROUNDS_BOUND,
        with_decay: {
          mean: rounded(decayed.summary.mean, 1),
          se: rounded(decayed.summary.standardError, 1),
          min: decayed.summary.min,
          max: decayed.summary.max,
          censored: decayed.censored,
        },
        without_decay: {
          mean: rounded(undecayed.summary.mean, 1),
          se: rounded(undecayed.summary.standardError, 1),
          min: undecayed.summary.min,
          max: undecayed.summary.max,
          censored: undecayed.censored,
          censored_at: ROUNDS_AFTER_DROP_MAX,
        },
      }),
    );
    expect(decayed.censored).toBe(0);
    expect(decayed.summary.mean).toBeLessThan(SWITCH_ROUNDS_BOUND);
    // Without decay arm 0 remembers all ~3,000 pre-drop outcomes at 70 %: (2,100 + 0.3 n) / (3,000 + n)
    // falls below 0.5 only after n > 3,000 pulls, so the switch cannot come before the decayed bound.
    expect(undecayed.summary.mean).toBeGreaterThan(SWITCH_ROUNDS_BOUND);
    expect(undecayed.summary.mean).toBeGreaterThan(2 * decayed.summary.mean);
  }, 60_000);
});
