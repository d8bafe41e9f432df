// Signed notes and note keys: published golang.org/x/mod vectors, the key ID rule by hand, the
// development key in docs/, fast-check round trips and bit flips, and a table of malformed notes.

import { readFileSync } from "node:fs";
import { Buffer } from "node:buffer";
import * as ed from "@noble/ed25519";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { decodeBase64, encodeBase64 } from "../../../src/ledger/base64.ts";
import {
  generateSignerKey,
  keyId,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  signerKeyText,
  verifierKeyText,
  SIGNATURES_PER_NOTE_MAX,
  type SignerKey,
  type VerifierKey,
} from "../../../src/ledger/signed-note.ts";
import vectors from "../../vectors/signed-note.json" with { type: "json" };

const utf8 = new TextEncoder();

function signer(text: string): SignerKey {
  const parsed = parseSignerKey(text);
  if (!parsed.ok) throw new Error(`vector signer key refused: ${parsed.code} ${parsed.detail}`);
  return parsed.key;
}

function verifier(text: string): VerifierKey {
  const parsed = parseVerifierKey(text);
  if (!parsed.ok) throw new Error(`vector verifier key refused: ${parsed.code} ${parsed.detail}`);
  return parsed.key;
}

const [peterVector] = vectors.signerKeys;
const [note] = vectors.notes;
const [peterLine = "", enochLine = ""] = note!.signatures.map((signature) => signature.line);
const peter = signer(peterVector!.signerKey);
const peterVerifier = verifier(peterVector!.verifierKey);
const enochVerifier = verifier(vectors.verifierKeys[0]!.verifierKey);
const text = note!.text;
const peterNote = `${text}\n${peterLine}`;
const peterBase64 = peterLine.slice("\u2014 PeterNeumann ".length); // ends in the newline
const signatureBytes = decodeBase64(peterBase64.slice(0, -1))!;
const peterBytes = utf8.encode(peterNote);
// The em dash of the signature line starts right after the ASCII text and the blank line.
const emDashAt = text.length + 1;
const lineWithBytes = (bytes: Uint8Array): string => `\u2014 PeterNeumann ${encodeBase64(bytes)}\n`;

describe("published vectors", () => {
  test.each(vectors.signerKeys)("signer key $name derives its published verifier key", (vector) => {
    const key = signer(vector.signerKey);
    expect(key.name).toBe(vector.name);
    expect(key.keyId.toString(16).padStart(8, "0")).toBe(vector.keyIdHex);
    expect(verifierKeyText(key)).toBe(vector.verifierKey);
    expect(signerKeyText(key)).toBe(vector.signerKey);
    expect(verifier(vector.verifierKey).publicKey).toEqual(key.publicKey);
  });

  test.each(vectors.verifierKeys)("verifier key $name parses and prints back unchanged", (vector) => {
    const key = verifier(vector.verifierKey);
    expect(key.keyId.toString(16).padStart(8, "0")).toBe(vector.keyIdHex);
    expect(verifierKeyText(key)).toBe(vector.verifierKey);
  });

  test.each(vectors.badVerifierKeys)("refuses verifier key: $why", (vector) => {
    expect(parseVerifierKey(vector.verifierKey)).toMatchObject({ ok: false, code: vector.code });
  });

  test("signing the published text reproduces the published signature byte for byte", () => {
    // Ed25519 signatures are deterministic (RFC 8032 section 5.1.6), so the same key and text
    // must give the very same line that golang.org/x/mod/sumdb/note printed.
    expect(signNote(text, peter)).toBe(peterNote);
  });

  test("opens the doubly signed note with either, both or neither verifier", () => {
    const doubly = `${text}\n${peterLine}${enochLine}`;
    expect(openNote(doubly, [peterVerifier])).toEqual({ ok: true, text, verifiedBy: ["PeterNeumann+c74f20a3"] });
    expect(openNote(doubly, [enochVerifier])).toEqual({ ok: true, text, verifiedBy: ["EnochRoot+af0cfe78"] });
    expect(openNote(utf8.encode(doubly), [enochVerifier, peterVerifier])).toEqual({
      ok: true,
      text,
      verifiedBy: ["PeterNeumann+c74f20a3", "EnochRoot+af0cfe78"],
    });
    expect(openNote(doubly, [])).toMatchObject({ ok: false, code: "note_unverified" });
  });

  test("repeated signature lines are accepted once, as golang.org/x/mod does", () => {
    const repeated = `${text}\n${peterLine}${peterLine}${enochLine}${enochLine}`;
    expect(openNote(repeated, [peterVerifier])).toEqual({ ok: true, text, verifiedBy: ["PeterNeumann+c74f20a3"] });
  });

  test("every mangling of the published keys is refused, never thrown (TestNewVerifier, TestNewSigner)", () => {
    for (const [keyText, parse] of [
      [peterVector!.verifierKey, parseVerifierKey],
      [peterVector!.signerKey, parseSignerKey],
    ] as const) {
      for (let start = 0; start <= keyText.length; start++) {
        for (let end = start + 1; end <= keyText.length; end++) {
          if (start === 0 && end === keyText.length) continue;
          expect(parse(keyText.slice(start, end)).ok, keyText.slice(start, end)).toBe(false);
        }
      }
      for (let index = 0; index < keyText.length; index++) {
        const mangled = keyText.slice(0, index) + String.fromCharCode(keyText.charCodeAt(index) + 1) + keyText.slice(index + 1);
        expect(parse(mangled).ok, mangled).toBe(false);
      }
    }
  });
});

