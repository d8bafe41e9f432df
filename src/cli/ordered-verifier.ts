// The in-order half of the fast verifier: it takes blocks in file order with their BlockCheck
// (block-check.ts), accepts a segment when its first line continues the chain (seq and prev),
// extends the Merkle frontier by the segment's subtrees, and hands every other line to a
// ChainVerifier resumed at that point. So each failure, count and tenant comes from ChainVerifier.

import { ChainVerifier, type ChainVerifierOptions, type VerifyFailure, type VerifyReport } from "../ledger/chain-verifier.ts";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import type { BlockCheck, Segment } from "./block-check.ts";

/** Where the first bad entry sits in the file: 1-based line number and the byte offset of its start. */
export interface DamageLocation {
  readonly line: number;
  readonly byteOffset: number;
}

export interface Verdict {
  readonly report: VerifyReport;
  readonly location: DamageLocation | null;
}

export class OrderedVerifier {
  private readonly options: ChainVerifierOptions;
  private readonly frontier: Uint8Array[] = [];
  private readonly leafInput = new Uint8Array(33);
  private readonly nodeInput = new Uint8Array(65);
  private seq = 0;
  private prev: Uint8Array | null = null;
  private prevLatin1 = "";
  private headHex = "";
  private tenantId: string | null = null;
  private checkpoints = 0;
  private checkpointsVerified = 0;
  private damage: VerifyFailure | null = null;
  private location: DamageLocation | null = null;

  constructor(options: ChainVerifierOptions) {
    this.options = options;
    this.nodeInput[0] = 1;
  }

  get failed(): boolean {
    return this.damage !== null;
  }

  /** Applies one block of complete lines at file offset `offset`. Returns false at the first bad entry. */
  applyBlock(block: Uint8Array, offset: number, check: BlockCheck): boolean {
    let line = 0;
    for (const segment of check.segments) {
      for (; line < segment.firstLine; line++) if (!this.pushSlow(block, offset, check, line)) return false;
      if (this.continues(segment)) {
        this.acceptSegment(segment);
        line += segment.lineCount;
      }
      // A segment that does not continue the chain goes line by line: ChainVerifier says why.
      for (; line < segment.firstLine + segment.lineCount; line++) if (!this.pushSlow(block, offset, check, line)) return false;
    }
    for (; line < check.lineCount; line++) if (!this.pushSlow(block, offset, check, line)) return false;
    return true;
  }

  /** Records a complete line too long to hold in memory as the first bad entry. */
  refuseOverlong(byteOffset: number, lineBytesMax: number): void {
    this.damage = { seq: this.seq, reason: `line longer than ${lineBytesMax} bytes; calybris verify does not hold it in memory` };
    this.location = { line: this.seq + 1, byteOffset };
  }

  finish(tailBytes: number): Verdict {
    const tornTail = this.damage === null && tailBytes > 0 ? { seq: this.seq, bytes: tailBytes } : null;
    const report: VerifyReport = {
      ok: this.damage === null,
      entries: this.seq,
      headHex: this.headHex,
      rootHex: bytesToHex(this.root()),
      tenantId: this.tenantId,
      checkpoints: this.checkpoints,
      checkpointsVerified: this.checkpointsVerified,
      damage: this.damage,
      tornTail,
    };
    return { report, location: this.location };
  }

  private continues(segment: Segment): boolean {
    return this.prev !== null && segment.firstSeq === this.seq && segment.firstPrev === this.prevLatin1;
  }

  private acceptSegment(segment: Segment): void {
    for (const piece of segment.pieces) this.addSubtree(piece.level, Buffer.from(piece.hash, "latin1"));
    if (this.seq !== segment.firstSeq + segment.lineCount)
      throw new Error(`segment pieces cover ${this.seq - segment.firstSeq} of ${segment.lineCount} lines (verifier bug)`);
    this.setPrev(Buffer.from(segment.lastFp, "latin1"));
  }

  /** One line through a ChainVerifier resumed at the current state: exactly its checks and reasons. */
  private pushSlow(block: Uint8Array, offset: number, check: BlockCheck, line: number): boolean {
    const start = line === 0 ? 0 : check.lineEnds[line - 1]! + 1;
    // this.options holds the run's one policy check, so the lifecycle's state follows the chain.
    const options: ChainVerifierOptions =
      this.prev === null ? this.options : { ...this.options, resume: { seq: this.seq, prev: this.prev, frontier: this.frontier } };
    const verifier = new ChainVerifier(options);
    const ok = verifier.push(block.subarray(start, check.lineEnds[line]!));
    const report = verifier.report(null);
    this.checkpoints += report.checkpoints;
    this.checkpointsVerified += report.checkpointsVerified;
    if (this.prev === null) this.tenantId = report.tenantId;
    if (!ok) {
      this.damage = report.damage;
      this.location = { line: this.seq + 1, byteOffset: offset + start };
      return false;
    }
    const fp = hexToBytes(report.headHex);
    this.leafInput.set(fp, 1);
    this.addSubtree(0, this.options.sha256(this.leafInput));
    this.setPrev(fp);
    return true;
  }

  private setPrev(fp: Uint8Array): void {
    this.prev = fp;
    this.prevLatin1 = Buffer.from(fp.buffer, fp.byteOffset, fp.byteLength).toString("latin1");
    this.headHex = bytesToHex(fp);
  }

  /** Appends a perfect subtree of 2^level leaves (the tree size, seq, must be a multiple of 2^level). */
  private addSubtree(level: number, hash: Uint8Array): void {
    const width = 2 ** level;
    if (this.seq % width !== 0) throw new Error(`subtree of ${width} leaves at unaligned size ${this.seq} (verifier bug)`);
    // As in RFC 6962 appends: merge with one completed subtree per trailing 1 bit of size / width.
    for (let s = this.seq / width; s % 2 === 1; s = Math.floor(s / 2)) hash = this.node(this.frontier.pop()!, hash);
    this.frontier.push(hash);
    this.seq += width;
  }

  private node(left: Uint8Array, right: Uint8Array): Uint8Array {
    this.nodeInput.set(left, 1);
    this.nodeInput.set(right, 33);
    return this.options.sha256(this.nodeInput);
  }

  /** RFC 6962 root of the entries accepted so far; SHA-256 of nothing for an empty tree. */
  private root(): Uint8Array {
    if (this.frontier.length === 0) return this.options.sha256(new Uint8Array(0));
    let root = this.frontier[this.frontier.length - 1]!;
    for (let i = this.frontier.length - 2; i >= 0; i--) root = this.node(this.frontier[i]!, root);
    return root;
  }
}
