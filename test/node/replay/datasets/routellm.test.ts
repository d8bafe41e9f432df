// The RouteLLM pack: an in-memory slice of MMLU, GSM8K and MT-Bench with exact expectations,
// goldens on the real files (limited and full, checked against PROVENANCE.md's accuracies),
// refusals of malformed rows and JSON lines naming file and line, and determinism.
import { describe, expect, it } from "vitest";
import { GzipDataReader } from "../../../../src/cli/gzip-data-reader.ts";
import { CONTEXT_TOKENS, PRIOR_QUALITY_BPS } from "../../../../src/replay/datasets/model-pack.ts";
import {
  GSM8K_FILE,
  MMLU_SUBJECTS,
  mmluFile,
  MT_BENCH_OUTPUT_TOKENS,
  ROUTELLM,
} from "../../../../src/replay/datasets/routellm_gpt4_vs_mixtral/routellm.ts";
import { worstCaseCostMicros } from "../../../../src/kernel/exact-math.ts";
import { DataFileError, type DataReader } from "../../../../src/replay/data-reader.ts";
import { MemoryDataReader } from "../../../../src/replay/memory-data-reader.ts";
import type { RecordTable } from "../../../../src/replay/record-table.ts";
import { describeRealData } from "../../support/real-data.ts";

const MIXTRAL = "mistralai/Mixtral-8x7B-Instruct-v0.1";
const GPT4 = "gpt-4-1106-preview";
const FOLDER = "routellm_gpt4_vs_mixtral";
const QUESTIONS = `${FOLDER}/mt_bench_question.jsonl.gz`;
const JUDGEMENTS = `${FOLDER}/mt_bench_judgements.jsonl.gz`;
const GSM8K_HEADER = `prompt,${MIXTRAL},${GPT4},${MIXTRAL}_response,${GPT4}_response`;
const MMLU_HEADER = `prompt,${MIXTRAL},${GPT4}`;

// 39 characters with a comma and line breaks (so the CSV field is quoted): 10 tokens.
const MMLU_PROMPT = '"Which, of these?\nA. a\nB. b\nC. c\nAnswer:"';
const GSM8K_ROW = `${"q".repeat(100)},False,True,${"m".repeat(30)},"${"g".repeat(49)},"`;

function judgment(questionId: number, model: string, turn: number, score: number | string): string {
  return JSON.stringify({
    question_id: questionId,
    model,
    judge: ["gpt-4", "single-v1"],
    user_prompt: "...",
    judgment: "...",
    score,
    turn,
    tstamp: 1,
  });
}

const QUESTION_LINES = [
  JSON.stringify({ question_id: 81, category: "writing", turns: ["a".repeat(80), "b".repeat(40)] }),
  JSON.stringify({ question_id: 111, category: "math", turns: ["c".repeat(7), "d"] }),
];
const JUDGEMENT_LINES = [
  judgment(81, GPT4, 2, 10),
  judgment(81, MIXTRAL, 1, 7.0),
  judgment(111, MIXTRAL, 2, 8),
  judgment(81, GPT4, 1, 9.5),
  judgment(81, MIXTRAL, 2, 2),
  judgment(111, GPT4, 1, 8.5),
  judgment(111, GPT4, 2, 1),
  judgment(111, MIXTRAL, 1, 10),
];

interface SliceFiles {
  readonly mmlu?: Record<string, readonly string[]>;
  readonly gsm8k?: readonly string[];
  readonly questions?: readonly string[];
  readonly judgements?: readonly string[];
}

function slice(files: SliceFiles = {}): MemoryDataReader {
  const text = (lines: readonly string[]): string => lines.join("\n") + "\n";
  const out: Record<string, string> = {};
  for (const subject of MMLU_SUBJECTS) out[mmluFile(subject)] = text([MMLU_HEADER, ...(files.mmlu?.[subject] ?? [])]);
  out[GSM8K_FILE] = text([GSM8K_HEADER, ...(files.gsm8k ?? [])]);
  out[QUESTIONS] = text(files.questions ?? QUESTION_LINES);
  out[JUDGEMENTS] = text(files.judgements ?? JUDGEMENT_LINES);
  return new MemoryDataReader(out);
}

const SLICE = slice({
  mmlu: { abstract_algebra: [`${MMLU_PROMPT},True,True`, `${MMLU_PROMPT},False,True`], world_religions: ["x,False,False"] },
  gsm8k: [GSM8K_ROW, `p,True,False,,${"r".repeat(8)}`],
});

/** One record's fields by id: [regime, inputTokens, maxOutputTokens], per-option [success, quality, cost]. */
function recordOf(table: RecordTable, id: string): { request: number[]; options: number[][] } {
  const i = table.ids.indexOf(id);
  expect(i, id).toBeGreaterThanOrEqual(0);
  const options = [0, 1].map((o) => [table.success[i * 2 + o]!, table.qualityBps[i * 2 + o]!, table.costMicros[i * 2 + o]!]);
  return { request: [table.regime[i]!, table.inputTokens[i]!, table.maxOutputTokens[i]!], options };
}

