// Bring your own logs: a routing table in JSONL, one record per line,
//   {"id": "...", "regime": "...", "options": {"<model>": {"correct": true, "cost_microcents": 1234}, ...}}
// with "quality_bps" (0..10,000) in place of "correct" where answers are graded. Every record
// names the same models. It becomes a data set like any other, so `calybris pilot` replays it
// through the same engine, against the same baselines.

import { WORK_UNITS_PER_RECORD, tierPack } from "../domain/tier-pack.ts";
import { TIERS_MAX, REGIMES_MAX } from "../kernel/units.ts";
import { DataFileError, type DataLine } from "./data-reader.ts";
import { RecordTableBuilder, type OptionOutcome, type RecordTable } from "./record-table.ts";
import type { ReplayDataset } from "./replay-dataset.ts";

export interface RoutingTableOptions {
  /** What one successful answer is worth, microcents. */
  readonly valueMicros: number;
  /** A graded answer succeeds at or above this quality. */
  readonly successBps: number;
}

interface ParsedRecord {
  readonly id: string;
  readonly regime: string;
  readonly options: ReadonlyMap<string, OptionOutcome>;
}

function fail(file: string, line: number, message: string): never {
  throw new DataFileError(file, line, message);
}

function parseOption(file: string, line: number, name: string, raw: unknown, successBps: number): OptionOutcome {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail(file, line, `options.${name}: expected an object`);
  const o = raw as Record<string, unknown>;
  const cost = o.cost_microcents;
  if (typeof cost !== "number" || !Number.isSafeInteger(cost) || cost < 0)
    fail(file, line, `options.${name}.cost_microcents: expected an integer >= 0`);
  if (o.correct !== undefined) {
    if (typeof o.correct !== "boolean") fail(file, line, `options.${name}.correct: expected true or false`);
    return { success: o.correct, qualityBps: o.correct ? 10_000 : 0, costMicros: cost };
  }
  const q = o.quality_bps;
  if (typeof q !== "number" || !Number.isSafeInteger(q) || q < 0 || q > 10_000)
    fail(file, line, `options.${name}: expected "correct" or "quality_bps" (integer 0..10000)`);
  return { success: q >= successBps, qualityBps: q, costMicros: cost };
}

function parseLine(file: string, { text, line }: DataLine, successBps: number): ParsedRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail(file, line, "not a JSON object (truncated line?)");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(file, line, "expected a JSON object");
  const v = value as Record<string, unknown>;
  // Ids and names are sealed into the chain, whose canonical form refuses lone surrogates.
  if (typeof v.id !== "string" || v.id === "" || !v.id.isWellFormed()) fail(file, line, '"id": expected a non-empty, well-formed string');
  if (typeof v.regime !== "string" || v.regime === "" || !v.regime.isWellFormed())
    fail(file, line, '"regime": expected a non-empty, well-formed string');
  if (typeof v.options !== "object" || v.options === null || Array.isArray(v.options))
    fail(file, line, '"options": expected an object of models');
  const options = new Map<string, OptionOutcome>();
  for (const [name, raw] of Object.entries(v.options as Record<string, unknown>)) {
    if (name === "" || !name.isWellFormed()) fail(file, line, `options: ${JSON.stringify(name)} is not a usable model name`);
    options.set(name, parseOption(file, line, name, raw, successBps));
  }
  if (options.size === 0) fail(file, line, '"options": no model');
  return { id: v.id, regime: v.regime, options };
}

/** Reads a routing table into a data set and its records; errors name the file and line. */
export async function readRoutingTable(
  file: string,
  lines: AsyncIterable<DataLine>,
  options: RoutingTableOptions,
): Promise<{ dataset: ReplayDataset; table: RecordTable }> {
  const records: ParsedRecord[] = [];
  let names: string[] | null = null;
  const regimes: string[] = [];
  for await (const dataLine of lines) {
    if (dataLine.text.trim() === "") continue;
    const record = parseLine(file, dataLine, options.successBps);
    const these = [...record.options.keys()].sort();
    if (names === null) {
      if (these.length > TIERS_MAX) fail(file, dataLine.line, `at most ${TIERS_MAX} models per table, got ${these.length}`);
      names = these;
    } else if (these.join("\u0000") !== names.join("\u0000")) {
      fail(file, dataLine.line, `every record must name the same models (${names.join(", ")}), this one names ${these.join(", ")}`);
    }
    if (!regimes.includes(record.regime)) {
      if (regimes.length >= REGIMES_MAX) fail(file, dataLine.line, `at most ${REGIMES_MAX} regimes, this is regime ${REGIMES_MAX + 1}`);
      regimes.push(record.regime);
    }
    records.push(record);
  }
  if (names === null) fail(file, 0, "no records");
  // The kernel's price of a model: its mean cost per record here, as a list price would be.
  const meanCost = new Map(
    names.map((name) => [name, Math.round(records.reduce((s, r) => s + r.options.get(name)!.costMicros, 0) / records.length)]),
  );
  const order = [...names].sort((a, b) => meanCost.get(a)! - meanCost.get(b)! || (a < b ? -1 : 1));
  const pack = tierPack("pilot", {
    provider: "pilot",
    tiers: order.map((name) => ({ id: name, qualityBps: 5_000, latencyMsP50: 1, costPerRecordMicros: meanCost.get(name)! })),
    regimes: regimes.map((id) => ({ id, warmStartFloorBps: 5_000 })),
    latencyBpsPerSecond: 0,
  });
  const builder = new RecordTableBuilder(order.length);
  for (const record of records) {
    builder.push({
      id: record.id,
      regimeIndex: regimes.indexOf(record.regime),
      inputTokens: WORK_UNITS_PER_RECORD,
      maxOutputTokens: 1,
      valueMicros: options.valueMicros,
      riskBps: 0,
      event: false,
      outcomes: order.map((name) => record.options.get(name)!),
    });
  }
  const table = builder.build();
  const dataset: ReplayDataset = {
    id: "pilot",
    industry: "llm_routing",
    title: `Pilot: ${file}`,
    pack,
    warmStart: {},
    provenance: {
      real: "every outcome and cost, from the routing table",
      modelled: "nothing; the kernel's price of a model is its mean cost per record in the table",
    },
    missLabel: "failed answers",
    expectedRecords: table.count,
    load: () => Promise.resolve(table),
  };
  return { dataset, table };
}
