// `calybris verify` (src/cli): the CLI as a child process on small exports built by the pure
// ledger (exit status, report, damage location, torn tail, --write-truncated, usage), and the
// streaming verifier in-process against verifyExportBytes on clean, tampered, torn and forged
// exports, on the main thread and in worker threads, with lines split across read blocks.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { verifyExportBytes, type VerifyReport } from "../../../src/ledger/chain-verifier.ts";
import type { LedgerCommand } from "../../../src/ledger/commands.ts";
import { LedgerEngine } from "../../../src/ledger/engine.ts";
import { MemoryStore } from "../../../src/ledger/memory-store.ts";
import { generateSignerKey, parseSignerKey, parseVerifierKey, verifierKeyText, type VerifierKey } from "../../../src/ledger/signed-note.ts";
import { BlockChecker } from "../../../src/cli/block-check.ts";
import { scanJsonValue } from "../../../src/cli/json-scan.ts";
import { nodeSha256 } from "../../../src/cli/node-sha256.ts";
import { verifyExportFile, type VerifyFileOptions } from "../../../src/cli/verify-file.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CLI = join(ROOT, "src/cli/calybris.ts");
const DEV_KEY_DOC = join(ROOT, "docs/dev-signing-key.md");
const TENANT = "tenant-cli";
const NEWLINE = 0x0a;

function docLine(prefix: string): string {
  const line = readFileSync(DEV_KEY_DOC, "utf8")
    .split("\n")
    .find((candidate) => candidate.startsWith(prefix));
  if (line === undefined) throw new Error(`docs/dev-signing-key.md has no line starting with ${prefix}`);
  return line;
}

const signerParsed = parseSignerKey(docLine("PRIVATE+KEY+calybris-dev+"));
const verifierParsed = parseVerifierKey(docLine("calybris-dev+"));
if (!signerParsed.ok || !verifierParsed.ok) throw new Error("the dev key of docs/dev-signing-key.md does not parse");
const devSigner = signerParsed.key;
const devVerifier = verifierParsed.key;
const DEV_VERIFIER_TEXT = docLine("calybris-dev+");

/** An export of about 150 entries of every kind, with a signed checkpoint every 40 entries. */
async function buildExport(): Promise<Uint8Array> {
  const store = new MemoryStore();
  const engine = new LedgerEngine(store, { defer: (flush) => queueMicrotask(flush) });
  const tenant = {
    tenantId: TENANT,
    name: "CLI test",
    status: "active",
    mode: "live",
    pack: "llm",
    allowedProviderMask: 63,
    rateLimitPerMinute: 600,
    costCapMicros: -1,
    apiKeyHashHex: "00".repeat(32),
    apiKeyId: "key-1",
    webhookSecret: "whsec_dGVzdA==",
    createdAtMs: 0,
  } as const;
  await engine.submit({ type: "create_tenant", tenant, initialBudgetMicros: 500_000_000, nowMs: 0 });
  let nowMs = 1_000;
  for (let round = 0; round < 6; round++) {
    const commands: LedgerCommand[] = [{ type: "top_up", topUpId: `top-${round}`, amountMicros: 1_000_000, nowMs }];
    for (let i = 0; i < 16; i++) {
      const id = `d-${round}-${i}`;
      commands.push({
        type: "decide",
        decisionId: id,
        idempotencyKey: null,
        requestDigestHex: "ab".repeat(32),
        candidates: [
          { option: "model-a", costMicros: 40_000 + i },
          { option: "model-b", costMicros: 9_000 },
        ],
        record: { request_id: id, regime: "coding", tier: i % 4, note: "caf\u00e9 \u2014 ok", quality_bps: 9_100 },
        learnerContext: { regime: "coding" },
        tally: { regime: 0, propensity: null, shadow: null },
        reservationTtlMs: 60_000,
        nowMs: nowMs + i,
      });
    }
    const results = await Promise.all(commands.map((command) => engine.submit(command)));
    const outcomes = results.flatMap((result, i) => {
      const r = result as { ok: boolean; fingerprint?: string };
      return i > 0 && i % 3 === 0 && r.ok
        ? [
            engine.submit({
              type: "outcome",
              webhookId: `w-${round}-${i}`,
              requestDigestHex: `w-${round}-${i}`,
              decisionFingerprint: r.fingerprint!,
              model: "model-b",
              actualCostMicros: 30_000,
              record: { quality_bps: 8_800 },
              learnerOutcome: { success: true },
              nowMs: nowMs + 50,
            }),
          ]
        : [];
    });
    await Promise.all(outcomes);
    if (round % 2 === 1)
      await engine.submit({ type: "checkpoint", origin: `calybris.test/ledger/${TENANT}`, signer: devSigner, nowMs: nowMs + 60 });
    nowMs += 1_000;
  }
  const rows = store.readEntries(0, Number.MAX_SAFE_INTEGER);
  // A plain Uint8Array: Buffer#slice would share memory, and the tests slice to tamper.
  return new Uint8Array(Buffer.from(rows.map((row) => `${row.line}\n`).join("")));
}