async function failure(reader: DataReader): Promise<DataFileError> {
  const error = await ROUTELLM.load(reader, { seed: 1 }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataFileError);
  return error as DataFileError;
}

describe("the pack", () => {
  it("has Mixtral then GPT-4 as tiers, 59 regimes, one prior quality, RouteLLM's blended prices", () => {
    const pack = ROUTELLM.pack;
    expect(ROUTELLM.id).toBe("routellm_gpt4_vs_mixtral");
    expect(ROUTELLM.industry).toBe("llm_routing");
    expect(pack.tiers).toEqual([MIXTRAL, GPT4]);
    expect(pack.options.map((o) => o.provider)).toEqual(["mistral", "openai"]);
    expect(pack.regimes).toHaveLength(59);
    expect(pack.regimes.slice(56).map((r) => r.id)).toEqual(["mmlu_world_religions", "gsm8k", "mt_bench"]);
    expect(pack.regimes.every((r) => r.warmStartFloorBps === 7_000)).toBe(true);
    const c = pack.catalog;
    expect([...c.qualityBps]).toEqual([PRIOR_QUALITY_BPS, PRIOR_QUALITY_BPS]);
    // $0.24 and $24.7 per million tokens, input = output (microcents per MTok as high/low parts).
    expect([...c.inputPriceHigh]).toEqual([24, 2_470]);
    expect([...c.outputPriceHigh]).toEqual([24, 2_470]);
    expect([...c.inputPriceLow, ...c.outputPriceLow]).toEqual([0, 0, 0, 0]);
    expect(ROUTELLM.warmStart).toEqual({ latencyBpsPerSecond: 0 });
    expect(ROUTELLM.expectedRecords).toBe(14_042 + 1_319 + 160);
  });
});

describe("an in-memory slice", () => {
  it("maps MMLU, GSM8K and MT-Bench exactly", async () => {
    const table = await ROUTELLM.load(SLICE, { seed: 3 });
    expect(table.count).toBe(9);
    expect([...table.event]).toEqual(new Array(9).fill(0));
    expect([...table.riskBps]).toEqual(new Array(9).fill(0));
    expect([...table.valueMicros]).toEqual(new Array(9).fill(3_000_000));
    // MMLU: 10 + 1 tokens at 24 and 2,470 microcents per token.
    expect(recordOf(table, "mmlu_abstract_algebra#1")).toEqual({
      request: [0, 10, 1],
      options: [
        [1, 10_000, 264],
        [1, 10_000, 27_170],
      ],
    });
    expect(recordOf(table, "mmlu_abstract_algebra#2")).toEqual({
      request: [0, 10, 1],
      options: [
        [0, 0, 264],
        [1, 10_000, 27_170],
      ],
    });
    expect(recordOf(table, "mmlu_world_religions#1")).toEqual({
      request: [56, 1, 1],
      options: [
        [0, 0, 48],
        [0, 0, 4_940],
      ],
    });
    // GSM8K: 25 prompt tokens; real answers of 30 and 50 characters (8 and 13 tokens).
    expect(recordOf(table, "gsm8k#1")).toEqual({
      request: [57, 25, 128],
      options: [
        [0, 0, 33 * 24],
        [1, 10_000, 38 * 2_470],
      ],
    });
    // An empty answer is 0 output tokens.
    expect(recordOf(table, "gsm8k#2")).toEqual({
      request: [57, 1, 128],
      options: [
        [1, 10_000, 24],
        [0, 0, 3 * 2_470],
      ],
    });
    // MT-Bench: quality = score x 1,000, success = score >= 8; turn 2 = both turns joined
    // (121 characters: 31 tokens) plus the first answer (400 tokens).
    expect(recordOf(table, "mt_bench:writing:81:turn1")).toEqual({
      request: [58, 20, 400],
      options: [
        [0, 7_000, 420 * 24],
        [1, 9_500, 420 * 2_470],
      ],
    });
    expect(recordOf(table, "mt_bench:writing:81:turn2")).toEqual({
      request: [58, 431, 400],
      options: [
        [0, 2_000, 831 * 24],
        [1, 10_000, 831 * 2_470],
      ],
    });
    expect(recordOf(table, "mt_bench:math:111:turn1")).toEqual({
      request: [58, 2, 400],
      options: [
        [1, 10_000, 402 * 24],
        [1, 8_500, 402 * 2_470],
      ],
    });
    expect(recordOf(table, "mt_bench:math:111:turn2")).toEqual({
      request: [58, 403, 400],
      options: [
        [1, 8_000, 803 * 24],
        [0, 1_000, 803 * 2_470],
      ],
    });
  });

  it("honours limit as a prefix of the replay order", async () => {
    const full = await ROUTELLM.load(SLICE, { seed: 1 });
    const four = await ROUTELLM.load(SLICE, { seed: 1, limit: 4 });
    expect(four.ids).toEqual(full.ids.slice(0, 4));
  });
});

