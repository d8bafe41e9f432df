// Forest Covertype (UCI), the two real subsets: 15,120 raw Kaggle cells and 92,962 min-max scaled
// UCI cells, each REAL-labelled with its cover type. A pure mapper from the files' lines to the
// record table; which tier classifies a cell correctly is the REAL life-zone rule for tier 0 and
// MODELLED (cover-classifiers.ts) for the others, drawn per record.

import { DataFileError, type DataReader } from "../../data-reader.ts";
import { drawUnit, fixedOrder } from "../../draws.ts";
import { RecordTableBuilder, type OptionOutcome, type RecordTable } from "../../record-table.ts";
import { recordLimit, type ReplayDataset } from "../../replay-dataset.ts";
import { tierCostMicros, tierPack, WORK_UNITS_PER_RECORD } from "../../../domain/tier-pack.ts";
import {
  CORRECT_BPS,
  COVER_RISK_BPS,
  COVER_TIERS,
  COVER_TYPE_MAX,
  COVER_VALUE_MICROS,
  coverRegimeIndex,
  difficultyOf,
  elevationFromScaled,
  lifeZoneCover,
  WILDERNESS_AREAS,
} from "../../../domain/forestry/cover-classifiers.ts";
import { FORESTRY_SOURCE } from "../../../domain/forestry/forestry-pack.ts";

const FOLDER = "covertype";
export const KAGGLE_FILES = [
  `${FOLDER}/kaggle_forest_cover_train_part1.csv.gz`,
  `${FOLDER}/kaggle_forest_cover_train_part2.csv.gz`,
] as const;
export const UCI_FILE = `${FOLDER}/uci_covtype_scaled_subset_92962.csv.gz`;

const CONTINUOUS = [
  "Elevation",
  "Aspect",
  "Slope",
  "Horizontal_Distance_To_Hydrology",
  "Vertical_Distance_To_Hydrology",
  "Horizontal_Distance_To_Roadways",
  "Hillshade_9am",
  "Hillshade_Noon",
  "Hillshade_3pm",
  "Horizontal_Distance_To_Fire_Points",
] as const;
const SOIL_TYPES = 40;
const FEATURES = [
  ...CONTINUOUS,
  ...WILDERNESS_AREAS.map((_, i) => `Wilderness_Area${i + 1}`),
  ...Array.from({ length: SOIL_TYPES }, (_, i) => `Soil_Type${i + 1}`),
];
/** The Kaggle files lead with pandas' unnamed index column and the Id; the scaled file has neither. */
const KAGGLE_HEADER = ["", "Id", ...FEATURES, "Cover_Type"];
const UCI_HEADER = [...FEATURES, "Cover_Type"];
const KAGGLE_FIRST_FEATURE = 2;
/** Salt of the fixed replay order over the cells as stored: the two Kaggle halves, then the scaled file. */
const ORDER_SALT = 0xc0e7;
/** The draws.ts stream of the modelled tiers' uniform. */
const CLASSIFIER_STREAM = 0;

const PACK = tierPack(FOLDER, FORESTRY_SOURCE);
const TIER_COUNT = COVER_TIERS.length;

/** A land cell as the mapper needs it: everything else in the row is validated, then dropped. */
export interface Cell {
  readonly id: string;
  readonly elevationM: number;
  readonly wilderness: number;
  readonly coverType: number;
}

function fail(file: string, line: number, message: string): never {
  throw new DataFileError(file, line, message);
}

function splitRow(text: string, header: readonly string[], file: string, line: number): string[] {
  const fields = text.split(",");
  if (fields.length !== header.length)
    fail(file, line, `expected ${header.length} fields, got ${fields.length} (truncated or malformed row)`);
  return fields;
}

function checkHeader(text: string, header: readonly string[], file: string, line: number): void {
  const fields = text.split(",");
  const bad = header.findIndex((name, i) => fields[i] !== name);
  if (bad >= 0 || fields.length !== header.length) {
    fail(
      file,
      line,
      `unexpected header: column ${bad >= 0 ? bad + 1 : header.length + 1} should be ${JSON.stringify(header[bad] ?? "(none)")}`,
    );
  }
}

const INTEGER = /^-?[0-9]+$/;

