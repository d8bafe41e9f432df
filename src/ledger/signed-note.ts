// C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys in the key text formats of
// golang.org/x/mod/sumdb/note. Pure code for Node and workerd: no node: imports, no Buffer.
// Domain outcomes are result unions; it throws only on wrong argument types or values (bugs).

import * as ed from "@noble/ed25519";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { decodeBase64, encodeBase64 } from "./base64.ts";

// noble-ed25519 offers its synchronous API only once a SHA-512 is plugged in. Setting the same
// function again from another module is harmless.
ed.hashes.sha512 = sha512;

/** Signature type byte of Ed25519 (signed-note, "Signature types"). */
const ALGORITHM_ED25519 = 0x01;
const PUBLIC_KEY_BYTES = 32;
const SEED_BYTES = 32;
const SIGNATURE_BYTES = 64;
const KEY_ID_BYTES = 4;
/** The spec makes verifiers accept at least 16 signatures; golang.org/x/mod refuses over 100. */
export const SIGNATURES_PER_NOTE_MAX = 100;
const SIGNATURE_PREFIX = "\u2014 "; // em dash, space
const SIGNER_PREFIX = "PRIVATE+KEY+";

const UTF8_ENCODER = new TextEncoder();
// fatal: invalid UTF-8 is a malformed note, never silently replaced. ignoreBOM: a leading U+FEFF
// is part of the signed bytes and must stay in the text.
const UTF8_DECODER = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
// In u-mode a surrogate pair is one code point, so this matches only lone surrogates: strings
// that have no UTF-8 form and would be signed as U+FFFD.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const CONTROL_OTHER_THAN_NEWLINE = /[\u0000-\u0009\u000B-\u001F]/;
// The spec forbids "Unicode spaces" in key names; golang.org/x/mod uses unicode.IsSpace, which is
// exactly the White_Space property.
const WHITE_SPACE = /\p{White_Space}/u;
const KEY_ID_HEX = /^[0-9a-f]{8}$/;

/** A public Ed25519 note key: its name, its 32-bit key ID and its 32-byte public key. */
export interface VerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Uint8Array;
}

/**
 * A private note key. The 32-byte seed is non-enumerable so that logging or JSON-encoding the key
 * does not print it; spreading or structured cloning (Durable Object RPC) drops it too, so pass
 * the signer key text across such boundaries and parse it where it is used.
 */
export interface SignerKey extends VerifierKey {
  readonly seed: Uint8Array;
}

/** Key text failures, in precedence order. */
export type KeyCode = "key_malformed" | "key_algorithm_unknown" | "key_id_mismatch";
export type KeyResult<Key> = { ok: true; key: Key } | { ok: false; code: KeyCode; detail: string };

/** Note failures, in precedence order: syntax first, then a bad known signature, then none known. */
export type NoteCode = "note_malformed" | "note_signature_invalid" | "note_unverified";
export type NoteFailure = { ok: false; code: NoteCode; detail: string };
/** verifiedBy lists each key that verified, as "<name>+<8 hex key id>", in order of appearance. */
export type OpenNoteResult = { ok: true; text: string; verifiedBy: string[] } | NoteFailure;

function describe(value: unknown): string {
  if (typeof value !== "string") return `type=${typeof value}`;
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
}

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array || (ArrayBuffer.isView(value) && value.constructor.name === "Uint8Array");
}

function assertBytes(value: unknown, length: number, title: string): asserts value is Uint8Array {
  if (isBytes(value) && value.length === length) return;
  const got = isBytes(value) ? `length=${value.length}` : `type=${typeof value}`;
  const message = `"${title}" expected Uint8Array of length ${length}, got ${got}`;
  throw isBytes(value) ? new RangeError(message) : new TypeError(message);
}

function assertString(value: unknown, title: string): asserts value is string {
  if (typeof value !== "string") throw new TypeError(`"${title}" expected string, got type=${typeof value}`);
}

/** Key names: non-empty, no '+', no Unicode space (signed-note "Format"), no other control char. */
function isKeyName(name: unknown): name is string {
  return (
    typeof name === "string" &&
    name.length > 0 &&
    !name.includes("+") &&
    !WHITE_SPACE.test(name) &&
    !LONE_SURROGATE.test(name) &&
    !CONTROL_OTHER_THAN_NEWLINE.test(name)
  );
}

function assertKeyName(name: unknown): asserts name is string {
  if (isKeyName(name)) return;
  const message = `"name" expected non-empty string without '+' or spaces, got ${describe(name)}`;
  throw typeof name === "string" ? new RangeError(message) : new TypeError(message);
}

