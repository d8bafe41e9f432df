// Bring-your-own-logs routing tables (src/replay/routing-table.ts): a valid table becomes exactly
// the expected record table and pack (models ordered by mean cost, regimes by first appearance),
// and every malformed line is a DataFileError naming the file and the line.

import { describe, expect, test } from "vitest";
import { WORK_UNITS_PER_RECORD } from "../../../src/domain/tier-pack.ts";
import { optionCostMicros } from "../../../src/learning/option-cost.ts";
import { textLines } from "../../../src/replay/csv.ts";
import { DataFileError } from "../../../src/replay/data-reader.ts";
import { readRoutingTable, type RoutingTableOptions } from "../../../src/replay/routing-table.ts";

const FILE = "logs/routing.jsonl";
const OPTIONS: RoutingTableOptions = { valueMicros: 3_000_000, successBps: 7_000 };

function read(text: string): ReturnType<typeof readRoutingTable> {
  return readRoutingTable(FILE, textLines(text), OPTIONS);
}

const jsonl = (records: readonly unknown[]): string => `${records.map((record) => JSON.stringify(record)).join("\n")}\n`;

// Mean costs: big (1,000 + 1,200 + 800 + 1,000 + 1,000 + 1,000) / 6 = 1,000; small 10; graded
// (100 + 200 + 300 + 400 + 500 + 600) / 6 = 350. So the order is small, graded, big.
const VALID = [
  {
    id: "r1",
    regime: "support",
    options: {
      big: { correct: true, cost_microcents: 1_000 },
      small: { correct: false, cost_microcents: 10 },
      graded: { quality_bps: 9_000, cost_microcents: 100 },
    },
  },
  {
    id: "r2",
    regime: "coding",
    options: {
      small: { correct: true, cost_microcents: 10 },
      big: { correct: true, cost_microcents: 1_200 },
      graded: { quality_bps: 7_000, cost_microcents: 200 },
    },
  },
  {
    id: "r3",
    regime: "support",
    options: {
      graded: { quality_bps: 6_999, cost_microcents: 300 },
      big: { correct: false, cost_microcents: 800 },
      small: { correct: false, cost_microcents: 10 },
    },
  },
  {
    id: "r4",
    regime: "coding",
    options: {
      big: { correct: true, cost_microcents: 1_000 },
      small: { correct: true, cost_microcents: 10 },
      graded: { quality_bps: 0, cost_microcents: 400 },
    },
  },
  {
    id: "r5",
    regime: "coding",
    options: {
      big: { correct: true, cost_microcents: 1_000 },
      small: { correct: false, cost_microcents: 10 },
      graded: { quality_bps: 10_000, cost_microcents: 500 },
    },
  },
  {
    id: "r6",
    regime: "support",
    options: {
      big: { correct: false, cost_microcents: 1_000 },
      small: { correct: true, cost_microcents: 10 },
      graded: { quality_bps: 7_500, cost_microcents: 600 },
    },
  },
];

/** The DataFileError a read throws. */
async function readError(text: string): Promise<DataFileError> {
  try {
    await read(text);
  } catch (error) {
    expect(error).toBeInstanceOf(DataFileError);
    return error as DataFileError;
  }
  throw new Error("expected a DataFileError");
}

