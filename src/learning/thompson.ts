// Thompson sampling state: Beta(alpha, beta) per regime x tier with integer counts. Counts decay
// at fixed epochs so the posterior keeps adapting when the world drifts (DESIGN.md): when
// alpha + beta reaches 2W, both are halved (rounding up), so the posterior always remembers
// between W and 2W outcomes of its arm. Learning never stops; old evidence fades.

import { betaU32 } from "../kernel/beta-sampler.ts";
import type { Xoshiro128StarStar } from "../kernel/prng.ts";

/** The decay window W: a posterior holds the weight of between W and 2W outcomes. */
export const DECAY_WINDOW = 500;

export interface BetaCounts {
  readonly alpha: number;
  readonly beta: number;
}

/** One outcome: success adds to alpha, failure to beta; then the epoch decay if due. */
export function updateBeta(counts: BetaCounts, success: boolean, window = DECAY_WINDOW): BetaCounts {
  const alpha = counts.alpha + (success ? 1 : 0);
  const beta = counts.beta + (success ? 0 : 1);
  if (alpha + beta < 2 * window) return { alpha, beta };
  // Halving both keeps the mean (up to rounding) and halves the certainty: an epoch boundary.
  return { alpha: Math.ceil(alpha / 2), beta: Math.ceil(beta / 2) };
}

/** Mean of Beta(alpha, beta) in bps, rounded down, for reports. */
export function betaMeanBps(counts: BetaCounts): number {
  return Math.floor((counts.alpha * 10_000) / (counts.alpha + counts.beta));
}

/**
 * Plain Thompson sampling over arms, one exact Beta draw per arm per round, largest draw wins
 * (ties to the lower index). The kernel does the same from a bank of K joint draws per snapshot.
 */
export function thompsonChoose(rng: Xoshiro128StarStar, arms: readonly BetaCounts[]): number {
  let best = 0;
  let bestDraw = -1;
  for (let arm = 0; arm < arms.length; arm++) {
    const draw = betaU32(rng, arms[arm]!.alpha, arms[arm]!.beta);
    if (draw > bestDraw) {
      best = arm;
      bestDraw = draw;
    }
  }
  return best;
}
