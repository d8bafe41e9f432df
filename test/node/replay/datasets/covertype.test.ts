// The Covertype pack: an in-memory slice against an independent reference of the mapping, a
// pinned golden on the real files, every malformed-row error naming its file and line, and
// determinism (same seed, same table; another seed moves only the modelled tiers).
import { describe, expect, it } from "vitest";
import { GzipDataReader } from "../../../../src/cli/gzip-data-reader.ts";
import { COVER_TIERS, elevationFromScaled } from "../../../../src/domain/forestry/cover-classifiers.ts";
import { COVERTYPE, KAGGLE_FILES, UCI_FILE } from "../../../../src/replay/datasets/covertype/covertype.ts";
import { tierCostMicros } from "../../../../src/domain/tier-pack.ts";
import { DataFileError } from "../../../../src/replay/data-reader.ts";
import { drawUnit } from "../../../../src/replay/draws.ts";
import { MemoryDataReader } from "../../../../src/replay/memory-data-reader.ts";
import { costSums, regimeCounts, successCounts } from "./table-counts.ts";
import { describeRealData } from "../../support/real-data.ts";

const [PART1, PART2] = KAGGLE_FILES;
const CONTINUOUS =
  "Elevation,Aspect,Slope,Horizontal_Distance_To_Hydrology,Vertical_Distance_To_Hydrology,Horizontal_Distance_To_Roadways,Hillshade_9am,Hillshade_Noon,Hillshade_3pm,Horizontal_Distance_To_Fire_Points";
const INDICATORS = [...[1, 2, 3, 4].map((i) => `Wilderness_Area${i}`), ...Array.from({ length: 40 }, (_, i) => `Soil_Type${i + 1}`)].join(
  ",",
);
const KAGGLE_HEADER = `,Id,${CONTINUOUS},${INDICATORS},Cover_Type`;
const UCI_HEADER = `${CONTINUOUS},${INDICATORS},Cover_Type`;

function oneHot(count: number, set: number): string {
  return Array.from({ length: count }, (_, i) => (i + 1 === set ? "1" : "0")).join(",");
}

function kaggleRow(id: number, elevationM: number, wilderness: number, cover: number): string {
  return `${id - 1},${id},${elevationM},87,20,0,0,240,245,202,78,543,${oneHot(4, wilderness)},${oneHot(40, 29)},${cover}`;
}

function uciRow(scaledElevation: string, wilderness: number, cover: number, soil = 23): string {
  return `${scaledElevation},0.219444,0.272727,0.090909,0.26615,0.594492,0.948819,0.80315,0.34252,0.385194,${oneHot(4, wilderness)},${oneHot(40, soil)},${cover}`;
}

/*
 * The slice, with what the mapping must make of each cell, worked out by hand: the regime (3 x
 * area + band), whether the life-zone rule is right, and the difficulty column of CORRECT_BPS.
 */
interface Expected {
  readonly id: string;
  readonly regime: number;
  readonly ruleRight: boolean;
  readonly difficulty: number;
}
const SLICE: readonly { readonly file: string; readonly row: string; readonly expected: Expected }[] = [
  { file: PART1, row: kaggleRow(1, 2400, 4, 3), expected: { id: "kaggle#1", regime: 9, ruleRight: true, difficulty: 2 } },
  { file: PART1, row: kaggleRow(2, 2800, 1, 2), expected: { id: "kaggle#2", regime: 1, ruleRight: true, difficulty: 0 } },
  { file: PART1, row: kaggleRow(3, 3200, 3, 1), expected: { id: "kaggle#3", regime: 8, ruleRight: true, difficulty: 1 } },
  { file: PART2, row: kaggleRow(4, 3400, 2, 7), expected: { id: "kaggle#4", regime: 5, ruleRight: true, difficulty: 3 } },
  { file: PART2, row: kaggleRow(5, 2300, 4, 4), expected: { id: "kaggle#5", regime: 9, ruleRight: false, difficulty: 3 } },
  // Scaled elevations: (metres - 1,859) / 1,999 to 6 decimals, for 3,050 / 2,950 / 2,650 / 3,500 m.
  { file: UCI_FILE, row: uciRow("0.595798", 3, 1), expected: { id: "uci#2", regime: 7, ruleRight: true, difficulty: 0 } },
  { file: UCI_FILE, row: uciRow("0.545773", 1, 1), expected: { id: "uci#3", regime: 1, ruleRight: false, difficulty: 0 } },
  { file: UCI_FILE, row: uciRow("0.395698", 3, 6), expected: { id: "uci#4", regime: 6, ruleRight: false, difficulty: 2 } },
  { file: UCI_FILE, row: uciRow("0.820910", 1, 7), expected: { id: "uci#5", regime: 2, ruleRight: true, difficulty: 3 } },
];

