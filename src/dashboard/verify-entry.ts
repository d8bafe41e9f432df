// The dashboard's "verify": one chain entry checked in the browser against a signed checkpoint,
// with the ledger's own pure modules (the same RFC 6962 / RFC 9162 and C2SP signed-note code that
// `calybris verify` runs), so the page trusts nothing the server says beyond the verifier key.
// Pure: it takes the JSON of GET /v1/chain/proof/:seq and the key text, and never fetches.

import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { openCheckpoint } from "../ledger/checkpoint.ts";
import { canonicalOfLine, fingerprint, fpOfLine } from "../ledger/entry.ts";
import { leafHash } from "../ledger/merkle.ts";
import { verifyInclusion } from "../ledger/merkle-proofs.ts";
import { parseVerifierKey } from "../ledger/signed-note.ts";

/** GET /v1/chain/proof/:seq as the API answers it (untrusted until checked). */
export interface ProofJson {
  readonly seq: unknown;
  readonly tree_size: unknown;
  readonly leaf_hash: unknown;
  readonly root: unknown;
  readonly proof: unknown;
  readonly entry: unknown;
  readonly checkpoint: unknown;
}

/** The steps of a check, in order; a failure names the first that did not hold. */
export type VerifyStep = "key" | "shape" | "entry" | "leaf" | "checkpoint" | "inclusion";

export type EntryVerdict =
  | {
      readonly ok: true;
      readonly seq: number;
      readonly treeSize: number;
      /** The key that signed the checkpoint, or null when no signed checkpoint covers the entry yet (live root). */
      readonly signedBy: string | null;
      readonly fingerprint: string;
    }
  | { readonly ok: false; readonly step: VerifyStep; readonly detail: string };

const HEX32 = /^[0-9a-f]{64}$/;
const PROOF_HASHES_MAX = 64;

function failed(step: VerifyStep, detail: string): EntryVerdict {
  return { ok: false, step, detail };
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function isHex32(value: unknown): value is string {
  return typeof value === "string" && HEX32.test(value);
}

function isProof(value: unknown): value is string[] {
  return Array.isArray(value) && value.length <= PROOF_HASHES_MAX && value.every(isHex32);
}

/**
 * The entry's own fingerprint, recomputed from its line: SHA-256(prev || canonical bytes)
 * (docs/chain-format.md), so an entry whose text was changed no longer matches its leaf.
 */
function recomputedFingerprint(line: string, seq: number): string | null {
  const canonical = canonicalOfLine(line);
  if (canonical === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return null;
  }
  const fields = parsed as { prev?: unknown; seq?: unknown };
  if (!isHex32(fields.prev) || fields.seq !== seq) return null;
  const fp = bytesToHex(fingerprint(hexToBytes(fields.prev), canonical));
  return fp === fpOfLine(line) ? fp : null;
}

/**
 * RFC 9162 section 2.1.3.2 on hex as the API sends it: is `leafHex` leaf `index` of the tree of
 * `size` leaves with root `rootHex`, by this audit path? Anything malformed answers false.
 */
export function checkInclusion(leafHex: unknown, index: unknown, size: unknown, pathHex: unknown, rootHex: unknown): boolean {
  if (!isHex32(leafHex) || !isCount(index) || !isCount(size) || !isProof(pathHex) || !isHex32(rootHex)) return false;
  return verifyInclusion(hexToBytes(leafHex), index, size, pathHex.map(hexToBytes), hexToBytes(rootHex));
}

/**
 * A checkpoint note opened with the verifier key's text (C2SP signed-note, then tlog-checkpoint):
 * its size, root (hex) and signer, or why it does not verify.
 */
export function openSignedCheckpoint(
  note: string,
  verifierKeyText: string,
  origin?: string,
): { ok: true; treeSize: number; rootHex: string; signedBy: string } | { ok: false; step: "key" | "checkpoint"; detail: string } {
  const key = parseVerifierKey(verifierKeyText);
  if (!key.ok) return { ok: false, step: "key", detail: `the verifier key is not usable: ${key.detail}` };
  const opened = openCheckpoint(note, key.key, origin);
  if (!opened.ok) return { ok: false, step: "checkpoint", detail: `the checkpoint does not verify: ${opened.detail}` };
  const { treeSize, rootHash } = opened.checkpoint;
  return { ok: true, treeSize, rootHex: bytesToHex(rootHash), signedBy: opened.verifiedBy[0] ?? key.key.name };
}

/**
 * Checks that the proof's entry is leaf `seq` of the tree whose root a checkpoint signed by
 * `verifierKeyText` commits to (C2SP tlog-checkpoint; RFC 9162 section 2.1.3.2). `origin`, when
 * given, is the log the checkpoint must name. A proof against the live root (no checkpoint yet)
 * verifies inclusion only and says so with signedBy null.
 */
export function verifyEntryProof(proof: ProofJson, verifierKeyText: string, origin?: string): EntryVerdict {
  const key = parseVerifierKey(verifierKeyText);
  if (!key.ok) return failed("key", `the verifier key is not usable: ${key.detail}`);
  const { seq, tree_size: treeSize, leaf_hash: leaf, root, proof: path, entry, checkpoint } = proof;
  if (!isCount(seq) || !isCount(treeSize) || !isHex32(leaf) || !isHex32(root) || !isProof(path) || typeof entry !== "string") {
    return failed("shape", "the proof is not of the shape GET /v1/chain/proof/:seq answers");
  }
  const fp = recomputedFingerprint(entry, seq);
  if (fp === null) return failed("entry", `entry ${seq} does not hash to its own fingerprint`);
  if (bytesToHex(leafHash(hexToBytes(fp))) !== leaf) return failed("leaf", "the leaf hash is not SHA-256(0x00 || fingerprint)");
  let signedBy: string | null = null;
  if (checkpoint !== null) {
    if (typeof checkpoint !== "string") return failed("shape", "the checkpoint is not note text");
    const opened = openSignedCheckpoint(checkpoint, verifierKeyText, origin);
    if (!opened.ok) return opened;
    if (opened.treeSize !== treeSize || opened.rootHex !== root) {
      return failed("checkpoint", "the proof's tree size and root are not the ones the checkpoint signed");
    }
    signedBy = opened.signedBy;
  }
  if (!checkInclusion(leaf, seq, treeSize, path, root))
    return failed("inclusion", `the audit path does not lead from leaf ${seq} to the root`);
  return { ok: true, seq, treeSize, signedBy, fingerprint: fp };
}