describe("key ID", () => {
  test("is the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key), big-endian", () => {
    const name = utf8.encode("PeterNeumann");
    const byHand = sha256(new Uint8Array([...name, 0x0a, 0x01, ...peter.publicKey]));
    expect(Buffer.from(byHand.subarray(0, 4)).toString("hex")).toBe("c74f20a3");
    expect(keyId("PeterNeumann", peter.publicKey)).toBe(0xc74f20a3);
    expect(keyId("PeterNeumann", peter.publicKey)).toBe(byHand[0]! * 2 ** 24 + byHand[1]! * 2 ** 16 + byHand[2]! * 2 ** 8 + byHand[3]!);
  });

  test("hashes the name as UTF-8", () => {
    const name = "señor.example/ключ";
    const byHand = sha256(new Uint8Array([...Buffer.from(name, "utf8"), 0x0a, 0x01, ...peter.publicKey]));
    expect(keyId(name, peter.publicKey)).toBe(Buffer.from(byHand).readUInt32BE(0));
  });
});

describe("development key", () => {
  test("docs/dev-signing-key.md holds exactly the keys derived from the documented seed", () => {
    const seed = sha256(utf8.encode("calybris development key — public, never use in production"));
    const key = generateSignerKey("calybris-dev", seed);
    const docs = readFileSync(new URL("../../../docs/dev-signing-key.md", import.meta.url), "utf8");
    const signerLines = docs.split("\n").filter((line) => line.startsWith("PRIVATE+KEY+"));
    const verifierLines = docs.split("\n").filter((line) => line.startsWith("calybris-dev+"));
    expect(signerLines).toEqual([signerKeyText(key)]);
    expect(verifierLines).toEqual([verifierKeyText(key)]);
    expect(docs).toMatch(/this key is public/i);
    expect(docs).toContain(`Key ID \`${key.keyId.toString(16).padStart(8, "0")}\``);
  });
});

