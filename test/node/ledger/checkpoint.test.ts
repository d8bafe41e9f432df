// Checkpoints: a real sum.golang.org tree head, exact formatting, strict parsing of sizes and
// roots, fast-check round trips, and signing and opening with the development key.

import { Buffer } from "node:buffer";
import { sha256 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  type CheckpointFields,
} from "../../../src/ledger/checkpoint.ts";
import { generateSignerKey, parseVerifierKey, signNote, type VerifierKey } from "../../../src/ledger/signed-note.ts";
import vectors from "../../vectors/signed-note.json" with { type: "json" };

const utf8 = new TextEncoder();
const devKey = generateSignerKey("calybris-dev", sha256(utf8.encode("calybris development key — public, never use in production")));
const otherKey = generateSignerKey("calybris-dev", new Uint8Array(32).fill(9));
// RFC 6962 section 2.1: the root of the empty tree is SHA-256 of the empty string.
const emptyRoot = sha256(new Uint8Array(0));
const emptyRootBase64 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
const root = (fill: number): Uint8Array => new Uint8Array(32).fill(fill);

function verifier(text: string): VerifierKey {
  const parsed = parseVerifierKey(text);
  if (!parsed.ok) throw new Error(`vector verifier key refused: ${parsed.code}`);
  return parsed.key;
}

describe("published checkpoint", () => {
  const [vector] = vectors.checkpoints;
  const sumdb = verifier(vector!.verifierKey);

  test("a sum.golang.org tree head opens with the key pinned in the go command", () => {
    const opened = openCheckpoint(vector!.note, sumdb, vector!.origin);
    expect(opened).toMatchObject({ ok: true, verifiedBy: ["sum.golang.org+033de0ae"] });
    if (!opened.ok) return;
    expect(opened.checkpoint.origin).toBe(vector!.origin);
    expect(opened.checkpoint.treeSize).toBe(vector!.treeSize);
    expect(Buffer.from(opened.checkpoint.rootHash).toString("base64")).toBe(vector!.rootHashBase64);
    expect(opened.checkpoint.extensions).toEqual([]);
    expect(`${formatCheckpoint(opened.checkpoint)}\n`).toBe(vector!.note.slice(0, vector!.note.indexOf("\u2014")));
  });

  test("the same tree head is refused for another origin, another key, or one changed digit", () => {
    expect(openCheckpoint(vector!.note, sumdb, "example.com/log")).toMatchObject({ ok: false, code: "checkpoint_origin_mismatch" });
    expect(openCheckpoint(vector!.note, devKey)).toMatchObject({ ok: false, code: "note_unverified" });
    expect(openCheckpoint(vector!.note.replace("6476701", "6476702"), sumdb)).toMatchObject({ ok: false, code: "note_signature_invalid" });
  });

  test.each(vectors.malformedCheckpointTexts[0]!.cases)("refuses the published bad checkpoint: $why", ({ text }) => {
    expect(parseCheckpoint(text)).toMatchObject({ ok: false, code: "checkpoint_malformed" });
  });
});

