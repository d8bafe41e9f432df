// RouterBench (Hu et al. 2024) for ARC-Challenge, MBPP and Winogrande: 3,178 prompts, each
// answered by 11 real LLMs, with each answer's real 0/1 score and real cost in USD. A pure mapper
// from the six CSV files to the record table; it draws nothing and models no outcome.

import type { RecordInput, OptionOutcome } from "../../record-table.ts";
import { RecordTableBuilder } from "../../record-table.ts";
import type { ReplayDataset } from "../../replay-dataset.ts";
import { DataFileError, expectWidth, headerIndex, numberField, type CsvRow, type DataReader } from "../../data-reader.ts";
import { MICROS_PER_USD } from "../../../kernel/units.ts";
import { checkWindow, LLM_VALUE_LEVELS, modelPack, replayOrder, type ReplayModel } from "../model-pack.ts";
import { promptTokens } from "../token-estimate.ts";

const FOLDER = "routerbench_subset";

/** Files and the eval_name their rows must carry (the data's own regime column). */
export const ROUTERBENCH_FILES = [
  { stem: "arc_challenge_train", evalName: "arc-challenge" },
  { stem: "arc_challenge_test", evalName: "arc-challenge" },
  { stem: "mbpp_train", evalName: "mbpp" },
  { stem: "mbpp_test", evalName: "mbpp" },
  { stem: "winograde_train", evalName: "winogrande" },
  { stem: "winograde_test", evalName: "winogrande" },
] as const;

/**
 * Regimes are the data's eval_name. maxOutputTokens is a stated per-regime constant, the output
 * the kernel's cost estimate assumes: ARC and Winogrande are answered with one letter or option
 * (2 tokens on average in the data, by the chars/4 rule), MBPP with a Python function (137 to 316
 * tokens on average, by model). The replay never truncates an answer: costs are the data's.
 */
const REGIMES = [
  { id: "arc-challenge", maxOutputTokens: 8 },
  { id: "mbpp", maxOutputTokens: 512 },
  { id: "winogrande", maxOutputTokens: 8 },
] as const;

/*
 * The 11 models in increasing price; tier id = model id. Real costs come from the data, but the
 * kernel estimates a request's cost before choosing from catalog prices x estimated tokens. The
 * price of each model is blended (input = output) and calibrated on the data: the price P that
 * makes sum over all 3,178 records of ceil((inputTokens + maxOutputTokens) x P / 10^6) match the
 * sum of the model's real costs, i.e. P = 10^6 x (sum of real cost micros) / (sum of tokens),
 * where the token sum is 1,487,201. The test recomputes every P from the data (within 1 %).
 * Per regime the estimate is within 10 % (below) to 14 % (above) of the real cost on ARC and
 * Winogrande, but 0.62x (gpt-4) to 2.3x (code-llama) on MBPP, whose answer lengths and output
 * prices differ by model; one blended price cannot follow that. Outcomes always charge real costs.
 */
const MODELS: readonly ReplayModel[] = [
  { id: "mistralai/mistral-7b-chat", provider: "mistral", priceMicrosPerMTok: 17_494_434 },
  { id: "WizardLM/WizardLM-13B-V1.2", provider: "wizardlm", priceMicrosPerMTok: 26_437_079 },
  { id: "mistralai/mixtral-8x7b-chat", provider: "mistral", priceMicrosPerMTok: 53_312_901 },
  { id: "meta/code-llama-instruct-34b-chat", provider: "meta", priceMicrosPerMTok: 66_959_593 },
  { id: "zero-one-ai/Yi-34B-Chat", provider: "01-ai", priceMicrosPerMTok: 70_829_538 },
  { id: "claude-instant-v1", provider: "anthropic", priceMicrosPerMTok: 78_447_446 },
  { id: "meta/llama-2-70b-chat", provider: "meta", priceMicrosPerMTok: 80_997_343 },
  { id: "gpt-3.5-turbo-1106", provider: "openai", priceMicrosPerMTok: 90_128_234 },
  { id: "claude-v1", provider: "anthropic", priceMicrosPerMTok: 768_301_259 },
  { id: "claude-v2", provider: "anthropic", priceMicrosPerMTok: 814_997_300 },
  { id: "gpt-4-1106-preview", provider: "openai", priceMicrosPerMTok: 1_076_237_173 },
];

const PROVIDERS = ["openai", "anthropic", "meta", "mistral", "01-ai", "wizardlm"] as const;
/** Salt of the fixed replay order (the files are grouped by task). */
const ORDER_SALT = 0x52_42_00_01;

const PACK = modelPack(
  FOLDER,
  PROVIDERS,
  MODELS,
  REGIMES.map((regime) => regime.id),
);

export interface RouterBenchRows {
  /** In file order (ROUTERBENCH_FILES, then row order). */
  readonly records: RecordInput[];
  /** Score cells left empty in the data, each counted as a wrong answer. */
  readonly emptyScoreCells: number;
}

interface Columns {
  readonly width: number;
  readonly index: number;
  readonly sampleId: number;
  readonly prompt: number;
  readonly evalName: number;
  readonly score: readonly number[];
  readonly cost: readonly number[];
}