/** The modelled accuracy table, restated here so that an edit to the pack's copy fails a test. */
const CORRECT_BPS_REFERENCE = [
  [6_800, 9_200, 9_000, 9_700],
  [8_000, 9_500, 9_400, 9_800],
  [9_700, 9_900, 9_800, 9_900],
];

function sliceFiles(replace: Partial<Record<string, string>> = {}): Record<string, string> {
  const files: Record<string, string> = { [PART1]: KAGGLE_HEADER, [PART2]: KAGGLE_HEADER, [UCI_FILE]: UCI_HEADER };
  for (const { file, row } of SLICE) files[file] += `\n${row}`;
  for (const file of Object.keys(files)) files[file] += "\n";
  return { ...files, ...replace } as Record<string, string>;
}

async function loadError(files: Record<string, string>): Promise<DataFileError> {
  const error: unknown = await COVERTYPE.load(new MemoryDataReader(files), { seed: 1 }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataFileError);
  return error as DataFileError;
}

describe("the covertype pack", () => {
  it("prices tiers in increasing cost with the best quality on top, and floors the kernel accepts", () => {
    const pack = COVERTYPE.pack;
    const costs = COVER_TIERS.map((_, t) => tierCostMicros(pack, t, 1_000_000));
    expect(costs).toEqual([10_000, 200_000, 15_000_000, 45_000_000]);
    expect(COVER_TIERS.map((tier) => tier.qualityBps)).toEqual([6_100, 8_200, 8_900, 9_800]);
    expect(pack.regimes).toHaveLength(12);
    expect(pack.regimes.map((regime) => regime.id).slice(0, 3)).toEqual(["rawah/under_2700m", "rawah/2700_3099m", "rawah/over_3100m"]);
    for (const regime of pack.regimes) expect(regime.warmStartFloorBps).toBe(6_000);
  });

  it("recovers metres from the scaled elevation's grid and refuses values off it", () => {
    expect(elevationFromScaled(0)).toBe(1_859);
    expect(elevationFromScaled(1)).toBe(3_858);
    expect(elevationFromScaled(0.595798)).toBe(3_050);
    for (const bad of [0.5, 0.5958, -0.000001, 1.000001, Number.NaN, Number.POSITIVE_INFINITY]) expect(elevationFromScaled(bad)).toBeNull();
  });
});

describe("covertype on an in-memory slice", () => {
  const SEED = 11;

  it("maps every cell as the hand-made reference says", async () => {
    const table = await COVERTYPE.load(new MemoryDataReader(sliceFiles()), { seed: SEED });
    expect(table.count).toBe(9);
    const byId = new Map(SLICE.map(({ expected }, stored) => [expected.id, { expected, stored }]));
    for (let i = 0; i < table.count; i++) {
      const { expected, stored } = byId.get(table.ids[i]!)!;
      expect(table.regime[i]).toBe(expected.regime);
      expect(table.valueMicros[i]).toBe(240_000_000);
      expect(table.riskBps[i]).toBe(2_500);
      expect(table.event[i]).toBe(0);
      expect(table.inputTokens[i]).toBe(1_000_000);
      const u = drawUnit(SEED, stored, 0);
      const want = [expected.ruleRight, ...CORRECT_BPS_REFERENCE.map((row) => u * 10_000 < row[expected.difficulty]!)];
      expect([...table.success.subarray(i * 4, i * 4 + 4)].map((s) => s === 1)).toEqual(want);
      expect([...table.qualityBps.subarray(i * 4, i * 4 + 4)]).toEqual(want.map((right) => (right ? 10_000 : 0)));
    }
  });

  it("gives the pinned counts", async () => {
    const table = await COVERTYPE.load(new MemoryDataReader(sliceFiles()), { seed: SEED });
    expect(new Set(table.regime).size).toBe(7);
    expect(regimeCounts(table, COVERTYPE.pack.regimes.length)).toEqual([0, 2, 1, 0, 0, 1, 1, 1, 1, 2, 0, 0]);
    expect(table.event.reduce((a, b) => a + b, 0)).toBe(0);
    expect(successCounts(table)).toEqual([6, 8, 8, 8]);
    expect(costSums(table)).toEqual([90_000, 1_800_000, 135_000_000, 405_000_000]);
  });

  it("honours the limit: the first N records of the same fixed order", async () => {
    const full = await COVERTYPE.load(new MemoryDataReader(sliceFiles()), { seed: SEED });
    const four = await COVERTYPE.load(new MemoryDataReader(sliceFiles()), { seed: SEED, limit: 4 });
    expect(four.ids).toEqual(full.ids.slice(0, 4));
    expect([...four.success]).toEqual([...full.success.subarray(0, 16)]);
    expect((await COVERTYPE.load(new MemoryDataReader(sliceFiles()), { seed: SEED, limit: 0 })).count).toBe(0);
    await expect(COVERTYPE.load(new MemoryDataReader(sliceFiles()), { seed: SEED, limit: -1 })).rejects.toThrow(RangeError);
    await expect(COVERTYPE.load(new MemoryDataReader(sliceFiles()), { seed: SEED, limit: 1.5 })).rejects.toThrow(RangeError);
  });

  it("is deterministic, and another seed moves only the modelled tiers", async () => {
    const a = await COVERTYPE.load(new MemoryDataReader(sliceFiles()), { seed: SEED });
    const b = await COVERTYPE.load(new MemoryDataReader(sliceFiles()), { seed: SEED });
    expect(b).toEqual(a);
    const c = await COVERTYPE.load(new MemoryDataReader(sliceFiles()), { seed: SEED + 1 });
    expect(c.ids).toEqual(a.ids);
    expect(c.regime).toEqual(a.regime);
    expect(c.costMicros).toEqual(a.costMicros);
    for (let i = 0; i < a.count; i++) expect(c.success[i * 4]).toBe(a.success[i * 4]);
  });
});

