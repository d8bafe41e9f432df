// Chain entries: canonical bytes, fingerprints and the export line (docs/chain-format.md).
// fingerprint = SHA-256(prev_hash || JCS({kind, prev, record, seq, ts})); the export line is the
// JCS of the same object with "fp" added, which sorts first, so a line carries its own proof.

import { sha256, sha256PrefixedText } from "./sha256.ts";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { canonicalJson, type CanonicalValue } from "./canonical.ts";

/** `policy` (issue 12): one policy lifecycle event (stage, promote, rollback, discard) per entry. */
export const ENTRY_KINDS = ["decision", "outcome", "budget", "checkpoint", "policy", "execution"] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export type EntryRecord = { readonly [key: string]: CanonicalValue };

export interface SealedEntry {
  readonly seq: number;
  readonly kind: EntryKind;
  readonly tsMs: number;
  readonly prevHex: string;
  readonly fpHex: string;
  /** The fingerprint's 32 bytes: the next entry's prev and this entry's Merkle leaf data. */
  readonly fp: Uint8Array;
  /** The export line without its newline: JCS of {fp, kind, prev, record, seq, ts}. */
  readonly line: string;
}

/** Length of the line prefix `{"fp":"<64 hex>",` that the canonical bytes do not contain. */
export const FP_PREFIX_LENGTH = 73;
const FP_PREFIX_START = '{"fp":"';

/** The per-tenant genesis hash that entry 0 chains from. */
export function genesisHash(tenantId: string): Uint8Array {
  return sha256(utf8ToBytes(`calybris/genesis/v1\n${tenantId}`));
}

export function canonicalEntry(seq: number, kind: EntryKind, tsMs: number, prevHex: string, record: EntryRecord): string {
  return canonicalJson({ kind, prev: prevHex, record, seq, ts: tsMs });
}

export function fingerprint(prev: Uint8Array, canonical: string): Uint8Array {
  return sha256PrefixedText(prev, canonical);
}

/** Seals one entry after `prev`. Throws CanonicalError if the record has no canonical form. */
export function sealEntry(prev: Uint8Array, seq: number, kind: EntryKind, tsMs: number, record: EntryRecord): SealedEntry {
  const prevHex = bytesToHex(prev);
  const canonical = canonicalEntry(seq, kind, tsMs, prevHex, record);
  const fp = fingerprint(prev, canonical);
  const fpHex = bytesToHex(fp);
  return { seq, kind, tsMs, prevHex, fpHex, fp, line: `${FP_PREFIX_START}${fpHex}",${canonical.slice(1)}` };
}

/** The canonical bytes inside an export line, or null when the line does not start with an fp field. */
export function canonicalOfLine(line: string): string | null {
  if (
    !line.startsWith(FP_PREFIX_START) ||
    line.length <= FP_PREFIX_LENGTH ||
    line[FP_PREFIX_LENGTH - 2] !== '"' ||
    line[FP_PREFIX_LENGTH - 1] !== ","
  ) {
    return null;
  }
  return `{${line.slice(FP_PREFIX_LENGTH)}`;
}

export function fpOfLine(line: string): string {
  return line.slice(FP_PREFIX_START.length, FP_PREFIX_START.length + 64);
}