describe("readRoutingTable: a valid table", () => {
  test("models in order of mean cost, regimes in order of first appearance", async () => {
    const { dataset } = await read(jsonl(VALID));
    expect(dataset.pack.options.map((option) => option.id)).toEqual(["small", "graded", "big"]);
    expect(dataset.pack.tiers).toEqual(["small", "graded", "big"]);
    expect(dataset.pack.regimes.map((regime) => regime.id)).toEqual(["support", "coding"]);
    // The kernel's price of a model is its mean cost per (standard) record.
    expect(["small", "graded", "big"].map((id) => optionCostMicros(dataset.pack, id, WORK_UNITS_PER_RECORD, 1))).toEqual([10, 350, 1_000]);
    expect(dataset).toMatchObject({ id: "pilot", industry: "llm_routing", title: `Pilot: ${FILE}`, expectedRecords: 6, warmStart: {} });
    expect(dataset.pack.latencyBpsPerSecond).toBe(0);
  });

  test("the record table holds every outcome, cost and request field exactly", async () => {
    const { dataset, table } = await read(jsonl(VALID));
    expect(table.count).toBe(6);
    expect(table.optionCount).toBe(3);
    expect(table.ids).toEqual(["r1", "r2", "r3", "r4", "r5", "r6"]);
    expect(Array.from(table.regime)).toEqual([0, 1, 0, 1, 1, 0]);
    expect(Array.from(table.inputTokens)).toEqual(new Array(6).fill(WORK_UNITS_PER_RECORD));
    expect(Array.from(table.maxOutputTokens)).toEqual(new Array(6).fill(1));
    expect(Array.from(table.valueMicros)).toEqual(new Array(6).fill(3_000_000));
    expect(Array.from(table.riskBps)).toEqual(new Array(6).fill(0));
    expect(Array.from(table.event)).toEqual(new Array(6).fill(0));
    // Per record: small, graded, big. A grade succeeds at or above successBps (7,000).
    expect(Array.from(table.success)).toEqual([0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 0]);
    expect(Array.from(table.qualityBps)).toEqual([
      0, 9_000, 10_000, 10_000, 7_000, 10_000, 0, 6_999, 0, 10_000, 0, 10_000, 0, 10_000, 10_000, 10_000, 7_500, 0,
    ]);
    expect(Array.from(table.costMicros)).toEqual([
      10, 100, 1_000, 10, 200, 1_200, 10, 300, 800, 10, 400, 1_000, 10, 500, 1_000, 10, 600, 1_000,
    ]);
    expect(await dataset.load(null as never, { seed: 1 })).toBe(table);
  });

  test("blank lines are skipped and later lines keep their numbers", async () => {
    const text = `\n${JSON.stringify(VALID[0])}\n   \n${JSON.stringify(VALID[1])}\n{"id":`;
    const error = await readError(text);
    expect(error.line).toBe(5);
  });

  test("equal mean costs order by name", async () => {
    const record = {
      id: "x",
      regime: "r",
      options: { b: { correct: true, cost_microcents: 5 }, a: { correct: true, cost_microcents: 5 } },
    };
    const { dataset } = await read(jsonl([record]));
    expect(dataset.pack.options.map((option) => option.id)).toEqual(["a", "b"]);
  });
});

