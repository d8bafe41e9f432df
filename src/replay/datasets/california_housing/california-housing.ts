// California housing (1990 census, Géron's copy): 20,640 block groups, each a valuation request
// whose REAL median_house_value is the truth. A pure mapper from the file's rows to the record
// table; each tier's valuation error is MODELLED (valuation-tiers.ts) and drawn per record.

import { DataFileError, expectWidth, headerIndex, numberField, type CsvRow, type DataReader } from "../../data-reader.ts";
import { drawNormal, fixedOrder } from "../../draws.ts";
import { RecordTableBuilder, type OptionOutcome, type RecordTable } from "../../record-table.ts";
import { recordLimit, type ReplayDataset } from "../../replay-dataset.ts";
import { tierCostMicros, tierPack, WORK_UNITS_PER_RECORD } from "../../../domain/tier-pack.ts";
import {
  difficultyOf,
  HOUSING_RISK_BPS,
  HOUSING_TIERS,
  housingRegimeIndex,
  housingValueMicros,
  MISS_THRESHOLD,
  OCEAN_PROXIMITY,
  SIGMA,
  type DistrictFacts,
} from "../../../domain/real-estate/valuation-tiers.ts";
import { REAL_ESTATE_SOURCE } from "../../../domain/real-estate/real-estate-pack.ts";

const FOLDER = "california_housing";
export const HOUSING_FILE = `${FOLDER}/housing.csv.gz`;
const COLUMNS = [
  "longitude",
  "latitude",
  "housing_median_age",
  "total_rooms",
  "total_bedrooms",
  "population",
  "households",
  "median_income",
  "median_house_value",
  "ocean_proximity",
] as const;
/** Salt of the fixed replay order: the file is grouped by area (roughly by longitude), not mixed. */
const ORDER_SALT = 0xca1f;
/** The draws.ts stream of the valuation error's normal. */
const VALUATION_STREAM = 0;

const PACK = tierPack(FOLDER, REAL_ESTATE_SOURCE);
const TIER_COUNT = HOUSING_TIERS.length;

export interface District extends DistrictFacts {
  readonly id: string;
}

type Columns = Record<(typeof COLUMNS)[number], number>;

/** A number in [min, max], or a DataFileError naming the column. */
function boundedField(row: CsvRow, at: number, column: string, min: number, max: number): number {
  const value = numberField(row, at, HOUSING_FILE, column);
  if (value < min || value > max)
    throw new DataFileError(HOUSING_FILE, row.line, `column ${JSON.stringify(column)}: ${value} outside [${min}, ${max}]`);
  return value;
}

/**
 * One row: every field validated; total_bedrooms may be empty (207 rows lost it on purpose, see
 * PROVENANCE.md) but is a count when present. Only four facts go on to the record.
 */
export function districtOf(row: CsvRow, columns: Columns): District {
  expectWidth(row, COLUMNS.length, HOUSING_FILE);
  boundedField(row, columns.longitude, "longitude", -180, 180);
  boundedField(row, columns.latitude, "latitude", -90, 90);
  boundedField(row, columns.housing_median_age, "housing_median_age", 0, 200);
  boundedField(row, columns.total_rooms, "total_rooms", 0, Number.MAX_SAFE_INTEGER);
  if (row.fields[columns.total_bedrooms] !== "") boundedField(row, columns.total_bedrooms, "total_bedrooms", 0, Number.MAX_SAFE_INTEGER);
  boundedField(row, columns.population, "population", 0, Number.MAX_SAFE_INTEGER);
  const households = boundedField(row, columns.households, "households", 1, Number.MAX_SAFE_INTEGER);
  // Income above 0 keeps every value positive; the file's range is 0.4999 to 15.0001.
  const medianIncome = boundedField(row, columns.median_income, "median_income", 0, 1_000);
  if (medianIncome === 0) throw new DataFileError(HOUSING_FILE, row.line, `column "median_income": expected a positive income, got 0`);
  const medianHouseValue = boundedField(row, columns.median_house_value, "median_house_value", 1, Number.MAX_SAFE_INTEGER);
  const label = row.fields[columns.ocean_proximity]!;
  const proximity = OCEAN_PROXIMITY.indexOf(label as (typeof OCEAN_PROXIMITY)[number]);
  if (proximity < 0)
    throw new DataFileError(HOUSING_FILE, row.line, `column "ocean_proximity": unknown value ${JSON.stringify(label.slice(0, 40))}`);
  return { id: `housing#${row.line}`, proximity, medianIncome, households, medianHouseValue };
}

