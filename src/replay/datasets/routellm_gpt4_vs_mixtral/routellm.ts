// RouteLLM's evaluation responses (Ong et al. 2024): 15,521 prompts (all of MMLU's test set, all
// of GSM8K's, and MT-Bench's 80 questions x 2 turns), each answered by GPT-4 and by Mixtral-8x7B
// with a real verdict. A pure mapper from the data files to the record table; it draws nothing.

import type { OptionOutcome, RecordInput } from "../../record-table.ts";
import { RecordTableBuilder } from "../../record-table.ts";
import type { ReplayDataset } from "../../replay-dataset.ts";
import { DataFileError, expectWidth, headerIndex, type CsvRow, type DataReader } from "../../data-reader.ts";
import { checkWindow, LLM_VALUE_LEVELS, modelPack, replayOrder, type ReplayModel } from "../model-pack.ts";
import { readMtBench } from "./mt-bench.ts";
import { answerTokens, promptTokens, tokenCostMicros } from "../token-estimate.ts";

const FOLDER = "routellm_gpt4_vs_mixtral";
export const GSM8K_FILE = `${FOLDER}/gsm8k_gsm8k_responses.csv.gz`;

/** The 57 MMLU subjects, one file and one regime each (regime id "mmlu_<subject>"). */
export const MMLU_SUBJECTS = [
  "abstract_algebra",
  "anatomy",
  "astronomy",
  "business_ethics",
  "clinical_knowledge",
  "college_biology",
  "college_chemistry",
  "college_computer_science",
  "college_mathematics",
  "college_medicine",
  "college_physics",
  "computer_security",
  "conceptual_physics",
  "econometrics",
  "electrical_engineering",
  "elementary_mathematics",
  "formal_logic",
  "global_facts",
  "high_school_biology",
  "high_school_chemistry",
  "high_school_computer_science",
  "high_school_european_history",
  "high_school_geography",
  "high_school_government_and_politics",
  "high_school_macroeconomics",
  "high_school_mathematics",
  "high_school_microeconomics",
  "high_school_physics",
  "high_school_psychology",
  "high_school_statistics",
  "high_school_us_history",
  "high_school_world_history",
  "human_aging",
  "human_sexuality",
  "international_law",
  "jurisprudence",
  "logical_fallacies",
  "machine_learning",
  "management",
  "marketing",
  "medical_genetics",
  "miscellaneous",
  "moral_disputes",
  "moral_scenarios",
  "nutrition",
  "philosophy",
  "prehistory",
  "professional_accounting",
  "professional_law",
  "professional_medicine",
  "professional_psychology",
  "public_relations",
  "security_studies",
  "sociology",
  "us_foreign_policy",
  "virology",
  "world_religions",
] as const;

export const mmluFile = (subject: string): string => `${FOLDER}/mmlu/mmlu_${subject}.csv.gz`;

/*
 * The data has no cost. Prices are the blended list prices RouteLLM's paper uses (PROVENANCE.md):
 * GPT-4 about $24.7 and Mixtral about $0.24 per million tokens, input = output. The realized cost
 * of an answer = (prompt tokens + output tokens) x price, rounded up as the kernel rounds; the
 * catalog has the same prices, so the kernel's estimate equals the realized cost except where
 * the real answer length differs from the request's maxOutputTokens (GSM8K only, below).
 */
const MODELS: readonly ReplayModel[] = [
  { id: "mistralai/Mixtral-8x7B-Instruct-v0.1", provider: "mistral", priceMicrosPerMTok: 24_000_000 },
  { id: "gpt-4-1106-preview", provider: "openai", priceMicrosPerMTok: 2_470_000_000 },
];

/*
 * Output tokens, stated per regime (the request's maxOutputTokens, the kernel's estimate):
 * - MMLU: 1. The answer is one letter (the prompt ends with "Answer:"); RouteLLM has no text.
 * - GSM8K: 128, near the answers' mean (GPT-4 105, Mixtral 76 tokens by the chars/4 rule). Here
 *   the realized cost counts each model's real answer, ceil(answer characters / 4).
 * - MT-Bench: 400, near the answers' mean (GPT-4 414, Mixtral 316 tokens, measured once on the
 *   answers quoted in the judge prompts); realized with the same constant. A turn-2 prompt is
 *   both user turns plus the first answer resent as context (400 tokens again).
 */
