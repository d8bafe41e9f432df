// The California housing pack: an in-memory slice against an independent reference of the
// mapping, a pinned golden on the real file, every malformed-row error naming its file and line,
// and determinism (same seed, same table; another seed moves only the modelled valuation errors).
import { describe, expect, it } from "vitest";
import { GzipDataReader } from "../../../../src/cli/gzip-data-reader.ts";
import { CALIFORNIA_HOUSING, HOUSING_FILE } from "../../../../src/replay/datasets/california_housing/california-housing.ts";
import { HOUSING_TIERS } from "../../../../src/domain/real-estate/valuation-tiers.ts";
import { tierCostMicros } from "../../../../src/domain/tier-pack.ts";
import { DataFileError } from "../../../../src/replay/data-reader.ts";
import { drawNormal } from "../../../../src/replay/draws.ts";
import { MemoryDataReader } from "../../../../src/replay/memory-data-reader.ts";
import { costSums, regimeCounts, successCounts } from "./table-counts.ts";
import { describeRealData } from "../../support/real-data.ts";

const HEADER =
  "longitude,latitude,housing_median_age,total_rooms,total_bedrooms,population,households,median_income,median_house_value,ocean_proximity";

/*
 * The slice, with what the mapping must make of each district, worked out by hand: the regime
 * (3 x proximity + income band), the value (1.5 % of the income: income x 15,000,000,000
 * microcents) and the difficulty factor.
 */
const SLICE: readonly { readonly row: string; readonly regime: number; readonly valueMicros: number; readonly difficulty: number }[] = [
  { row: "-122.23,37.88,41.0,880.0,129.0,322.0,126.0,8.3252,452600.0,NEAR BAY", regime: 11, valueMicros: 124_878_000_000, difficulty: 1.3 },
  { row: "-121.32,39.43,18.0,1860.0,,741.0,349.0,1.8672,84700.0,INLAND", regime: 3, valueMicros: 28_008_000_000, difficulty: 1.25 },
  { row: "-118.32,33.35,27.0,1675.0,521.0,744.0,331.0,2.1579,450000.0,ISLAND", regime: 12, valueMicros: 32_368_500_000, difficulty: 2 },
  { row: "-118.40,34.00,30.0,2000.0,300.0,900.0,80.0,6.5,500001.0,<1H OCEAN", regime: 2, valueMicros: 97_500_000_000, difficulty: 2.25 },
  { row: "-117.10,32.70,35.0,1500.0,350.0,1000.0,320.0,1.2,95000.0,NEAR OCEAN", regime: 6, valueMicros: 18_000_000_000, difficulty: 1.3 },
  { row: "-118.20,34.10,25.0,2500.0,500.0,1300.0,450.0,3.5,210000.0,<1H OCEAN", regime: 1, valueMicros: 52_500_000_000, difficulty: 1 },
  { row: "-121.80,37.30,20.0,3000.0,600.0,1700.0,580.0,5.0,300000.0,<1H OCEAN", regime: 2, valueMicros: 75_000_000_000, difficulty: 1 },
  { row: "-120.00,36.50,15.0,2200.0,450.0,1400.0,400.0,2.5,120000.0,INLAND", regime: 4, valueMicros: 37_500_000_000, difficulty: 1.25 },
];

/** The modelled spreads, restated here so that an edit to the pack's copy fails a test. */
const SIGMA_REFERENCE = [0.1, 0.07, 0.05, 0.035];

function sliceText(rows: readonly string[] = SLICE.map((d) => d.row), header = HEADER): string {
  return `${[header, ...rows].join("\n")}\n`;
}

function reader(text = sliceText()): MemoryDataReader {
  return new MemoryDataReader({ [HOUSING_FILE]: text });
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}

describe("the california housing pack", () => {
  it("prices tiers in increasing cost with the best quality on top, and floors the kernel accepts", () => {
    const pack = CALIFORNIA_HOUSING.pack;
    const costs = HOUSING_TIERS.map((_, t) => tierCostMicros(pack, t, 1_000_000));
    expect(costs).toEqual([300_000_000, 8_000_000_000, 18_000_000_000, 35_000_000_000]);
    expect(HOUSING_TIERS.map((tier) => tier.qualityBps)).toEqual([6_300, 7_900, 9_100, 9_800]);
    expect(pack.regimes).toHaveLength(15);
    expect(pack.regimes[0]!.id).toBe("under_1h_ocean/income_under_25k");
    expect(pack.regimes[14]!.id).toBe("island/income_over_50k");
    for (const regime of pack.regimes) expect(regime.warmStartFloorBps).toBe(6_000);
  });
});