let directory: string;
let clean: Uint8Array;
let lineStarts: number[];

function write(name: string, bytes: Uint8Array | string): string {
  const path = join(directory, name);
  writeFileSync(path, bytes);
  return path;
}

function runCli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const child = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8", timeout: 20_000 });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

const REPORT_KEYS = [
  "ok",
  "entries",
  "headHex",
  "rootHex",
  "tenantId",
  "checkpoints",
  "checkpointsVerified",
  "damage",
  "tornTail",
] as const;

function reportOf(json: Record<string, unknown>): VerifyReport {
  return Object.fromEntries(REPORT_KEYS.map((key) => [key, json[key]])) as unknown as VerifyReport;
}

function expected(bytes: Uint8Array, key: VerifierKey | null = null): VerifyReport {
  return verifyExportBytes(bytes, { sha256: nodeSha256, verifierKey: key });
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "calybris-verify-"));
  clean = await buildExport();
  lineStarts = [0];
  for (let at = clean.indexOf(NEWLINE); at >= 0; at = clean.indexOf(NEWLINE, at + 1)) lineStarts.push(at + 1);
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

// Each child process costs 0.2 to 0.5 s (Node start, type stripping), more on a loaded machine.
describe("calybris verify as a child process", { timeout: 20_000 }, () => {
  test("a clean export verifies without a key, and with the dev key as text or as the docs file", () => {
    const path = write("clean.jsonl", clean);
    const plain = runCli("verify", path, "--json");
    expect(plain.status).toBe(0);
    const json = JSON.parse(plain.stdout) as Record<string, unknown>;
    expect(reportOf(json)).toEqual(expected(clean));
    expect(json).toMatchObject({ ok: true, tenantId: TENANT, verdict: "verified", exitCode: 0, checkpointsVerified: 0 });
    expect(json.checkpoints).toBeGreaterThanOrEqual(3);
    const keyed = runCli("verify", path, "--key", DEV_VERIFIER_TEXT, "--tenant", TENANT);
    expect(keyed.status).toBe(0);
    expect(keyed.stdout).toMatch(/^VERIFIED: /);
    expect(keyed.stdout).toContain(
      `checkpoints:  ${json.checkpoints as number} found, ${json.checkpoints as number} signatures verified with calybris-dev+aa25f12c`,
    );
    expect(keyed.stdout).toContain(`merkle root:  ${expected(clean).rootHex}`);
    const fromFile = runCli("verify", path, "--key", DEV_KEY_DOC, "--json", "--threads", "2");
    expect(fromFile.status).toBe(0);
    expect(reportOf(JSON.parse(fromFile.stdout) as Record<string, unknown>)).toEqual(expected(clean, devVerifier));
  });

  test("another key refuses the first checkpoint; a signer key is refused as an argument", () => {
    const path = write("clean-2.jsonl", clean);
    const other = verifierKeyText(generateSignerKey("calybris-dev", new Uint8Array(32).fill(7)));
    const wrong = runCli("verify", path, "--key", other, "--json");
    expect(wrong.status).toBe(1);
    const json = JSON.parse(wrong.stdout) as Record<string, unknown>;
    expect(reportOf(json)).toEqual(
      expected(clean, parseVerifierKey(other).ok ? (parseVerifierKey(other) as { key: VerifierKey }).key : null),
    );
    expect(json.damage).toMatchObject({ reason: expect.stringContaining("note_unverified") });
    const signer = runCli("verify", path, "--key", docLine("PRIVATE+KEY+"));
    expect(signer.status).toBe(2);
    expect(signer.stderr).toContain("signer (private) key");
    expect(signer.stderr).not.toContain(docLine("PRIVATE+KEY+").slice(20));
  });

  test("one flipped bit in the middle names that entry, its line and byte offset, and exits 1", () => {
    const line = Math.floor(lineStarts.length / 2);
    const bytes = clean.slice();
    bytes[lineStarts[line]! + 100]! ^= 0x04;
    const path = write("flipped.jsonl", bytes);
    const human = runCli("verify", path);
    expect(human.status).toBe(1);
    expect(human.stdout).toContain(
      `first bad entry: seq ${line} (line ${line + 1}, byte offset ${lineStarts[line]!.toLocaleString("en-US")}): `,
    );
    expect(human.stdout).toContain("nothing was truncated");
    for (const threads of ["0", "2"]) {
      const json = JSON.parse(runCli("verify", path, "--json", "--threads", threads).stdout) as Record<string, unknown>;
      expect(reportOf(json)).toEqual(expected(bytes));
      expect(json).toMatchObject({ verdict: "damaged", damage: { seq: line }, location: { line: line + 1, byteOffset: lineStarts[line] } });
    }
  });

  test("a torn tail is reported, exits 0, and --write-truncated keeps a prefix that verifies cleanly", () => {
    const last = lineStarts.length - 2;
    const cut = lineStarts[last]! + 90;
    const path = write("torn.jsonl", clean.slice(0, cut));
    const out = join(directory, "truncated.jsonl");
    const torn = runCli("verify", path, "--write-truncated", out);
    expect(torn.status, torn.stdout + torn.stderr).toBe(0);
    expect(torn.stdout).toContain(
      `torn tail at seq ${last}: 90 bytes of an interrupted write; the export is verified up to seq ${last - 1}`,
    );
    expect(torn.stdout).toContain(`wrote the ${last} complete entries`);
    expect(Buffer.compare(readFileSync(out), clean.subarray(0, lineStarts[last]!))).toBe(0);
    const again = runCli("verify", out, "--json");
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ verdict: "verified", entries: last, tornTail: null });
    const json = JSON.parse(runCli("verify", path, "--json").stdout) as Record<string, unknown>;
    expect(reportOf(json)).toEqual(expected(clean.slice(0, cut)));
  });

  test("an empty file and a garbage file exit 1; a missing file and bad usage exit 2", () => {
    const empty = runCli("verify", write("empty.jsonl", ""));
    expect(empty.status).toBe(1);
    expect(empty.stdout).toContain("no complete entry");
    const garbage = runCli("verify", write("garbage.jsonl", '\u0000\u00ffnot json\n{"fp":1}\n'), "--json");
    expect(garbage.status).toBe(1);
    expect(JSON.parse(garbage.stdout)).toMatchObject({ verdict: "damaged", damage: { seq: 0 }, location: { line: 1, byteOffset: 0 } });
    const unterminated = runCli("verify", write("garbage-torn.jsonl", "x".repeat(500)));
    expect(unterminated.status).toBe(1);
    expect(unterminated.stdout).toContain("only a torn line of 500 bytes");
    const missing = runCli("verify", join(directory, "does-not-exist.jsonl"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("cannot read");
    for (const args of [["verify"], ["verify", "a", "--bogus"], ["verify", "a", "--threads", "-1"], []]) {
      const usage = runCli(...args);
      expect(usage.status, args.join(" ")).toBe(2);
      expect(usage.stderr, args.join(" ")).toContain("Usage: calybris");
    }
    expect(runCli("verify", "--help").status).toBe(0);
  });
});

