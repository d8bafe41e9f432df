// Deterministic random numbers for the kernel: SplitMix64 for seeding, xoshiro128** 1.1 for draws.
// Every engine must produce the same bits, so this module never uses Math.random, floating-point
// math or BigInt in the per-draw path; BigInt appears only in splitmix64 and seedSplitmix64.

/** 2^64, the SplitMix64 modulus; BigInt arithmetic is reduced with it after every step. */
const TWO_POW_64 = 1n << 64n;
const MASK_64 = TWO_POW_64 - 1n;
const MASK_32 = 0xffff_ffffn;
/** The golden-ratio increment and the two mixing multipliers of SplitMix64 (Steele et al. 2014). */
const SPLITMIX_GAMMA = 0x9e37_79b9_7f4a_7c15n;
const SPLITMIX_MULTIPLIER_1 = 0xbf58_476d_1ce4_e5b9n;
const SPLITMIX_MULTIPLIER_2 = 0x94d0_49bb_1331_11ebn;

/**
 * The state seedSplitmix64(0n) produces, used in place of an all-zero seedWords call: xoshiro's
 * all-zero state is a fixed point that would emit zeros forever. The words are the low and high
 * halves of SplitMix64(0)'s first two outputs 0xe220a8397b1dcdaf and 0x6e789e6aa1b965f4.
 */
export const ZERO_SEED_REPLACEMENT_STATE: readonly number[] = Object.freeze([0x7b1d_cdaf, 0xe220_a839, 0xa1b9_65f4, 0x6e78_9e6a]);

/** Renders a rejected value for an error message; -0 is shown as such because it is refused. */
function describeValue(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  return `type=${typeof value}`;
}

/**
 * Refuses anything but an integer number in [min, max] (and -0, which must never enter a record),
 * with the message template shared by every kernel entry point:
 * `"alpha" expected integer in [1, 16777216], got 0`. Kernel-internal; min and max are safe.
 */
export function expectIntegerInRange(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number") {
    throw new TypeError(`"${name}" expected integer in [${min}, ${max}], got ${describeValue(value)}`);
  }
  if (!Number.isInteger(value) || value < min || value > max || Object.is(value, -0)) {
    throw new RangeError(`"${name}" expected integer in [${min}, ${max}], got ${describeValue(value)}`);
  }
  return value;
}

function expectUint64(name: string, value: unknown): bigint {
  if (typeof value !== "bigint") {
    throw new TypeError(`"${name}" expected bigint in [0, 2^64 - 1], got ${describeValue(value)}`);
  }
  if (value < 0n || value > MASK_64) {
    throw new RangeError(`"${name}" expected bigint in [0, 2^64 - 1], got ${describeValue(value)}`);
  }
  return value;
}

/**
 * One SplitMix64 step (https://prng.di.unimi.it/splitmix64.c): returns the advanced state and
 * the output. Pure: the caller threads the state. Every product is reduced mod 2^64 at once.
 */
export function splitmix64(state: bigint): { state: bigint; value: bigint } {
  const next = (expectUint64("state", state) + SPLITMIX_GAMMA) & MASK_64;
  let z = next;
  z = ((z ^ (z >> 30n)) * SPLITMIX_MULTIPLIER_1) & MASK_64;
  z = ((z ^ (z >> 27n)) * SPLITMIX_MULTIPLIER_2) & MASK_64;
  return { state: next, value: z ^ (z >> 31n) };
}

/** Rotates a 32-bit word left by k (0 < k < 32); the result is an int32 bit pattern. */
function rotateLeft32(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * xoshiro128** 1.1 by Blackman and Vigna (https://prng.di.unimi.it/xoshiro128starstar.c), with
 * 32-bit operations only, so Node, workerd and the C golden program agree bit for bit.
 * The state is four uint32 words in a preallocated array; a draw allocates nothing.
 */
export class Xoshiro128StarStar {
  readonly state: Uint32Array = new Uint32Array(4);
  /** The word the last step() produced. Reading it from a typed array never boxes a number. */
  readonly output: Uint32Array = new Uint32Array(1);

  constructor() {
    this.seedWords(0, 0, 0, 0);
  }

  /**
   * Seeds with four uint32 words used as s[0..3] in argument order (for example the first four
   * big-endian words of a SHA-256 digest). All zeros is replaced by ZERO_SEED_REPLACEMENT_STATE.
   */
  seedWords(a: number, b: number, c: number, d: number): void {
    // Check all four before writing any, so a refused call leaves the previous state intact.
    expectIntegerInRange("a", a, 0, 0xffff_ffff);
    expectIntegerInRange("b", b, 0, 0xffff_ffff);
    expectIntegerInRange("c", c, 0, 0xffff_ffff);
    expectIntegerInRange("d", d, 0, 0xffff_ffff);
    this.seedWordsTrusted(a, b, c, d);
  }

  /** seedWords for callers that guarantee four uint32 words (the kernel's hot path): no checks. */
  seedWordsTrusted(a: number, b: number, c: number, d: number): void {
    const s = this.state;
    if (a === 0 && b === 0 && c === 0 && d === 0) {
      s.set(ZERO_SEED_REPLACEMENT_STATE);
      return;
    }
    s[0] = a;
    s[1] = b;
    s[2] = c;
    s[3] = d;
  }

  /**
   * Seeds from a 64-bit seed as Vigna recommends: two SplitMix64 outputs v0, v1 give
   * s = [low32(v0), high32(v0), low32(v1), high32(v1)] (low word first). The four words are never
   * all zero, because SplitMix64's output mix is a bijection and v0 = v1 = 0 would need two
   * different states to map to the same value.
   */
  seedSplitmix64(seed: bigint): void {
    const first = splitmix64(expectUint64("seed", seed));
    const second = splitmix64(first.state);
    this.seedWords(Number(first.value & MASK_32), Number(first.value >> 32n), Number(second.value & MASK_32), Number(second.value >> 32n));
  }

  /** The next uint32 output; the reference's statement order, with the state held in locals. */
  nextU32(): number {
    this.step();
    return this.output[0]!;
  }

  /**
   * Advances one step and writes the word to output[0]. Hot paths use this instead of nextU32():
   * a uint32 above 2^31 returned across a call that the JIT did not inline becomes a heap
   * number, an allocation per draw; a typed-array slot does not.
   */
  step(): void {
    const s = this.state;
    let s0 = s[0]!;
    let s1 = s[1]!;
    let s2 = s[2]!;
    let s3 = s[3]!;
    this.output[0] = Math.imul(rotateLeft32(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotateLeft32(s3, 11);
    // Uint32Array stores reduce each int32 bit pattern mod 2^32, which is the uint32 word.
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
  }
}
