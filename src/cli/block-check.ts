// The verifier's fast path over a block of complete export lines, run in worker threads (or the
// main thread). A line is "plain" when it has exactly the canonical layout of a decision, outcome
// or budget entry past seq 0, its record is valid JSON and its fingerprint matches its bytes given
// its own stored prev. Runs of plain lines whose seq and prev chain to each other become segments,
// with the RFC 6962 subtrees of their leaves. Anything else is left to ChainVerifier on the main
// thread (stream-verifier.ts), so every reason and count still comes from ChainVerifier itself.

import { FP_PREFIX_LENGTH } from "../ledger/entry.ts";
import { scanJsonValue, type JsonScan } from "./json-scan.ts";
import { sha256Latin1 } from "./node-sha256.ts";

/** A perfect RFC 6962 subtree of 2^level leaves, aligned at its position in the tree. */
export interface MerklePiece {
  readonly level: number;
  /** The subtree hash as 32 latin1 characters, one per byte. */
  readonly hash: string;
}

/** Lines firstLine .. firstLine + lineCount - 1 of a block: plain and chained to each other. */
export interface Segment {
  readonly firstLine: number;
  readonly lineCount: number;
  /** The seq of the first line; the others follow it by one each. */
  readonly firstSeq: number;
  /** The first line's stored prev, as 32 latin1 characters. */
  readonly firstPrev: string;
  /** The last line's fingerprint (already checked against its bytes), as 32 latin1 characters. */
  readonly lastFp: string;
  /** The leaves' subtrees in order: appended to a tree of size firstSeq they extend it by lineCount. */
  readonly pieces: MerklePiece[];
}

export interface BlockCheck {
  readonly lineCount: number;
  /** Index of each line's newline in the block: line k spans [lineEnds[k-1] + 1, lineEnds[k]). */
  readonly lineEnds: Uint32Array;
  readonly segments: Segment[];
}

const NEWLINE = 0x0a;
const FP_START = 7;
const KIND_START = 81;
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUE["0123456789abcdef".charCodeAt(i)] = i;
const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const FP_OPEN = ascii('{"fp":"');
const KIND_OPEN = ascii('","kind":"');
const KIND_DECISION = ascii("decision");
const KIND_OUTCOME = ascii("outcome");
const KIND_BUDGET = ascii("budget");
const PREV_OPEN = ascii('","prev":"');
const RECORD_OPEN = ascii('","record":');
const SEQ_OPEN = ascii(',"seq":');
const TS_OPEN = ascii(',"ts":');
// Seq and ts of 15 digits or fewer are safe integers, as ChainVerifier requires.
const DIGITS_MAX = 15;
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function matches(b: Uint8Array, at: number, literal: Uint8Array): boolean {
  for (let k = 0; k < literal.length; k++) if (b[at + k] !== literal[k]) return false;
  return true;
}

/** Reads 64 lowercase hex characters at `at` into out[offset..offset+32]; false if any is not hex. */
function readHex(b: Uint8Array, at: number, out: Uint8Array, offset: number): boolean {
  for (let k = 0; k < 32; k++) {
    const high = HEX_VALUE[b[at + 2 * k]!]!;
    const low = HEX_VALUE[b[at + 2 * k + 1]!]!;
    if ((high | low) < 0) return false;
    out[offset + k] = (high << 4) | low;
  }
  return true;
}

/** Checks lines and builds segments; one instance per thread, since it reuses its buffers. */
export class BlockChecker {
  private input = Buffer.allocUnsafeSlow(4096);
  private readonly leafInput = Buffer.alloc(33);
  private readonly nodeInput = Buffer.alloc(65, 1);
  private readonly fp = Buffer.alloc(32);
  private readonly lastFp = Buffer.alloc(32);
  private readonly scan: JsonScan = { end: -1, nonAscii: false };
  private seq = -1;

  check(block: Uint8Array): BlockCheck {
    const b = Buffer.from(block.buffer, block.byteOffset, block.byteLength);
    const ends: number[] = [];
    for (let at = b.indexOf(NEWLINE); at >= 0; at = b.indexOf(NEWLINE, at + 1)) ends.push(at);
    const segments: Segment[] = [];
    let open: { firstLine: number; firstSeq: number; firstPrev: string; stack: PieceStack } | null = null;
    let lastSeq = -1;
    const close = (line: number): void => {
      if (open === null) return;
      const { firstLine, firstSeq, firstPrev, stack } = open;
      segments.push({
        firstLine,
        lineCount: line - firstLine,
        firstSeq,
        firstPrev,
        lastFp: this.lastFp.toString("latin1"),
        pieces: stack.pieces(),
      });
      open = null;
    };
    for (let line = 0, start = 0; line < ends.length; start = ends[line]! + 1, line++) {
      const leaf = this.checkLine(b, start, ends[line]!);
      if (leaf === null) {
        close(line);
        continue;
      }
      // this.input[0..32] holds the line's stored prev; it must be the previous line's fingerprint.
      if (open === null || this.seq !== lastSeq + 1 || this.input.compare(this.lastFp, 0, 32, 0, 32) !== 0) {
        close(line);
        open = {
          firstLine: line,
          firstSeq: this.seq,
          firstPrev: this.input.toString("latin1", 0, 32),
          stack: new PieceStack(this.nodeInput),
        };
      }
      open.stack.push(leaf, this.seq);
      this.fp.copy(this.lastFp);
      lastSeq = this.seq;
    }
    close(ends.length);
    return { lineCount: ends.length, lineEnds: Uint32Array.from(ends), segments };
  }