// ---- In-process: the streaming verifier must give verifyExportBytes' report on every input. ----

/** Rewrites line `seq` with `edit` and re-seals it and every later line, so fingerprints and links hold. */
function forge(bytes: Uint8Array, seq: number, edit: (body: Buffer) => Buffer): Uint8Array {
  const lines: Buffer[] = [];
  for (let i = 0; i + 1 < lineStarts.length; i++) lines.push(Buffer.from(bytes.subarray(lineStarts[i]!, lineStarts[i + 1]! - 1)));
  let prev = Buffer.from(lines[seq - 1]!.subarray(7, 71).toString("latin1"), "hex");
  for (let i = seq; i < lines.length; i++) {
    // body = the line without `{"fp":"<64 hex>",`; its canonical bytes are "{" + body.
    let body = lines[i]!.subarray(73);
    const prevAt = body.indexOf('"prev":"') + 8;
    body = Buffer.concat([body.subarray(0, prevAt), Buffer.from(prev.toString("hex")), body.subarray(prevAt + 64)]);
    if (i === seq) body = edit(body);
    const fp = hash("sha256", Buffer.concat([prev, Buffer.from("{"), body]), "buffer");
    lines[i] = Buffer.concat([Buffer.from(`{"fp":"${fp.toString("hex")}",`), body]);
    prev = fp;
  }
  return new Uint8Array(Buffer.concat(lines.flatMap((line) => [line, Buffer.from("\n")])));
}

