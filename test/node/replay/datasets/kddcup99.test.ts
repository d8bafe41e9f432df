// The KDD Cup 99 pack: its tables (monotone detector, floors, qualities), an in-memory slice with
// exact expectations, goldens on the real file (limited and full), refusals of malformed rows
// naming file and line, and determinism (real parts fixed, modelled draws follow the seed).
import { describe, expect, it } from "vitest";
import { GzipDataReader } from "../../../../src/cli/gzip-data-reader.ts";
import {
  CATEGORY_COUNTS,
  DETECTION_BPS,
  KDD_REGIMES,
  KDD_TIERS,
  LABEL_CATEGORY,
  NORMAL,
  R2L,
  U2R,
} from "../../../../src/domain/security/kdd-detector.ts";
import { KDD_FILE, KDD_VALUE_MICROS, KDDCUP99 } from "../../../../src/replay/datasets/kddcup99_10pct/kddcup99.ts";
import { DataFileError, type DataReader } from "../../../../src/replay/data-reader.ts";
import { drawUnit } from "../../../../src/replay/draws.ts";
import { MemoryDataReader } from "../../../../src/replay/memory-data-reader.ts";
import type { RecordTable } from "../../../../src/replay/record-table.ts";
import { describeRealData } from "../../support/real-data.ts";

/** The file's first line; slices vary protocol (1), service (2), src_bytes (4), dst_bytes (5), label (41). */
const TEMPLATE =
  "0,tcp,http,SF,181,5450,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,8,8,0.00,0.00,0.00,0.00,1.00,0.00,0.00,9,9,1.00,0.00,0.11,0.00,0.00,0.00,0.00,0.00,normal.";

function kddLine(protocol: string, service: string, srcBytes: string, dstBytes: string, label: string): string {
  const fields = TEMPLATE.split(",");
  fields[1] = protocol;
  fields[2] = service;
  fields[4] = srcBytes;
  fields[5] = dstBytes;
  fields[41] = label;
  return fields.join(",");
}

const SLICE = [
  kddLine("tcp", "http", "181", "5450", "normal."), // tcp/http
  kddLine("icmp", "ecr_i", "1032", "0", "smurf."), // icmp/ecr_i, DoS
  kddLine("tcp", "private", "0", "0", "neptune."), // tcp/private, DoS
  kddLine("tcp", "telnet", "125", "179", "guess_passwd."), // tcp/telnet, R2L
  kddLine("tcp", "telnet", "400", "500", "buffer_overflow."), // tcp/telnet, U2R, 900 bytes: one standard record
  kddLine("tcp", "other", "0", "0", "satan."), // tcp/other (the service named "other"), Probe
  kddLine("udp", "domain_u", "44", "133", "normal."), // udp/domain_u
  kddLine("tcp", "auth", "0", "0", "neptune."), // tcp/rest, DoS
  kddLine("udp", "ntp_u", "48", "48", "normal."), // udp/rest
  kddLine("icmp", "eco_i", "8", "0", "ipsweep."), // icmp/eco_i, Probe
  kddLine("tcp", "ftp_data", "334", "0", "warezclient."), // tcp/ftp_data, R2L
  kddLine("icmp", "urp_i", "0", "0", "normal."), // icmp/rest
];
const SLICE_REGIMES = [
  "tcp/http",
  "icmp/ecr_i",
  "tcp/private",
  "tcp/telnet",
  "tcp/telnet",
  "tcp/other",
  "udp/domain_u",
  "tcp/rest",
  "udp/rest",
  "icmp/eco_i",
  "tcp/ftp_data",
  "icmp/rest",
];
const SLICE_BYTES = [5631, 1032, 0, 304, 900, 0, 177, 0, 96, 8, 334, 0];
const SLICE_EVENTS = [0, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0];
const PRICES = [1_000, 10_000, 200_000, 1_000_000];

function reader(lines: readonly string[]): MemoryDataReader {
  return new MemoryDataReader({ [KDD_FILE]: lines.join("\n") + "\n" });
}

function successes(table: RecordTable): number[] {
  return Array.from({ length: table.optionCount }, (_, o) => {
    let n = 0;
    for (let i = 0; i < table.count; i++) n += table.success[i * table.optionCount + o]!;
    return n;
  });
}

function costs(table: RecordTable): number[] {
  return Array.from({ length: table.optionCount }, (_, o) => {
    let sum = 0;
    for (let i = 0; i < table.count; i++) sum += table.costMicros[i * table.optionCount + o]!;
    return sum;
  });
}

function counts(values: ArrayLike<number>, size: number): number[] {
  const out = new Array<number>(size).fill(0);
  for (let i = 0; i < values.length; i++) out[values[i]!]!++;
  return out;
}

async function refusal(lines: readonly string[]): Promise<DataFileError> {
  const error: unknown = await KDDCUP99.load(reader(lines), { seed: 1 }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataFileError);
  return error as DataFileError;
}