function integerField(fields: readonly string[], index: number, column: string, file: string, line: number): number {
  const text = fields[index]!;
  const value = INTEGER.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value))
    fail(file, line, `column ${JSON.stringify(column)}: expected an integer, got ${JSON.stringify(text.slice(0, 40))}`);
  return value;
}

function scaledField(fields: readonly string[], index: number, column: string, file: string, line: number): number {
  const text = fields[index]!;
  const value = text.trim() === "" ? Number.NaN : Number(text);
  if (!(value >= 0 && value <= 1))
    fail(file, line, `column ${JSON.stringify(column)}: expected a scaled value in [0, 1], got ${JSON.stringify(text.slice(0, 40))}`);
  return value;
}

/** The index of the single "1" among `count` indicator columns; anything but 0/1 or one set is an error. */
function oneHot(fields: readonly string[], start: number, count: number, what: string, file: string, line: number): number {
  let set = -1;
  for (let i = 0; i < count; i++) {
    const text = fields[start + i];
    if (text === "1") {
      if (set >= 0) fail(file, line, `more than one ${what} is set (${set + 1} and ${i + 1})`);
      set = i;
    } else if (text !== "0") {
      fail(file, line, `${what}${i + 1}: expected 0 or 1, got ${JSON.stringify(text?.slice(0, 40))}`);
    }
  }
  if (set < 0) fail(file, line, `no ${what} is set`);
  return set;
}

/** Validates the 44 indicators and the label that both layouts share, from `start` (the first indicator). */
function indicatorsAndLabel(
  fields: readonly string[],
  start: number,
  file: string,
  line: number,
): { wilderness: number; coverType: number } {
  const wilderness = oneHot(fields, start, WILDERNESS_AREAS.length, "Wilderness_Area", file, line);
  oneHot(fields, start + WILDERNESS_AREAS.length, SOIL_TYPES, "Soil_Type", file, line);
  const coverType = integerField(fields, fields.length - 1, "Cover_Type", file, line);
  if (coverType < 1 || coverType > COVER_TYPE_MAX)
    fail(file, line, `column "Cover_Type": expected 1 to ${COVER_TYPE_MAX}, got ${coverType}`);
  return { wilderness, coverType };
}

/** One raw Kaggle row: every field is an integer; elevation is in metres. */
export function kaggleCell(text: string, file: string, line: number): Cell {
  const fields = splitRow(text, KAGGLE_HEADER, file, line);
  integerField(fields, 0, "(index)", file, line);
  const id = integerField(fields, 1, "Id", file, line);
  if (id < 1) fail(file, line, `column "Id": expected a positive integer, got ${id}`);
  CONTINUOUS.forEach((column, i) => integerField(fields, KAGGLE_FIRST_FEATURE + i, column, file, line));
  const elevationM = Number(fields[KAGGLE_FIRST_FEATURE]);
  if (elevationM < 0 || elevationM > 9_000) fail(file, line, `column "Elevation": expected metres, got ${elevationM}`);
  return { id: `kaggle#${id}`, elevationM, ...indicatorsAndLabel(fields, KAGGLE_FIRST_FEATURE + CONTINUOUS.length, file, line) };
}

/** One scaled UCI row: continuous features in [0, 1], elevation recovered in metres (cover-classifiers.ts). */
export function uciCell(text: string, line: number): Cell {
  const fields = splitRow(text, UCI_HEADER, UCI_FILE, line);
  CONTINUOUS.forEach((column, i) => scaledField(fields, i, column, UCI_FILE, line));
  const elevationM = elevationFromScaled(Number(fields[0]));
  if (elevationM === null) fail(UCI_FILE, line, `column "Elevation": ${fields[0]} is not on the 1/1,999 grid of the documented scaling`);
  return { id: `uci#${line}`, elevationM, ...indicatorsAndLabel(fields, CONTINUOUS.length, UCI_FILE, line) };
}

async function readCells(reader: DataReader): Promise<Cell[]> {
  const cells: Cell[] = [];
  const ids = new Set<string>();
  const read = async (file: string, header: readonly string[], toCell: (text: string, line: number) => Cell): Promise<void> => {
    let sawHeader = false;
    for await (const { text, line } of reader.lines(file)) {
      if (!sawHeader) {
        checkHeader(text, header, file, line);
        sawHeader = true;
        continue;
      }
      const cell = toCell(text, line);
      if (ids.has(cell.id)) fail(file, line, `duplicate cell ${cell.id}`);
      ids.add(cell.id);
      cells.push(cell);
    }
    if (!sawHeader) fail(file, 0, "empty file (no header)");
  };
  for (const file of KAGGLE_FILES) await read(file, KAGGLE_HEADER, (text, line) => kaggleCell(text, file, line));
  await read(UCI_FILE, UCI_HEADER, uciCell);
  return cells;
}

