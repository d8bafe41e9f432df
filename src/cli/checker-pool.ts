// A fixed pool of verify-worker.ts threads. Blocks go round-robin and their ArrayBuffers are
// transferred, not copied, both ways; the caller awaits results in the order it submitted.

import { Worker } from "node:worker_threads";
import type { BlockCheck } from "./block-check.ts";

export interface CheckedBlock {
  readonly block: Uint8Array;
  readonly check: BlockCheck;
}

interface Waiter {
  readonly resolve: (result: CheckedBlock) => void;
  readonly reject: (error: unknown) => void;
}

export class CheckerPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 0;
  private failure: unknown = null;

  constructor(size: number) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`"size" expected integer >= 1, got ${size}`);
    this.workers = Array.from({ length: size }, () => this.start());
  }

  /** Transfers the block's buffer to a worker: the caller must not touch `block` until it comes back. */
  check(block: Uint8Array): Promise<CheckedBlock> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextId++;
    const worker = this.workers[id % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, block }, [block.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private start(): Worker {
    const worker = new Worker(new URL("./verify-worker.ts", import.meta.url));
    worker.on("message", (message: { id: number } & CheckedBlock) => {
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      waiter?.resolve({ block: message.block, check: message.check });
    });
    // A worker that fails is a bug: fail every pending block, and every later one.
    worker.on("error", (error) => {
      this.failure = error;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    });
    return worker;
  }
}