async function readDistricts(reader: DataReader): Promise<District[]> {
  const districts: District[] = [];
  let columns: Columns | null = null;
  for await (const row of reader.csv(HOUSING_FILE)) {
    if (columns === null) {
      expectWidth(row, COLUMNS.length, HOUSING_FILE);
      columns = headerIndex(row, HOUSING_FILE, COLUMNS) as Columns;
    } else districts.push(districtOf(row, columns));
  }
  if (columns === null) throw new DataFileError(HOUSING_FILE, 0, "empty file (no header)");
  return districts;
}

/** Outcomes depend only on which tiers are within the threshold (one standard record each): 16 arrays. */
const OUTCOMES: readonly (readonly OptionOutcome[])[] = Array.from({ length: 1 << TIER_COUNT }, (_, mask) =>
  HOUSING_TIERS.map((_, t) => {
    const success = (mask & (1 << t)) !== 0;
    return { success, qualityBps: success ? 10_000 : 0, costMicros: tierCostMicros(PACK, t, WORK_UNITS_PER_RECORD) };
  }),
);

/** Which tiers value the district within the threshold, for the record's standard normal `z`. */
export function accurateMask(district: DistrictFacts, z: number): number {
  const spread = Math.abs(z) * difficultyOf(district);
  let mask = 0;
  SIGMA.forEach((sigma, t) => {
    if (spread * sigma <= MISS_THRESHOLD) mask |= 1 << t;
  });
  return mask;
}

async function loadDistricts(reader: DataReader, limit: number | undefined, seed: number): Promise<RecordTable> {
  const count = recordLimit(limit);
  const builder = new RecordTableBuilder(TIER_COUNT);
  if (count === 0) return builder.build();
  const districts = await readDistricts(reader);
  const order = fixedOrder(districts.length, ORDER_SALT);
  const n = Math.min(count, districts.length);
  for (let i = 0; i < n; i++) {
    // The draw belongs to the district (its row index), so a limit never changes its luck.
    const stored = order[i]!;
    const district = districts[stored]!;
    builder.push({
      id: district.id,
      regimeIndex: housingRegimeIndex(district.proximity, district.medianIncome),
      inputTokens: WORK_UNITS_PER_RECORD,
      maxOutputTokens: 1,
      valueMicros: housingValueMicros(district.medianIncome),
      riskBps: HOUSING_RISK_BPS,
      event: false,
      outcomes: OUTCOMES[accurateMask(district, drawNormal(seed, stored, VALUATION_STREAM))]!,
    });
  }
  return builder.build();
}

export const CALIFORNIA_HOUSING: ReplayDataset = {
  id: "california_housing",
  industry: "real_estate",
  title: "California housing: district valuations at four depths, from an automated model to a full appraisal",
  pack: PACK,
  // Valuations are not waited on by the second: appraisal turnaround is days and is not priced.
  warmStart: {},
  provenance: {
    real:
      "Every district's median_house_value (the truth a valuation is scored against), ocean_proximity and " +
      "median_income (the regime: 5 x 3 bands, cut at $25,000 and $50,000), households and the value's top code " +
      "(difficulty), and median_income for the value (1.5 % of it per accurate valuation, $75 to $2,250).",
    modelled:
      "Each tier's valuation error: one standard normal z per record, tier t's relative error sigma_t x d x z and a " +
      "miss iff it exceeds 10 %; sigma = 10 % (automated model), 7 % (desktop), 5 % (drive-by), 3.5 % (full " +
      "appraisal); difficulty d = product of ISLAND x2, INLAND x1.25, income < 1.5 or >= 8 x1.3, households < 100 " +
      "x1.5, value top-coded at 500,001 x1.5. Tier prices ($3, $80, $180, $350); risk 5,000 bps. The replay " +
      "order: a fixed shuffle of the 20,640 rows.",
  },
  missLabel: "valuations off by more than the threshold",
  expectedRecords: 20_640,
  load: (reader, options) => loadDistricts(reader, options.limit, options.seed),
};
