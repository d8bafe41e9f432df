// The Covertype pack's tables: wilderness areas and elevation bands (the regimes), the four
// classifier tiers, the REAL life-zone rule and the MODELLED accuracy of the other three tiers.
// Data and small pure lookups only; nothing here reads a file or draws a number.

import type { PackRegime } from "../domain-pack.ts";
import type { TierSpec } from "../tier-pack.ts";

/** Cover_Type codes as UCI's covtype.info numbers them (1 to 7). */
export const SPRUCE_FIR = 1;
export const LODGEPOLE_PINE = 2;
export const PONDEROSA_PINE = 3;
export const COTTONWOOD_WILLOW = 4;
export const ASPEN = 5;
export const DOUGLAS_FIR = 6;
export const KRUMMHOLZ = 7;
export const COVER_TYPE_MAX = 7;

/** Wilderness_Area1..4 of the Roosevelt National Forest, in column order (covtype.info). */
export const WILDERNESS_AREAS = ["rawah", "neota", "comanche_peak", "cache_la_poudre"] as const;

/*
 * Elevation bands, metres: below 2,700 (montane: ponderosa, Douglas-fir, cottonwood, low
 * lodgepole), 2,700 to 3,099 (the transition where lodgepole pine and spruce/fir overlap: in this
 * data lodgepole's upper quartile is 3,041 m and spruce/fir's lower quartile 3,032 m), and 3,100
 * or more (subalpine spruce/fir and krummholz). Both files give the band exactly: the raw file in
 * metres, the scaled one through elevationFromScaled below.
 */
export const BAND_LIMITS_M = [2_700, 3_100] as const;
export const BAND_NAMES = ["under_2700m", "2700_3099m", "over_3100m"] as const;
const TRANSITION_BAND = 1;

export function elevationBand(elevationM: number): number {
  return elevationM < BAND_LIMITS_M[0] ? 0 : elevationM < BAND_LIMITS_M[1] ? 1 : 2;
}

/*
 * The scaled file's Elevation is (metres - 1,859) / 1,999, rounded to 6 decimals; the elevation
 * bands need metres. RAMP does not document the constants, so they were recovered and checked,
 * not guessed: (1) every one of the 92,962 values times 1,999 lies within 0.001 of an integer (no
 * other whole range from 1,980 to 2,010 does: each leaves errors near 0.5); (2) with offset 1,859,
 * 2,469 rows of the scaled file equal a row of the raw Kaggle files on elevation, aspect, slope,
 * all 44 indicators and the label (the expected overlap: the Kaggle rows are 2.6 % of UCI's
 * 581,012, the scaled file 16 %), against at most 39 chance matches for any offset from 1,850 to
 * 1,869 (the covertype test re-counts offsets 1,858 to 1,860). 1,859 m and 3,858 m are UCI's
 * minimum and maximum elevation. The loader re-checks (1) on every row and refuses a value off the
 * grid, so a file scaled otherwise cannot pass silently.
 */
export const SCALED_ELEVATION_MIN_M = 1_859;
export const SCALED_ELEVATION_RANGE_M = 1_999;
/** Largest distance from the 1/1,999 grid that 6-decimal rounding can cause (0.5e-6 x 1,999). */
export const SCALED_GRID_TOLERANCE = 0.0011;

/** Metres from a scaled elevation, or null when the value is not on the grid. */
export function elevationFromScaled(scaled: number): number | null {
  const steps = scaled * SCALED_ELEVATION_RANGE_M;
  const whole = Math.round(steps);
  if (!(scaled >= 0 && scaled <= 1) || Math.abs(steps - whole) > SCALED_GRID_TOLERANCE) return null;
  return SCALED_ELEVATION_MIN_M + whole;
}

/*
 * Regimes: wilderness area x elevation band, index = 3 x area + band. Both are on the map before
 * any cell is classified. Three are empty in these files (Neota has no cell below 2,700 m, Cache
 * la Poudre none at 2,700 m or more); they stay so that the index rule holds. Warm-start floor
 * 6,000 everywhere: a prior of 60 % correct for every tier, about what the life-zone rule gets, so
 * no tier is excluded before outcomes arrive; the learned floors then separate the regimes.
 */
export const COVER_REGIMES: readonly PackRegime[] = WILDERNESS_AREAS.flatMap((area) =>
  BAND_NAMES.map((band) => ({ id: `${area}/${band}`, warmStartFloorBps: 6_000 })),
);

export function coverRegimeIndex(wilderness: number, elevationM: number): number {
  return wilderness * BAND_NAMES.length + elevationBand(elevationM);
}

/*
 * Tier 0, the life-zone rule, is REAL: a fixed lookup from elevation alone to the zone's typical
 * cover, the Front Range life zones in round figures: lower montane below 2,500 m -> ponderosa
 * pine, upper montane 2,500 to 2,999 m -> lodgepole pine, subalpine 3,000 to 3,349 m ->
 * spruce/fir, 3,350 m and above -> krummholz. It is right where the data's label says so; the
 * limits are stated, not fitted (three round variants were compared and this one kept; over the
 * 108,082 cells it is right 61.3 % of the time: 90 % in Rawah below 2,700 m, 40 % in Comanche
 * Peak below 2,700 m where ponderosa, Douglas-fir and lodgepole mix).
 */
