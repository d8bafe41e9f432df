// Statistical and hostile-input tests for the exact samplers (Node only; golden vectors live in
// test/shared/prng.test.ts). Sample-based checks use fixed seeds, so a pass or a fail is repeatable;
// thresholds are chosen so a correct sampler fails with probability of order 1e-4 or less.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Xoshiro128StarStar, splitmix64 } from "../../../src/kernel/prng.ts";
import { BETA_PARAMETER_MAX, betaU32, popcount32, u32ToBps, uniformBelow } from "../../../src/kernel/beta-sampler.ts";

const TWO_POW_32 = 4_294_967_296;

function seeded(seed: bigint): Xoshiro128StarStar {
  const rng = new Xoshiro128StarStar();
  rng.seedSplitmix64(seed);
  return rng;
}

/** The obviously correct reference: sort n = alpha + beta - 1 uniforms, take the alpha-th. */
function naiveBetaU32(rng: Xoshiro128StarStar, alpha: number, beta: number): number {
  const uniforms = new Uint32Array(alpha + beta - 1);
  for (let i = 0; i < uniforms.length; i++) uniforms[i] = rng.nextU32();
  return uniforms.sort()[alpha - 1]!;
}

/** Two-sample Kolmogorov–Smirnov statistic: the largest gap between the empirical CDFs. */
function ksStatistic(a: Float64Array, b: Float64Array): number {
  a.sort();
  b.sort();
  let i = 0;
  let j = 0;
  let gap = 0;
  while (i < a.length && j < b.length) {
    const x = Math.min(a[i]!, b[j]!);
    while (i < a.length && a[i]! <= x) i++;
    while (j < b.length && b[j]! <= x) j++;
    gap = Math.max(gap, Math.abs(i / a.length - j / b.length));
  }
  return gap;
}

function chiSquare(observed: ArrayLike<number>, expected: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < observed.length; i++) sum += (observed[i]! - expected[i]!) ** 2 / expected[i]!;
  return sum;
}

/** Upper chi-square quantile by the Wilson–Hilferty approximation, z standard deviations out. */
function chiSquareCritical(degreesOfFreedom: number, z: number): number {
  const h = 2 / (9 * degreesOfFreedom);
  return degreesOfFreedom * (1 - h + z * Math.sqrt(h)) ** 3;
}

/** P(k-th smallest of n uniforms < t) = P(Binomial(n, t) >= k), exact for t a multiple of 2^-32. */
function orderStatisticCdf(n: number, k: number, t: number): number {
  let term = (1 - t) ** n; // P(Binomial = 0)
  let below = 0;
  for (let i = 0; i < k; i++) {
    below += term;
    term *= ((n - i) / (i + 1)) * (t / (1 - t));
  }
  return 1 - below;
}