function replaceRecord(record: string): (body: Buffer) => Buffer {
  return (body) => {
    const text = body.toString("latin1");
    const start = text.indexOf('"record":') + 9;
    const end = text.lastIndexOf(',"seq":');
    return Buffer.concat([body.subarray(0, start), Buffer.from(record, "utf8"), body.subarray(end)]);
  };
}

function replaceText(from: string, to: string): (body: Buffer) => Buffer {
  return (body) => Buffer.from(body.toString("latin1").replace(from, to), "latin1");
}

/**
 * The streaming verifier's report for `bytes` must equal verifyExportBytes' in every mode: the
 * fast path inline with whole and tiny read blocks (lines split across reads), the reference
 * mode, and, when `threaded`, the fast path in two worker threads (slower to start, so sampled).
 */
async function expectSameReport(bytes: Uint8Array, name: string, options: { key?: VerifierKey; threaded?: boolean } = {}): Promise<void> {
  const path = write(`${name.replace(/\W+/g, "-")}.jsonl`, bytes);
  const verifierKey = options.key ?? null;
  const want = expected(bytes, verifierKey);
  const runs: VerifyFileOptions[] = [
    { verifierKey, threads: 0 },
    { verifierKey, threads: 0, blockBytes: 97 },
    { verifierKey, mode: "reference", blockBytes: 333 },
  ];
  if (options.threaded === true) runs.push({ verifierKey, threads: 2, blockBytes: 4096 });
  for (const run of runs) expect((await verifyExportFile(path, run)).report, `${name} ${JSON.stringify(run)}`).toEqual(want);
}

describe("the streaming verifier against verifyExportBytes", () => {
  test("clean, with and without the key, split across read blocks of every size class", async () => {
    await expectSameReport(clean, "clean", { threaded: true });
    await expectSameReport(clean, "clean keyed", { key: devVerifier, threaded: true });
    // The fast path must carry the clean export, not hand it all to ChainVerifier: only seq 0
    // and the checkpoints need the slow path.
    const check = new BlockChecker().check(clean);
    const fast = check.segments.reduce((sum, segment) => sum + segment.lineCount, 0);
    expect(fast).toBe(check.lineCount - 1 - expected(clean).checkpoints);
  }, 30_000);

  test("bit flips anywhere, a lost newline, cuts at every kind of place", async () => {
    const flips = [0, 7, 72, lineStarts[1]! - 1, lineStarts[3]! + 80, lineStarts[40]! + 500, clean.length - 1];
    for (const offset of flips) {
      const bytes = clean.slice();
      bytes[offset]! ^= 0x01;
      await expectSameReport(bytes, `flip ${offset}`, { key: devVerifier, threaded: offset === flips[4] });
    }
    const cuts = [1, 73, lineStarts[1]!, lineStarts[2]! - 1, lineStarts[60]! + 3, clean.length - 1];
    for (const cut of cuts) await expectSameReport(clean.slice(0, cut), `cut ${cut}`);
  }, 30_000);

  test("forged lines whose fingerprints hold: odd but valid JSON passes, invalid JSON is refused exactly as JSON.parse does", async () => {
    const seq = 30;
    const edits: Record<string, (body: Buffer) => Buffer> = {
      whitespace: replaceRecord('{ "a" : [ 1 , 2.5e3 , -0 , true , false , null ] ,\t"b" : { } }'),
      escapes: replaceRecord('{"a":"\\u00e9\\n\\"\\\\\\/\\b\\f\\r\\t"}'),
      "raw utf-8": replaceRecord('{"a":"caf\u00e9 \u2014 \ud83d\ude00"}'),
      "deep nesting": replaceRecord(`{"a":${"[".repeat(200)}${"]".repeat(200)}}`),
      "leading zero": replaceRecord('{"a":01}'),
      "trailing comma": replaceRecord('{"a":1,}'),
      "control byte": replaceRecord('{"a":"x\u0001y"}'),
      "bad escape": replaceRecord('{"a":"\\x41"}'),
      "lone dot": replaceRecord('{"a":1.}'),
      "record array": replaceRecord("[1]"),
      "record null": replaceRecord("null"),
      "seq as 30.0": replaceText(`"seq":${seq},`, `"seq":${seq}.0,`),
      "ts as -0": (body) => Buffer.from(body.toString("latin1").replace(/"ts":\d+\}$/, '"ts":-0}'), "latin1"),
      "duplicate seq": (body) => Buffer.from(body.toString("latin1").replace(/\}$/, `,"seq":${seq}}`), "latin1"),
      "kind checkpoint": replaceText('"kind":"decision"', '"kind":"checkpoint"'),
      "unknown kind": replaceText('"kind":"decision"', '"kind":"decisions"'),
      "uppercase prev": (body) =>
        Buffer.from(
          body.toString("latin1").replace(/"prev":"([0-9a-f]{64})"/, (_, hex: string) => `"prev":"${hex.toUpperCase()}"`),
          "latin1",
        ),
    };
    for (const [name, edit] of Object.entries(edits)) {
      await expectSameReport(forge(clean, seq, edit), `forged ${name}`, { key: devVerifier, threaded: name === "whitespace" });
    }
    const invalidUtf8 = forge(clean, seq, (body) => {
      const copy = Buffer.from(body);
      copy[copy.indexOf('"request_id":"') + 14] = 0xff;
      return copy;
    });
    await expectSameReport(invalidUtf8, "forged invalid utf-8");
  }, 30_000);
});