describe("malformed data is refused with file and line", () => {
  const religions = mmluFile("world_religions");
  const csvCases: [string, SliceFiles, string, number, RegExp][] = [
    [
      "a lowercase verdict",
      { mmlu: { world_religions: ["x,True,True", "y,true,False"] } },
      religions,
      3,
      /expected True or False, got "true"/,
    ],
    ["a missing field", { mmlu: { world_religions: ["x,True"] } }, religions, 2, /expected 3 fields, got 2/],
    [
      "a prompt cut inside its quotes",
      { mmlu: { world_religions: ["x,True,True", '"Which of'] } },
      religions,
      3,
      /ends inside a quoted field/,
    ],
    ["a numeric GSM8K verdict", { gsm8k: [GSM8K_ROW, "p,1,0,a,b"] }, GSM8K_FILE, 3, /expected True or False, got "1"/],
  ];
  for (const [what, files, file, line, message] of csvCases) {
    it(`refuses ${what}`, async () => {
      const error = await failure(slice(files));
      expect([error.file, error.line]).toEqual([file, line]);
      expect(error.message).toMatch(message);
    });
  }

  const judged = (line: string): string[] => [...JUDGEMENT_LINES.slice(0, 3), line, ...JUDGEMENT_LINES.slice(4)];
  const jsonCases: [string, SliceFiles, string, number, RegExp][] = [
    ["a truncated JSON line", { judgements: judged('{"question_id": 81, "mod') }, JUDGEMENTS, 4, /not a JSON object/],
    ["an unknown model", { judgements: judged(judgment(81, "gpt-3.5", 1, 9)) }, JUDGEMENTS, 4, /unknown model "gpt-3.5"/],
    [
      "a score above 10",
      { judgements: judged(judgment(81, GPT4, 1, 11)) },
      JUDGEMENTS,
      4,
      /"score" expected a number in \[1, 10\], got 11/,
    ],
    ["a score given as text", { judgements: judged(judgment(81, GPT4, 1, "9")) }, JUDGEMENTS, 4, /got "9"/],
    ["a third turn", { judgements: judged(judgment(81, GPT4, 3, 9)) }, JUDGEMENTS, 4, /"turn" expected an integer in \[1, 2\]/],
    ["an unknown question", { judgements: judged(judgment(999, GPT4, 1, 9)) }, JUDGEMENTS, 4, /unknown question 999/],
    ["a duplicate judgment", { judgements: judged(judgment(81, GPT4, 2, 9)) }, JUDGEMENTS, 4, /duplicate judgment: question 81 turn 2/],
    ["a missing judgment", { judgements: JUDGEMENT_LINES.slice(0, 7) }, JUDGEMENTS, 7, /no judgment for question 111 turn 1 mistralai/],
    [
      "an unknown category",
      { questions: [QUESTION_LINES[0]!, QUESTION_LINES[1]!.replace("math", "poetry")] },
      QUESTIONS,
      2,
      /unknown category "poetry"/,
    ],
    [
      "a question with one turn",
      { questions: [QUESTION_LINES[0]!.replace(',"bbbb', '],"x":["bbbb')] },
      QUESTIONS,
      1,
      /"turns" expected 2 strings/,
    ],
  ];
  for (const [what, files, file, line, message] of jsonCases) {
    it(`refuses ${what}`, async () => {
      const error = await failure(slice(files));
      expect([error.file, error.line]).toEqual([file, line]);
      expect(error.message).toMatch(message);
    });
  }

  it("refuses a missing subject file", async () => {
    const files: Record<string, string> = {};
    const error = await failure(new MemoryDataReader(files));
    expect(error.file).toBe(mmluFile("abstract_algebra"));
  });
});

interface KindCounts {
  n: number;
  inputTokens: number;
  successes: number[];
  qualityBps: number[];
  costMicros: number[];
}

/** Totals per source (MMLU, GSM8K, MT-Bench), per option in pack order (Mixtral, GPT-4). */
function counts(table: RecordTable): Record<string, KindCounts> {
  const out: Record<string, KindCounts> = {};
  for (let i = 0; i < table.count; i++) {
    const r = table.regime[i]!;
    const kind = r < MMLU_SUBJECTS.length ? "mmlu" : r === MMLU_SUBJECTS.length ? "gsm8k" : "mt_bench";
    const e = (out[kind] ??= { n: 0, inputTokens: 0, successes: [0, 0], qualityBps: [0, 0], costMicros: [0, 0] });
    e.n++;
    e.inputTokens += table.inputTokens[i]!;
    for (let o = 0; o < 2; o++) {
      e.successes[o]! += table.success[i * 2 + o]!;
      e.qualityBps[o]! += table.qualityBps[i * 2 + o]!;
      e.costMicros[o]! += table.costMicros[i * 2 + o]!;
    }
  }
  return out;
}