/** Note text: non-empty, ends in newline, valid Unicode, no ASCII control but newline. */
export function isNoteText(text: unknown): text is string {
  return typeof text === "string" && text.endsWith("\n") && !LONE_SURROGATE.test(text) && !CONTROL_OTHER_THAN_NEWLINE.test(text);
}

function hex8(keyId: number): string {
  return keyId.toString(16).padStart(8, "0");
}

function readUint32(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
}

function keyHandle(key: { name: string; keyId: number }): string {
  return `${key.name}+${hex8(key.keyId)}`;
}

/** Key ID = SHA-256(name || 0x0A || 0x01 || 32-byte public key)[:4], big-endian (signed-note "Ed25519 signatures"). */
export function keyId(name: string, publicKey: Uint8Array): number {
  assertKeyName(name);
  assertBytes(publicKey, PUBLIC_KEY_BYTES, "publicKey");
  const nameBytes = UTF8_ENCODER.encode(name);
  const input = new Uint8Array(nameBytes.length + 2 + PUBLIC_KEY_BYTES);
  input.set(nameBytes);
  input[nameBytes.length] = 0x0a;
  input[nameBytes.length + 1] = ALGORITHM_ED25519;
  input.set(publicKey, nameBytes.length + 2);
  return readUint32(sha256(input));
}

function assertVerifierKey(key: unknown, title: string): asserts key is VerifierKey {
  if (typeof key !== "object" || key === null) throw new TypeError(`"${title}" expected verifier key, got type=${typeof key}`);
  const { name, keyId: id, publicKey } = key as Partial<VerifierKey>;
  assertKeyName(name);
  assertBytes(publicKey, PUBLIC_KEY_BYTES, "publicKey");
  // A hand-built key whose ID does not follow from its name and public key is a bug.
  if (id !== keyId(name, publicKey)) {
    throw new RangeError(`"${title}" expected key ID matching name and public key, got ${describe(String(id))}`);
  }
}

function assertSignerKey(key: unknown): asserts key is SignerKey {
  assertVerifierKey(key, "signer");
  const seed = (key as Partial<SignerKey>).seed;
  assertBytes(seed, SEED_BYTES, "seed");
  const publicKey = ed.getPublicKey(seed);
  if (!publicKey.every((byte, index) => byte === key.publicKey[index])) {
    throw new RangeError(`"signer" expected public key derived from its seed, got another for ${keyHandle(key)}`);
  }
}

function makeSignerKey(name: string, publicKey: Uint8Array, seed: Uint8Array): SignerKey {
  const key = { name, keyId: keyId(name, publicKey), publicKey };
  Object.defineProperty(key, "seed", { value: seed, enumerable: false });
  return Object.freeze(key) as SignerKey;
}

/** Derives a signer key from a 32-byte seed; the caller supplies the randomness. */
export function generateSignerKey(name: string, seed32: Uint8Array): SignerKey {
  assertKeyName(name);
  assertBytes(seed32, SEED_BYTES, "seed");
  const seed = seed32.slice();
  return makeSignerKey(name, ed.getPublicKey(seed), seed);
}

function keyData(bytes: Uint8Array): string {
  const data = new Uint8Array(1 + bytes.length);
  data[0] = ALGORITHM_ED25519;
  data.set(bytes, 1);
  return encodeBase64(data);
}

/** `<name>+<8 hex key id>+<base64(0x01 || public key)>`, as golang.org/x/mod/sumdb/note prints it. */
export function verifierKeyText(key: VerifierKey): string {
  assertVerifierKey(key, "key");
  return `${keyHandle(key)}+${keyData(key.publicKey)}`;
}

/** `PRIVATE+KEY+<name>+<8 hex key id>+<base64(0x01 || seed)>`. Anyone holding it can sign. */
export function signerKeyText(key: SignerKey): string {
  assertSignerKey(key);
  return `${SIGNER_PREFIX}${keyHandle(key)}+${keyData(key.seed)}`;
}

type KeyFailure = Extract<KeyResult<never>, { ok: false }>;

function keyFailure(code: KeyCode, detail: string): KeyFailure {
  return { ok: false, code, detail };
}

type KeyParts = { name: string; keyId: number; data: string };

// Splits `<name>+<hex>+<data>`; the data is base64 and may itself hold '+'.
function splitKeyText(text: string): KeyParts | undefined {
  const first = text.indexOf("+");
  const second = first < 0 ? -1 : text.indexOf("+", first + 1);
  if (second < 0) return undefined;
  const name = text.slice(0, first);
  const idHex = text.slice(first + 1, second);
  if (!isKeyName(name) || !KEY_ID_HEX.test(idHex)) return undefined;
  return { name, keyId: Number.parseInt(idHex, 16), data: text.slice(second + 1) };
}

