// Exact integer samplers on a xoshiro128** stream: uniform integers below n and Beta(alpha, beta)
// draws as uint32 fractions of 2^32 for Thompson sampling (DESIGN.md "Learning and evaluation").
// A sample must never touch Math.log/exp/pow/sqrt or BigInt: only 32-bit integer operations.

import { Xoshiro128StarStar, expectIntegerInRange } from "./prng.ts";

const TWO_POW_32 = 4_294_967_296;
/** Rejection tries in uniformBelow before the documented fallback. */
export const UNIFORM_BELOW_TRIES_MAX = 32;
/**
 * The largest alpha or beta betaU32 accepts (2^24). So n = alpha + beta - 1 < 2^25, and one draw
 * reads about n/16 words on average and never more than 32 * ceil(n / 32) + 1 < 2^25 + 33: a bound
 * on its time. Counts of that size are far beyond what a windowed or decayed posterior keeps.
 */
export const BETA_PARAMETER_MAX = 16_777_216;

function expectRng(rng: unknown): Xoshiro128StarStar {
  // One concrete class keeps every call site monomorphic and refuses look-alike objects.
  if (!(rng instanceof Xoshiro128StarStar)) {
    const got = rng === null ? "null" : typeof rng;
    throw new TypeError(`"rng" expected Xoshiro128StarStar, got ${got}`);
  }
  return rng;
}

/** Bit count of a 32-bit pattern by the SWAR method (Hacker's Delight, 5-1); unchecked. */
function countBits(x: number): number {
  let v = x - ((x >>> 1) & 0x5555_5555);
  v = (v & 0x3333_3333) + ((v >>> 2) & 0x3333_3333);
  v = (v + (v >>> 4)) & 0x0f0f_0f0f;
  return Math.imul(v, 0x0101_0101) >>> 24;
}

/** The number of set bits of a uint32 (0 to 32). */
export function popcount32(x: number): number {
  return countBits(expectIntegerInRange("x", x, 0, 0xffff_ffff));
}

/**
 * floor(u * 10,000 / 2^32) for a uint32 u, in [0, 9,999]. Exact in doubles: u * 10,000 is below
 * 2^46, so the product is an exact integer; dividing by 2^32 only lowers the exponent (no
 * rounding for numbers this size), and Math.floor of an exactly represented value is exact.
 */
export function u32ToBps(u: number): number {
  return Math.floor((expectIntegerInRange("u", u, 0, 0xffff_ffff) * 10_000) / TWO_POW_32);
}

/**
 * An exactly uniform integer in [0, n) for 1 <= n <= 2^32, one rng word per try. A word u is
 * accepted when u < 2^32 - (2^32 mod n), the largest multiple of n not above 2^32, so every
 * residue has the same number of accepted preimages. All values stay below 2^33: exact in doubles.
 *
 * A try is rejected with probability r / 2^32 where r = 2^32 mod n is below both n and 2^32 - n,
 * so below 1/2. After UNIFORM_BELOW_TRIES_MAX rejections in a row the last word's u mod n is
 * returned, which is the only deviation from exact uniformity: it happens with probability
 * (r / 2^32)^32, at most 2^-32 (n just above 2^31) and at most 2^-512 for n <= 2^16.
 */
export function uniformBelow(rng: Xoshiro128StarStar, n: number): number {
  expectRng(rng);
  expectIntegerInRange("n", n, 1, TWO_POW_32);
  return uniformBelowTrusted(rng, n);
}

/** uniformBelow for callers that guarantee 1 <= n <= 2^32 (the kernel's hot path): no checks. */
export function uniformBelowTrusted(rng: Xoshiro128StarStar, n: number): number {
  const limit = TWO_POW_32 - (TWO_POW_32 % n);
  // Words are read from rng.output, never returned across a call: a uint32 above 2^31 that
  // crossed a call the JIT did not inline would be a heap number, an allocation per draw.
  const output = rng.output;
  rng.step();
  for (let attempt = 1; attempt < UNIFORM_BELOW_TRIES_MAX && output[0]! >= limit; attempt++) rng.step();
  return output[0]! % n;
}

/**
 * A Binomial(n, 1/2) count as the popcount of n fresh bits: floor(n / 32) whole words, then the
 * low n mod 32 bits of one more word when n is not a multiple of 32. Reads ceil(n / 32) words.
 */
function binomialHalf(rng: Xoshiro128StarStar, n: number): number {
  let count = 0;
  let bitsLeft = n;
  for (; bitsLeft >= 32; bitsLeft -= 32) count += countBits(rng.nextU32());
  if (bitsLeft > 0) count += countBits(rng.nextU32() & ~(-1 << bitsLeft));
  return count;
}

/**
 * An exact Beta(alpha, beta) draw as a uint32 fraction of 2^32: the alpha-th smallest of
 * n = alpha + beta - 1 independent uniform uint32 values, without generating them. From the most
 * significant bit down, the n uniforms that still agree with the answer's higher bits split by
 * their current bit; the count c with a 0 there is Binomial(n, 1/2). If c >= k (the rank sought)
 * the answer's bit is 0 and only those c remain; otherwise it is 1 and the search continues among
 * the n - c others for rank k - c. Invariant: 1 <= k <= n. Once a single uniform is left, its
 * remaining lower bits are the same low bits of one fresh word. This is the sort definition's
 * exact distribution, ties included, and reads about n/16 words plus one per bit level.
 */
export function betaU32(rng: Xoshiro128StarStar, alpha: number, beta: number): number {
  expectRng(rng);
  expectIntegerInRange("alpha", alpha, 1, BETA_PARAMETER_MAX);
  expectIntegerInRange("beta", beta, 1, BETA_PARAMETER_MAX);
  let n = alpha + beta - 1;
  let k = alpha;
  let result = 0;
  for (let bit = 31; bit >= 0; bit--) {
    // ~(-2 << bit) keeps bits bit..0, the ones not yet decided, as an int32 mask (-1 at bit 31).
    if (n === 1) return (result | (rng.nextU32() & ~(-2 << bit))) >>> 0;
    const zeros = binomialHalf(rng, n);
    if (zeros >= k) {
      n = zeros;
    } else {
      result |= 1 << bit;
      n -= zeros;
      k -= zeros;
    }
  }
  // More than one uniform shares all 32 bits with the answer: a tie, and the value is complete.
  return result >>> 0;
}
