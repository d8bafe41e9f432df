// Tamper evidence of a 10,000-entry export (DESIGN.md "The chain"): the clean export verifies,
// every single-bit flip is caught at the line that holds it, a torn last line is told apart from
// damage, and damage in the middle of history is refused, never truncated away.

import { bytesToHex } from "@noble/hashes/utils.js";
import { beforeAll, describe, expect, test } from "vitest";
import { ChainVerifier, verifyExportBytes, type VerifyReport } from "../../../src/ledger/chain-verifier.ts";
import { hexToBytes } from "@noble/hashes/utils.js";
import { sealEntry, type EntryKind, type EntryRecord } from "../../../src/ledger/entry.ts";
import { signCheckpoint } from "../../../src/ledger/checkpoint.ts";
import { loadState } from "../../../src/ledger/engine.ts";
import { rootFromFrontier } from "../../../src/ledger/merkle.ts";
import { generateSignerKey } from "../../../src/ledger/signed-note.ts";
import {
  devSigner,
  devVerifier,
  exportBytes,
  exportText,
  microtaskEngine,
  nobleSha256,
  nodeSha256,
  ORIGIN,
  RecordingStore,
  TestRandom,
} from "./ledger-fixtures.ts";
import { HistoryBuilder } from "./ledger-history.ts";

const ENTRY_COUNT = 10_000;
const FLIP_COUNT = 1_000;
/** Flips that are also checked with the real verifyExportBytes over the whole export. */
const FULL_CHECK_COUNT = 20;
const CHECKPOINT_EVERY = 2_000;
const NEWLINE = 0x0a;

interface Chain {
  store: RecordingStore;
  bytes: Uint8Array;
  lines: string[];
  /** Byte offset where each line starts; lineStarts[n] is the total length. */
  lineStarts: number[];
  headHex: string;
  rootHex: string;
  checkpointSeqs: number[];
}

let chain: Chain;

/** Builds the chain: random batches, a checkpoint every 2,000 entries, and a short top-up last. */
async function buildChain(): Promise<Chain> {
  const store = new RecordingStore();
  const engine = microtaskEngine(store);
  const history = new HistoryBuilder(engine, new TestRandom(0x7a3e));
  await history.createTenant(50_000_000);
  let nextCheckpoint = CHECKPOINT_EVERY;
  while (engine.head.size < ENTRY_COUNT - 1) {
    // Every command adds at most one entry, so the batch never passes ENTRY_COUNT - 1.
    const room = ENTRY_COUNT - 1 - engine.head.size;
    await history.run(Array.from({ length: Math.min(100, room) }, () => history.command(false)));
    if (engine.head.size >= nextCheckpoint && engine.head.size < ENTRY_COUNT - 1) {
      await history.run([{ type: "checkpoint", origin: ORIGIN, signer: devSigner, nowMs: history.clockMs }]);
      nextCheckpoint += CHECKPOINT_EVERY;
    }
  }
  // The last line is a top-up with a one-letter id: short, so truncating it everywhere stays cheap.
  const last = await engine.submit({ type: "top_up", topUpId: "z", amountMicros: 1, nowMs: history.clockMs });
  expect(last).toMatchObject({ ok: true, seq: ENTRY_COUNT - 1 });
  const text = exportText(store);
  const lines = text.slice(0, -1).split("\n");
  const lineStarts = [0];
  for (const line of lines) lineStarts.push(lineStarts.at(-1)! + new TextEncoder().encode(line).length + 1);
  const checkpointSeqs = lines.flatMap((line, seq) => (line.includes('"kind":"checkpoint"') ? [seq] : []));
  const state = loadState(store);
  return {
    store,
    bytes: exportBytes(store),
    lines,
    lineStarts,
    headHex: engine.head.headHex,
    rootHex: bytesToHex(rootFromFrontier(state.frontier, state.head.size)),
    checkpointSeqs,
  };
}