/** Outcomes depend only on which tiers are right (every cell is one standard record): 16 arrays in all. */
const OUTCOMES: readonly (readonly OptionOutcome[])[] = Array.from({ length: 1 << TIER_COUNT }, (_, mask) =>
  COVER_TIERS.map((_, t) => {
    const success = (mask & (1 << t)) !== 0;
    return { success, qualityBps: success ? 10_000 : 0, costMicros: tierCostMicros(PACK, t, WORK_UNITS_PER_RECORD) };
  }),
);

/** Which tiers classify the cell correctly: tier 0 by the real rule, 1-3 by the uniform `u`. */
export function correctMask(cell: Cell, u: number): number {
  let mask = lifeZoneCover(cell.elevationM) === cell.coverType ? 1 : 0;
  const difficulty = difficultyOf(cell.coverType, cell.elevationM);
  CORRECT_BPS.forEach((row, m) => {
    if (u * 10_000 < row[difficulty]!) mask |= 1 << (m + 1);
  });
  return mask;
}

async function loadCells(reader: DataReader, limit: number | undefined, seed: number): Promise<RecordTable> {
  const count = recordLimit(limit);
  const builder = new RecordTableBuilder(TIER_COUNT);
  if (count === 0) return builder.build();
  // Every file must be read before the first record: the fixed order mixes the three of them.
  const cells = await readCells(reader);
  const order = fixedOrder(cells.length, ORDER_SALT);
  const n = Math.min(count, cells.length);
  for (let i = 0; i < n; i++) {
    // The draw belongs to the cell (its storage index), so a limit never changes a cell's luck.
    const stored = order[i]!;
    const cell = cells[stored]!;
    builder.push({
      id: cell.id,
      regimeIndex: coverRegimeIndex(cell.wilderness, cell.elevationM),
      inputTokens: WORK_UNITS_PER_RECORD,
      maxOutputTokens: 1,
      valueMicros: COVER_VALUE_MICROS,
      riskBps: COVER_RISK_BPS,
      event: false,
      outcomes: OUTCOMES[correctMask(cell, drawUnit(seed, stored, CLASSIFIER_STREAM))]!,
    });
  }
  return builder.build();
}

export const COVERTYPE: ReplayDataset = {
  id: "covertype",
  industry: "forestry",
  title: "Forest Covertype: 30 m land cells classified by cover type at four depths",
  pack: PACK,
  // Cover maps are batch work: a minute of an interpreter delays nothing anyone waits on.
  warmStart: {},
  provenance: {
    real:
      "Every cell's cover type (7 classes), wilderness area and elevation (the regime: 4 areas x 3 bands, elevation " +
      "in the scaled file recovered exactly from its verified 1/1,999 grid). Tier 0, the life-zone rule (elevation -> " +
      "ponderosa < 2,500 m <= lodgepole < 3,000 m <= spruce/fir < 3,350 m <= krummholz), is right or wrong by the " +
      "real label. Two subsets: 15,120 raw Kaggle cells (class-balanced) and 92,962 UCI cells (natural mix).",
    modelled:
      "Whether tiers 1-3 classify a cell correctly: one uniform u per record, tier t right iff u < p[t][d] for the " +
      "cell's difficulty d (spruce/fir or lodgepole in the 2,700-3,099 m band / those two elsewhere / ponderosa, " +
      "aspen, Douglas-fir / cottonwood, krummholz): boosted trees .68/.92/.90/.97, terrain ensemble " +
      ".80/.95/.94/.98, photo-interpretation .97/.99/.98/.99. Tier prices ($0.0001, $0.002, $0.15, $0.45 per cell); " +
      "value $2.40 per correct cell; risk 2,500 bps. The replay order: a fixed shuffle of all 108,082 cells.",
  },
  missLabel: "misclassified cells",
  expectedRecords: 108_082,
  load: (reader, options) => loadCells(reader, options.limit, options.seed),
};