describe("the fast path's JSON check", () => {
  /** True when scanJsonValue accepts all of `text` as one value (b[end] is the newline it needs). */
  function scanAccepts(text: string): boolean {
    const bytes = Buffer.from(`${text}\n`, "utf8");
    const out = { end: -1, nonAscii: false };
    scanJsonValue(bytes, 0, bytes.length - 1, out);
    return out.end === bytes.length - 1;
  }

  function parses(text: string): boolean {
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  }

  // The fast path is exact only if the scan never accepts what JSON.parse refuses; refusing valid
  // JSON merely sends a line to ChainVerifier. Canonical records must be accepted, or the fast
  // path would do nothing.
  const TOKENS = [
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    '"',
    "\\",
    "u",
    "00e9",
    "0",
    "1",
    "9",
    "-",
    "+",
    ".",
    "e",
    "E",
    "true",
    "false",
    "null",
    "tru",
    " ",
    "\t",
    "\r",
    "a",
    "\u00e9",
    "\u0001",
    "\u2028",
    '"k":',
    '{"a":',
    "1e5",
    "01",
  ];

  test("never accepts what JSON.parse refuses, on token soup and on mutated records", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }), (tokens) => {
        const text = tokens.join("");
        if (scanAccepts(text)) expect(parses(text), text).toBe(true);
      }),
      { numRuns: 20_000 },
    );
    const record = '{"a":[1,-2.5e+3,true,false,null,{"b":"c\\n\\u00e9"}],"d":{},"e":[],"f":"caf\u00e9"}';
    expect(scanAccepts(record)).toBe(true);
    fc.assert(
      fc.property(fc.nat(record.length - 1), fc.constantFrom(...TOKENS, ""), fc.nat(2), (at, token, cut) => {
        const text = record.slice(0, at) + token + record.slice(at + cut);
        if (scanAccepts(text)) expect(parses(text), text).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  test("accepts every record of the clean export", () => {
    const text = Buffer.from(clean).toString("utf8");
    for (const line of text.split("\n").slice(0, -1)) {
      const record = line.slice(line.indexOf('"record":') + 9, line.lastIndexOf(',"seq":'));
      expect(scanAccepts(record), record).toBe(true);
    }
  });

  test("a line longer than the bound is refused, not held; a torn tail longer than it is only counted", async () => {
    const long = Buffer.from("x".repeat(5_000));
    const middle = new Uint8Array(
      Buffer.concat([clean.subarray(0, lineStarts[5]!), long, Buffer.from("\n"), clean.subarray(lineStarts[5]!)]),
    );
    const report = await verifyExportFile(write("overlong.jsonl", middle), {
      verifierKey: null,
      threads: 0,
      blockBytes: 97,
      lineBytesMax: 1_000,
    });
    expect(report.report).toMatchObject({
      ok: false,
      entries: 5,
      damage: { seq: 5, reason: expect.stringContaining("longer than 1000 bytes") },
    });
    expect(report.location).toEqual({ line: 6, byteOffset: lineStarts[5] });
    const torn = new Uint8Array(Buffer.concat([clean, long]));
    const tail = await verifyExportFile(write("overlong-tail.jsonl", torn), {
      verifierKey: null,
      threads: 0,
      blockBytes: 97,
      lineBytesMax: 1_000,
    });
    expect(tail.report).toEqual(expected(torn));
  });
});