describeRealData("the real files", () => {
  const reader = new GzipDataReader();
  let full: Promise<RecordTable> | undefined;
  const loadFull = (): Promise<RecordTable> => (full ??= ROUTELLM.load(reader, { seed: 1 }));

  it("pins the first 2,000 records in replay order", async () => {
    const table = await ROUTELLM.load(reader, { seed: 1, limit: 2_000 });
    expect(table.count).toBe(2_000);
    expect(new Set(table.regime).size).toBe(59);
    expect(table.ids.slice(0, 3)).toEqual(["mmlu_high_school_chemistry#177", "mmlu_moral_disputes#118", "mmlu_marketing#38"]);
    expect(counts(table)).toEqual({
      mmlu: {
        n: 1_799,
        inputTokens: 204_833,
        successes: [1_243, 1_458],
        qualityBps: [12_430_000, 14_580_000],
        costMicros: [4_959_168, 510_381_040],
      },
      gsm8k: { n: 179, inputTokens: 10_843, successes: [107, 155], qualityBps: [1_070_000, 1_550_000], costMicros: [594_264, 72_198_100] },
      mt_bench: { n: 22, inputTokens: 5_560, successes: [16, 20], qualityBps: [180_000, 202_000], costMicros: [344_640, 35_469_200] },
    });
  });

  it("loads all 15,521 records; accuracies and MT-Bench means match PROVENANCE.md", async () => {
    const table = await loadFull();
    expect(table.count).toBe(ROUTELLM.expectedRecords);
    const all = counts(table);
    expect(all).toEqual({
      mmlu: {
        n: 14_042,
        inputTokens: 1_641_606,
        successes: [9_560, 11_315],
        qualityBps: [95_600_000, 113_150_000],
        costMicros: [39_735_552, 4_089_450_560],
      },
      gsm8k: {
        n: 1_319,
        inputTokens: 79_595,
        successes: [842, 1_130],
        qualityBps: [8_420_000, 11_300_000],
        costMicros: [4_305_120, 538_677_360],
      },
      mt_bench: {
        n: 160,
        inputTokens: 46_160,
        successes: [127, 149],
        qualityBps: [1_334_500, 1_476_500],
        costMicros: [2_643_840, 272_095_200],
      },
    });
    // PROVENANCE.md: MMLU 0.681 / 0.806, GSM8K 0.638 / 0.857, MT-Bench mean score 8.34 / 9.23.
    expect(all["mmlu"]!.successes.map((s) => (s / 14_042).toFixed(3))).toEqual(["0.681", "0.806"]);
    expect(all["gsm8k"]!.successes.map((s) => (s / 1_319).toFixed(3))).toEqual(["0.638", "0.857"]);
    expect(all["mt_bench"]!.qualityBps.map((q) => (q / 160 / 1_000).toFixed(2))).toEqual(["8.34", "9.23"]);
  });

  it("realized cost equals the kernel's estimate except for GSM8K's real answer lengths", async () => {
    const table = await loadFull();
    const c = ROUTELLM.pack.catalog;
    let largest = 0;
    let differing = 0;
    for (let i = 0; i < table.count; i++) {
      largest = Math.max(largest, table.inputTokens[i]! + table.maxOutputTokens[i]!);
      for (let o = 0; o < 2; o++) {
        const estimate = worstCaseCostMicros(
          table.inputTokens[i]!,
          table.maxOutputTokens[i]!,
          c.inputPriceHigh[o]!,
          c.inputPriceLow[o]!,
          c.outputPriceHigh[o]!,
          c.outputPriceLow[o]!,
        );
        if (estimate !== table.costMicros[i * 2 + o]) {
          differing++;
          expect(table.regime[i]).toBe(MMLU_SUBJECTS.length);
        }
      }
    }
    expect(largest).toBeLessThanOrEqual(CONTEXT_TOKENS);
    expect(differing).toBeGreaterThan(0);
    expect(MT_BENCH_OUTPUT_TOKENS).toBe(400);
  });
});

describe("determinism", () => {
  it("gives one table for every seed (nothing is modelled)", async () => {
    const a = await ROUTELLM.load(SLICE, { seed: 1 });
    expect(await ROUTELLM.load(SLICE, { seed: 1 })).toEqual(a);
    expect(await ROUTELLM.load(SLICE, { seed: 12_345 })).toEqual(a);
  });
});
