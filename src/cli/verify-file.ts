// Verifies an export file as verifyExportBytes would verify its bytes with the policy check of
// policy-chain-check.ts, without holding the file: blocks of complete lines stream through the
// fast path (block-check.ts, in worker threads or inline) into the in-order verifier, or through
// one plain ChainVerifier (the reference mode). Policy entries always take the in-order path.

import { availableParallelism } from "node:os";
import { stat } from "node:fs/promises";
import { ChainVerifier, type ChainVerifierOptions } from "../ledger/chain-verifier.ts";
import type { VerifierKey } from "../ledger/signed-note.ts";
import { BlockChecker } from "./block-check.ts";
import { CheckerPool, type CheckedBlock } from "./checker-pool.ts";
import { readExportBlocks, type ExportBlock, type ExportEnd } from "./export-blocks.ts";
import { nodeSha256 } from "./node-sha256.ts";
import { PolicyChainCheck } from "./policy-chain-check.ts";
import { OrderedVerifier, type DamageLocation, type Verdict } from "./ordered-verifier.ts";

export const BLOCK_BYTES = 1 << 20;
/** A complete line longer than this is refused instead of held in memory. */
export const LINE_BYTES_MAX = 64 << 20;
/** Below this size worker threads cost more to start than they save. */
const THREADS_FILE_BYTES_MIN = 8 << 20;
const THREADS_MAX = 8;
const BLOCKS_IN_FLIGHT_PER_THREAD = 2;

export interface VerifyFileOptions {
  readonly verifierKey: VerifierKey | null;
  readonly tenantId?: string;
  /** Worker threads for the fast path; 0 runs it on the main thread; undefined picks by file size. */
  readonly threads?: number;
  /** "reference" pushes every line through one ChainVerifier: slow, for comparisons and benches. */
  readonly mode?: "fast" | "reference";
  readonly blockBytes?: number;
  /** Defaults to LINE_BYTES_MAX; smaller values let tests reach the overlong-line paths. */
  readonly lineBytesMax?: number;
}

export interface FileVerdict extends Verdict {
  /** Length of the file's complete lines: what --write-truncated keeps after a torn tail. */
  readonly completeBytes: number;
  readonly threads: number;
  readonly elapsedMs: number;
  /** CPU time of the whole process (all threads) during the run: a figure a busy machine distorts less. */
  readonly cpuMs: number;
}

/** What both modes implement: blocks in file order, then the end of the file. */
interface BlockSink {
  readonly failed: boolean;
  pushBlock(block: Uint8Array, offset: number): Promise<void>;
  drain(): Promise<void>;
  refuseOverlong(byteOffset: number, lineBytesMax: number): void;
  finish(tailBytes: number): Verdict;
  close(): Promise<void>;
}

