// Importance weights of off-policy evaluation (DESIGN.md "Learning and evaluation"): the target
// policy's probability of the served option over the logging policy's, capped at 20. Pure
// arithmetic on integer ppm; it never sees a propensity of zero (the decision check refuses it).

/** Probabilities are integer parts per million, as the decision record seals them. */
export const PPM_SCALE = 1_000_000;

/**
 * Weights are capped at 20: a propensity under 5 % would otherwise let one record outweigh the
 * rest, and the cap trades that variance for a bias towards the logging policy wherever the
 * target picks such an option. Propensities of at least 5 % never reach the cap.
 */
export const WEIGHT_CAP = 20;

/** Propensities under this (5 %) are where the cap binds; the report counts them. */
export const LOW_PROPENSITY_PPM = PPM_SCALE / WEIGHT_CAP;

/** min(20, target / logging) for target in [0, 10^6] ppm and logging in [1, 10^6] ppm. */
export function cappedWeight(targetPpm: number, loggingPpm: number): number {
  // One correctly rounded division: the same bits on every engine.
  return targetPpm >= WEIGHT_CAP * loggingPpm ? WEIGHT_CAP : targetPpm / loggingPpm;
}
