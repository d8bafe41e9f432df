// The California housing pack's tables: ocean proximity and income bands (the regimes), the four
// valuation tiers with their MODELLED error spreads, what makes a district harder to value, and
// what an accurate valuation is worth. Data and small pure lookups only; nothing reads or draws.

import { LATENCY_MS_MAX } from "../../kernel/units.ts";
import type { PackRegime } from "../domain-pack.ts";
import type { TierSpec } from "../tier-pack.ts";

/** The five ocean_proximity values of the file (PROVENANCE.md), in order of frequency. */
export const OCEAN_PROXIMITY = ["<1H OCEAN", "INLAND", "NEAR OCEAN", "NEAR BAY", "ISLAND"] as const;
const OCEAN_SLUGS = ["under_1h_ocean", "inland", "near_ocean", "near_bay", "island"] as const;
const INLAND = 1;
const ISLAND = 4;

/*
 * Income bands on median_income (tens of thousands of 1990 USD): under 2.5 ($25,000), 2.5 to
 * under 5, and 5 ($50,000) or more: 23 %, 55 % and 22 % of the districts. Income is
 * known before valuing (census), unlike the value being estimated.
 */
export const INCOME_LIMITS = [2.5, 5] as const;
export const INCOME_BANDS = ["income_under_25k", "income_25k_50k", "income_over_50k"] as const;

export function incomeBand(medianIncome: number): number {
  return medianIncome < INCOME_LIMITS[0] ? 0 : medianIncome < INCOME_LIMITS[1] ? 1 : 2;
}

/*
 * Regimes: ocean proximity x income band, index = 3 x proximity + band (15). Warm-start floor
 * 6,000 everywhere: a prior of 60 % of valuations within the threshold for every tier, about an
 * automated model's share, so no tier is excluded before outcomes arrive.
 */
export const HOUSING_REGIMES: readonly PackRegime[] = OCEAN_SLUGS.flatMap((ocean) =>
  INCOME_BANDS.map((band) => ({ id: `${ocean}/${band}`, warmStartFloorBps: 6_000 })),
);

export function housingRegimeIndex(proximity: number, medianIncome: number): number {
  return proximity * INCOME_BANDS.length + incomeBand(medianIncome);
}

/** A valuation misses when it is off the recorded median_house_value by more than 10 %. */
export const MISS_THRESHOLD = 0.1;
/** median_house_value's top code: the census recorded "500,001" for every district above $500,000. */
export const VALUE_TOP_CODE = 500_001;

/*
 * The MODELLED valuation error: one standard normal z per record (common random numbers), tier t's
 * relative error is SIGMA[t] x difficulty x z, so tier t misses iff |z| x SIGMA[t] x difficulty >
 * 10 %; the spreads fall with t, so a deeper tier is within the threshold wherever a cheaper one
 * is. At difficulty 1 the shares within 10 % are 68 %, 85 %, 95 % and 99.6 %: automated models are
 * commonly quoted at two thirds to three quarters of sales within 10 %, appraisals well above.
 * Judgement, not measurement: the file holds the census value, not anyone's valuation of it.
 */
export const SIGMA = [0.1, 0.07, 0.05, 0.035] as const;

/*
 * Difficulty, a product of factors (1 when none applies; at most 3.66 in this file):
 *   ISLAND x 2     five districts on Santa Catalina: almost no comparable sales;
 *   INLAND x 1.25  thinner and more varied sales than the coastal metros;
 *   income < 1.5 or >= 8 x 1.3   the tails of the income range, where comparables are few;
 *   households < 100 x 1.5       a small district's median rests on a handful of homes;
 *   top-coded value x 1.5        the recorded value is a floor ($500,001), so any valuation is scored
 *                                against a censored truth. This factor reads the label, but only to
 *                                widen the error: it never chooses a regime or a value.
 */
export const DIFFICULTY = { island: 2, inland: 1.25, incomeTail: 1.3, smallDistrict: 1.5, topCoded: 1.5 } as const;
export const INCOME_TAIL_LIMITS = [1.5, 8] as const;
export const SMALL_DISTRICT_HOUSEHOLDS = 100;

export interface DistrictFacts {
  readonly proximity: number;
  readonly medianIncome: number;
  readonly households: number;
  readonly medianHouseValue: number;
}

export function difficultyOf(district: DistrictFacts): number {
  let factor = 1;
  if (district.proximity === ISLAND) factor *= DIFFICULTY.island;
  if (district.proximity === INLAND) factor *= DIFFICULTY.inland;
  if (district.medianIncome < INCOME_TAIL_LIMITS[0] || district.medianIncome >= INCOME_TAIL_LIMITS[1]) factor *= DIFFICULTY.incomeTail;
  if (district.households < SMALL_DISTRICT_HOUSEHOLDS) factor *= DIFFICULTY.smallDistrict;
  if (district.medianHouseValue >= VALUE_TOP_CODE) factor *= DIFFICULTY.topCoded;
  return factor;
}

/*
 * An accurate valuation is worth 1.5 % of the district's median annual household income (a proxy,
 * known before valuing, for the loan the valuation backs: about four times income, so about 0.4 %
 * of the loan): $530 at the file's median income of $35,349, from $75 to $2,250. A valuation off
 * by more than 10 % costs half its worth again (a mispriced loan, a second valuation, a dispute).
 * At these figures an automated model is the best buy in the low-income bands, a desktop
 * appraisal in the middle band near the coast, a drive-by appraisal inland in the middle band and
 * everywhere in the high one. A full appraisal is the best buy in no regime at these values: it
 * is what the "always the best tier" baseline pays for.
 */
export const VALUE_MICROS_PER_INCOME_UNIT = 15_000_000_000;
export const HOUSING_RISK_BPS = 5_000;

export function housingValueMicros(medianIncome: number): number {
  return Math.round(medianIncome * VALUE_MICROS_PER_INCOME_UNIT);
}

/*
 * Tiers in increasing cost per district; 1 USD = 100,000,000 microcents. Automated valuation
 * model: $3 per report, 2 s. Desktop appraisal (records and listings, no visit): $80.
 * Exterior-only drive-by appraisal: $180. Full interior appraisal: $350. An appraisal takes days;
 * the kernel's latency field holds at most an hour, so the three appraisals carry its maximum,
 * and the replay prices no latency. Static qualities: the expected share within 10 % over the
 * 20,640 districts with their difficulties (62.5 %, 79.0 %, 91.4 %, 98.0 %), rounded to 100 bps.
 */
export const HOUSING_TIERS: readonly TierSpec[] = [
  { id: "automated_valuation", qualityBps: 6_300, latencyMsP50: 2_000, costPerRecordMicros: 300_000_000 },
  { id: "desktop_appraisal", qualityBps: 7_900, latencyMsP50: LATENCY_MS_MAX, costPerRecordMicros: 8_000_000_000 },
  { id: "drive_by_appraisal", qualityBps: 9_100, latencyMsP50: LATENCY_MS_MAX, costPerRecordMicros: 18_000_000_000 },
  { id: "full_appraisal", qualityBps: 9_800, latencyMsP50: LATENCY_MS_MAX, costPerRecordMicros: 35_000_000_000 },
];
