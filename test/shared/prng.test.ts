// Golden vectors for the kernel's random numbers, run in Node and in workerd: every number below
// was printed by scripts/golden/prng.c, an independent C implementation, and must match bit for bit.
import { describe, expect, it } from "vitest";
import vectors from "../vectors/prng.json";
import { Xoshiro128StarStar, ZERO_SEED_REPLACEMENT_STATE, splitmix64 } from "../../src/kernel/prng.ts";
import { betaU32, popcount32, u32ToBps, uniformBelow } from "../../src/kernel/beta-sampler.ts";

function seeded(seedHex: string): Xoshiro128StarStar {
  const rng = new Xoshiro128StarStar();
  rng.seedSplitmix64(BigInt(seedHex));
  return rng;
}

function hex64(value: bigint): string {
  return `0x${value.toString(16).padStart(16, "0")}`;
}

describe("splitmix64", () => {
  it("matches the published outputs for seed 1234567 (Rosetta Code, Pseudo-random numbers/Splitmix64)", () => {
    const published = [6457827717110365317n, 3203168211198807973n, 9817491932198370423n];
    let state = 1234567n;
    for (const expected of published) {
      const step = splitmix64(state);
      expect(step.value).toBe(expected);
      state = step.state;
    }
  });

  for (const vector of vectors.splitmix64) {
    it(`matches the C outputs for seed ${vector.seed}`, () => {
      let state = BigInt(vector.seed);
      const outputs: string[] = [];
      for (let i = 0; i < vector.outputs.length; i++) {
        const step = splitmix64(state);
        outputs.push(hex64(step.value));
        state = step.state;
      }
      expect(outputs).toEqual(vector.outputs);
      expect(hex64(state)).toBe(vector.stateAfter);
    });
  }
});

describe("Xoshiro128StarStar", () => {
  for (const vector of vectors.xoshiroSeedWords) {
    it(`matches the C stream after seedWords(${vector.words.join(", ")})`, () => {
      const rng = new Xoshiro128StarStar();
      const [a = -1, b = -1, c = -1, d = -1] = vector.words;
      rng.seedWords(a, b, c, d);
      expect(Array.from(rng.state)).toEqual(vector.state);
      expect(vector.outputs.map(() => rng.nextU32())).toEqual(vector.outputs);
      expect(Array.from(rng.state)).toEqual(vector.stateAfter);
    });
  }

  for (const vector of vectors.xoshiroSeedSplitmix64) {
    it(`matches the C stream after seedSplitmix64(${vector.seed})`, () => {
      const rng = seeded(vector.seed);
      expect(Array.from(rng.state)).toEqual(vector.state);
      expect(vector.outputs.map(() => rng.nextU32())).toEqual(vector.outputs);
      expect(Array.from(rng.state)).toEqual(vector.stateAfter);
    });
  }

  it("replaces an all-zero seed with the state of seedSplitmix64(0n)", () => {
    expect(Array.from(seeded("0x0").state)).toEqual([...ZERO_SEED_REPLACEMENT_STATE]);
    expect(Array.from(new Xoshiro128StarStar().state)).toEqual([...ZERO_SEED_REPLACEMENT_STATE]);
  });
});

describe("uniformBelow", () => {
  for (const vector of vectors.uniformBelow) {
    it(`matches the C sequence for n = ${vector.n}, including the words consumed`, () => {
      const rng = seeded(vector.seed);
      expect(vector.outputs.map(() => uniformBelow(rng, vector.n))).toEqual(vector.outputs);
      expect(rng.nextU32()).toBe(vector.nextU32After);
    });
  }
});

describe("betaU32", () => {
  for (const vector of vectors.betaU32) {
    it(`matches the C draws for Beta(${vector.alpha}, ${vector.beta}) seed ${vector.seed}`, () => {
      const rng = seeded(vector.seed);
      expect(vector.draws.map(() => betaU32(rng, vector.alpha, vector.beta))).toEqual(vector.draws);
      expect(rng.nextU32()).toBe(vector.nextU32After);
    });
  }
});

describe("u32ToBps and popcount32", () => {
  it("match the C integer results", () => {
    for (const [u = -1, bps] of vectors.u32ToBps) expect(u32ToBps(u)).toBe(bps);
    for (const [x = -1, bits] of vectors.popcount32) expect(popcount32(x)).toBe(bits);
  });
});