export async function verifyExportFile(path: string, options: VerifyFileOptions): Promise<FileVerdict> {
  const startMs = performance.now();
  const startCpu = process.cpuUsage();
  // A fresh policy check per run: it carries the lifecycle's state from one policy entry to the next.
  const base = { sha256: nodeSha256, verifierKey: options.verifierKey, policyCheck: new PolicyChainCheck() };
  const chain: ChainVerifierOptions = options.tenantId === undefined ? base : { ...base, tenantId: options.tenantId };
  const threads = options.threads ?? defaultThreads((await stat(path)).size);
  const sink: BlockSink = options.mode === "reference" ? new ReferenceSink(chain) : new FastSink(chain, threads);
  const blockBytes = options.blockBytes ?? BLOCK_BYTES;
  const lineBytesMax = options.lineBytesMax ?? LINE_BYTES_MAX;
  const blocks = readExportBlocks(path, { blockBytes, lineBytesMax });
  let completeBytes = 0;
  try {
    let next: IteratorResult<ExportBlock, ExportEnd> = await blocks.next();
    for (; !next.done && !sink.failed; next = await blocks.next()) {
      completeBytes = next.value.offset + next.value.bytes.byteLength;
      await sink.pushBlock(next.value.bytes, next.value.offset);
    }
    await sink.drain();
    if (next.done && !sink.failed && next.value.overlongLineOffset !== null)
      sink.refuseOverlong(next.value.overlongLineOffset, lineBytesMax);
    const verdict = sink.finish(next.done ? next.value.tailBytes : 0);
    const cpu = process.cpuUsage(startCpu);
    const threadsUsed = options.mode === "reference" ? 0 : threads;
    return {
      ...verdict,
      completeBytes,
      threads: threadsUsed,
      elapsedMs: performance.now() - startMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
  } finally {
    await blocks.return({ tailBytes: 0, overlongLineOffset: null });
    await sink.close();
  }
}

function defaultThreads(fileBytes: number): number {
  return fileBytes < THREADS_FILE_BYTES_MIN ? 0 : Math.min(THREADS_MAX, availableParallelism());
}

/** Fast path: BlockChecker in workers (or inline), results applied in order by OrderedVerifier. */
class FastSink implements BlockSink {
  private readonly verifier: OrderedVerifier;
  private readonly pool: CheckerPool | null;
  private readonly inline = new BlockChecker();
  private readonly inFlight: { readonly result: Promise<CheckedBlock>; readonly offset: number }[] = [];
  private readonly inFlightMax: number;

  constructor(chain: ChainVerifierOptions, threads: number) {
    this.verifier = new OrderedVerifier(chain);
    this.pool = threads > 0 ? new CheckerPool(threads) : null;
    this.inFlightMax = Math.max(1, threads * BLOCKS_IN_FLIGHT_PER_THREAD);
  }

  get failed(): boolean {
    return this.verifier.failed;
  }

  async pushBlock(block: Uint8Array, offset: number): Promise<void> {
    if (this.pool === null) {
      this.verifier.applyBlock(block, offset, this.inline.check(block));
      return;
    }
    this.inFlight.push({ result: this.pool.check(block), offset });
    while (this.inFlight.length >= this.inFlightMax && !this.failed) await this.applyOldest();
  }

  async drain(): Promise<void> {
    while (this.inFlight.length > 0 && !this.failed) await this.applyOldest();
  }

  refuseOverlong(byteOffset: number, lineBytesMax: number): void {
    this.verifier.refuseOverlong(byteOffset, lineBytesMax);
  }

  finish(tailBytes: number): Verdict {
    return this.verifier.finish(tailBytes);
  }

  async close(): Promise<void> {
    // Results still in flight after a failure are not needed; wait so no rejection goes unhandled.
    await Promise.allSettled(this.inFlight.map((item) => item.result));
    await this.pool?.close();
  }

  private async applyOldest(): Promise<void> {
    const { result, offset } = this.inFlight.shift()!;
    const { block, check } = await result;
    this.verifier.applyBlock(block, offset, check);
  }
}

/** Reference path: one ChainVerifier over every line, exactly as verifyExportBytes runs it. */
class ReferenceSink implements BlockSink {
  private readonly verifier: ChainVerifier;
  private overlong: { readonly reason: string } | null = null;
  private location: DamageLocation | null = null;

  constructor(chain: ChainVerifierOptions) {
    this.verifier = new ChainVerifier(chain);
  }

  get failed(): boolean {
    return this.verifier.failed || this.overlong !== null;
  }

  async pushBlock(block: Uint8Array, offset: number): Promise<void> {
    for (let start = 0, end = block.indexOf(0x0a); end >= 0; start = end + 1, end = block.indexOf(0x0a, start)) {
      if (!this.verifier.push(block.subarray(start, end))) {
        this.location = { line: this.verifier.seq + 1, byteOffset: offset + start };
        return;
      }
    }
  }

  async drain(): Promise<void> {}

  refuseOverlong(byteOffset: number, lineBytesMax: number): void {
    this.overlong = { reason: `line longer than ${lineBytesMax} bytes; calybris verify does not hold it in memory` };
    this.location = { line: this.verifier.seq + 1, byteOffset };
  }

  finish(tailBytes: number): Verdict {
    const tornTail = this.failed || tailBytes === 0 ? null : { seq: this.verifier.seq, bytes: tailBytes };
    const report = this.verifier.report(tornTail);
    if (this.overlong === null) return { report, location: this.location };
    return { report: { ...report, ok: false, damage: { seq: this.verifier.seq, reason: this.overlong.reason } }, location: this.location };
  }

  async close(): Promise<void> {}
}