describe("betaU32 statistics", () => {
  it("has mean alpha / (alpha + beta) within 5 standard errors (4,000 draws)", () => {
    const draws = 4_000;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 500 }),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        (alpha, beta, seed) => {
          const rng = seeded(seed);
          let sum = 0;
          for (let i = 0; i < draws; i++) sum += betaU32(rng, alpha, beta) / TWO_POW_32;
          const total = alpha + beta;
          const variance = (alpha * beta) / (total * total * (total + 1));
          const standardError = Math.sqrt(variance / draws);
          expect(Math.abs(sum / draws - alpha / total)).toBeLessThan(5 * standardError);
        },
      ),
      { numRuns: 100 },
    );
  });

  // Threshold: the asymptotic 0.1% critical value 1.95 * sqrt((m + n) / (m n)), about 0.039 here.
  it.each([
    [1, 1],
    [2, 2],
    [1, 4],
    [4, 1],
    [3, 5],
    [12, 7],
  ])("agrees with the sort-based reference for Beta(%i, %i) (two-sample KS)", (alpha, beta) => {
    const size = 5_000;
    const fast = seeded(0xa11ce_0000n + BigInt(alpha * 1000 + beta));
    const reference = seeded(0xb0b_0000n + BigInt(alpha * 1000 + beta));
    const fastDraws = new Float64Array(size);
    const referenceDraws = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      fastDraws[i] = betaU32(fast, alpha, beta);
      referenceDraws[i] = naiveBetaU32(reference, alpha, beta);
    }
    expect(ksStatistic(fastDraws, referenceDraws)).toBeLessThan(1.95 * Math.sqrt(2 / size));
  });

  // The top four bits bin a draw exactly: the bin edges j/16 are multiples of 2^-32, so the
  // expected bin probabilities come from the binomial identity, not from the reference sampler.
  it.each([
    [3, 4],
    [1, 6],
    [9, 2],
  ])("puts the exact order-statistic mass in 16 bins for Beta(%i, %i) (chi-square)", (alpha, beta) => {
    const size = 32_000;
    const n = alpha + beta - 1;
    const rng = seeded(0xc0de_0000n + BigInt(alpha * 1000 + beta));
    const observed = new Float64Array(16);
    for (let i = 0; i < size; i++) observed[betaU32(rng, alpha, beta) >>> 28]! += 1;
    const expected = new Float64Array(16);
    for (let j = 0; j < 16; j++) {
      expected[j] = size * (orderStatisticCdf(n, alpha, (j + 1) / 16) - orderStatisticCdf(n, alpha, j / 16));
    }
    // Bins with tiny expectations would dominate the sum; Beta(9, 2) has some, so merge them away.
    const keep = Array.from(expected.keys()).filter((j) => expected[j]! >= 5);
    const statistic = chiSquare(
      keep.map((j) => observed[j]!),
      keep.map((j) => expected[j]!),
    );
    expect(statistic).toBeLessThan(chiSquareCritical(keep.length - 1, 3.719));
  });

  it("returns uint32 values, and Beta(1, 1) is exactly one raw word", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3_000 }),
        fc.integer({ min: 1, max: 3_000 }),
        fc.bigInt({ min: 0n, max: 1n << 40n }),
        (alpha, beta, seed) => {
          const value = betaU32(seeded(seed), alpha, beta);
          expect(Number.isInteger(value) && value >= 0 && value < TWO_POW_32).toBe(true);
          expect(betaU32(seeded(seed), 1, 1)).toBe(seeded(seed).nextU32());
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("uniformBelow statistics", () => {
  // Threshold: Wilson–Hilferty chi-square quantile at z = 3.719 (upper tail probability 1e-4).
  it.each([3, 7, 22, 10_000])("is uniform for n = %i (chi-square)", (n) => {
    const size = Math.max(60_000, n * 30);
    const rng = seeded(0x5eed_0000n + BigInt(n));
    const observed = new Float64Array(n);
    for (let i = 0; i < size; i++) observed[uniformBelow(rng, n)]! += 1;
    const expected = new Float64Array(n).fill(size / n);
    expect(chiSquare(observed, expected)).toBeLessThan(chiSquareCritical(n - 1, 3.719));
  });

  it("never rejects for powers of two, and n = 2^32 returns the raw word", () => {
    const a = seeded(77n);
    const b = seeded(77n);
    for (let i = 0; i < 100; i++) expect(uniformBelow(a, 256)).toBe(b.nextU32() % 256);
    for (let i = 0; i < 100; i++) expect(uniformBelow(a, TWO_POW_32)).toBe(b.nextU32());
    for (let i = 0; i < 100; i++) expect(uniformBelow(a, 1)).toBe(0);
  });

  it("stays below n on the heavy rejection path (n = 2^31 + 1)", () => {
    const rng = seeded(123n);
    let high = 0;
    for (let i = 0; i < 10_000; i++) {
      const value = uniformBelow(rng, 2 ** 31 + 1);
      expect(value).toBeLessThan(2 ** 31 + 1);
      if (value >= 2 ** 30) high++;
    }
    // About half the values lie in the upper half; 10,000 draws give a standard deviation of 50.
    expect(Math.abs(high - 5_000)).toBeLessThan(300);
  });
});

describe("determinism", () => {
  it("gives the same stream for the same seed and a fresh stream after reseeding", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (seed) => {
        const a = seeded(seed);
        const b = seeded(seed);
        const first = Array.from({ length: 64 }, () => a.nextU32());
        expect(Array.from({ length: 64 }, () => b.nextU32())).toEqual(first);
        a.seedSplitmix64(seed);
        expect(Array.from({ length: 64 }, () => a.nextU32())).toEqual(first);
        const c = seeded(seed ^ 1n);
        expect(Array.from({ length: 64 }, () => c.nextU32())).not.toEqual(first);
      }),
      { numRuns: 100 },
    );
  });

  it("gives the same Beta and uniform draws for the same seed", () => {
    const a = seeded(2024n);
    const b = seeded(2024n);
    for (let i = 0; i < 200; i++) {
      expect(betaU32(a, 72, 28)).toBe(betaU32(b, 72, 28));
      expect(uniformBelow(a, 22)).toBe(uniformBelow(b, 22));
    }
  });
});