function columns(header: CsvRow, file: string): Columns {
  const names = ["", "sample_id", "prompt", "eval_name", ...MODELS.map((m) => m.id), ...MODELS.map((m) => `${m.id}|total_cost`)];
  const at = headerIndex(header, file, names);
  return {
    width: header.fields.length,
    index: at[""]!,
    sampleId: at["sample_id"]!,
    prompt: at["prompt"]!,
    evalName: at["eval_name"]!,
    score: MODELS.map((m) => at[m.id]!),
    cost: MODELS.map((m) => at[`${m.id}|total_cost`]!),
  };
}

/** A score cell: "1.0"/"1" correct, "0.0"/"0" wrong, empty = no score (counted as wrong). */
function scoreCell(row: CsvRow, at: number, file: string, model: string): boolean | null {
  if (row.fields[at] === "") return null;
  const score = numberField(row, at, file, model);
  if (score !== 0 && score !== 1)
    throw new DataFileError(file, row.line, `column ${JSON.stringify(model)}: expected a 0/1 score, got ${score}`);
  return score === 1;
}

function costCell(row: CsvRow, at: number, file: string, model: string): number {
  const usd = numberField(row, at, file, `${model}|total_cost`);
  if (usd < 0) throw new DataFileError(file, row.line, `column "${model}|total_cost": negative cost ${usd}`);
  return Math.round(usd * MICROS_PER_USD);
}

/** Reads every record in file order, validating each field; a bad row names its file and line. */
export async function readRouterBench(reader: DataReader): Promise<RouterBenchRows> {
  const records: RecordInput[] = [];
  const ids = new Set<string>();
  let emptyScoreCells = 0;
  for (const { stem, evalName } of ROUTERBENCH_FILES) {
    const file = `${FOLDER}/${stem}.csv.gz`;
    const regimeIndex = REGIMES.findIndex((regime) => regime.id === evalName);
    const maxOutputTokens = REGIMES[regimeIndex]!.maxOutputTokens;
    let cols: Columns | null = null;
    for await (const row of reader.csv(file)) {
      if (cols === null) {
        cols = columns(row, file);
        continue;
      }
      const c = cols;
      expectWidth(row, c.width, file);
      const name = row.fields[c.evalName]!;
      if (name !== evalName)
        throw new DataFileError(file, row.line, `eval_name ${JSON.stringify(name)}: expected ${JSON.stringify(evalName)}`);
      // Sample ids repeat (inside a file and across train/test); the pickle row index does not.
      const id = `${stem}:${row.fields[c.sampleId]!}#${row.fields[c.index]!}`;
      if (ids.has(id)) throw new DataFileError(file, row.line, `duplicate record ${id}`);
      ids.add(id);
      const outcomes: OptionOutcome[] = MODELS.map((model, o) => {
        const correct = scoreCell(row, c.score[o]!, file, model.id);
        if (correct === null) emptyScoreCells++;
        const success = correct === true;
        return { success, qualityBps: success ? 10_000 : 0, costMicros: costCell(row, c.cost[o]!, file, model.id) };
      });
      const inputTokens = promptTokens(row.fields[c.prompt]!);
      checkWindow(file, row.line, inputTokens, maxOutputTokens);
      records.push({
        id,
        regimeIndex,
        inputTokens,
        maxOutputTokens,
        valueMicros: LLM_VALUE_LEVELS.middle,
        riskBps: 0,
        event: false,
        outcomes,
      });
    }
    if (cols === null) throw new DataFileError(file, 0, "empty file (no header)");
  }
  return { records, emptyScoreCells };
}

export const ROUTERBENCH: ReplayDataset = {
  id: FOLDER,
  industry: "llm_routing",
  title: "RouterBench: ARC-Challenge, MBPP and Winogrande prompts answered by 11 LLMs",
  pack: PACK,
  warmStart: { latencyBpsPerSecond: 0 },
  provenance: {
    real:
      "Every outcome: each model's 0/1 score per prompt (success; quality 10,000 or 0) and its cost in USD " +
      "(x 10^8 microcents), as RouterBench recorded them. 154 score cells are empty (28 ARC rows; 14 sample ids " +
      "stored as two half rows, one scoring only gpt-3.5-turbo, the other the 10 other models): counted as wrong.",
    modelled:
      "Nothing is drawn. Estimates: input tokens = ceil(prompt characters / 4); maxOutputTokens per regime " +
      "(ARC 8, MBPP 512, Winogrande 8); catalog prices blended per model and calibrated so the kernel's cost " +
      "estimate sums to the real cost over all records. Every model has the same prior quality (7,000 bps); " +
      "latency is not in the data (a constant, priced at zero); context windows are 1M tokens, not the real ones.",
  },
  missLabel: "wrong answers",
  valueLevels: LLM_VALUE_LEVELS,
  expectedRecords: 3_178,
  async load(reader, options) {
    const { records } = await readRouterBench(reader);
    const builder = new RecordTableBuilder(MODELS.length);
    for (const record of replayOrder(records, ORDER_SALT, options.limit)) builder.push(record);
    return builder.build();
  },
};