describe("california housing on an in-memory slice", () => {
  const SEED = 5;

  it("maps every district as the hand-made reference says", async () => {
    const table = await CALIFORNIA_HOUSING.load(reader(), { seed: SEED });
    expect(table.count).toBe(SLICE.length);
    for (let i = 0; i < table.count; i++) {
      // Ids are "housing#<line>"; row k of the slice is on line k + 2 and has storage index k.
      const stored = Number(table.ids[i]!.slice("housing#".length)) - 2;
      const district = SLICE[stored]!;
      expect(table.regime[i]).toBe(district.regime);
      expect(table.valueMicros[i]).toBe(district.valueMicros);
      expect(table.riskBps[i]).toBe(5_000);
      expect(table.event[i]).toBe(0);
      const z = drawNormal(SEED, stored, 0);
      const want = SIGMA_REFERENCE.map((sigma) => Math.abs(z) * sigma * district.difficulty <= 0.1);
      expect([...table.success.subarray(i * 4, i * 4 + 4)].map((s) => s === 1)).toEqual(want);
      expect([...table.qualityBps.subarray(i * 4, i * 4 + 4)]).toEqual(want.map((right) => (right ? 10_000 : 0)));
    }
  });

  it("gives the pinned counts", async () => {
    const table = await CALIFORNIA_HOUSING.load(reader(), { seed: SEED });
    expect(regimeCounts(table, CALIFORNIA_HOUSING.pack.regimes.length)).toEqual([0, 1, 2, 1, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0]);
    expect(new Set(table.regime).size).toBe(7);
    expect(sum(table.event)).toBe(0);
    expect(successCounts(table)).toEqual([6, 6, 7, 8]);
    expect(costSums(table)).toEqual([2_400_000_000, 64_000_000_000, 144_000_000_000, 280_000_000_000]);
    expect(sum(table.valueMicros)).toBe(465_754_500_000);
  });

  it("honours the limit: the first N records of the same fixed order", async () => {
    const full = await CALIFORNIA_HOUSING.load(reader(), { seed: SEED });
    const three = await CALIFORNIA_HOUSING.load(reader(), { seed: SEED, limit: 3 });
    expect(three.ids).toEqual(full.ids.slice(0, 3));
    expect([...three.success]).toEqual([...full.success.subarray(0, 12)]);
    expect((await CALIFORNIA_HOUSING.load(reader(), { seed: SEED, limit: 0 })).count).toBe(0);
    await expect(CALIFORNIA_HOUSING.load(reader(), { seed: SEED, limit: Number.NaN })).rejects.toThrow(RangeError);
  });

  it("is deterministic, and another seed moves only the modelled errors", async () => {
    const a = await CALIFORNIA_HOUSING.load(reader(), { seed: SEED });
    expect(await CALIFORNIA_HOUSING.load(reader(), { seed: SEED })).toEqual(a);
    const b = await CALIFORNIA_HOUSING.load(reader(), { seed: SEED + 1 });
    expect(b.ids).toEqual(a.ids);
    expect(b.regime).toEqual(a.regime);
    expect(b.valueMicros).toEqual(a.valueMicros);
    expect(b.costMicros).toEqual(a.costMicros);
  });
});