  /** The line's Merkle leaf hash when it is plain, else null. Leaves prev in input, fp in this.fp. */
  private checkLine(b: Buffer, start: number, end: number): string | null {
    if (end - start <= FP_PREFIX_LENGTH || !matches(b, start, FP_OPEN) || !readHex(b, start + FP_START, this.fp, 0)) return null;
    if (!matches(b, start + FP_START + 64, KIND_OPEN)) return null;
    const kind = kindAt(b, start + KIND_START);
    if (kind === null) return null;
    let at = start + KIND_START + kind.length;
    if (!matches(b, at, PREV_OPEN)) return null;
    const lineBytes = end - start - FP_PREFIX_LENGTH + 33;
    if (this.input.length < lineBytes) this.input = Buffer.allocUnsafeSlow(lineBytes * 2);
    if (!readHex(b, at + PREV_OPEN.length, this.input, 0)) return null;
    at += PREV_OPEN.length + 64;
    if (!matches(b, at, RECORD_OPEN) || b[at + RECORD_OPEN.length] !== 0x7b) return null;
    this.scan.nonAscii = false;
    scanJsonValue(b, at + RECORD_OPEN.length, end, this.scan);
    if (this.scan.end < 0 || !matches(b, this.scan.end, SEQ_OPEN)) return null;
    at = this.scan.end + SEQ_OPEN.length;
    const seqEnd = digitsEnd(b, at, end);
    // Seq 0 opens the chain and needs the genesis and tenant checks: ChainVerifier does those.
    if (seqEnd < 0 || b[at] === 0x30 || !matches(b, seqEnd, TS_OPEN)) return null;
    this.seq = digitsValue(b, at, seqEnd);
    // ts is an integer with an optional minus; "-0" is left to ChainVerifier.
    const tsStart = seqEnd + TS_OPEN.length;
    const negative = b[tsStart] === 0x2d;
    const tsEnd = digitsEnd(b, negative ? tsStart + 1 : tsStart, end);
    if (tsEnd < 0 || tsEnd !== end - 1 || b[tsEnd] !== 0x7d || (negative && b[tsStart + 1] === 0x30)) return null;
    if (this.scan.nonAscii && !isUtf8(b, start, end)) return null;
    // fingerprint = SHA-256(prev || "{" || line[73..]), as ChainVerifier computes it.
    this.input[32] = 0x7b;
    b.copy(this.input, 33, start + FP_PREFIX_LENGTH, end);
    const digest = sha256Latin1(this.input.subarray(0, lineBytes));
    for (let k = 0; k < 32; k++) if (digest.charCodeAt(k) !== this.fp[k]) return null;
    this.fp.copy(this.leafInput, 1);
    return sha256Latin1(this.leafInput);
  }
}

/** End of "0" or [1-9][0-9]{0,14} at `at`, or -1. */
function digitsEnd(b: Uint8Array, at: number, end: number): number {
  const first = b[at];
  if (first === 0x30) return at + 1;
  if (first === undefined || first < 0x31 || first > 0x39) return -1;
  let i = at + 1;
  while (i < end && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
  return i - at > DIGITS_MAX ? -1 : i;
}

/** The value of the decimal digits b[at..end) (at most DIGITS_MAX of them, so exact). */
function digitsValue(b: Uint8Array, at: number, end: number): number {
  let value = 0;
  for (let i = at; i < end; i++) value = value * 10 + (b[i]! - 0x30);
  return value;
}

/**
 * The entry kind spelled at `at`, or null. Checkpoints and policy entries are excluded: a note's
 * signature and a policy event's continuity are ChainVerifier's to check, in chain order.
 */
function kindAt(b: Uint8Array, at: number): Uint8Array | null {
  const kind = b[at] === 0x64 ? KIND_DECISION : b[at] === 0x6f ? KIND_OUTCOME : b[at] === 0x62 ? KIND_BUDGET : null;
  return kind !== null && matches(b, at, kind) ? kind : null;
}

function isUtf8(b: Uint8Array, start: number, end: number): boolean {
  try {
    UTF8.decode(b.subarray(start, end));
    return true;
  } catch {
    return false;
  }
}

/** Leaves of one segment folded into maximal aligned perfect subtrees (RFC 6962 section 2.1). */
class PieceStack {
  private readonly levels: number[] = [];
  private readonly hashes: string[] = [];
  private readonly starts: number[] = [];
  private readonly nodeInput: Buffer;

  constructor(nodeInput: Buffer) {
    this.nodeInput = nodeInput;
  }

  push(leaf: string, position: number): void {
    let level = 0;
    let hash = leaf;
    let start = position;
    // Merge with the subtree on the left while both are the two halves of an aligned subtree.
    for (let top = this.levels.length - 1; top >= 0 && this.levels[top] === level && this.starts[top]! % 2 ** (level + 1) === 0; top--) {
      this.nodeInput.write(this.hashes[top]!, 1, "latin1");
      this.nodeInput.write(hash, 33, "latin1");
      hash = sha256Latin1(this.nodeInput);
      start = this.starts[top]!;
      level++;
      this.levels.pop();
      this.hashes.pop();
      this.starts.pop();
    }
    this.levels.push(level);
    this.hashes.push(hash);
    this.starts.push(start);
  }

  pieces(): MerklePiece[] {
    return this.levels.map((level, i) => ({ level, hash: this.hashes[i]! }));
  }
}
