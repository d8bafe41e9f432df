// KDD Cup 99, the 10 % training file: 494,021 connections in capture order, each REAL-labelled
// normal or one of 22 attack types. A pure mapper from the file's lines to the record table; the
// detector that catches (or misses) an attack is MODELLED (kdd-detector.ts) and drawn per record.

import { DataFileError, type DataReader } from "../../data-reader.ts";
import { drawUnit } from "../../draws.ts";
import { RecordTableBuilder, type OptionOutcome, type RecordInput, type RecordTable } from "../../record-table.ts";
import { recordLimit, type ReplayDataset } from "../../replay-dataset.ts";
import { tierCostMicros, tierPack, workUnits } from "../../../domain/tier-pack.ts";
import {
  CATEGORY_NAMES,
  DETECTION_BPS,
  DOS,
  KDD_TIERS,
  LABEL_CATEGORY,
  NORMAL,
  PROBE,
  R2L,
  regimeOf,
  sizeFactorOf,
  U2R,
} from "../../../domain/security/kdd-detector.ts";
import { SECURITY_SOURCE } from "../../../domain/security/security-pack.ts";

const FOLDER = "kddcup99_10pct";
export const KDD_FILE = `${FOLDER}/kddcup.data_10_percent.gz`;
const FIELD_COUNT = 42;
const PROTOCOL = 1;
const SERVICE = 2;
const SRC_BYTES = 4;
const DST_BYTES = 5;
const LABEL = 41;
/** The draws.ts stream of the detector's uniform. */
const DETECTOR_STREAM = 0;

/*
 * Value of handling one connection correctly: $0.25. At this value, deep inspection (or the
 * sandbox) pays for itself where R2L, U2R or probes are common (tcp/ftp, tcp/telnet,
 * tcp/ftp_data, tcp/other, icmp/eco_i) and not in clean or flood-only regimes, where header rules
 * or flow statistics catch as much for a fraction of the price. The best fixed tier per regime
 * in hindsight (seed 1): header rules in 3 regimes, flow statistics in 8, deep inspection in 3
 * (icmp/eco_i, tcp/ftp_data, tcp/telnet), the sandbox in 2 (tcp/other, tcp/ftp).
 */
export const KDD_VALUE_MICROS = 25_000_000;

const PACK = tierPack(FOLDER, SECURITY_SOURCE);
const TIER_COUNT = KDD_TIERS.length;

function byteCount(text: string | undefined, file: string, line: number, column: string): number {
  const value = text !== undefined && /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    throw new DataFileError(
      file,
      line,
      `column ${JSON.stringify(column)}: expected a byte count, got ${JSON.stringify(text?.slice(0, 40))}`,
    );
  }
  return value;
}

/**
 * Outcomes are immutable and depend only on the size and on which tiers succeed, so records share
 * them: the 494,021 records need 13,771 distinct outcome rows, not two million objects.
 */
type OutcomeCache = Map<number, readonly OptionOutcome[]>;

function outcomesOf(units: number, successMask: number, cache: OutcomeCache): readonly OptionOutcome[] {
  const key = units * 16 + successMask;
  let outcomes = cache.get(key);
  if (outcomes === undefined) {
    outcomes = KDD_TIERS.map((_, t) => {
      const success = (successMask & (1 << t)) !== 0;
      return { success, qualityBps: success ? 10_000 : 0, costMicros: tierCostMicros(PACK, t, units) };
    });
    cache.set(key, outcomes);
  }
  return outcomes;
}

