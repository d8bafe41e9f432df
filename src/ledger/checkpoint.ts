// C2SP tlog checkpoints (https://c2sp.org/tlog-checkpoint): the signed note text that commits a
// log to its size and RFC 6962 root. Formatting and parsing are strict, so a checkpoint has one
// spelling. This module never checks that two checkpoints are consistent: the ledger must.

import { encodeBase64, decodeBase64 } from "./base64.ts";
import { isNoteText, openNote, signNote, type NoteCode, type SignerKey, type VerifierKey } from "./signed-note.ts";

const ROOT_HASH_BYTES = 32;
// Tree sizes are JavaScript numbers, so they are exact only up to 2^53-1 (16 decimal digits).
const TREE_SIZE_DIGITS_MAX = 16;
// "ASCII decimal with no leading zeroes (unless the tree is empty)" (tlog-checkpoint "Note text").
const TREE_SIZE_DECIMAL = /^(0|[1-9][0-9]*)$/;

export interface Checkpoint {
  readonly origin: string;
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
  readonly extensions: readonly string[];
}

export interface CheckpointFields {
  readonly origin: string;
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
  readonly extensions?: readonly string[];
}

/** Checkpoint failures after the note itself opened, in precedence order. */
export type CheckpointCode = "checkpoint_malformed" | "checkpoint_origin_mismatch";
export type ParseCheckpointResult = { ok: true; checkpoint: Checkpoint } | { ok: false; code: "checkpoint_malformed"; detail: string };
export type OpenCheckpointResult =
  { ok: true; checkpoint: Checkpoint; verifiedBy: string[] } | { ok: false; code: NoteCode | CheckpointCode; detail: string };

// A checkpoint line is one non-empty line of note text: no newline, no other control character.
function isLine(line: unknown): line is string {
  return typeof line === "string" && line.length > 0 && !line.includes("\n") && isNoteText(`${line}\n`);
}

function assertLine(line: unknown, title: string): asserts line is string {
  if (isLine(line)) return;
  const got = typeof line === "string" ? JSON.stringify(line.slice(0, 40)) : `type=${typeof line}`;
  const message = `"${title}" expected non-empty line without control characters, got ${got}`;
  throw typeof line === "string" ? new RangeError(message) : new TypeError(message);
}

function assertFields(fields: CheckpointFields): void {
  if (typeof fields !== "object" || fields === null) throw new TypeError(`"fields" expected object, got type=${typeof fields}`);
  const { origin, treeSize, rootHash, extensions = [] } = fields;
  assertLine(origin, "origin");
  const sizeExpected = '"treeSize" expected safe integer >= 0, got';
  if (typeof treeSize !== "number") throw new TypeError(`${sizeExpected} type=${typeof treeSize}`);
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) throw new RangeError(`${sizeExpected} ${treeSize}`);
  const rootExpected = `"rootHash" expected Uint8Array of length ${ROOT_HASH_BYTES}, got`;
  if (!(rootHash instanceof Uint8Array)) throw new TypeError(`${rootExpected} type=${typeof rootHash}`);
  if (rootHash.length !== ROOT_HASH_BYTES) throw new RangeError(`${rootExpected} length=${rootHash.length}`);
  if (!Array.isArray(extensions)) throw new TypeError(`"extensions" expected array of lines, got type=${typeof extensions}`);
  for (const extension of extensions) assertLine(extension, "extensions");
}

/** Checkpoint note text: origin, decimal tree size, base64 root hash, then any extension lines. */
export function formatCheckpoint(fields: CheckpointFields): string {
  assertFields(fields);
  const lines = [fields.origin, String(fields.treeSize), encodeBase64(fields.rootHash), ...(fields.extensions ?? [])];
  return lines.map((line) => `${line}\n`).join("");
}

function malformed(detail: string): { ok: false; code: "checkpoint_malformed"; detail: string } {
  return { ok: false, code: "checkpoint_malformed", detail };
}

// Returns the tree size, or undefined when the line is not a canonical size this code can hold.
function parseTreeSize(line: string): number | undefined {
  if (line.length > TREE_SIZE_DIGITS_MAX || !TREE_SIZE_DECIMAL.test(line)) return undefined;
  const treeSize = Number(line);
  return Number.isSafeInteger(treeSize) ? treeSize : undefined;
}

/** Parses checkpoint note text strictly. It does not verify anything: use openCheckpoint for that. */
export function parseCheckpoint(text: string): ParseCheckpointResult {
  if (typeof text !== "string") throw new TypeError(`"text" expected string, got type=${typeof text}`);
  if (!isNoteText(text)) return malformed("checkpoint is not note text ending in newline without control characters");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) return malformed("checkpoint has fewer than three lines");
  const [origin = "", sizeLine = "", rootLine = "", ...extensions] = lines;
  if (origin.length === 0) return malformed("origin line is empty or missing");
  const treeSize = parseTreeSize(sizeLine);
  if (treeSize === undefined) {
    return malformed("tree size is not decimal without leading zeros in 0..2^53-1");
  }
  const rootHash = decodeBase64(rootLine);
  if (rootHash === undefined || rootHash.length !== ROOT_HASH_BYTES) {
    return malformed("root hash is not canonical base64 of 32 bytes");
  }
  if (extensions.some((line) => line.length === 0)) return malformed("an extension line is empty");
  return { ok: true, checkpoint: { origin, treeSize, rootHash, extensions } };
}

/** Formats and signs a checkpoint. The caller must have checked it is consistent with earlier ones. */
export function signCheckpoint(fields: CheckpointFields, signer: SignerKey): string {
  return signNote(formatCheckpoint(fields), signer);
}

/**
 * Opens a signed checkpoint. The note is verified before its text is parsed, because the text
 * must be ignored unless a trusted key signed it (signed-note). Give expectedOrigin whenever the
 * caller knows which log it expects, so a checkpoint of another log signed by the same key fails.
 */
export function openCheckpoint(note: string | Uint8Array, verifier: VerifierKey, expectedOrigin?: string): OpenCheckpointResult {
  if (expectedOrigin !== undefined) assertLine(expectedOrigin, "expectedOrigin");
  const opened = openNote(note, [verifier]);
  if (!opened.ok) return opened;
  const parsed = parseCheckpoint(opened.text);
  if (!parsed.ok) return parsed;
  if (expectedOrigin !== undefined && parsed.checkpoint.origin !== expectedOrigin) {
    const detail = `origin ${JSON.stringify(parsed.checkpoint.origin)} is not ${JSON.stringify(expectedOrigin)}`;
    return { ok: false, code: "checkpoint_origin_mismatch", detail };
  }
  return { ok: true, checkpoint: parsed.checkpoint, verifiedBy: opened.verifiedBy };
}