describe("formatCheckpoint", () => {
  test.each<[string, CheckpointFields, string]>([
    ["the empty tree", { origin: "example.com/log", treeSize: 0, rootHash: emptyRoot }, `example.com/log\n0\n${emptyRootBase64}\n`],
    ["2^53-1 leaves", { origin: "o", treeSize: 2 ** 53 - 1, rootHash: emptyRoot }, `o\n9007199254740991\n${emptyRootBase64}\n`],
    ["-0 leaves, printed as 0", { origin: "o", treeSize: -0, rootHash: emptyRoot }, `o\n0\n${emptyRootBase64}\n`],
    [
      "extension lines",
      { origin: "o", treeSize: 7, rootHash: emptyRoot, extensions: ["ext one", "2"] },
      `o\n7\n${emptyRootBase64}\next one\n2\n`,
    ],
  ])("formats %s", (_, fields, expected) => {
    expect(formatCheckpoint(fields)).toBe(expected);
  });

  test.each<[string, unknown, RegExp]>([
    ["empty origin", { origin: "", treeSize: 0, rootHash: emptyRoot }, /^"origin" expected non-empty line/],
    ["origin with a newline", { origin: "a\nb", treeSize: 0, rootHash: emptyRoot }, /^"origin" expected/],
    ["origin with a carriage return", { origin: "a\r", treeSize: 0, rootHash: emptyRoot }, /^"origin" expected/],
    ["negative size", { origin: "o", treeSize: -1, rootHash: emptyRoot }, /^"treeSize" expected safe integer >= 0, got -1$/],
    ["fractional size", { origin: "o", treeSize: 1.5, rootHash: emptyRoot }, /^"treeSize" expected safe integer >= 0, got 1.5$/],
    ["NaN size", { origin: "o", treeSize: NaN, rootHash: emptyRoot }, /^"treeSize" expected/],
    ["2^53 size", { origin: "o", treeSize: 2 ** 53, rootHash: emptyRoot }, /^"treeSize" expected/],
    ["infinite size", { origin: "o", treeSize: 1e9999, rootHash: emptyRoot }, /^"treeSize" expected/],
    ["bigint size", { origin: "o", treeSize: 1n, rootHash: emptyRoot }, /^"treeSize" expected safe integer >= 0, got type=bigint$/],
    [
      "31-byte root",
      { origin: "o", treeSize: 0, rootHash: new Uint8Array(31) },
      /^"rootHash" expected Uint8Array of length 32, got length=31$/,
    ],
    [
      "33-byte root",
      { origin: "o", treeSize: 0, rootHash: new Uint8Array(33) },
      /^"rootHash" expected Uint8Array of length 32, got length=33$/,
    ],
    ["root as an array", { origin: "o", treeSize: 0, rootHash: [...emptyRoot] }, /^"rootHash" expected Uint8Array/],
    ["empty extension line", { origin: "o", treeSize: 0, rootHash: emptyRoot, extensions: [""] }, /^"extensions" expected non-empty line/],
    ["extensions not an array", { origin: "o", treeSize: 0, rootHash: emptyRoot, extensions: "x" }, /^"extensions" expected array/],
    ["no fields", null, /^"fields" expected object/],
  ])("throws on %s", (_, fields, message) => {
    expect(() => formatCheckpoint(fields as CheckpointFields)).toThrow(message);
  });
});

const sizeArbitrary = fc.oneof(fc.constantFrom(0, 1, 2 ** 31 - 1, 2 ** 32, 2 ** 53 - 1), fc.maxSafeNat());
const lineArbitrary = fc.string({ unit: "binary", minLength: 1, maxLength: 20 }).map((line) => line.replace(/[\u0000-\u001F]/g, "."));
const fieldsArbitrary = fc.record({
  origin: lineArbitrary,
  treeSize: sizeArbitrary,
  rootHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  extensions: fc.array(lineArbitrary, { maxLength: 3 }),
});