// Key names per signed-note "Format": non-empty, no '+', no Unicode space; control characters
// are also left out because a note cannot hold them.
const nameArbitrary = fc.oneof(
  fc.stringMatching(/^[a-z0-9./-]{1,24}$/),
  fc
    .string({ unit: "binary", minLength: 1, maxLength: 12 })
    .map((name) => name.replace(/[+\p{White_Space}\u0000-\u001F]/gu, ""))
    .filter((name) => name.length > 0),
);
const lineArbitrary = fc.oneof(
  fc.string({ unit: "binary", maxLength: 24 }).map((line) => line.replace(/[\u0000-\u001F]/g, "")),
  fc.constantFrom("", "\u2014 PeterNeumann x08go/ZJkuBS9UG/Sffcv", "\uFEFFbom", "\u{1F600}", "\u2028"),
);
const textArbitrary = fc.array(lineArbitrary, { minLength: 1, maxLength: 5 }).map((lines) => `${lines.join("\n")}\n`);
const seedArbitrary = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe("round trips and properties", () => {
  test("sign then open gives back the text, from a string or from UTF-8 bytes", () => {
    fc.assert(
      fc.property(textArbitrary, nameArbitrary, seedArbitrary, (noteText, name, seed) => {
        const key = generateSignerKey(name, seed);
        const signed = signNote(noteText, key);
        const handle = `${name}+${key.keyId.toString(16).padStart(8, "0")}`;
        expect(openNote(signed, [key])).toEqual({ ok: true, text: noteText, verifiedBy: [handle] });
        expect(openNote(utf8.encode(signed), [verifier(verifierKeyText(key))])).toEqual({ ok: true, text: noteText, verifiedBy: [handle] });
        expect(signerKeyText(signer(signerKeyText(key)))).toBe(signerKeyText(key));
      }),
      { numRuns: 40 },
    );
  });

  test("any single-bit flip of a singly signed note makes it fail, never throw", () => {
    const bytes = utf8.encode(peterNote);
    fc.assert(
      fc.property(fc.nat(bytes.length * 8 - 1), (bit) => {
        const flipped = bytes.slice();
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        expect(openNote(flipped, [peterVerifier]).ok).toBe(false);
      }),
      { numRuns: 250 },
    );
  });

  test("a bit flip in a doubly signed note may drop a signer but never changes the opened text", () => {
    const bytes = utf8.encode(`${text}\n${peterLine}${enochLine}`);
    fc.assert(
      fc.property(fc.nat(bytes.length * 8 - 1), (bit) => {
        const flipped = bytes.slice();
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        const opened = openNote(flipped, [peterVerifier, enochVerifier]);
        if (opened.ok) {
          expect(opened.text).toBe(text);
          expect(opened.verifiedBy).toHaveLength(1);
        }
      }),
      { numRuns: 100 },
    );
  });

  test("a key of the same name but another seed refuses the note", () => {
    fc.assert(
      fc.property(seedArbitrary, seedArbitrary, (seedA, seedB) => {
        fc.pre(Buffer.compare(seedA, seedB) !== 0);
        const signed = signNote("checkpoint\n", generateSignerKey("log.example", seedA));
        expect(openNote(signed, [generateSignerKey("log.example", seedB)])).toMatchObject({ ok: false, code: "note_unverified" });
      }),
      { numRuns: 10 },
    );
  });

  test("a known key whose signature does not verify rejects the whole note, even beside a good one", () => {
    // Same length as the real signature: only bytes after the key ID change.
    const forged = `${peterLine.slice(0, 60)}ABCD${peterLine.slice(64)}`;
    expect(openNote(`${text}\n${forged}`, [peterVerifier])).toMatchObject({ ok: false, code: "note_signature_invalid" });
    expect(openNote(`${text}\n${enochLine}${forged}`, [peterVerifier, enochVerifier])).toMatchObject({
      ok: false,
      code: "note_signature_invalid",
    });
    expect(openNote(`${text.replace("answer", "Answer")}\n${peterLine}`, [peterVerifier])).toMatchObject({
      ok: false,
      code: "note_signature_invalid",
    });
  });

  test("verification is strict RFC 8032: a signature valid only under ZIP 215 is refused", () => {
    // R is the identity point spelled with y = p + 1, a non-canonical encoding; S = k * a. The
    // cofactored ZIP 215 rule accepts it, RFC 8032 (and Go's crypto/ed25519) must not.
    const order = 2n ** 252n + 27742317777372353535851937790883648493n;
    const littleEndian = (value: bigint): Uint8Array =>
      Uint8Array.from({ length: 32 }, (_, index) => Number((value >> BigInt(8 * index)) & 0xffn));
    const r = littleEndian(2n ** 255n - 19n + 1n);
    const message = utf8.encode(text);
    const k =
      BigInt(
        `0x${Buffer.from(sha512(new Uint8Array([...r, ...peter.publicKey, ...message])))
          .reverse()
          .toString("hex")}`,
      ) % order;
    const signature = new Uint8Array([...r, ...littleEndian((k * ed.utils.getExtendedPublicKey(peter.seed).scalar) % order)]);
    expect(ed.verify(signature, message, peter.publicKey, { zip215: true })).toBe(true);
    const line = lineWithBytes(new Uint8Array([...signatureBytes.subarray(0, 4), ...signature]));
    expect(openNote(`${text}\n${line}`, [peterVerifier])).toMatchObject({ ok: false, code: "note_signature_invalid" });
  });

  test("signatures by unknown keys are ignored, whatever their length, even sharing a name or an ID", () => {
    const unknownLong = `\u2014 mldsa.example/witness ${encodeBase64(new Uint8Array(2424).fill(7))}\n`;
    const sameNameOtherId = `\u2014 PeterNeumann ${encodeBase64(new Uint8Array(68).fill(1))}\n`;
    const otherNameSameId = peterLine.replace("PeterNeumann", "PeterNeuman");
    for (const extra of [unknownLong, sameNameOtherId, otherNameSameId]) {
      expect(openNote(`${text}\n${extra}${peterLine}`, [peterVerifier])).toEqual({ ok: true, text, verifiedBy: ["PeterNeumann+c74f20a3"] });
      expect(openNote(`${text}\n${extra}`, [peterVerifier])).toMatchObject({ ok: false, code: "note_unverified" });
    }
  });
});

