// Differential tests of the kernel's exact integer arithmetic against BigInt, which cannot round:
// every result must equal the BigInt floor (or ceiling) bit for bit across the documented domain,
// with the edges 0, 1, 9,999, 10,000, 2^31 - 1 and 2^53 - 1 drawn far more often than chance would.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isIntegerIn, mulBps, splitPrice, tokenCostFloor, worstCaseCostMicros } from "../../../src/kernel/exact-math.ts";

const SAFE_MAX = Number.MAX_SAFE_INTEGER;
const TOKENS_MAX = 10_000_000;
const PRICE_MAX = 1_000_000_000_000;
const NUM_RUNS = 20_000;

/** Integers in [min, max], with the shared edge values (those in range) and both ends weighted up. */
function edgeBiasedInteger(min: number, max: number): fc.Arbitrary<number> {
  const edges = [
    0,
    1,
    2,
    9_999,
    10_000,
    10_001,
    999_999,
    1_000_000,
    1_000_001,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32 - 1,
    SAFE_MAX - 1,
    SAFE_MAX,
  ].filter((x) => x >= min && x <= max);
  return fc.oneof(
    { arbitrary: fc.integer({ min, max }), weight: 4 },
    { arbitrary: fc.constantFrom(min, max, ...edges), weight: 2 },
    // Values near a multiple of 10^4 or 10^6 stress the split into high and low parts.
    {
      arbitrary: fc
        .integer({ min: Math.ceil(min / 1e6), max: Math.floor(max / 1e6) })
        .chain((m) => fc.integer({ min: -2, max: 2 }).map((d) => Math.min(max, Math.max(min, m * 1e6 + d)))),
      weight: 1,
    },
  );
}

function mulBpsReference(value: number, bps: number): bigint {
  return (BigInt(value) * BigInt(bps)) / 10_000n;
}