describe("california housing refuses malformed files, naming the file and the line", () => {
  const withRow = (line: number, row: string): string => {
    const rows = SLICE.map((d) => d.row);
    rows[line - 2] = row;
    return sliceText(rows);
  };
  const good = SLICE[5]!.row;
  const cases: readonly { readonly name: string; readonly text: string; readonly line: number; readonly message: RegExp }[] = [
    { name: "a truncated row", text: withRow(4, good.slice(0, 30)), line: 4, message: /expected 10 fields, got 5/ },
    { name: "a non-number", text: withRow(5, good.replace("1300.0", "13OO.0")), line: 5, message: /"population": expected a number/ },
    { name: "an empty median_income", text: withRow(6, good.replace("3.5", "")), line: 6, message: /"median_income": expected a number/ },
    { name: "an empty households", text: withRow(3, good.replace("450.0", "")), line: 3, message: /"households": expected a number/ },
    {
      name: "a total_bedrooms that is not a number",
      text: withRow(7, good.replace(",500.0,", ",n/a,")),
      line: 7,
      message: /"total_bedrooms": expected a number/,
    },
    { name: "an unknown ocean_proximity", text: withRow(8, good.replace("<1H OCEAN", "OCEAN")), line: 8, message: /unknown value "OCEAN"/ },
    { name: "no households", text: withRow(2, good.replace("450.0", "0")), line: 2, message: /"households": 0 outside/ },
    { name: "a zero income", text: withRow(9, good.replace("3.5", "0")), line: 9, message: /expected a positive income/ },
    { name: "a latitude off the globe", text: withRow(2, good.replace("34.10", "95.10")), line: 2, message: /"latitude": 95.1 outside/ },
    {
      name: "a stray quote",
      text: withRow(3, good.replace("<1H OCEAN", '<1H "OCEAN')),
      line: 3,
      message: /quote inside an unquoted field/,
    },
    {
      name: "a file cut inside a quoted field",
      text: `${sliceText()}-118.2,34.1,25,2500,500,1300,450,3.5,210000,"<1H`,
      line: 10,
      message: /ends inside a quoted field/,
    },
    {
      name: "a header without households",
      text: sliceText(undefined, HEADER.replace("households", "homes")),
      line: 1,
      message: /no column "households"/,
    },
    { name: "a header with an extra column", text: sliceText(undefined, `${HEADER},id`), line: 1, message: /expected 10 fields, got 11/ },
    { name: "an empty file", text: "", line: 0, message: /empty file/ },
  ];
  for (const { name, text, line, message } of cases) {
    it(name, async () => {
      const error: unknown = await CALIFORNIA_HOUSING.load(reader(text), { seed: 1 }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DataFileError);
      expect((error as DataFileError).file).toBe(HOUSING_FILE);
      expect((error as DataFileError).line).toBe(line);
      expect((error as DataFileError).message).toMatch(message);
    });
  }
});

describeRealData("california housing on the real file", () => {
  const gzip = new GzipDataReader();

  it("pins the first 2,000 records of the replay order (golden, seed 7)", async () => {
    const table = await CALIFORNIA_HOUSING.load(gzip, { seed: 7, limit: 2_000 });
    expect(table.count).toBe(2_000);
    expect(table.ids.slice(0, 3)).toEqual(["housing#11936", "housing#3563", "housing#15420"]);
    expect(regimeCounts(table, CALIFORNIA_HOUSING.pack.regimes.length)).toEqual([
      155, 457, 265, 224, 352, 72, 48, 144, 59, 36, 123, 64, 0, 1, 0,
    ]);
    expect(sum(table.event)).toBe(0);
    expect(successCounts(table)).toEqual([1_253, 1_586, 1_836, 1_961]);
    expect(costSums(table)).toEqual([600_000_000_000, 16_000_000_000_000, 36_000_000_000_000, 70_000_000_000_000]);
    expect(sum(table.valueMicros)).toBe(115_936_336_500_000);
    const other = await CALIFORNIA_HOUSING.load(gzip, { seed: 8, limit: 2_000 });
    expect(other.ids).toEqual(table.ids);
    expect(successCounts(other)).toEqual([1_274, 1_579, 1_837, 1_961]);
  });

  it("loads all 20,640 districts (207 without total_bedrooms), each tier within the threshold about as often as its static quality says", async () => {
    const table = await CALIFORNIA_HOUSING.load(gzip, { seed: 7 });
    expect(table.count).toBe(CALIFORNIA_HOUSING.expectedRecords);
    expect(new Set(table.ids).size).toBe(table.count);
    expect(regimeCounts(table, CALIFORNIA_HOUSING.pack.regimes.length).filter((_, r) => r >= 12)).toEqual([1, 4, 0]);
    successCounts(table).forEach((right, t) => {
      expect(Math.abs((right * 10_000) / table.count - HOUSING_TIERS[t]!.qualityBps)).toBeLessThan(100);
    });
  });
});
