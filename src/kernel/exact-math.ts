// Exact integer arithmetic on doubles that always hold safe integers. Products are split so no
// intermediate leaves 2^53 - 1; divisions use Math.floor only where it is provably exact.
// Never use these with values outside their documented preconditions: that is a bug, not data.

import { BPS_SCALE, TOKENS_PER_PRICE_UNIT } from "./units.ts";

/*
 * Why Math.floor(x / d) is exact here: for integers 0 <= x and d >= 1 with x + d <= 2^53, write
 * x = q*d + r. The true quotient q + r/d is at least 1/d below q + 1, while the rounding error of
 * the double division is at most (q + 1) * 2^-53 < 1/d because (q + 1) * d <= x + d <= 2^53.
 * So the rounded quotient stays below q + 1 and floors to q. Every call below keeps x + d <= 2^53.
 */

/** floor(value * bps / 10,000) for 0 <= value <= 2^53 - 1 and 0 <= bps <= 10,000. */
export function mulBps(value: number, bps: number): number {
  // Split the big operand (DESIGN.md "Numbers"): value = high * 10^4 + low.
  const high = Math.floor(value / BPS_SCALE);
  const low = value - high * BPS_SCALE;
  return high * bps + Math.floor((low * bps) / BPS_SCALE);
}

/**
 * floor(tokens * priceMicrosPerMTok / 10^6), split on the price: price = high * 10^6 + low.
 * Preconditions: tokens <= 10^7 and price <= 10^12, so tokens * high <= 10^13 and
 * tokens * low < 10^13.
 */
export function tokenCostFloor(tokens: number, priceMicrosPerMTok: number): number {
  const high = Math.floor(priceMicrosPerMTok / TOKENS_PER_PRICE_UNIT);
  const low = priceMicrosPerMTok - high * TOKENS_PER_PRICE_UNIT;
  return tokens * high + Math.floor((tokens * low) / TOKENS_PER_PRICE_UNIT);
}

/**
 * Worst-case cost of a request in microcents, rounded up so a reservation never falls short:
 * ceil((inputTokens * inputPrice + outputTokens * outputPrice) / 10^6), computed exactly.
 * The two high parts are whole microcents; only the sum of the two low remainders is divided.
 */
export function worstCaseCostMicros(
  inputTokens: number,
  outputTokens: number,
  inputPriceHigh: number,
  inputPriceLow: number,
  outputPriceHigh: number,
  outputPriceLow: number,
): number {
  const whole = inputTokens * inputPriceHigh + outputTokens * outputPriceHigh;
  const fraction = inputTokens * inputPriceLow + outputTokens * outputPriceLow;
  // fraction < 2 * 10^13, so the ceiling division below is exact by the lemma above.
  const fractionMicros = Math.floor((fraction + TOKENS_PER_PRICE_UNIT - 1) / TOKENS_PER_PRICE_UNIT);
  return whole + fractionMicros;
}

/** The high and low parts of a per-million-token price, as worstCaseCostMicros expects. */
export function splitPrice(priceMicrosPerMTok: number): readonly [high: number, low: number] {
  const high = Math.floor(priceMicrosPerMTok / TOKENS_PER_PRICE_UNIT);
  return [high, priceMicrosPerMTok - high * TOKENS_PER_PRICE_UNIT];
}

/** True when x is a safe integer in [min, max]; false for NaN, Infinity, -0 and fractions. */
export function isIntegerIn(x: unknown, min: number, max: number): x is number {
  return typeof x === "number" && Number.isSafeInteger(x) && x >= min && x <= max && !Object.is(x, -0);
}
