// Point estimates with normal 95 % intervals from sums alone: the mean of per-decision terms, and
// the self-normalised ratio with its delta-method variance. Only + - x / and sqrt, which IEEE 754
// rounds correctly, so every engine gives the same bits; never NaN or Infinity.

/** The two-sided 95 % quantile of the standard normal distribution. */
export const Z_95 = 1.959963984540054;

/** An estimate of net value per decision, micros, with its 95 % interval and the decisions behind it. */
export interface Estimate {
  readonly estimate: number;
  readonly ci95: readonly [low: number, high: number];
  readonly n: number;
}

function withInterval(estimate: number, variance: number, n: number): Estimate {
  // Rounding can leave a variance of near-zero spread slightly negative: it is zero.
  const halfWidth = Z_95 * Math.sqrt(Math.max(0, variance));
  return { estimate, ci95: [estimate - halfWidth, estimate + halfWidth], n };
}

/**
 * The mean of n terms from their sum and sum of squares, with the interval
 * mean +- z sqrt(s^2 / n), s^2 the sample variance. Null under two terms: no spread is known.
 */
export function meanEstimate(n: number, sum: number, squares: number): Estimate | null {
  if (n < 2) return null;
  const mean = sum / n;
  const sampleVariance = (squares - sum * mean) / (n - 1);
  return withInterval(mean, sampleVariance / n, n);
}

/** The sums a self-normalised estimate needs: of w, w^2, w r, (w r)^2 and w^2 r. */
export interface RatioSums {
  readonly n: number;
  readonly weightSum: number;
  readonly weightSquares: number;
  readonly ipsSum: number;
  readonly ipsSquares: number;
  readonly weightSquaresReward: number;
}

/**
 * SNIPS, theta = sum(w r) / sum(w), with the delta method's variance: the residuals
 * e_i = w_i (r_i - theta) sum to zero, and Var(theta) ~ n sum(e^2) / ((n - 1) sum(w)^2), where
 * sum(e^2) = sum((w r)^2) - 2 theta sum(w^2 r) + theta^2 sum(w^2) comes from the sums alone.
 * Null under two terms or when no weight is positive (the target was never observed).
 */
export function ratioEstimate(sums: RatioSums): Estimate | null {
  const { n, weightSum } = sums;
  if (n < 2 || !(weightSum > 0)) return null;
  const theta = sums.ipsSum / weightSum;
  const residualSquares = sums.ipsSquares - 2 * theta * sums.weightSquaresReward + theta * theta * sums.weightSquares;
  return withInterval(theta, (n * residualSquares) / ((n - 1) * weightSum * weightSum), n);
}