describe("covertype refuses malformed files, naming the file and the line", () => {
  const part1Lines = (edit: (rows: string[]) => void): string => {
    const rows = sliceFiles()[PART1]!.trimEnd().split("\n");
    edit(rows);
    return `${rows.join("\n")}\n`;
  };
  const cases: readonly {
    readonly name: string;
    readonly files: Record<string, string>;
    readonly file: string;
    readonly line: number;
    readonly message: RegExp;
  }[] = [
    {
      name: "a truncated row",
      files: sliceFiles({ [PART2]: `${KAGGLE_HEADER}\n${kaggleRow(4, 3400, 2, 7)}\n${kaggleRow(5, 2300, 4, 4).slice(0, 60)}\n` }),
      file: PART2,
      line: 3,
      message: /expected 57 fields/,
    },
    {
      name: "a non-number",
      files: sliceFiles({ [PART1]: part1Lines((rows) => (rows[2] = rows[2]!.replace(",2800,", ",28o0,"))) }),
      file: PART1,
      line: 3,
      message: /"Elevation": expected an integer/,
    },
    {
      name: "an empty field",
      files: sliceFiles({ [PART1]: part1Lines((rows) => (rows[1] = rows[1]!.replace(",87,", ",,"))) }),
      file: PART1,
      line: 2,
      message: /"Aspect"/,
    },
    {
      name: "an unknown cover type",
      files: sliceFiles({ [PART1]: part1Lines((rows) => (rows[3] = rows[3]!.replace(/,1$/, ",8"))) }),
      file: PART1,
      line: 4,
      message: /"Cover_Type": expected 1 to 7, got 8/,
    },
    {
      name: "two wilderness areas",
      files: sliceFiles({ [UCI_FILE]: `${UCI_HEADER}\n${uciRow("0.595798", 3, 1).replace(",0,0,1,0,", ",1,0,1,0,")}\n` }),
      file: UCI_FILE,
      line: 2,
      message: /more than one Wilderness_Area/,
    },
    {
      name: "no soil type",
      files: sliceFiles({ [UCI_FILE]: `${UCI_HEADER}\n${uciRow("0.595798", 3, 1, 0)}\n` }),
      file: UCI_FILE,
      line: 2,
      message: /no Soil_Type is set/,
    },
    {
      name: "an indicator that is not 0 or 1",
      files: sliceFiles({ [PART1]: part1Lines((rows) => (rows[1] = rows[1]!.replace(",0,0,0,1,", ",0,0,0,2,"))) }),
      file: PART1,
      line: 2,
      message: /Wilderness_Area4: expected 0 or 1/,
    },
    {
      name: "a scaled value above 1",
      files: sliceFiles({ [UCI_FILE]: `${UCI_HEADER}\n${uciRow("0.595798", 3, 1).replace("0.219444", "1.2")}\n` }),
      file: UCI_FILE,
      line: 2,
      message: /"Aspect": expected a scaled value/,
    },
    {
      name: "an elevation off the grid",
      files: sliceFiles({ [UCI_FILE]: `${UCI_HEADER}\n${uciRow("0.5", 3, 1)}\n` }),
      file: UCI_FILE,
      line: 2,
      message: /not on the 1\/1,999 grid/,
    },
    {
      name: "a duplicate Id",
      files: sliceFiles({ [PART2]: `${KAGGLE_HEADER}\n${kaggleRow(2, 2800, 1, 2)}\n` }),
      file: PART2,
      line: 2,
      message: /duplicate cell kaggle#2/,
    },
    {
      name: "a wrong header",
      files: sliceFiles({ [UCI_FILE]: `${UCI_HEADER.replace("Slope", "Slop")}\n` }),
      file: UCI_FILE,
      line: 1,
      message: /column 3 should be "Slope"/,
    },
    { name: "an empty file", files: sliceFiles({ [PART2]: "" }), file: PART2, line: 0, message: /empty file/ },
  ];
  for (const { name, files, file, line, message } of cases) {
    it(name, async () => {
      const error = await loadError(files);
      expect(error.file).toBe(file);
      expect(error.line).toBe(line);
      expect(error.message).toMatch(message);
    });
  }

  it("a missing file", async () => {
    const files = sliceFiles();
    delete files[UCI_FILE];
    expect((await loadError(files)).file).toBe(UCI_FILE);
  });
});