describe("KDD Cup 99 tables", () => {
  it("detects more with every deeper tier, never flags normal traffic, and ranks qualities by cost", () => {
    for (const row of DETECTION_BPS) expect(row[NORMAL]).toBe(10_000);
    for (let t = 1; t < DETECTION_BPS.length; t++) {
      DETECTION_BPS[t]!.forEach((bps, c) => expect(bps).toBeGreaterThanOrEqual(DETECTION_BPS[t - 1]![c]!));
      expect(KDD_TIERS[t]!.costPerRecordMicros).toBeGreaterThan(KDD_TIERS[t - 1]!.costPerRecordMicros);
    }
    expect(KDD_TIERS.map((tier) => tier.qualityBps)).toEqual([9_627, 9_936, 9_977, 9_990]);
    // R2L and U2R need the deep tiers: header rules and flow statistics catch at most a quarter.
    expect(Math.max(DETECTION_BPS[1]![R2L]!, DETECTION_BPS[1]![U2R]!)).toBeLessThanOrEqual(2_500);
  });

  it("counts every label of the file and keeps floors and risks in range", () => {
    expect(LABEL_CATEGORY.size).toBe(23);
    expect(CATEGORY_COUNTS.reduce((a, b) => a + b, 0)).toBe(KDDCUP99.expectedRecords);
    expect(KDD_REGIMES).toHaveLength(16);
    for (const regime of KDD_REGIMES) {
      expect(regime.warmStartFloorBps % 100).toBe(0);
      expect(regime.warmStartFloorBps).toBeGreaterThanOrEqual(500);
      expect(regime.warmStartFloorBps).toBeLessThanOrEqual(9_500);
    }
  });
});

describe("KDD Cup 99 on an in-memory slice", () => {
  it("maps regimes, events, sizes and costs exactly", async () => {
    const table = await KDDCUP99.load(reader(SLICE), { seed: 7 });
    expect(table.count).toBe(12);
    expect(table.ids).toEqual(SLICE.map((_, i) => `kdd#${i + 1}`));
    expect(Array.from(table.regime, (r) => KDD_REGIMES[r]!.id)).toEqual(SLICE_REGIMES);
    expect(Array.from(table.event)).toEqual(SLICE_EVENTS);
    expect(Array.from(table.riskBps)).toEqual([3_000, 1_000, 3_000, 3_000, 3_000, 3_000, 1_000, 3_000, 1_000, 1_000, 3_000, 1_000]);
    expect(Array.from(table.valueMicros)).toEqual(SLICE.map(() => KDD_VALUE_MICROS));
    expect(Array.from(table.maxOutputTokens)).toEqual(SLICE.map(() => 1));
    // Units = round(1,000,000 x log10(100 + bytes) / 3): 900 bytes is one standard record.
    expect(Array.from(table.inputTokens)).toEqual(SLICE_BYTES.map((b) => Math.round((1_000_000 * Math.log10(100 + b)) / 3)));
    expect(table.inputTokens[4]).toBe(1_000_000);
    expect(Array.from(table.costMicros.slice(16, 20))).toEqual(PRICES);
    expect(table.inputTokens[2]).toBe(666_667); // an empty connection: two thirds of a standard one
    expect(Array.from(table.costMicros.slice(8, 12))).toEqual([667, 6_667, 133_334, 666_667]);
    // Independently: the sum over records of ceil(units x price / 1,000,000).
    expect(costs(table)).toEqual(
      PRICES.map((price) => Array.from(table.inputTokens).reduce((sum, units) => sum + Math.ceil((units * price) / 1_000_000), 0)),
    );
    expect(costs(table)).toEqual([9_946, 99_418, 1_988_278, 9_941_370]);
  });

  it("succeeds on every normal connection and on an attack iff the tier's detection beats the draw", async () => {
    const seed = 7;
    const table = await KDDCUP99.load(reader(SLICE), { seed });
    const categories = SLICE.map((line) => LABEL_CATEGORY.get(line.split(",")[41]!)!);
    for (let i = 0; i < table.count; i++) {
      const u = drawUnit(seed, i, 0) * 10_000;
      for (let t = 0; t < 4; t++) {
        const expected = categories[i] === NORMAL || u < DETECTION_BPS[t]![categories[i]!]!;
        expect(table.success[i * 4 + t], `record ${i} tier ${t}`).toBe(expected ? 1 : 0);
        expect(table.qualityBps[i * 4 + t]).toBe(expected ? 10_000 : 0);
      }
    }
    expect(successes(table)).toEqual([8, 10, 11, 12]);
  });

  it("honours limit in file order", async () => {
    const full = await KDDCUP99.load(reader(SLICE), { seed: 7 });
    const first = await KDDCUP99.load(reader(SLICE), { seed: 7, limit: 5 });
    expect(first.count).toBe(5);
    expect(first.ids).toEqual(full.ids.slice(0, 5));
    expect(Array.from(first.success)).toEqual(Array.from(full.success.slice(0, 20)));
    expect((await KDDCUP99.load(reader(SLICE), { seed: 7, limit: 0 })).count).toBe(0);
    await expect(KDDCUP99.load(reader(SLICE), { seed: 7, limit: -1 })).rejects.toThrow(RangeError);
    await expect(KDDCUP99.load(reader(SLICE), { seed: 7, limit: 1.5 })).rejects.toThrow(RangeError);
  });
});