function lineOfByte(offset: number): number {
  // lineStarts is sorted: binary search for the last start <= offset.
  let low = 0;
  let high = chain.lines.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (chain.lineStarts[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

function fromLines(lines: readonly string[], finalNewline = true): Uint8Array {
  return new TextEncoder().encode(lines.join("\n") + (finalNewline ? "\n" : ""));
}

/**
 * A copy of a streaming verifier, so 1,000 flips do not each re-verify thousands of clean lines
 * (a full pass costs about 0.1 s). ChainVerifier has no clone(), so this copies its fields; if
 * they change shape it throws, and the flips that are also run through verifyExportBytes below
 * prove that verifier-from-copy and the real function give identical reports.
 */
function forkVerifier(verifier: ChainVerifier): ChainVerifier {
  const fields = verifier as unknown as { merkle?: { frontier?: Uint8Array[] } };
  if (fields.merkle === undefined || !Array.isArray(fields.merkle.frontier))
    throw new Error("ChainVerifier internals changed: update forkVerifier");
  const copy = Object.assign(Object.create(ChainVerifier.prototype) as ChainVerifier, verifier);
  const merkle = Object.assign(Object.create(Object.getPrototypeOf(fields.merkle) as object) as object, fields.merkle, {
    frontier: [...fields.merkle.frontier],
    leafInput: new Uint8Array(33),
    nodeInput: Uint8Array.of(1, ...new Uint8Array(64)),
  });
  (copy as unknown as { merkle: object }).merkle = merkle;
  return copy;
}

/** verifyExportBytes' framing from `start` on, continuing a verifier that accepted the lines before. */
function continueVerifying(verifier: ChainVerifier, bytes: Uint8Array, start: number): VerifyReport {
  let position = start;
  while (position < bytes.length) {
    const end = bytes.indexOf(NEWLINE, position);
    if (end < 0) break;
    if (!verifier.push(bytes.subarray(position, end))) return verifier.report(null);
    position = end + 1;
  }
  const tail = bytes.length - position;
  return verifier.report(tail > 0 ? { seq: verifier.seq, bytes: tail } : null);
}

beforeAll(async () => {
  chain = await buildChain();
}, 60_000);

describe("the clean export", () => {
  test("verifies with the dev verifier key: every entry, every checkpoint signature, the engine's head and root", () => {
    const report = verifyExportBytes(chain.bytes, { sha256: nobleSha256, verifierKey: devVerifier, tenantId: "tenant-test" });
    expect(report).toEqual({
      ok: true,
      entries: ENTRY_COUNT,
      headHex: chain.headHex,
      rootHex: chain.rootHex,
      tenantId: "tenant-test",
      checkpoints: chain.checkpointSeqs.length,
      checkpointsVerified: chain.checkpointSeqs.length,
      damage: null,
      tornTail: null,
    });
    expect(chain.checkpointSeqs.length).toBeGreaterThanOrEqual(4);
    expect(new Set(chain.lines.map((line) => /"kind":"(\w+)"/.exec(line)?.[1]))).toEqual(
      new Set(["budget", "decision", "outcome", "checkpoint"]),
    );
  });

  test("node:crypto SHA-256 gives the same report as @noble/hashes", () => {
    const options = { verifierKey: devVerifier };
    expect(verifyExportBytes(chain.bytes, { ...options, sha256: nodeSha256 })).toEqual(
      verifyExportBytes(chain.bytes, { ...options, sha256: nobleSha256 }),
    );
  });

  test("is refused for another tenant, and its checkpoints for another key", () => {
    expect(verifyExportBytes(chain.bytes, { sha256: nodeSha256, tenantId: "someone-else" }).damage).toMatchObject({ seq: 0 });
    const other = generateSignerKey("calybris-dev", new Uint8Array(32).fill(3));
    const report = verifyExportBytes(chain.bytes, { sha256: nodeSha256, verifierKey: other });
    expect(report).toMatchObject({ ok: false, damage: { seq: chain.checkpointSeqs[0] } });
  });
});

describe("single-bit flips", () => {
  test(`${FLIP_COUNT} seeded flips are each caught at the line holding the flipped byte`, () => {
    const rng = new TestRandom(0xf11b);
    const flips = Array.from({ length: FLIP_COUNT }, () => ({ offset: rng.int(chain.bytes.length), bit: rng.int(8) }));
    // Make sure the edges are in: the first byte, the last line's final newline, a middle newline.
    flips[0] = { offset: 0, bit: 0 };
    flips[1] = { offset: chain.bytes.length - 1, bit: 3 };
    flips[2] = { offset: chain.lineStarts[5_000]! - 1, bit: 1 };
    const order = flips.map((flip, i) => ({ ...flip, i, line: lineOfByte(flip.offset) })).sort((a, b) => a.line - b.line);
    const fullCheck = new Set(Array.from({ length: FULL_CHECK_COUNT }, () => rng.int(FLIP_COUNT)));
    const encoder = new TextEncoder();
    const streaming = new ChainVerifier({ sha256: nodeSha256, verifierKey: devVerifier });
    let verifiedLines = 0;
    let tornTails = 0;
    for (const flip of order) {
      while (verifiedLines < flip.line) expect(streaming.push(encoder.encode(chain.lines[verifiedLines++]!))).toBe(true);
      // Only the flipped line and the next are copied: the prefix is what `streaming` saw, and a
      // verifier that stops at the flipped line (or at its merge with the next) reads no further.
      const lineStart = chain.lineStarts[flip.line]!;
      const rest = chain.bytes.slice(lineStart, chain.lineStarts[Math.min(flip.line + 2, ENTRY_COUNT)]!);
      rest[flip.offset - lineStart] = rest[flip.offset - lineStart]! ^ (1 << flip.bit);
      const report = continueVerifying(forkVerifier(streaming), rest, 0);
      const where = `flip of bit ${flip.bit} at byte ${flip.offset} (line ${flip.line})`;
      if (flip.offset === chain.bytes.length - 1) {
        // The last line's newline is gone: the line is now an unterminated tail, which is what an
        // interrupted append looks like, so it is reported as a torn tail and not as damage.
        tornTails++;
        expect(report, where).toMatchObject({
          ok: true,
          entries: ENTRY_COUNT - 1,
          damage: null,
          tornTail: { seq: ENTRY_COUNT - 1, bytes: chain.lines.at(-1)!.length + 1 },
        });
      } else {
        expect(report, where).toMatchObject({ ok: false, entries: flip.line, damage: { seq: flip.line }, tornTail: null });
      }
      if (fullCheck.has(flip.i) || flip.i < 3) {
        const bytes = chain.bytes.slice();
        bytes[flip.offset] = bytes[flip.offset]! ^ (1 << flip.bit);
        expect(verifyExportBytes(bytes, { sha256: nodeSha256, verifierKey: devVerifier }), where).toEqual(report);
      }
    }
    expect(tornTails).toBe(1);
  }, 30_000);
});

describe("a torn tail", () => {
  // A full pass over 10,000 lines costs about 0.15 s here, so cutting the last line at each of its
  // ~300 offsets with verifyExportBytes alone would take most of a minute. Every offset of the
  // 10,000-entry export is checked from the verified state of its first 9,999 lines (forked),
  // a sample of them with the real function over the whole export (identical reports), and
  // every offset of a shorter prefix export (itself a complete chain) with the real function.
  function expectTornAt(report: VerifyReport, entries: number, tailBytes: number, where: string): void {
    expect(report, where).toMatchObject({ ok: true, entries, damage: null, tornTail: { seq: entries, bytes: tailBytes } });
  }

  test("every cut of the last line of the 10,000-entry export is a torn tail of the first n - 1 entries", () => {
    const lastStart = chain.lineStarts[ENTRY_COUNT - 1]!;
    const lastLength = chain.bytes.length - lastStart;
    const prefix = new ChainVerifier({ sha256: nodeSha256 });
    const encoder = new TextEncoder();
    for (let seq = 0; seq < ENTRY_COUNT - 1; seq++) expect(prefix.push(encoder.encode(chain.lines[seq]!))).toBe(true);
    const sampled = new Set([lastStart + 1, lastStart + 73, lastStart + 74, chain.bytes.length - 2, chain.bytes.length - 1]);
    for (let end = lastStart + 1; end < chain.bytes.length; end += 37) sampled.add(end);
    let cuts = 0;
    // From one byte after the previous newline to one byte before the end: the last line's own
    // newline is missing in every case, so no cut leaves a complete line.
    for (let end = lastStart + 1; end < chain.bytes.length; end++) {
      const where = `cut at ${end}`;
      const report = continueVerifying(forkVerifier(prefix), chain.bytes.subarray(lastStart, end), 0);
      expectTornAt(report, ENTRY_COUNT - 1, end - lastStart, where);
      if (sampled.has(end)) expect(verifyExportBytes(chain.bytes.subarray(0, end), { sha256: nodeSha256 }), where).toEqual(report);
      cuts++;
    }
    expect(cuts).toBe(lastLength - 1);
    // A cut right after the previous newline leaves a shorter, complete chain: no tail at all.
    expect(verifyExportBytes(chain.bytes.subarray(0, lastStart), { sha256: nodeSha256 })).toMatchObject({
      ok: true,
      entries: ENTRY_COUNT - 1,
      tornTail: null,
    });
  }, 30_000);

  test("every cut of a decision line ending a shorter export is a torn tail, through verifyExportBytes alone", () => {
    // The first decision after entry 200: the export of entries [0, n) is a complete chain too.
    const n = chain.lines.findIndex((line, seq) => seq >= 200 && line.includes('"kind":"decision"')) + 1;
    const lastStart = chain.lineStarts[n - 1]!;
    const end = chain.lineStarts[n]!;
    for (let cut = lastStart + 1; cut < end; cut++) {
      expectTornAt(verifyExportBytes(chain.bytes.subarray(0, cut), { sha256: nodeSha256 }), n - 1, cut - lastStart, `cut at ${cut}`);
    }
    expect(verifyExportBytes(chain.bytes.subarray(0, end), { sha256: nodeSha256 })).toMatchObject({ ok: true, entries: n, tornTail: null });
  }, 30_000);
});

describe("damage in the middle of history", () => {
  const MIDDLE = 5_000;

  function reseal(line: string, prevHex: string, edit: (record: Record<string, unknown>) => void): string {
    const entry = JSON.parse(line) as { kind: EntryKind; seq: number; ts: number; record: Record<string, unknown> };
    edit(entry.record);
    return sealEntry(hexToBytes(prevHex), entry.seq, entry.kind, entry.ts, entry.record as EntryRecord).line;
  }

  function refusedAt(bytes: Uint8Array, seq: number, verifierKey = devVerifier): void {
    const report = verifyExportBytes(bytes, { sha256: nodeSha256, verifierKey });
    expect(report).toMatchObject({ ok: false, entries: seq, damage: { seq }, tornTail: null });
  }

  test("an amount changed in place is refused at that entry", () => {
    const lines = [...chain.lines];
    const target = lines.findIndex((line, seq) => seq >= MIDDLE && line.includes('"amount_micros":'));
    lines[target] = lines[target]!.replace(/"amount_micros":(\d+)/, (_, digits: string) => `"amount_micros":${Number(digits) + 1}`);
    refusedAt(fromLines(lines), target);
  });

  test("an amount changed with a recomputed fingerprint breaks the next entry's link", () => {
    const lines = [...chain.lines];
    const prevHex = JSON.parse(lines[MIDDLE]!).prev as string;
    lines[MIDDLE] = reseal(lines[MIDDLE]!, prevHex, (record) => {
      record.tampered = 1;
    });
    refusedAt(fromLines(lines), MIDDLE + 1);
  });

  test("a rewritten suffix re-signed with another key passes only a keyless check", () => {
    const lines = [...chain.lines];
    let prevHex = JSON.parse(lines[MIDDLE]!).prev as string;
    const forger = generateSignerKey("calybris-dev", new Uint8Array(32).fill(7));
    const firstCheckpointAfter = chain.checkpointSeqs.find((seq) => seq > MIDDLE)!;
    const verifier = new ChainVerifier({ sha256: nodeSha256 });
    for (let seq = 0; seq < lines.length; seq++) {
      if (seq >= MIDDLE) {
        lines[seq] = reseal(lines[seq]!, prevHex, (record) => {
          if (seq === MIDDLE) record.tampered = 1;
          if (record.note !== undefined) {
            // The forger recomputes the root over the forged entries and signs it with its own key.
            const root = verifier.report(null).rootHex;
            record.root = root;
            record.note = signCheckpoint({ origin: ORIGIN, treeSize: seq, rootHash: hexToBytes(root) }, forger);
          }
        });
        prevHex = JSON.parse(lines[seq]!).fp as string;
      }
      expect(verifier.push(new TextEncoder().encode(lines[seq]!))).toBe(true);
    }
    // Without a key a checkpoint is only parsed, so a full rewrite is internally consistent...
    expect(verifyExportBytes(fromLines(lines), { sha256: nodeSha256 })).toMatchObject({ ok: true, entries: ENTRY_COUNT });
    // ...but with the trusted key it is refused at the first checkpoint the forger had to re-sign.
    refusedAt(fromLines(lines), firstCheckpointAfter);
  });

  test("a deleted line is refused where it was", () => {
    refusedAt(fromLines(chain.lines.toSpliced(MIDDLE, 1)), MIDDLE);
  });

  test("two swapped lines are refused at the first of them", () => {
    const lines = [...chain.lines];
    [lines[MIDDLE], lines[MIDDLE + 1]] = [lines[MIDDLE + 1]!, lines[MIDDLE]!];
    refusedAt(fromLines(lines), MIDDLE);
  });

  test("a duplicated line is refused at the copy", () => {
    refusedAt(fromLines(chain.lines.toSpliced(MIDDLE, 0, chain.lines[MIDDLE]!)), MIDDLE + 1);
  });

  test("damage in the middle stays damage even when the tail is torn too", () => {
    const bytes = fromLines(chain.lines.toSpliced(MIDDLE, 1));
    refusedAt(bytes.subarray(0, bytes.length - 10), MIDDLE);
  });
});
