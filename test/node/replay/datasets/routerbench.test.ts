// The RouterBench pack: an in-memory slice with exact expectations, a golden on the real files
// (limited and full), the catalog prices recomputed from the data, refusals of malformed rows
// naming file and line, and determinism. Nothing is modelled, so every seed gives one table.
import { describe, expect, it } from "vitest";
import { GzipDataReader } from "../../../../src/cli/gzip-data-reader.ts";
import { readRouterBench, ROUTERBENCH, ROUTERBENCH_FILES } from "../../../../src/replay/datasets/routerbench_subset/routerbench.ts";
import { CONTEXT_TOKENS, LLM_VALUE_LEVELS, PRIOR_QUALITY_BPS } from "../../../../src/replay/datasets/model-pack.ts";
import { DataFileError, type DataReader } from "../../../../src/replay/data-reader.ts";
import { MemoryDataReader } from "../../../../src/replay/memory-data-reader.ts";
import type { RecordTable } from "../../../../src/replay/record-table.ts";
import { describeRealData } from "../../support/real-data.ts";

/** The models in the data's column order (the pack lists them by price). */
const DATA_MODELS = [
  "WizardLM/WizardLM-13B-V1.2",
  "claude-instant-v1",
  "claude-v1",
  "claude-v2",
  "gpt-3.5-turbo-1106",
  "gpt-4-1106-preview",
  "meta/code-llama-instruct-34b-chat",
  "meta/llama-2-70b-chat",
  "mistralai/mistral-7b-chat",
  "mistralai/mixtral-8x7b-chat",
  "zero-one-ai/Yi-34B-Chat",
];
const PACK_ORDER = ROUTERBENCH.pack.options.map((option) => option.id);
const HEADER = [
  "",
  "sample_id",
  "prompt",
  "eval_name",
  ...DATA_MODELS,
  ...DATA_MODELS.map((m) => `${m}|model_response`),
  ...DATA_MODELS.map((m) => `${m}|total_cost`),
  "oracle_model_to_route_to",
];