describe("readRoutingTable: malformed tables name the file and the line", () => {
  const good = JSON.stringify(VALID[0]);
  const cases: readonly (readonly [string, string, number, RegExp])[] = [
    ["invalid JSON", `${good}\n{"id": "r2", "regime": `, 2, /not a JSON object/],
    ["a JSON array", `${good}\n[1, 2]`, 2, /expected a JSON object/],
    [
      "a missing id",
      `${good}\n${JSON.stringify({ regime: "support", options: VALID[0]!.options })}`,
      2,
      /"id": expected a non-empty, well-formed string/,
    ],
    [
      "an empty regime",
      JSON.stringify({ id: "x", regime: "", options: VALID[0]!.options }),
      1,
      /"regime": expected a non-empty, well-formed string/,
    ],
    ["options not an object", JSON.stringify({ id: "x", regime: "r", options: ["big"] }), 1, /"options": expected an object of models/],
    ["options empty", JSON.stringify({ id: "x", regime: "r", options: {} }), 1, /"options": no model/],
    [
      "a model that is not an object",
      JSON.stringify({ id: "x", regime: "r", options: { big: true } }),
      1,
      /options\.big: expected an object/,
    ],
    [
      "a record naming different models",
      `${good}\n${good}\n${JSON.stringify({ id: "x", regime: "r", options: { big: { correct: true, cost_microcents: 1 }, other: { correct: true, cost_microcents: 1 }, small: { correct: true, cost_microcents: 1 } } })}`,
      3,
      /every record must name the same models \(big, graded, small\), this one names big, other, small/,
    ],
    [
      "a record naming fewer models",
      `${good}\n${JSON.stringify({ id: "x", regime: "r", options: { big: { correct: true, cost_microcents: 1 } } })}`,
      2,
      /every record must name the same models/,
    ],
    [
      "correct not a boolean",
      JSON.stringify({ id: "x", regime: "r", options: { big: { correct: "yes", cost_microcents: 1 } } }),
      1,
      /options\.big\.correct: expected true or false/,
    ],
    [
      "neither correct nor quality",
      JSON.stringify({ id: "x", regime: "r", options: { big: { cost_microcents: 1 } } }),
      1,
      /options\.big: expected "correct" or "quality_bps"/,
    ],
    [
      "quality_bps above 10,000",
      JSON.stringify({ id: "x", regime: "r", options: { big: { quality_bps: 10_001, cost_microcents: 1 } } }),
      1,
      /quality_bps/,
    ],
    [
      "quality_bps negative",
      JSON.stringify({ id: "x", regime: "r", options: { big: { quality_bps: -1, cost_microcents: 1 } } }),
      1,
      /quality_bps/,
    ],
    [
      "quality_bps fractional",
      JSON.stringify({ id: "x", regime: "r", options: { big: { quality_bps: 7_000.5, cost_microcents: 1 } } }),
      1,
      /quality_bps/,
    ],
    [
      "a negative cost",
      JSON.stringify({ id: "x", regime: "r", options: { big: { correct: true, cost_microcents: -1 } } }),
      1,
      /options\.big\.cost_microcents: expected an integer >= 0/,
    ],
    [
      "a fractional cost",
      JSON.stringify({ id: "x", regime: "r", options: { big: { correct: true, cost_microcents: 1.5 } } }),
      1,
      /cost_microcents: expected an integer >= 0/,
    ],
    [
      "a cost as a string",
      JSON.stringify({ id: "x", regime: "r", options: { big: { correct: true, cost_microcents: "1" } } }),
      1,
      /cost_microcents: expected an integer >= 0/,
    ],
  ];

  test.each(cases)("%s", async (_, text, line, message) => {
    const error = await readError(text);
    expect(error.file).toBe(FILE);
    expect(error.line).toBe(line);
    expect(error.message.startsWith(`${FILE}:${line}: `)).toBe(true);
    expect(error.message).toMatch(message);
  });

  test("33 models: at most 32 per table (one learning arm each)", async () => {
    const options = Object.fromEntries(
      Array.from({ length: 33 }, (_, i) => [`m${String(i).padStart(2, "0")}`, { correct: true, cost_microcents: i }]),
    );
    const error = await readError(`${JSON.stringify({ id: "x", regime: "r", options })}\n`);
    expect(error.line).toBe(1);
    expect(error.message).toMatch(/at most 32 models per table, got 33/);
    // Thirty-two is fine.
    const most = Object.fromEntries(Object.entries(options).slice(0, 32));
    await expect(read(JSON.stringify({ id: "x", regime: "r", options: most }))).resolves.toBeDefined();
  });

  test("65 regimes: at most 64, the 65th named on its line", async () => {
    const records = Array.from({ length: 65 }, (_, i) => ({
      id: `x${i}`,
      regime: `regime-${i}`,
      options: { a: { correct: true, cost_microcents: 1 } },
    }));
    const error = await readError(jsonl(records));
    expect(error.line).toBe(65);
    expect(error.message).toMatch(/at most 64 regimes, this is regime 65/);
    const { dataset } = await read(jsonl(records.slice(0, 64)));
    expect(dataset.pack.regimes.length).toBe(64);
  });

  test("an empty file (or only blank lines) has no records: line 0", async () => {
    for (const text of ["", "\n\n  \n"]) {
      const error = await readError(text);
      expect(error.line).toBe(0);
      expect(error.message).toBe(`${FILE}:0: no records`);
    }
  });
});