describe("hostile inputs are refused", () => {
  const hostileNumbers: unknown[] = [
    NaN,
    -0,
    1.5,
    2 ** 53,
    Infinity,
    -Infinity,
    1e9999,
    -1,
    "3",
    3n,
    null,
    undefined,
    {},
    [1],
    new Proxy({}, { get: () => 1 }),
    { valueOf: () => 3 },
  ];
  const anyNumber = (value: unknown) => value as number;

  it("uses the noble-style message template", () => {
    const rng = seeded(1n);
    expect(() => betaU32(rng, 0, 1)).toThrow('"alpha" expected integer in [1, 16777216], got 0');
    expect(() => betaU32(rng, 1, -0)).toThrow('"beta" expected integer in [1, 16777216], got -0');
    expect(() => betaU32(rng, 1, BETA_PARAMETER_MAX + 1)).toThrow(RangeError);
    expect(() => uniformBelow(rng, 2 ** 32 + 1)).toThrow('"n" expected integer in [1, 4294967296], got 4294967297');
    expect(() => popcount32(anyNumber("7"))).toThrow(TypeError);
  });

  it.each(hostileNumbers.map((value) => [value]))("refuses %s everywhere a number is expected", (value) => {
    const rng = seeded(1n);
    const before = Array.from(rng.state);
    const bad = anyNumber(value);
    expect(() => betaU32(rng, bad, 3)).toThrow();
    expect(() => betaU32(rng, 3, bad)).toThrow();
    expect(() => uniformBelow(rng, bad)).toThrow();
    expect(() => u32ToBps(bad)).toThrow();
    expect(() => popcount32(bad)).toThrow();
    expect(() => rng.seedWords(bad, 1, 2, 3)).toThrow();
    expect(() => rng.seedWords(1, 2, 3, bad)).toThrow();
    // A refused call must not consume words or half-write a seed.
    expect(Array.from(rng.state)).toEqual(before);
  });

  it("refuses out-of-range values at each boundary", () => {
    const rng = seeded(1n);
    expect(() => uniformBelow(rng, 0)).toThrow(RangeError);
    expect(() => u32ToBps(TWO_POW_32)).toThrow(RangeError);
    expect(() => popcount32(-1)).toThrow(RangeError);
    expect(() => rng.seedWords(0, 0, TWO_POW_32, 0)).toThrow(RangeError);
    expect(u32ToBps(TWO_POW_32 - 1)).toBe(9_999);
    expect(popcount32(TWO_POW_32 - 1)).toBe(32);
  });

  it.each([[0], [1.5], [NaN], ["1"], [null], [-1n], [1n << 64n], [-(1n << 70n)]])(
    "refuses %s as a 64-bit seed or SplitMix64 state",
    (value) => {
      const rng = seeded(1n);
      expect(() => rng.seedSplitmix64(value as bigint)).toThrow();
      expect(() => splitmix64(value as bigint)).toThrow();
    },
  );

  const zeroWord = (): number => 0;
  const fakeRngs: unknown[] = [{}, null, undefined, 42, { nextU32: zeroWord }, { state: new Uint32Array(4), nextU32: zeroWord }];
  it.each(fakeRngs.map((value) => [value]))("refuses %s as the rng", (value) => {
    const rng = value as Xoshiro128StarStar;
    expect(() => betaU32(rng, 2, 2)).toThrow('"rng" expected Xoshiro128StarStar');
    expect(() => uniformBelow(rng, 2)).toThrow('"rng" expected Xoshiro128StarStar');
  });
});