export const MMLU_OUTPUT_TOKENS = 1;
export const GSM8K_OUTPUT_TOKENS = 128;
export const MT_BENCH_OUTPUT_TOKENS = 400;

const REGIME_IDS = [...MMLU_SUBJECTS.map((subject) => `mmlu_${subject}`), "gsm8k", "mt_bench"];
const GSM8K_REGIME = MMLU_SUBJECTS.length;
const MT_BENCH_REGIME = MMLU_SUBJECTS.length + 1;
/** Salt of the fixed replay order (the files are grouped by task and subject). */
const ORDER_SALT = 0x52_4c_00_01;

const PACK = modelPack(FOLDER, ["openai", "mistral"], MODELS, REGIME_IDS);

/** A verdict cell: exactly "True" or "False"; anything else is a malformed row. */
function verdictCell(row: CsvRow, at: number, file: string, column: string): boolean {
  const text = row.fields[at];
  if (text === "True") return true;
  if (text === "False") return false;
  throw new DataFileError(
    file,
    row.line,
    `column ${JSON.stringify(column)}: expected True or False, got ${JSON.stringify(text?.slice(0, 40))}`,
  );
}

/** One outcome per model: success from the data, cost from the model's price and token counts. */
function outcomes(successes: readonly boolean[], inputTokens: number, outputTokens: readonly number[]): OptionOutcome[] {
  return MODELS.map((_, o) => ({
    success: successes[o]!,
    qualityBps: successes[o]! ? 10_000 : 0,
    costMicros: tokenCostMicros(PACK, o, inputTokens, outputTokens[o]!),
  }));
}

interface VerdictFile {
  readonly file: string;
  readonly regimeIndex: number;
  /** Record ids are `${idPrefix}#${n}` for the file's n-th record (1-based). */
  readonly idPrefix: string;
  readonly maxOutputTokens: number;
  /** The file has each model's answer text (`<model>_response`): realized output from its length. */
  readonly responses: boolean;
}

/** An MMLU or GSM8K file: a prompt and one True/False verdict per model on every row. */
async function readVerdicts(reader: DataReader, spec: VerdictFile, records: RecordInput[]): Promise<void> {
  const { file, maxOutputTokens } = spec;
  const responseColumns = spec.responses ? MODELS.map((model) => `${model.id}_response`) : [];
  let at: Record<string, number> | null = null;
  let width = 0;
  let n = 0;
  for await (const row of reader.csv(file)) {
    if (at === null) {
      at = headerIndex(row, file, ["prompt", ...MODELS.map((model) => model.id), ...responseColumns]);
      width = row.fields.length;
      continue;
    }
    expectWidth(row, width, file);
    const index = at;
    const inputTokens = promptTokens(row.fields[index["prompt"]!]!);
    checkWindow(file, row.line, inputTokens, maxOutputTokens);
    const successes = MODELS.map((model) => verdictCell(row, index[model.id]!, file, model.id));
    const outputTokens = spec.responses
      ? responseColumns.map((column) => answerTokens(row.fields[index[column]!]!))
      : MODELS.map(() => maxOutputTokens);
    records.push({
      id: `${spec.idPrefix}#${++n}`,
      regimeIndex: spec.regimeIndex,
      inputTokens,
      maxOutputTokens,
      valueMicros: LLM_VALUE_LEVELS.middle,
      riskBps: 0,
      event: false,
      outcomes: outcomes(successes, inputTokens, outputTokens),
    });
  }
  if (at === null) throw new DataFileError(file, 0, "empty file (no header)");
}

