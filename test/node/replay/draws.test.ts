// The counter-based draws of modelled outcomes (src/replay/draws.ts): a draw is a pure function
// of (seed, index, stream) and changes with each of them; the uniforms are uniform and the
// normals standard (loose bounds on fixed seeds, so never flaky); fixedOrder is a permutation
// that depends only on (count, salt) and really mixes the stored order.

import { describe, expect, test } from "vitest";
import { drawNormal, drawU32, drawUnit, fixedOrder } from "../../../src/replay/draws.ts";

const DRAWS = 100_000;
const BINS = 16;

describe("drawU32 and drawUnit", () => {
  test("the same (seed, index, stream) gives the same word, a 32-bit unsigned integer", () => {
    for (const [seed, index, stream] of [
      [0, 0, 0],
      [1, 2, 3],
      [2 ** 31 - 1, 494_020, 7],
      [-5, 2 ** 40 + 3, 0],
    ] as const) {
      const word = drawU32(seed, index, stream);
      expect(drawU32(seed, index, stream)).toBe(word);
      expect(Number.isInteger(word) && word >= 0 && word < 2 ** 32).toBe(true);
    }
  });

  test("changing any one of seed, index or stream changes the word", () => {
    let same = 0;
    for (let k = 0; k < 2_000; k++) {
      const base = drawU32(k, 3 * k, k % 5);
      if (drawU32(k + 1, 3 * k, k % 5) === base) same++;
      if (drawU32(k, 3 * k + 1, k % 5) === base) same++;
      if (drawU32(k, 3 * k, (k % 5) + 1) === base) same++;
    }
    // A 32-bit collision has probability 2^-32 per pair: none is expected among 6,000.
    expect(same).toBe(0);
  });

  test("indexes beyond 2^32 still differ from their low 32 bits", () => {
    expect(drawU32(1, 2 ** 32 + 5, 0)).not.toBe(drawU32(1, 5, 0));
  });

  test("drawUnit is drawU32 / 2^32, so it lies in [0, 1)", () => {
    let bad = 0;
    for (let i = 0; i < 10_000; i++) {
      const u = drawUnit(9, i, 2);
      if (u !== drawU32(9, i, 2) / 2 ** 32 || !(u >= 0 && u < 1)) bad++;
    }
    expect(bad).toBe(0);
  });

  test.each([
    ["over the index", (i: number) => drawUnit(1, i, 0)],
    ["over the seed", (i: number) => drawUnit(i, 17, 0)],
    ["over the stream", (i: number) => drawUnit(5, 17, i)],
  ])("roughly uniform %s: chi-square over 16 bins of 100,000 draws", (_, draw) => {
    const counts = new Float64Array(BINS);
    let sum = 0;
    for (let i = 0; i < DRAWS; i++) {
      const u = draw(i);
      counts[Math.floor(u * BINS)]! += 1;
      sum += u;
    }
    const expected = DRAWS / BINS;
    const chiSquare = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // 15 degrees of freedom: mean 15, P(chi2 > 50) is about 1e-5. Fixed seeds, so not flaky.
    expect(chiSquare).toBeLessThan(50);
    expect(Math.abs(sum / DRAWS - 0.5)).toBeLessThan(0.005);
  });
});

describe("drawNormal", () => {
  test("mean about 0 and standard deviation about 1 over 100,000 draws, always finite", () => {
    let sum = 0;
    let squares = 0;
    let beyondTwo = 0;
    let infinite = 0;
    for (let i = 0; i < DRAWS; i++) {
      const z = drawNormal(3, i, 1);
      if (!Number.isFinite(z)) infinite++;
      sum += z;
      squares += z * z;
      if (Math.abs(z) > 2) beyondTwo++;
    }
    expect(infinite).toBe(0);
    const mean = sum / DRAWS;
    const sd = Math.sqrt(squares / DRAWS - mean * mean);
    // Standard errors are 0.003 (mean) and 0.002 (sd): these bounds are about 7 of them.
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(sd - 1)).toBeLessThan(0.02);
    // P(|Z| > 2) = 4.55 %.
    expect(beyondTwo / DRAWS).toBeGreaterThan(0.04);
    expect(beyondTwo / DRAWS).toBeLessThan(0.051);
  });

  test("deterministic, and streams 0 and 1 draw from disjoint word streams", () => {
    expect(drawNormal(3, 10, 0)).toBe(drawNormal(3, 10, 0));
    expect(drawNormal(3, 10, 0)).not.toBe(drawNormal(3, 10, 1));
    expect(drawNormal(3, 10, 0)).not.toBe(drawNormal(4, 10, 0));
  });
});

describe("fixedOrder", () => {
  function isPermutation(order: Int32Array): boolean {
    const seen = new Uint8Array(order.length);
    for (const i of order) {
      if (i < 0 || i >= order.length || seen[i] === 1) return false;
      seen[i] = 1;
    }
    return true;
  }

  test("is a permutation of 0..count-1 (also for 0 and 1)", () => {
    for (const count of [0, 1, 2, 7, 1_000, 50_000]) {
      const order = fixedOrder(count, 0xc0e7);
      expect(order.length).toBe(count);
      expect(isPermutation(order)).toBe(true);
    }
  });

  test("depends only on (count, salt): the same arrays every call, another salt another order", () => {
    expect(fixedOrder(5_000, 42)).toEqual(fixedOrder(5_000, 42));
    expect(fixedOrder(5_000, 43)).not.toEqual(fixedOrder(5_000, 42));
  });

  test("a bigger count keeps the smaller order's relative order (the keys belong to the items)", () => {
    const small = fixedOrder(2_000, 7);
    const big = fixedOrder(5_000, 7).filter((i) => i < 2_000);
    expect(big).toEqual(small);
  });

  test("mixes: a prefix is not 0..k, and it draws from the whole range", () => {
    const n = 10_000;
    const order = fixedOrder(n, 1);
    const prefix = Array.from(order.subarray(0, 100));
    expect(prefix).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    // The first tenth of the order takes about a tenth of every tenth of the stored items.
    const perDecile = new Float64Array(10);
    for (const i of order.subarray(0, n / 10)) perDecile[Math.floor(i / (n / 10))]! += 1;
    for (const count of perDecile) expect(Math.abs(count - n / 100)).toBeLessThan(50);
  });
});