export function lifeZoneCover(elevationM: number): number {
  if (elevationM < 2_500) return PONDEROSA_PINE;
  if (elevationM < 3_000) return LODGEPOLE_PINE;
  if (elevationM < 3_350) return SPRUCE_FIR;
  return KRUMMHOLZ;
}

/*
 * Difficulty of a cell for the modelled tiers, from its REAL cover type and its band: spruce/fir
 * and lodgepole pine are the confusable pair (together 85 % of UCI's cells, their elevation ranges
 * overlap: interquartile 3,032-3,234 m and 2,793-3,041 m in these files), hardest in the
 * transition band where both grow at the same elevation; outside it the elevation nearly settles
 * them. Ponderosa, aspen and Douglas-fir mix in the montane zone (ponderosa's and Douglas-fir's
 * interquartile ranges, 2,264-2,549 m and 2,322-2,550 m, nearly coincide); cottonwood/willow
 * (riparian, Cache la Poudre only) and krummholz (above treeline) are distinct.
 */
export const DIFFICULTY_NAMES = ["transition_conifer", "zonal_conifer", "montane_mixed", "distinct"] as const;

export function difficultyOf(coverType: number, elevationM: number): number {
  if (coverType === SPRUCE_FIR || coverType === LODGEPOLE_PINE) return elevationBand(elevationM) === TRANSITION_BAND ? 0 : 1;
  if (coverType === PONDEROSA_PINE || coverType === ASPEN || coverType === DOUGLAS_FIR) return 2;
  return 3;
}

/*
 * The MODELLED tiers, in bps: tier t (1 to 3) classifies a cell of difficulty d correctly iff the
 * record's uniform u < CORRECT_BPS[t - 1][d] / 10,000 (one u per record, shared by the three: a
 * deeper tier is right wherever a cheaper modelled tier is). Judgement, not measurement, in the
 * range of published figures: UCI's covtype.info reports 70 % for a backpropagation network and
 * 58 % for linear discriminant analysis over all classes; tree ensembles trained on most of the
 * data are commonly reported near 95 %; photo-interpreters separate these conifers from stereo imagery far better than any
 * model on cartographic variables alone. The label says what grows there, not what a classifier
 * would have said.
 */
export const CORRECT_BPS: readonly (readonly number[])[] = [
  // transition  zonal  montane  distinct
  [6_800, 9_200, 9_000, 9_700], // boosted trees on the 54 cartographic variables
  [8_000, 9_500, 9_400, 9_800], // ensemble with LiDAR canopy height and multispectral imagery
  [9_700, 9_900, 9_800, 9_900], // photo-interpretation by a trained analyst
];

/*
 * A correct cell is worth $2.40 to the map's user (stand-level planning: harvest, fuel and
 * beetle-risk treatment); a misclassified one costs a quarter of that again (a crew sent to the
 * wrong stand, a treatment misplanned). At these figures the cheap boosted model is the best buy
 * where its cells are easy (outside the transition band, and in Cache la Poudre's riparian and
 * montane mix) and photo-interpretation is worth its $0.45 in the transition band, where only it
 * separates lodgepole from spruce/fir reliably. The life-zone rule comes within 2 % of the boosted
 * model in Rawah below 2,700 m (90 % lodgepole) and is far behind everywhere else.
 */
export const COVER_VALUE_MICROS = 240_000_000;
export const COVER_RISK_BPS = 2_500;

/*
 * Tiers in increasing cost per 30 m cell; 1 USD = 100,000,000 microcents. The life-zone rule: a
 * lookup on the elevation model, $0.0001, 1 ms. Boosted trees: features from the elevation, soil
 * and hydrography layers and one model call, $0.002, 50 ms. Terrain ensemble: adds LiDAR canopy
 * height and multispectral tiles, whose licensing and processing dominate, $0.15 per cell, 5 s.
 * Photo-interpretation: about a minute of a trained interpreter (about $27 an hour) on sub-metre
 * stereo imagery, $0.45, 90 s. Static qualities: the share each tier gets right over the 108,082
 * cells (the rule's real 61.3 %, the table above weighted by the cells' difficulties: 81.7 %,
 * 88.6 %, 98.0 %), rounded to 100 bps.
 */
export const COVER_TIERS: readonly TierSpec[] = [
  { id: "life_zone_rule", qualityBps: 6_100, latencyMsP50: 1, costPerRecordMicros: 10_000 },
  { id: "boosted_trees", qualityBps: 8_200, latencyMsP50: 50, costPerRecordMicros: 200_000 },
  { id: "terrain_ensemble", qualityBps: 8_900, latencyMsP50: 5_000, costPerRecordMicros: 15_000_000 },
  { id: "photo_interpretation", qualityBps: 9_800, latencyMsP50: 90_000, costPerRecordMicros: 45_000_000 },
];