/** Maps one line of the file to its record; `index` is its position in replay order (file order). */
function connectionRecord(text: string, line: number, index: number, seed: number, cache: OutcomeCache): RecordInput {
  const fields = text.split(",");
  if (fields.length !== FIELD_COUNT) {
    throw new DataFileError(KDD_FILE, line, `expected ${FIELD_COUNT} fields, got ${fields.length} (truncated or malformed row)`);
  }
  const protocol = fields[PROTOCOL]!;
  const regime = regimeOf(protocol, fields[SERVICE]!);
  if (regime === null) throw new DataFileError(KDD_FILE, line, `unknown protocol_type ${JSON.stringify(protocol.slice(0, 40))}`);
  const label = fields[LABEL]!;
  const category = LABEL_CATEGORY.get(label);
  if (category === undefined) throw new DataFileError(KDD_FILE, line, `unknown label ${JSON.stringify(label.slice(0, 40))}`);
  const bytes = byteCount(fields[SRC_BYTES], KDD_FILE, line, "src_bytes") + byteCount(fields[DST_BYTES], KDD_FILE, line, "dst_bytes");
  const units = workUnits(sizeFactorOf(bytes));
  const attack = category !== NORMAL;
  // Normal traffic is always handled correctly, so only an attack needs the detector's draw.
  const u = attack ? drawUnit(seed, index, DETECTOR_STREAM) * 10_000 : 0;
  let successMask = 0;
  for (let t = 0; t < TIER_COUNT; t++) if (!attack || u < DETECTION_BPS[t]![category]!) successMask |= 1 << t;
  return {
    id: `kdd#${line}`,
    regimeIndex: regime.regimeIndex,
    inputTokens: units,
    maxOutputTokens: 1,
    valueMicros: KDD_VALUE_MICROS,
    riskBps: regime.riskBps,
    event: attack,
    outcomes: outcomesOf(units, successMask, cache),
  };
}

/** The detection table as provenance text, e.g. "dos 0.96/0.995/0.998/0.999, probe ...". */
function detectionRates(): string {
  return [DOS, PROBE, R2L, U2R].map((c) => `${CATEGORY_NAMES[c]} ${DETECTION_BPS.map((row) => row[c]! / 10_000).join("/")}`).join(", ");
}

async function loadConnections(reader: DataReader, limit: number | undefined, seed: number): Promise<RecordTable> {
  const count = recordLimit(limit);
  const builder = new RecordTableBuilder(TIER_COUNT);
  const cache: OutcomeCache = new Map();
  if (count === 0) return builder.build();
  // File order is capture order (the 1998 DARPA traffic, in time): replayed as is, never shuffled.
  for await (const { text, line } of reader.lines(KDD_FILE)) {
    builder.push(connectionRecord(text, line, builder.count, seed, cache));
    if (builder.count >= count) break;
  }
  return builder.build();
}

export const KDDCUP99: ReplayDataset = {
  id: "kddcup99_10pct",
  industry: "security",
  title: "KDD Cup 99 (10 %): network connections screened at four inspection depths",
  pack: PACK,
  // Detection delay is priced lightly: 0.01 % of the value per second (the sandbox's 60 s: 0.6 %).
  warmStart: {},
  provenance: {
    real:
      "Every label (normal or one of 22 attack types, mapped to DoS, Probe, R2L, U2R): which connections are attacks " +
      "(the events). Protocol and service (the regime). src_bytes + dst_bytes (the size: log10(100 + bytes) / 3 " +
      "standard records). Capture order (replayed as is).",
    modelled:
      "Whether a tier catches an attack: one uniform u per record, tier t catches a category-c attack iff " +
      `u < p[t][c]; p (header rules / flow statistics / deep inspection / sandbox) ${detectionRates()}. ` +
      "No false alarms: a normal connection is " +
      "always handled correctly. Tier prices ($0.00001, $0.0001, $0.002, $0.01 per 900-byte connection) and " +
      "latencies (1 ms, 20 ms, 200 ms, 60 s); value $0.25 per connection; risk 3,000 bps on TCP, 1,000 on UDP and ICMP.",
  },
  missLabel: "missed attacks",
  expectedRecords: 494_021,
  load: (reader, options) => loadConnections(reader, options.limit, options.seed),
};