function quote(field: string): string {
  return /[",\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

interface SliceRow {
  readonly index: string;
  readonly sampleId: string;
  readonly prompt: string;
  readonly evalName: string;
  /** Score cell per model id; models not listed get "0.0". */
  readonly scores?: Record<string, string>;
  /** Cost cell per model id; models not listed get "0.0001". */
  readonly costs?: Record<string, string>;
}

function csvLine(row: SliceRow): string {
  const scores = DATA_MODELS.map((m) => row.scores?.[m] ?? "0.0");
  const responses = DATA_MODELS.map(() => "['A']");
  const costs = DATA_MODELS.map((m) => row.costs?.[m] ?? "0.0001");
  return [row.index, row.sampleId, row.prompt, row.evalName, ...scores, ...responses, ...costs, "gpt-4-1106-preview"].map(quote).join(",");
}

/** All six files, header only, with `rows` (already CSV text) appended per file stem. */
function slice(rows: Record<string, readonly string[]>): MemoryDataReader {
  const files: Record<string, string> = {};
  for (const { stem } of ROUTERBENCH_FILES) {
    files[`routerbench_subset/${stem}.csv.gz`] = [HEADER.map(quote).join(","), ...(rows[stem] ?? [])].join("\n") + "\n";
  }
  return new MemoryDataReader(files);
}

const PROMPT_A = "['Which is a \"mineral\"?\nA. ice, B. salt']"; // 41 characters: 11 tokens
const ARC_A = csvLine({
  index: "507",
  sampleId: "arc-challenge.test.1",
  prompt: PROMPT_A,
  evalName: "arc-challenge",
  scores: Object.fromEntries(DATA_MODELS.map((m) => [m, m === "WizardLM/WizardLM-13B-V1.2" ? "0.0" : "1.0"])),
  costs: { "gpt-4-1106-preview": "0.00533", "claude-v1": "0.0042639999999999996", "mistralai/mistral-7b-chat": "9.54e-05" },
});
// A half row as RouterBench stores 14 ARC ids: only gpt-3.5's score is present.
const ARC_B = csvLine({
  index: "1684",
  sampleId: "arc-challenge.val.208",
  prompt: "x".repeat(401),
  evalName: "arc-challenge",
  scores: { ...Object.fromEntries(DATA_MODELS.map((m) => [m, ""])), "gpt-3.5-turbo-1106": "1.0" },
});
const MBPP_A = csvLine({
  index: "900",
  sampleId: "mbpp.test.3",
  prompt: "",
  evalName: "mbpp",
  scores: { "gpt-4-1106-preview": "1", "mistralai/mixtral-8x7b-chat": "1.0", "claude-v2": "0" },
  costs: { "gpt-4-1106-preview": "0.0093" },
});

function row(table: RecordTable, id: string): number {
  const i = table.ids.indexOf(id);
  expect(i).toBeGreaterThanOrEqual(0);
  return i;
}

function successesOf(table: RecordTable, i: number): string[] {
  return PACK_ORDER.filter((_, o) => table.success[i * table.optionCount + o] === 1);
}

async function failure(reader: DataReader): Promise<DataFileError> {
  const error = await ROUTERBENCH.load(reader, { seed: 1 }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataFileError);
  return error as DataFileError;
}

describe("the pack", () => {
  it("has the 11 models as tiers by increasing price, one prior quality, fitting windows", () => {
    const pack = ROUTERBENCH.pack;
    expect(ROUTERBENCH.id).toBe("routerbench_subset");
    expect(ROUTERBENCH.industry).toBe("llm_routing");
    expect(pack.tiers).toEqual(PACK_ORDER);
    expect([...PACK_ORDER].sort()).toEqual([...DATA_MODELS].sort());
    expect(pack.providers).toEqual(["openai", "anthropic", "meta", "mistral", "01-ai", "wizardlm"]);
    expect(pack.regimes).toEqual([
      { id: "arc-challenge", warmStartFloorBps: 7_000 },
      { id: "mbpp", warmStartFloorBps: 7_000 },
      { id: "winogrande", warmStartFloorBps: 7_000 },
    ]);
    const c = pack.catalog;
    expect([...c.qualityBps]).toEqual(PACK_ORDER.map(() => PRIOR_QUALITY_BPS));
    expect([...c.tier]).toEqual(PACK_ORDER.map((_, o) => o));
    const prices = [...c.inputPriceHigh].map((high, o) => high * 1_000_000 + c.inputPriceLow[o]!);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    expect([...c.contextTokens]).toEqual(PACK_ORDER.map(() => CONTEXT_TOKENS));
    expect(ROUTERBENCH.warmStart).toEqual({ latencyBpsPerSecond: 0 });
    expect(ROUTERBENCH.valueLevels).toEqual({ low: 100_000, middle: 3_000_000, high: 100_000_000 });
  });
});

describe("an in-memory slice", () => {
  const reader = slice({ arc_challenge_train: [ARC_A, ARC_B], mbpp_test: [MBPP_A] });

  it("maps every field exactly", async () => {
    const table = await ROUTERBENCH.load(reader, { seed: 7 });
    expect(table.count).toBe(3);
    expect(table.optionCount).toBe(11);
    expect([...table.event]).toEqual([0, 0, 0]);
    expect([...table.riskBps]).toEqual([0, 0, 0]);
    expect([...table.valueMicros]).toEqual([3_000_000, 3_000_000, 3_000_000]);

    const a = row(table, "arc_challenge_train:arc-challenge.test.1#507");
    expect([table.regime[a], table.inputTokens[a], table.maxOutputTokens[a]]).toEqual([0, 11, 8]);
    expect(successesOf(table, a)).toEqual(PACK_ORDER.filter((m) => m !== "WizardLM/WizardLM-13B-V1.2"));
    const costA = (model: string): number => table.costMicros[a * 11 + PACK_ORDER.indexOf(model)]!;
    expect(costA("gpt-4-1106-preview")).toBe(533_000);
    expect(costA("claude-v1")).toBe(426_400);
    expect(costA("mistralai/mistral-7b-chat")).toBe(9_540);
    expect(costA("claude-v2")).toBe(10_000);
    expect(table.qualityBps[a * 11 + PACK_ORDER.indexOf("WizardLM/WizardLM-13B-V1.2")]).toBe(0);
    expect(table.qualityBps[a * 11 + PACK_ORDER.indexOf("claude-v2")]).toBe(10_000);

    const b = row(table, "arc_challenge_train:arc-challenge.val.208#1684");
    expect([table.regime[b], table.inputTokens[b]]).toEqual([0, 101]);
    expect(successesOf(table, b)).toEqual(["gpt-3.5-turbo-1106"]);

    const m = row(table, "mbpp_test:mbpp.test.3#900");
    expect([table.regime[m], table.inputTokens[m], table.maxOutputTokens[m]]).toEqual([1, 1, 512]);
    expect(successesOf(table, m)).toEqual(["mistralai/mixtral-8x7b-chat", "gpt-4-1106-preview"]);
    expect(table.costMicros[m * 11 + 10]).toBe(930_000);
  });

  it("counts the empty score cells (each a wrong answer)", async () => {
    const { records, emptyScoreCells } = await readRouterBench(reader);
    expect(records).toHaveLength(3);
    expect(emptyScoreCells).toBe(10);
  });

  it("honours limit as a prefix of the replay order", async () => {
    const full = await ROUTERBENCH.load(reader, { seed: 1 });
    const two = await ROUTERBENCH.load(reader, { seed: 1, limit: 2 });
    expect(two.ids).toEqual(full.ids.slice(0, 2));
    expect((await ROUTERBENCH.load(reader, { seed: 1, limit: 0 })).count).toBe(0);
  });
});

describe("malformed data is refused with file and line", () => {
  const file = "routerbench_subset/arc_challenge_train.csv.gz";
  const cases: [string, string, RegExp][] = [
    ["a missing field", ARC_A.replace(/,gpt-4-1106-preview$/, ""), /expected 38 fields, got 37/],
    ["a cost that is not a number", ARC_A.replace(",0.00533,", ",abc,"), /total_cost.*expected a number/],
    ["a negative cost", ARC_A.replace(",0.00533,", ",-0.1,"), /negative cost/],
    ["a score that is not 0 or 1", ARC_A.replace(/,0\.0,/, ",0.5,"), /expected a 0\/1 score, got 0.5/],
    ["an eval_name of another file", ARC_A.replace(",arc-challenge,", ",mbpp,"), /eval_name "mbpp"/],
  ];
  for (const [what, bad, message] of cases) {
    it(`refuses ${what}`, async () => {
      const error = await failure(slice({ arc_challenge_train: [ARC_B, bad] }));
      expect([error.file, error.line]).toEqual([file, 3]);
      expect(error.message).toMatch(message);
    });
  }

  it("refuses a duplicate record", async () => {
    const error = await failure(slice({ arc_challenge_train: [ARC_A, ARC_B, ARC_A] }));
    expect([error.file, error.line, error.message]).toEqual([
      file,
      5,
      `${file}:5: duplicate record arc_challenge_train:arc-challenge.test.1#507`,
    ]);
  });

  it("refuses a file truncated inside a quoted prompt", async () => {
    const reader = slice({ mbpp_train: [ARC_B.replace(",arc-challenge,", ",mbpp,"), "512,mbpp.train.1,\"['def f(x):"] });
    const error = await failure(reader);
    expect([error.file, error.line]).toEqual(["routerbench_subset/mbpp_train.csv.gz", 3]);
    expect(error.message).toMatch(/ends inside a quoted field/);
  });

  it("refuses a header without a model's cost column", async () => {
    const files = {
      "routerbench_subset/arc_challenge_train.csv.gz": HEADER.filter((h) => h !== "claude-v1|total_cost")
        .map(quote)
        .join(","),
    };
    const error = await failure(new MemoryDataReader(files));
    expect([error.file, error.line]).toEqual([file, 1]);
    expect(error.message).toMatch(/no column "claude-v1\|total_cost"/);
  });
});

describeRealData("the real files", () => {
  const reader = new GzipDataReader();
  let full: Promise<RecordTable> | undefined;
  const loadFull = (): Promise<RecordTable> => (full ??= ROUTERBENCH.load(reader, { seed: 1 }));

  it("pins the first 2,000 records in replay order", async () => {
    const table = await ROUTERBENCH.load(reader, { seed: 1, limit: 2_000 });
    expect(table.count).toBe(2_000);
    expect(table.ids.slice(0, 3)).toEqual(GOLDEN_2000.firstIds);
    expect(counts(table)).toEqual(GOLDEN_2000.counts);
  });

  it("loads all 3,178 records, 154 empty score cells, and real totals", async () => {
    const started = performance.now();
    const table = await ROUTERBENCH.load(reader, { seed: 1 });
    const elapsedMs = performance.now() - started;
    expect(table.count).toBe(ROUTERBENCH.expectedRecords);
    expect(counts(table)).toEqual(GOLDEN_FULL);
    expect(elapsedMs).toBeLessThan(10_000);
    const { emptyScoreCells } = await readRouterBench(reader);
    expect(emptyScoreCells).toBe(154);
  });

  it("catalog prices make the kernel's estimate sum to the real cost (each within 1 %)", async () => {
    const table = await loadFull();
    const c = ROUTERBENCH.pack.catalog;
    let tokens = 0;
    for (let i = 0; i < table.count; i++) tokens += table.inputTokens[i]! + table.maxOutputTokens[i]!;
    expect(tokens).toBe(1_487_201);
    for (let o = 0; o < table.optionCount; o++) {
      let realMicros = 0;
      for (let i = 0; i < table.count; i++) realMicros += table.costMicros[i * table.optionCount + o]!;
      const calibrated = (realMicros * 1_000_000) / tokens;
      const price = c.inputPriceHigh[o]! * 1_000_000 + c.inputPriceLow[o]!;
      expect(c.outputPriceHigh[o]! * 1_000_000 + c.outputPriceLow[o]!).toBe(price);
      expect(Math.abs(price / calibrated - 1)).toBeLessThan(0.01);
    }
  });

  it("never exceeds the context window", async () => {
    const table = await loadFull();
    let largest = 0;
    for (let i = 0; i < table.count; i++) largest = Math.max(largest, table.inputTokens[i]! + table.maxOutputTokens[i]!);
    expect(largest).toBeLessThanOrEqual(CONTEXT_TOKENS);
  });
});

describeRealData("determinism", () => {
  it("gives one table for every seed (nothing is modelled)", async () => {
    const reader = new GzipDataReader();
    const a = await ROUTERBENCH.load(reader, { seed: 1, limit: 500 });
    const b = await ROUTERBENCH.load(reader, { seed: 99, limit: 500 });
    expect(b).toEqual(a);
    expect(a.valueMicros.every((value) => value === LLM_VALUE_LEVELS.middle)).toBe(true);
  });
});

interface Counts {
  readonly regimes: number[];
  inputTokens: number;
  readonly successes: number[];
  readonly costMicros: number[];
}

function counts(table: RecordTable): Counts {
  const m = table.optionCount;
  const out: Counts = {
    regimes: [0, 0, 0],
    inputTokens: 0,
    successes: new Array<number>(m).fill(0),
    costMicros: new Array<number>(m).fill(0),
  };
  for (let i = 0; i < table.count; i++) {
    out.regimes[table.regime[i]!]!++;
    out.inputTokens += table.inputTokens[i]!;
    for (let o = 0; o < m; o++) {
      out.successes[o]! += table.success[i * m + o]!;
      out.costMicros[o]! += table.costMicros[i * m + o]!;
    }
  }
  return out;
}

// Goldens computed once from the real files; per-option arrays in pack order (increasing price:
// mistral-7b, WizardLM-13B, mixtral-8x7b, code-llama-34b, Yi-34B, claude-instant-v1, llama-2-70b,
// gpt-3.5-turbo, claude-v1, claude-v2, gpt-4). Full-data successes / (3,178 - 14 rows missing the
// model's score) match PROVENANCE.md's accuracies (e.g. gpt-4 2,784 / 3,164 = 0.880).
const GOLDEN_2000: { firstIds: string[]; counts: Counts } = {
  firstIds: [
    "winograde_train:winogrande.dev.1050#35303",
    "arc_challenge_train:arc-challenge.test.1080#476",
    "winograde_train:winogrande.dev.1197#35465",
  ],
  counts: {
    regimes: [926, 262, 812],
    inputTokens: 786_791,
    successes: [1_167, 1_150, 1_477, 1_188, 1_525, 1_323, 1_216, 1_454, 1_436, 1_090, 1_749],
    costMicros: [
      16_402_700, 24_748_290, 49_925_880, 62_738_737, 66_293_520, 73_217_120, 75_811_140, 84_374_300, 717_704_000, 761_883_200,
      1_002_535_000,
    ],
  },
};
const GOLDEN_FULL: Counts = {
  regimes: [1_484, 427, 1_267],
  inputTokens: 1_246_569,
  successes: [1_849, 1_797, 2_347, 1_933, 2_448, 2_131, 1_959, 2_317, 2_302, 1_742, 2_784],
  costMicros: [
    26_017_740, 39_317_250, 79_287_000, 99_582_373, 105_337_760, 116_667_120, 120_459_330, 134_038_800, 1_142_618_400, 1_212_064_800,
    1_600_581_000,
  ],
};