// Returns the 32 key bytes after the algorithm byte, or the failure. Never echoes the key text,
// which may be a private key.
function decodeKeyData(data: string): Uint8Array | KeyFailure {
  const bytes = decodeBase64(data);
  if (bytes === undefined || bytes.length === 0) return keyFailure("key_malformed", "key data is not canonical base64");
  if (bytes[0] !== ALGORITHM_ED25519) {
    return keyFailure("key_algorithm_unknown", `algorithm byte ${bytes[0]} is not Ed25519 (1)`);
  }
  if (bytes.length !== 1 + PUBLIC_KEY_BYTES) {
    return keyFailure("key_malformed", `Ed25519 key data is ${bytes.length} bytes, not ${1 + PUBLIC_KEY_BYTES}`);
  }
  return bytes.slice(1);
}

// Refuses encodings that are not a point, or are a small-order point: no signature can be
// trusted under those, and strict verification (below) would refuse every one of them anyway.
function isUsablePublicKey(publicKey: Uint8Array): boolean {
  try {
    return !ed.Point.fromBytes(publicKey).isSmallOrder();
  } catch {
    return false;
  }
}

const KEY_SHAPE = "key text is not <name>+<8 lowercase hex key id>+<base64 key>";

/** Parses verifier key text; checks the key ID against the name and public key. */
export function parseVerifierKey(text: string): KeyResult<VerifierKey> {
  assertString(text, "text");
  const parts = splitKeyText(text);
  if (parts === undefined) return keyFailure("key_malformed", KEY_SHAPE);
  const publicKey = decodeKeyData(parts.data);
  if (!(publicKey instanceof Uint8Array)) return publicKey;
  if (!isUsablePublicKey(publicKey)) return keyFailure("key_malformed", "public key is not a usable Ed25519 point");
  const id = keyId(parts.name, publicKey);
  if (id !== parts.keyId) {
    return keyFailure("key_id_mismatch", `key ID ${hex8(parts.keyId)} does not match name and public key`);
  }
  return { ok: true, key: Object.freeze({ name: parts.name, keyId: id, publicKey }) };
}

/** Parses signer key text; the key ID must match the public key derived from the seed. */
export function parseSignerKey(text: string): KeyResult<SignerKey> {
  assertString(text, "text");
  if (!text.startsWith(SIGNER_PREFIX)) return keyFailure("key_malformed", `signer key text does not start with ${SIGNER_PREFIX}`);
  const parts = splitKeyText(text.slice(SIGNER_PREFIX.length));
  if (parts === undefined) return keyFailure("key_malformed", `signer ${KEY_SHAPE}`);
  const seed = decodeKeyData(parts.data);
  if (!(seed instanceof Uint8Array)) return seed;
  const key = makeSignerKey(parts.name, ed.getPublicKey(seed), seed);
  if (key.keyId !== parts.keyId) {
    return keyFailure("key_id_mismatch", `key ID ${hex8(parts.keyId)} does not match name and derived public key`);
  }
  return { ok: true, key };
}

function signatureLine(key: VerifierKey, signature: Uint8Array): string {
  const payload = new Uint8Array(KEY_ID_BYTES + signature.length);
  new DataView(payload.buffer).setUint32(0, key.keyId);
  payload.set(signature, KEY_ID_BYTES);
  return `${SIGNATURE_PREFIX}${key.name} ${encodeBase64(payload)}\n`;
}

/** Signs note text (Ed25519 over its exact UTF-8 bytes, final newline included) and returns the note. */
export function signNote(text: string, signer: SignerKey): string {
  if (!isNoteText(text)) {
    const message =
      '"text" expected note text ending in newline, without lone surrogates or control characters ' + `but newline, got ${describe(text)}`;
    throw typeof text === "string" ? new RangeError(message) : new TypeError(message);
  }
  assertSignerKey(signer);
  const signature = ed.sign(UTF8_ENCODER.encode(text), signer.seed);
  return `${text}\n${signatureLine(signer, signature)}`;
}

function malformed(detail: string): NoteFailure {
  return { ok: false, code: "note_malformed", detail };
}

function indexVerifiers(verifiers: readonly VerifierKey[]): Map<string, VerifierKey> {
  if (!Array.isArray(verifiers)) throw new TypeError(`"verifiers" expected array of verifier keys, got type=${typeof verifiers}`);
  const known = new Map<string, VerifierKey>();
  for (const verifier of verifiers) {
    assertVerifierKey(verifier, "verifiers");
    const handle = keyHandle(verifier);
    if (known.has(handle)) throw new RangeError(`"verifiers" expected distinct keys, got ${describe(handle)} twice`);
    known.set(handle, verifier);
  }
  return known;
}