describe("KDD Cup 99 refuses malformed rows, naming file and line", () => {
  const cases: readonly [string, string, RegExp][] = [
    ["a truncated row", SLICE[3]!.slice(0, 60), /expected 42 fields, got \d+/],
    ["an extra field", `${SLICE[3]!},x`, /expected 42 fields, got 43/],
    ["an unknown label", kddLine("tcp", "http", "1", "2", "mailbomb."), /unknown label "mailbomb\."/],
    ["a label without its period", kddLine("tcp", "http", "1", "2", "normal"), /unknown label "normal"/],
    ["an unknown protocol", kddLine("sctp", "http", "1", "2", "normal."), /unknown protocol_type "sctp"/],
    ["a non-number src_bytes", kddLine("tcp", "http", "12a", "2", "normal."), /column "src_bytes": expected a byte count, got "12a"/],
    ["a negative dst_bytes", kddLine("tcp", "http", "1", "-2", "normal."), /column "dst_bytes"/],
    ["an empty dst_bytes", kddLine("tcp", "http", "1", "", "normal."), /column "dst_bytes"/],
    ["an empty line", "", /expected 42 fields, got 1/],
  ];
  for (const [name, bad, message] of cases) {
    it(`refuses ${name}`, async () => {
      const error = await refusal([SLICE[0]!, SLICE[1]!, bad, SLICE[2]!]);
      expect(error.file).toBe(KDD_FILE);
      expect(error.line).toBe(3);
      expect(error.message).toMatch(message);
      expect(error.message.startsWith(`${KDD_FILE}:3: `)).toBe(true);
    });
  }

  it("refuses a missing file", async () => {
    const error: unknown = await KDDCUP99.load(new MemoryDataReader({}), { seed: 1 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as DataFileError).file).toBe(KDD_FILE);
  });
});

describe("KDD Cup 99 determinism", () => {
  it("gives the same table for the same seed; another seed changes draws, never the real parts", async () => {
    const lines = [...SLICE, ...SLICE, ...SLICE, ...SLICE];
    const a = await KDDCUP99.load(reader(lines), { seed: 11 });
    const b = await KDDCUP99.load(reader(lines), { seed: 11 });
    const c = await KDDCUP99.load(reader(lines), { seed: 12 });
    expect(b).toEqual(a);
    for (const key of ["ids", "regime", "inputTokens", "maxOutputTokens", "valueMicros", "riskBps", "event", "costMicros"] as const) {
      expect(c[key], key).toEqual(a[key]);
    }
    expect(c.success).not.toEqual(a.success);
    for (let i = 0; i < a.count; i++) {
      if (a.event[i] === 0) expect(Array.from(c.success.slice(i * 4, i * 4 + 4))).toEqual([1, 1, 1, 1]);
    }
  });
});

describeRealData("KDD Cup 99 on the real file", () => {
  const gzip: DataReader = new GzipDataReader();

  // The first 2,000 connections hold two attacks only (the capture starts on normal traffic), so
  // the golden takes 20,000: 3,821 attacks (smurf, teardrop, pod, neptune, U2R and one R2L).
  it("pins the first 20,000 connections (golden, seed 1)", async () => {
    const table = await KDDCUP99.load(gzip, { seed: 1, limit: 20_000 });
    expect(table.count).toBe(20_000);
    expect(table.ids[19_999]).toBe("kdd#20000");
    // Regime sizes counted independently with awk over the file's first 20,000 lines.
    expect(counts(table.regime, KDD_REGIMES.length)).toEqual([3_757, 24, 0, 99, 336, 0, 50, 0, 14_316, 1_206, 0, 14, 64, 74, 17, 43]);
    expect(counts(table.event, 2)[1]).toBe(3_821);
    expect(successes(table)).toEqual([19_834, 19_972, 19_988, 19_996]);
    expect(costs(table)).toEqual([21_968_701, 219_614_017, 4_392_088_663, 21_960_407_441]);
  });

  it("loads all 494,021 connections in file order (golden, seed 1)", { timeout: 30_000 }, async () => {
    const table = await KDDCUP99.load(gzip, { seed: 1 });
    expect(table.count).toBe(KDDCUP99.expectedRecords);
    // Regime sizes counted independently with awk over the file (protocol/service, rest pooled).
    expect(counts(table.regime, KDD_REGIMES.length)).toEqual([
      281_400, 1_642, 560, 8_512, 5_863, 5_598, 381, 102_381, 64_293, 9_723, 4_721, 1_639, 798, 670, 513, 5_327,
    ]);
    expect(counts(table.event, 2)[1]).toBe(KDDCUP99.expectedRecords - CATEGORY_COUNTS[NORMAL]);
    expect(successes(table)).toEqual([475_532, 490_940, 492_947, 493_560]);
    expect(costs(table)).toEqual([461_238_957, 4_611_510_173, 92_226_290_482, 461_130_525_847]);
  });
});
