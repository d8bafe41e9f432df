// Regime statistics as exact integer power sums (n, sum x, sum x^2) in BigInt: merging shards is
// plain addition, so the result never depends on merge order, and mean, variance and the anomaly
// test come out exactly. This is Welford's statistic computed without rounding (DESIGN.md).

/** Power sums of one feature. */
export interface PowerSums {
  readonly n: bigint;
  readonly s1: bigint;
  readonly s2: bigint;
}

export const EMPTY_SUMS: PowerSums = { n: 0n, s1: 0n, s2: 0n };

export function observe(sums: PowerSums, x: number): PowerSums {
  if (!Number.isSafeInteger(x)) throw new RangeError(`"x" expected safe integer, got ${x}`);
  const value = BigInt(x);
  return { n: sums.n + 1n, s1: sums.s1 + value, s2: sums.s2 + value * value };
}

export function aggregate(values: readonly number[]): PowerSums {
  return values.reduce(observe, EMPTY_SUMS);
}

/** Merging is addition: associative and commutative, bit for bit. */
export function merge(a: PowerSums, b: PowerSums): PowerSums {
  return { n: a.n + b.n, s1: a.s1 + b.s1, s2: a.s2 + b.s2 };
}

/**
 * The anomaly rule, |z| > p/q with z = (x - mean) / sample standard deviation, decided exactly:
 * z^2 = (n x - S1)^2 (n - 1) / (n (n S2 - S1^2)), so |z| > p/q iff
 * q^2 (n x - S1)^2 (n - 1) > p^2 n (n S2 - S1^2). With zero variance any x off the mean is anomalous.
 */
export function exceedsZ(sums: PowerSums, x: number, p: bigint, q: bigint): boolean {
  const { n, s1, s2 } = sums;
  if (n < 2n) return false;
  const deviation = n * BigInt(x) - s1;
  return q * q * deviation * deviation * (n - 1n) > p * p * n * (n * s2 - s1 * s1);
}

/** Mean and sample variance as decimals for reports only (never for decisions). */
export function describeSums(sums: PowerSums): { n: number; mean: number | null; variance: number | null } {
  const n = Number(sums.n);
  if (n === 0) return { n, mean: null, variance: null };
  const mean = Number(sums.s1) / n;
  const variance = n < 2 ? null : Number(sums.n * sums.s2 - sums.s1 * sums.s1) / (n * (n - 1));
  return { n, mean, variance };
}

/** Serialised form for storage and snapshots: decimal strings, exact at any size. */
export interface PowerSumsText {
  readonly n: string;
  readonly s1: string;
  readonly s2: string;
}

export function sumsToText(sums: PowerSums): PowerSumsText {
  return { n: sums.n.toString(), s1: sums.s1.toString(), s2: sums.s2.toString() };
}

export function sumsFromText(text: PowerSumsText): PowerSums {
  return { n: BigInt(text.n), s1: BigInt(text.s1), s2: BigInt(text.s2) };
}