function decodeNote(note: string | Uint8Array): string | NoteFailure {
  let text: string;
  if (typeof note === "string") {
    if (LONE_SURROGATE.test(note)) return malformed("note holds a lone surrogate, so it has no UTF-8 form");
    text = note;
  } else {
    try {
      text = UTF8_DECODER.decode(note);
    } catch {
      return malformed("note is not valid UTF-8");
    }
  }
  if (CONTROL_OTHER_THAN_NEWLINE.test(text)) return malformed("note holds an ASCII control character other than newline");
  return text;
}

type ParsedSignature = { line: string; handle: string; signature: Uint8Array; verifier: VerifierKey | undefined };

function parseSignatureLine(line: string, number: number, known: Map<string, VerifierKey>): ParsedSignature | NoteFailure {
  if (!line.startsWith(SIGNATURE_PREFIX)) return malformed(`signature line ${number} does not start with an em dash and a space`);
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(" ");
  const name = rest.slice(0, Math.max(space, 0));
  if (space < 0 || !isKeyName(name)) return malformed(`signature line ${number} has no valid key name followed by a space`);
  const bytes = decodeBase64(rest.slice(space + 1));
  if (bytes === undefined || bytes.length <= KEY_ID_BYTES) {
    return malformed(`signature line ${number} is not canonical base64 of a key ID and a signature`);
  }
  const handle = keyHandle({ name, keyId: readUint32(bytes) });
  const verifier = known.get(handle);
  const signature = bytes.subarray(KEY_ID_BYTES);
  // Other signature types may be any length, but a known Ed25519 key signs exactly 64 bytes.
  if (verifier !== undefined && signature.length !== SIGNATURE_BYTES) {
    return malformed(`signature line ${number} by known key ${handle} is not ${SIGNATURE_BYTES} bytes`);
  }
  return { line, handle, signature, verifier };
}

// Splits at the last blank line (signed-note "Format") and parses every signature line, so a
// syntax error wins over any verification result.
type ParsedNote = { text: string; signatures: ParsedSignature[] };

function parseNote(note: string, known: Map<string, VerifierKey>): ParsedNote | NoteFailure {
  const split = note.lastIndexOf("\n\n");
  if (split < 0) return malformed("note has no blank line before its signatures");
  const block = note.slice(split + 2);
  if (block.length === 0) return malformed("note has no signature lines");
  if (!block.endsWith("\n")) return malformed("the last signature line does not end in a newline");
  // The split limit bounds the work on a hostile note before the count check refuses it.
  const lines = block.slice(0, -1).split("\n", SIGNATURES_PER_NOTE_MAX + 1);
  if (lines.length > SIGNATURES_PER_NOTE_MAX) return malformed(`note has more than ${SIGNATURES_PER_NOTE_MAX} signatures`);
  const signatures: ParsedSignature[] = [];
  for (const [index, line] of lines.entries()) {
    const parsed = parseSignatureLine(line, index + 1, known);
    if ("ok" in parsed) return parsed;
    signatures.push(parsed);
  }
  return { text: note.slice(0, split + 1), signatures };
}

/**
 * Opens a signed note: signatures by unknown keys are ignored, every signature by a known key
 * (same name and key ID) must verify, and at least one must (signed-note "Signatures"). The text
 * must be ignored unless this returns ok.
 */
export function openNote(note: string | Uint8Array, verifiers: readonly VerifierKey[]): OpenNoteResult {
  if (typeof note !== "string" && !isBytes(note)) {
    throw new TypeError(`"note" expected string or Uint8Array, got type=${typeof note}`);
  }
  const known = indexVerifiers(verifiers);
  const decoded = decodeNote(note);
  if (typeof decoded !== "string") return decoded;
  const parsed = parseNote(decoded, known);
  if ("ok" in parsed) return parsed;
  const textBytes = UTF8_ENCODER.encode(parsed.text);
  const verifiedLines = new Set<string>();
  const verifiedBy: string[] = [];
  for (const { line, handle, signature, verifier } of parsed.signatures) {
    // An identical line was verified already; skipping it bounds the work to one check per key.
    if (verifier === undefined || verifiedLines.has(line)) continue;
    // zip215: false is strict RFC 8032 verification: canonical encodings, no small-order keys.
    if (!ed.verify(signature, textBytes, verifier.publicKey, { zip215: false })) {
      return { ok: false, code: "note_signature_invalid", detail: `signature by known key ${handle} does not verify` };
    }
    verifiedLines.add(line);
    if (!verifiedBy.includes(handle)) verifiedBy.push(handle);
  }
  if (verifiedBy.length === 0) return { ok: false, code: "note_unverified", detail: "no signature is by a known key" };
  return { ok: true, text: parsed.text, verifiedBy };
}