describe("mulBps", () => {
  it("equals floor(value * bps / 10,000) for value in [0, 2^53 - 1] and bps in [0, 10,000]", () => {
    fc.assert(
      fc.property(edgeBiasedInteger(0, SAFE_MAX), edgeBiasedInteger(0, 10_000), (value, bps) => {
        const got = mulBps(value, bps);
        expect(Number.isSafeInteger(got) && !Object.is(got, -0)).toBe(true);
        expect(BigInt(got)).toBe(mulBpsReference(value, bps));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it.each([
    [0, 0, 0],
    [0, 10_000, 0],
    [1, 9_999, 0],
    [1, 10_000, 1],
    [9_999, 9_999, 9_998],
    [10_000, 1, 1],
    [2 ** 31 - 1, 10_000, 2 ** 31 - 1],
    [2 ** 31 - 1, 9_999, 2_147_268_898],
    [SAFE_MAX, 10_000, SAFE_MAX],
    [SAFE_MAX, 9_999, 9_006_298_534_815_516],
    [SAFE_MAX, 1, 900_719_925_474],
    [SAFE_MAX, 0, 0],
  ])("mulBps(%d, %d) = %d (checked by hand against BigInt)", (value, bps, expected) => {
    expect(BigInt(expected)).toBe(mulBpsReference(value, bps));
    expect(mulBps(value, bps)).toBe(expected);
  });

  it("is monotone in both arguments and never exceeds its value", () => {
    fc.assert(
      fc.property(edgeBiasedInteger(0, SAFE_MAX - 1), edgeBiasedInteger(0, 9_999), (value, bps) => {
        expect(mulBps(value, bps)).toBeLessThanOrEqual(mulBps(value + 1, bps));
        expect(mulBps(value, bps)).toBeLessThanOrEqual(mulBps(value, bps + 1));
        expect(mulBps(value, bps + 1)).toBeLessThanOrEqual(value);
      }),
      { numRuns: NUM_RUNS / 4 },
    );
  });
});

describe("tokenCostFloor", () => {
  it("equals floor(tokens * price / 10^6) for tokens up to 10^7 and prices up to 10^12", () => {
    fc.assert(
      fc.property(edgeBiasedInteger(0, TOKENS_MAX), edgeBiasedInteger(0, PRICE_MAX), (tokens, price) => {
        const got = tokenCostFloor(tokens, price);
        expect(Number.isSafeInteger(got) && !Object.is(got, -0)).toBe(true);
        expect(BigInt(got)).toBe((BigInt(tokens) * BigInt(price)) / 1_000_000n);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("is exact at the corners of its domain", () => {
    for (const tokens of [0, 1, 9_999, 10_000, 999_999, TOKENS_MAX]) {
      for (const price of [0, 1, 999_999, 1_000_000, 1_000_001, 2 ** 31 - 1, PRICE_MAX - 1, PRICE_MAX]) {
        expect(BigInt(tokenCostFloor(tokens, price))).toBe((BigInt(tokens) * BigInt(price)) / 1_000_000n);
      }
    }
    // 10^7 tokens at 10^12 microcents per million tokens: 10^13 microcents, 100,000 USD.
    expect(tokenCostFloor(TOKENS_MAX, PRICE_MAX)).toBe(10_000_000_000_000);
  });
});

describe("worstCaseCostMicros", () => {
  const costArguments = fc.tuple(
    edgeBiasedInteger(0, TOKENS_MAX),
    edgeBiasedInteger(0, TOKENS_MAX),
    edgeBiasedInteger(0, PRICE_MAX),
    edgeBiasedInteger(0, PRICE_MAX),
  );

  function reference(inputTokens: number, outputTokens: number, inputPrice: number, outputPrice: number): bigint {
    const total = BigInt(inputTokens) * BigInt(inputPrice) + BigInt(outputTokens) * BigInt(outputPrice);
    return (total + 999_999n) / 1_000_000n;
  }

  function cost(inputTokens: number, outputTokens: number, inputPrice: number, outputPrice: number): number {
    const [inHigh, inLow] = splitPrice(inputPrice);
    const [outHigh, outLow] = splitPrice(outputPrice);
    return worstCaseCostMicros(inputTokens, outputTokens, inHigh, inLow, outHigh, outLow);
  }

  it("equals ceil((in * inPrice + out * outPrice) / 10^6) over the documented bounds", () => {
    fc.assert(
      fc.property(costArguments, ([inputTokens, outputTokens, inputPrice, outputPrice]) => {
        const got = cost(inputTokens, outputTokens, inputPrice, outputPrice);
        expect(Number.isSafeInteger(got) && !Object.is(got, -0)).toBe(true);
        expect(BigInt(got)).toBe(reference(inputTokens, outputTokens, inputPrice, outputPrice));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("rounds up, never down: a reservation is never short of the exact price", () => {
    // 1 token at 1 microcent per million tokens costs 10^-6 microcents: the reservation is 1.
    expect(cost(1, 0, 1, 0)).toBe(1);
    expect(cost(0, 1, 0, 1)).toBe(1);
    // Two remainders of half a microcent each add up to exactly one, not two.
    expect(cost(1, 1, 500_000, 500_000)).toBe(1);
    expect(cost(1, 1, 500_000, 500_001)).toBe(2);
    expect(cost(0, 0, PRICE_MAX, PRICE_MAX)).toBe(0);
    expect(cost(TOKENS_MAX, TOKENS_MAX, PRICE_MAX, PRICE_MAX)).toBe(20_000_000_000_000);
    // gpt-4.1 list prices ($2 in, $8 out): 2,000 in + 500 out = 400,000 + 400,000 microcents.
    expect(cost(2_000, 500, 200_000_000, 800_000_000)).toBe(800_000);
    // Gemini 2.0 Flash-Lite ($0.075 in): 1,001 tokens cost 7,507.5 microcents, reserved as 7,508.
    expect(cost(1_001, 0, 7_500_000, 30_000_000)).toBe(7_508);
  });

  it("is at least the sum of the two floored token costs and at most that plus two", () => {
    fc.assert(
      fc.property(costArguments, ([inputTokens, outputTokens, inputPrice, outputPrice]) => {
        const floorSum = tokenCostFloor(inputTokens, inputPrice) + tokenCostFloor(outputTokens, outputPrice);
        const got = cost(inputTokens, outputTokens, inputPrice, outputPrice);
        expect(got).toBeGreaterThanOrEqual(floorSum);
        expect(got).toBeLessThanOrEqual(floorSum + 2);
      }),
      { numRuns: NUM_RUNS / 4 },
    );
  });
});

describe("splitPrice", () => {
  it("splits a price into whole microcents per token and millionths", () => {
    fc.assert(
      fc.property(edgeBiasedInteger(0, PRICE_MAX), (price) => {
        const [high, low] = splitPrice(price);
        expect(high * 1_000_000 + low).toBe(price);
        expect(low >= 0 && low < 1_000_000 && Number.isSafeInteger(high)).toBe(true);
      }),
      { numRuns: NUM_RUNS / 4 },
    );
  });
});

describe("isIntegerIn", () => {
  it.each([NaN, -0, Infinity, -Infinity, 1.5, 2 ** 53, 1e308, "1", null, undefined, 1n])("refuses %s", (value) =>
    expect(isIntegerIn(value, -10, 2 ** 60)).toBe(false),
  );

  it("accepts exactly the safe integers in range", () => {
    expect(isIntegerIn(0, 0, 0)).toBe(true);
    expect(isIntegerIn(SAFE_MAX, 0, SAFE_MAX)).toBe(true);
    expect(isIntegerIn(-1, 0, 1)).toBe(false);
    expect(isIntegerIn(2, 0, 1)).toBe(false);
  });
});
