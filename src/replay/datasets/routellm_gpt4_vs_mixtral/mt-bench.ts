// MT-Bench as RouteLLM stored it: the 80 questions (two user turns each, one of 8 categories) and
// the GPT-4 judge's single-answer scores, one JSON line per (question, turn, model). Pairs the
// judgments into one entry per question and turn; every field is checked, nothing is guessed.

import { DataFileError, type DataReader } from "../../data-reader.ts";

export const MT_BENCH_QUESTION_FILE = "mt_bench_question.jsonl.gz";
export const MT_BENCH_JUDGEMENT_FILE = "mt_bench_judgements.jsonl.gz";
export const MT_BENCH_CATEGORIES = ["writing", "roleplay", "reasoning", "math", "coding", "extraction", "stem", "humanities"] as const;
const TURNS = 2;
const SCORE_MIN = 1;
const SCORE_MAX = 10;

export interface MtBenchTurn {
  /** Where the entry's last judgment was read, for errors about it. */
  readonly file: string;
  readonly line: number;
  readonly questionId: number;
  readonly category: string;
  /** 1 or 2. */
  readonly turn: number;
  /** The user's text up to this turn (both turns for turn 2). */
  readonly userText: string;
  /** The judge's score (1 to 10, halves occur) per model, in the order asked for. */
  readonly scores: readonly number[];
}

interface Question {
  readonly category: string;
  readonly turns: readonly string[];
}

type Json = Record<string, unknown>;

function parseLine(file: string, line: number, text: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DataFileError(file, line, "not a JSON object (malformed or truncated line)");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new DataFileError(file, line, "expected a JSON object");
  return value as Json;
}

function integerOf(file: string, line: number, json: Json, key: string, min: number, max: number): number {
  const value = json[key];
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new DataFileError(file, line, `"${key}" expected an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
  }
  return value;
}

async function readQuestions(reader: DataReader, file: string): Promise<Map<number, Question>> {
  const questions = new Map<number, Question>();
  for await (const { text, line } of reader.lines(file)) {
    if (text === "") continue;
    const json = parseLine(file, line, text);
    const id = integerOf(file, line, json, "question_id", 0, Number.MAX_SAFE_INTEGER);
    const category = json["category"];
    if (typeof category !== "string" || !(MT_BENCH_CATEGORIES as readonly string[]).includes(category)) {
      throw new DataFileError(file, line, `unknown category ${JSON.stringify(category)}`);
    }
    const turns = json["turns"];
    if (!Array.isArray(turns) || turns.length !== TURNS || !turns.every((turn) => typeof turn === "string")) {
      throw new DataFileError(file, line, `"turns" expected ${TURNS} strings`);
    }
    if (questions.has(id)) throw new DataFileError(file, line, `duplicate question ${id}`);
    questions.set(id, { category, turns: turns as string[] });
  }
  return questions;
}

interface Judged {
  /** Per model, undefined until its judgment is read. */
  readonly scores: (number | undefined)[];
  /** The line of the latest judgment read for this question and turn. */
  line: number;
}

/** Judgments keyed by "question:turn". */
async function readJudgments(
  reader: DataReader,
  file: string,
  questions: Map<number, Question>,
  models: readonly string[],
): Promise<{ judged: Map<string, Judged>; lastLine: number }> {
  const judged = new Map<string, Judged>();
  let lastLine = 0;
  for await (const { text, line } of reader.lines(file)) {
    lastLine = line;
    if (text === "") continue;
    const json = parseLine(file, line, text);
    const questionId = integerOf(file, line, json, "question_id", 0, Number.MAX_SAFE_INTEGER);
    if (!questions.has(questionId)) throw new DataFileError(file, line, `judgment of unknown question ${questionId}`);
    const turn = integerOf(file, line, json, "turn", 1, TURNS);
    const model = models.indexOf(String(json["model"]));
    if (model < 0) throw new DataFileError(file, line, `unknown model ${JSON.stringify(json["model"])}`);
    const score = json["score"];
    // Scores are whole or half points; quality is score x 1,000 bps, so it must land on an integer.
    if (typeof score !== "number" || !(score >= SCORE_MIN && score <= SCORE_MAX) || !Number.isInteger(score * 1_000)) {
      throw new DataFileError(file, line, `"score" expected a number in [${SCORE_MIN}, ${SCORE_MAX}], got ${JSON.stringify(score)}`);
    }
    const key = `${questionId}:${turn}`;
    const entry = judged.get(key) ?? { scores: models.map(() => undefined), line };
    if (entry.scores[model] !== undefined)
      throw new DataFileError(file, line, `duplicate judgment: question ${questionId} turn ${turn} ${models[model]}`);
    entry.scores[model] = score;
    entry.line = line;
    judged.set(key, entry);
  }
  return { judged, lastLine };
}

/**
 * One entry per question (in the question file's order) and turn; every question must have a
 * judgment for each model and turn, else the judgment file is reported as incomplete at its end.
 */
export async function readMtBench(reader: DataReader, folder: string, models: readonly string[]): Promise<MtBenchTurn[]> {
  const questions = await readQuestions(reader, `${folder}/${MT_BENCH_QUESTION_FILE}`);
  const file = `${folder}/${MT_BENCH_JUDGEMENT_FILE}`;
  const { judged, lastLine } = await readJudgments(reader, file, questions, models);
  const turns: MtBenchTurn[] = [];
  for (const [questionId, question] of questions) {
    for (let turn = 1; turn <= TURNS; turn++) {
      const entry = judged.get(`${questionId}:${turn}`);
      const missing = models.findIndex((_, m) => entry?.scores[m] === undefined);
      if (entry === undefined || missing >= 0) {
        throw new DataFileError(file, lastLine, `no judgment for question ${questionId} turn ${turn} ${models[missing]} (truncated?)`);
      }
      const userText = question.turns.slice(0, turn).join("\n");
      turns.push({ file, line: entry.line, questionId, category: question.category, turn, userText, scores: entry.scores as number[] });
    }
  }
  return turns;
}