describeRealData("covertype on the real files", () => {
  const reader = new GzipDataReader();

  it("pins the first 2,000 records of the replay order (golden, seed 7)", async () => {
    const table = await COVERTYPE.load(reader, { seed: 7, limit: 2_000 });
    expect(table.count).toBe(2_000);
    expect(table.ids.slice(0, 3)).toEqual(["uci#7946", "kaggle#7084", "uci#86030"]);
    expect(regimeCounts(table, COVERTYPE.pack.regimes.length)).toEqual([81, 507, 282, 0, 8, 83, 156, 432, 281, 170, 0, 0]);
    expect(table.event.reduce((a, b) => a + b, 0)).toBe(0);
    expect(successCounts(table)).toEqual([1_229, 1_644, 1_769, 1_967]);
    expect(costSums(table)).toEqual([20_000_000, 400_000_000, 30_000_000_000, 90_000_000_000]);
    // Another seed: the same cells, regimes and real rule; only the modelled tiers move.
    const other = await COVERTYPE.load(reader, { seed: 8, limit: 2_000 });
    expect(other.ids).toEqual(table.ids);
    expect(other.regime).toEqual(table.regime);
    expect(successCounts(other)).toEqual([1_229, 1_631, 1_780, 1_959]);
  });

  it("loads all 108,082 cells, each tier right about as often as its static quality says", async () => {
    const table = await COVERTYPE.load(reader, { seed: 7 });
    expect(table.count).toBe(COVERTYPE.expectedRecords);
    expect(new Set(table.ids).size).toBe(table.count);
    successCounts(table).forEach((right, t) => {
      expect(Math.abs((right * 10_000) / table.count - COVER_TIERS[t]!.qualityBps)).toBeLessThan(100);
    });
    // The real rule does not depend on the seed: 61.3 % of the cells, exactly.
    expect(successCounts(table)[0]).toBe(66_270);
  });

  it("confirms the scaled elevation's constants: the scaled cells that are also Kaggle cells match only at offset 1,859 m", async () => {
    // Key: elevation, aspect (0-360), slope (UCI's 0-66), the 44 indicators and the label.
    const kaggle = new Set<string>();
    for (const file of KAGGLE_FILES) {
      for await (const { text, line } of reader.lines(file)) {
        if (line === 1) continue;
        const f = text.split(",");
        kaggle.add(`${f[2]},${f[3]},${f[4]},${f.slice(12).join(",")}`);
      }
    }
    const matches = [0, 0, 0];
    for await (const { text, line } of reader.lines(UCI_FILE)) {
      if (line === 1) continue;
      const f = text.split(",");
      const rest = `${Math.round(Number(f[1]) * 360)},${Math.round(Number(f[2]) * 66)},${f.slice(10).join(",")}`;
      const metres = elevationFromScaled(Number(f[0]))!;
      [-1, 0, 1].forEach((shift, k) => {
        if (kaggle.has(`${metres + shift},${rest}`)) matches[k]!++;
      });
    }
    expect(matches).toEqual([22, 2_469, 27]);
  });
});