describe("parseCheckpoint", () => {
  test("parses back exactly what formatCheckpoint wrote", () => {
    fc.assert(
      fc.property(fieldsArbitrary, (fields) => {
        expect(parseCheckpoint(formatCheckpoint(fields))).toEqual({ ok: true, checkpoint: fields });
      }),
      { numRuns: 300 },
    );
  });

  test.each([
    ["leading zero", "01"],
    ["zero written twice", "00"],
    ["negative", "-1"],
    ["negative zero", "-0"],
    ["plus sign", "+1"],
    ["leading space", " 1"],
    ["trailing space", "1 "],
    ["decimal point", "1.0"],
    ["exponent", "1e3"],
    ["hexadecimal", "0x10"],
    ["empty", ""],
    ["2^53", "9007199254740992"],
    ["2^64", "18446744073709551616"],
    ["Arabic-Indic digits", "\u0661\u0662"],
    ["far too many digits", "9".repeat(400)],
  ])("refuses a tree size with %s", (_, size) => {
    expect(parseCheckpoint(`o\n${size}\n${emptyRootBase64}\n`)).toMatchObject({ ok: false, code: "checkpoint_malformed" });
  });

  test("accepts the largest exact size, 2^53-1", () => {
    expect(parseCheckpoint(`o\n9007199254740991\n${emptyRootBase64}\n`)).toMatchObject({ ok: true, checkpoint: { treeSize: 2 ** 53 - 1 } });
  });

  test.each([
    ["31-byte root", Buffer.alloc(31).toString("base64")],
    ["33-byte root", Buffer.alloc(33).toString("base64")],
    ["empty root", ""],
    ["unpadded root", emptyRootBase64.slice(0, -1)],
    ["non-canonical padding bits", emptyRootBase64.replace("U=", "V=")],
    ["URL-safe alphabet", emptyRootBase64.replace("+", "-").replace("/", "_")],
    ["hex root", Buffer.from(emptyRoot).toString("hex")],
  ])("refuses a %s", (_, rootLine) => {
    expect(parseCheckpoint(`o\n0\n${rootLine}\n`)).toMatchObject({ ok: false, code: "checkpoint_malformed" });
  });

  test.each([
    ["no final newline", `o\n0\n${emptyRootBase64}`],
    ["only two lines", "o\n0\n"],
    ["empty origin", `\n0\n${emptyRootBase64}\n`],
    ["empty extension line", `o\n0\n${emptyRootBase64}\n\next\n`],
    ["trailing blank line", `o\n0\n${emptyRootBase64}\n\n`],
    ["carriage returns", `o\r\n0\r\n${emptyRootBase64}\r\n`],
    ["a lone surrogate in the origin", `\uD800\n0\n${emptyRootBase64}\n`],
    ["nothing at all", ""],
  ])("refuses a checkpoint with %s", (_, text) => {
    expect(parseCheckpoint(text)).toMatchObject({ ok: false, code: "checkpoint_malformed" });
  });

  test("throws only when given something other than a string", () => {
    for (const bad of [undefined, null, 1, {}, new Uint8Array(1)]) {
      expect(() => parseCheckpoint(bad as string)).toThrow(/^"text" expected string, got type=/);
    }
  });
});

describe("signCheckpoint and openCheckpoint", () => {
  const fields = { origin: "calybris.dev/tenant/t1", treeSize: 42, rootHash: root(7) };

  test("sign then open returns the same fields, for any checkpoint", () => {
    fc.assert(
      fc.property(fieldsArbitrary, (anyFields) => {
        const opened = openCheckpoint(signCheckpoint(anyFields, devKey), devKey, anyFields.origin);
        expect(opened).toEqual({ ok: true, checkpoint: anyFields, verifiedBy: ["calybris-dev+aa25f12c"] });
      }),
      { numRuns: 25 },
    );
  });

  test("the signed checkpoint is the formatted text, a blank line and one signature line", () => {
    const signed = signCheckpoint(fields, devKey);
    expect(signed).toMatch(/^calybris\.dev\/tenant\/t1\n42\nBwcH[A-Za-z0-9+/]+=\n\n\u2014 calybris-dev [A-Za-z0-9+/]{91}=\n$/);
    expect(signed.startsWith(`${formatCheckpoint(fields)}\n`)).toBe(true);
  });

  test("refuses another key of the same name, and a text that is not a checkpoint even when well signed", () => {
    const signed = signCheckpoint(fields, devKey);
    expect(openCheckpoint(signed, otherKey)).toMatchObject({ ok: false, code: "note_unverified" });
    expect(openCheckpoint(signNote("not a checkpoint\n", devKey), devKey)).toMatchObject({ ok: false, code: "checkpoint_malformed" });
  });

  test("note failures come before checkpoint failures: an unverified text is never parsed", () => {
    const badTextBadSignature = `not a checkpoint\n\n\u2014 calybris-dev ${Buffer.alloc(68).toString("base64")}\n`;
    expect(openCheckpoint(badTextBadSignature, devKey)).toMatchObject({ ok: false, code: "note_unverified" });
    const forged = signCheckpoint(fields, devKey).replace("\n42\n", "\n43\n");
    expect(openCheckpoint(forged, devKey, fields.origin)).toMatchObject({ ok: false, code: "note_signature_invalid" });
    expect(openCheckpoint(utf8.encode(forged).subarray(1), devKey)).toMatchObject({ ok: false, code: "note_signature_invalid" });
  });

  test("argument errors throw", () => {
    expect(() => openCheckpoint(signCheckpoint(fields, devKey), devKey, "")).toThrow(/^"expectedOrigin" expected non-empty line/);
    expect(() => signCheckpoint({ ...fields, treeSize: -1 }, devKey)).toThrow(/^"treeSize" expected/);
  });
});