// Each row ends in the expected code. golang.org/x/mod gives "invalid signature" for a known
// key's signature of the wrong length; here that is a syntax error, since Ed25519 signatures are
// exactly 64 bytes.
const malformedNotes: [string, string | Uint8Array][] = [
  ["text only, no signatures", text],
  ["blank line but no signature lines", `${text}\n`],
  ["missing blank line", `${text}${peterLine}`],
  ["text without final newline", `${text.slice(0, -1)}\n${peterLine}`],
  ["last signature line without newline", `${text}\n${peterLine.slice(0, -1)}`],
  ["control character in text", `\u0001${peterNote}`],
  ["carriage return line endings", peterNote.replaceAll("\n", "\r\n")],
  ["tab in text", `\t${peterNote}`],
  ["invalid UTF-8", new Uint8Array([0xff, ...utf8.encode(peterNote)])],
  ["truncated UTF-8 of the em dash", new Uint8Array([...peterBytes.subarray(0, emDashAt + 2), ...peterBytes.subarray(emDashAt + 3)])],
  ["lone surrogate", `\uD800${peterNote}`],
  ["line not starting with em dash and space", `${text}\n- PeterNeumann ${peterBase64}`],
  [
    "space in key name",
    `${text}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
  ],
  ["'+' in key name", `${text}\n${peterLine.replace("PeterNeumann", "Peter+Neumann")}`],
  ["empty key name", `${text}\n\u2014  ${peterBase64}`],
  ["no space after key name", `${text}\n\u2014 PeterNeumann\n`],
  ["bad base64 character", `${text}\n${peterLine.replace("/", "*")}`],
  ["base64 missing its padding", `${text}\n${peterLine.replace("=\n", "\n")}`],
  ["non-canonical base64 padding bits", `${text}\n${peterLine.replace("M=\n", "N=\n")}`],
  ["signature of 63 bytes by a known key", `${text}\n${lineWithBytes(signatureBytes.slice(0, 67))}`],
  ["signature of 65 bytes by a known key", `${text}\n${lineWithBytes(new Uint8Array([...signatureBytes, 0]))}`],
  ["key ID without signature bytes", `${text}\n\u2014 PeterNeumann ${encodeBase64(signatureBytes.slice(0, 4))}\n`],
  ["unexpected line after signatures", `${peterNote}Unexpected line.\n`],
  [`more than ${SIGNATURES_PER_NOTE_MAX} signatures`, `${text}\n${peterLine.repeat(SIGNATURES_PER_NOTE_MAX + 1)}`],
];

describe("malformed notes", () => {
  test.each(malformedNotes)("%s gives note_malformed", (_, malformed) => {
    expect(openNote(malformed, [peterVerifier])).toMatchObject({ ok: false, code: "note_malformed" });
  });

  test(`exactly ${SIGNATURES_PER_NOTE_MAX} signatures are accepted`, () => {
    expect(openNote(`${text}\n${peterLine.repeat(SIGNATURES_PER_NOTE_MAX)}`, [peterVerifier]).ok).toBe(true);
  });

  test("a leading byte order mark is part of the signed text, not stripped", () => {
    const withBom = signNote(`\uFEFF${text}`, peter);
    expect(openNote(utf8.encode(withBom), [peterVerifier])).toMatchObject({ ok: true, text: `\uFEFF${text}` });
    expect(openNote(utf8.encode(withBom).subarray(3), [peterVerifier])).toMatchObject({ ok: false, code: "note_signature_invalid" });
  });
});

describe("key text", () => {
  test.each([
    ["no separators", "PeterNeumann", "key_malformed"],
    ["uppercase key ID", "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "key_malformed"],
    ["short key ID", "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "key_malformed"],
    ["empty name", "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "key_malformed"],
    ["space in name", "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "key_malformed"],
    ["wrong key ID", "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "key_id_mismatch"],
    ["wrong name", "PeterNeuman+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "key_id_mismatch"],
    ["signer text given as verifier", "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", "key_malformed"],
    ["small-order public key", `x+${"0".repeat(8)}+${encodeBase64(new Uint8Array([1, 1, ...new Uint8Array(31)]))}`, "key_malformed"],
  ])("verifier key with %s gives %s", (_, keyText, code) => {
    expect(parseVerifierKey(keyText)).toMatchObject({ ok: false, code });
  });

  test.each([
    ["verifier text given as signer", peterVector!.verifierKey, "key_malformed"],
    ["lowercase prefix", peterVector!.signerKey.replace("PRIVATE+KEY", "private+key"), "key_malformed"],
    ["wrong key ID", peterVector!.signerKey.replace("c74f20a3", "c74f20a4"), "key_id_mismatch"],
    ["unknown algorithm", peterVector!.signerKey.replace("+AYEK", "+AoEK"), "key_algorithm_unknown"],
  ])("signer key with %s gives %s and never echoes the key", (_, keyText, code) => {
    const parsed = parseSignerKey(keyText);
    expect(parsed).toMatchObject({ ok: false, code });
    expect(JSON.stringify(parsed)).not.toContain("AYEKFALVFGyNhPJEMzD1QIDr");
  });

  test("the seed stays out of logs and JSON", () => {
    expect(Object.keys(peter)).toEqual(["name", "keyId", "publicKey"]);
    expect(JSON.stringify(peter)).not.toContain("seed");
    expect(peter.seed).toHaveLength(32);
  });
});

// Hostile values every argument check must refuse (after noble-hashes' shared list).
const hostile: unknown[] = [
  undefined,
  null,
  NaN,
  -0,
  1e9999,
  42n,
  true,
  {},
  [],
  () => "x",
  Symbol("s"),
  { length: 32 },
  new Uint16Array(16),
  new Proxy({}, {}),
  new Uint8Array(31),
  new Uint8Array(33),
];

describe("programmer errors throw with a noble-style message", () => {
  test("bad names", () => {
    for (const name of ["", "a+b", "a b", "a\u00A0b", "a\u2028b", "a\nb", "\uD800", ...hostile]) {
      expect(() => keyId(name as string, peter.publicKey)).toThrow(/^"name" expected non-empty string without '\+' or spaces, got /);
      expect(() => generateSignerKey(name as string, new Uint8Array(32))).toThrow(/"name" expected/);
    }
  });

  test("bad byte arrays", () => {
    for (const bytes of hostile) {
      expect(() => generateSignerKey("ok", bytes as Uint8Array)).toThrow(/^"seed" expected Uint8Array of length 32, got /);
      expect(() => keyId("ok", bytes as Uint8Array)).toThrow(/^"publicKey" expected Uint8Array of length 32, got /);
    }
    expect(() => generateSignerKey("ok", new Uint8Array(31))).toThrow(
      new RangeError('"seed" expected Uint8Array of length 32, got length=31'),
    );
  });

  test("bad note text, notes, keys and verifier lists", () => {
    for (const bad of ["", "no final newline", "a\r\n", "\uD800\n", ...hostile]) {
      expect(() => signNote(bad as string, peter)).toThrow(/^"text" expected note text ending in newline/);
    }
    for (const bad of hostile.filter((value) => !(value instanceof Uint8Array))) {
      expect(() => openNote(bad as string, [peterVerifier])).toThrow(/^"note" expected string or Uint8Array/);
      const verifiers = Array.isArray(bad) ? [bad] : bad;
      expect(() => openNote(peterNote, verifiers as VerifierKey[])).toThrow(/^"verifiers" expected|^"name" expected/);
      expect(() => parseVerifierKey(bad as string)).toThrow(/^"text" expected string/);
      expect(() => signNote(text, bad as SignerKey)).toThrow(/^"(signer|name|publicKey)" expected/);
    }
    const wrongId = { ...peterVerifier, keyId: peterVerifier.keyId + 1 };
    expect(() => openNote(peterNote, [wrongId])).toThrow(/^"verifiers" expected key ID matching name and public key/);
    expect(() => openNote(peterNote, [peterVerifier, peter])).toThrow(
      /^"verifiers" expected distinct keys, got "PeterNeumann\+c74f20a3" twice/,
    );
    expect(() => signNote(text, { ...peter } as SignerKey)).toThrow(/^"seed" expected Uint8Array of length 32/);
    const otherSeed = Object.assign(Object.create(null), peterVerifier, { seed: new Uint8Array(32) }) as SignerKey;
    expect(() => signNote(text, otherSeed)).toThrow(/^"signer" expected public key derived from its seed/);
  });
});

describe("base64", () => {
  test("agrees with Node's encoder and decodes back, for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
        const encoded = encodeBase64(bytes);
        expect(encoded).toBe(Buffer.from(bytes).toString("base64"));
        expect(decodeBase64(encoded)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  test.each(["A", "AB", "ABC", "A===", "====", "AB=C", "QR==", "QUJ=", "AB CD", "AB\nC", "ABC\u00E9", "-_AA"])(
    "refuses the non-canonical or invalid spelling %j",
    (spelling) => expect(decodeBase64(spelling)).toBeUndefined(),
  );

  test("decodes the empty string and padded groups", () => {
    expect(decodeBase64("")).toEqual(new Uint8Array(0));
    expect(decodeBase64("QQ==")).toEqual(utf8.encode("A"));
    expect(decodeBase64("QUI=")).toEqual(utf8.encode("AB"));
  });
});