/**
 * MT-Bench: one record per question and turn; quality = the GPT-4 judge's real score x 1,000
 * (1 to 10 -> 1,000 to 10,000 bps); success = score >= 8, a stated threshold (MT-Bench itself
 * has no pass mark): below both models' mean score (GPT-4 9.23, Mixtral 8.34), so a success is a
 * clearly good answer, and 149 of GPT-4's 160 answers against 127 of Mixtral's pass it.
 */
export const MT_BENCH_SUCCESS_SCORE_MIN = 8;

async function readMtBenchRecords(reader: DataReader, records: RecordInput[]): Promise<void> {
  const turns = await readMtBench(
    reader,
    FOLDER,
    MODELS.map((model) => model.id),
  );
  for (const turn of turns) {
    // A second turn resends the first exchange: both user turns and the first answer.
    const inputTokens = promptTokens(turn.userText) + (turn.turn === 2 ? MT_BENCH_OUTPUT_TOKENS : 0);
    checkWindow(turn.file, turn.line, inputTokens, MT_BENCH_OUTPUT_TOKENS);
    const base = outcomes(
      turn.scores.map((score) => score >= MT_BENCH_SUCCESS_SCORE_MIN),
      inputTokens,
      MODELS.map(() => MT_BENCH_OUTPUT_TOKENS),
    );
    records.push({
      id: `mt_bench:${turn.category}:${turn.questionId}:turn${turn.turn}`,
      regimeIndex: MT_BENCH_REGIME,
      inputTokens,
      maxOutputTokens: MT_BENCH_OUTPUT_TOKENS,
      valueMicros: LLM_VALUE_LEVELS.middle,
      riskBps: 0,
      event: false,
      outcomes: base.map((outcome, o) => ({ ...outcome, qualityBps: Math.round(turn.scores[o]! * 1_000) })),
    });
  }
}

/** Every record in storage order: MMLU subjects (alphabetical), GSM8K, then MT-Bench. */
export async function readRouteLlm(reader: DataReader): Promise<RecordInput[]> {
  const records: RecordInput[] = [];
  for (const [regimeIndex, subject] of MMLU_SUBJECTS.entries()) {
    const idPrefix = `mmlu_${subject}`;
    await readVerdicts(
      reader,
      { file: mmluFile(subject), regimeIndex, idPrefix, maxOutputTokens: MMLU_OUTPUT_TOKENS, responses: false },
      records,
    );
  }
  const gsm8k = { file: GSM8K_FILE, regimeIndex: GSM8K_REGIME, idPrefix: "gsm8k", maxOutputTokens: GSM8K_OUTPUT_TOKENS, responses: true };
  await readVerdicts(reader, gsm8k, records);
  await readMtBenchRecords(reader, records);
  return records;
}

export const ROUTELLM: ReplayDataset = {
  id: FOLDER,
  industry: "llm_routing",
  title: "RouteLLM: GPT-4 vs Mixtral-8x7B on MMLU, GSM8K and MT-Bench",
  pack: PACK,
  warmStart: { latencyBpsPerSecond: 0 },
  provenance: {
    real:
      "Every verdict: MMLU and GSM8K True/False per model (success; quality 10,000 or 0); MT-Bench the GPT-4 " +
      "judge's 1-10 score per model and turn (quality = score x 1,000). GSM8K answer lengths (output tokens).",
    modelled:
      "Nothing is drawn. Costs: the data has none, so cost = (prompt + output tokens) x the blended list price " +
      "RouteLLM's paper uses (GPT-4 $24.7, Mixtral $0.24 per million tokens); tokens = ceil(characters / 4); " +
      "output tokens MMLU 1, MT-Bench 400 (GSM8K: the real answers). MT-Bench success = score >= 8 (a stated " +
      "threshold). Same prior quality (7,000 bps) for both models; latency constant, priced at zero; 1M-token windows.",
  },
  missLabel: "wrong answers",
  valueLevels: LLM_VALUE_LEVELS,
  expectedRecords: 15_521,
  async load(reader, options) {
    const records = await readRouteLlm(reader);
    const builder = new RecordTableBuilder(MODELS.length);
    for (const record of replayOrder(records, ORDER_SALT, options.limit)) builder.push(record);
    return builder.build();
  },
};
