// The ledger shell's heart: group commit. Commands queue up; one flush runs a batch through the
// pure steps on a LedgerTxn and hands all its writes to the store in one atomic commit. A caller
// hears its result only after that commit returned; a failed commit acknowledges nothing.

import type { BudgetView, LedgerCommand, ResultOf } from "./commands.ts";
import { budgetView } from "./budget-view.ts";
import { execute } from "./execute.ts";
import { ledgerFailure } from "./ledger-codes.ts";
import { frontierFromNodes } from "./merkle.ts";
import type { HeadRow, LedgerStore, TenantRow } from "./store.ts";
import { LedgerTxn, type LedgerState } from "./txn.ts";

/** Commands per storage transaction, at most: bounds the time one flush holds the object. */
export const BATCH_MAX = 256;

export interface EngineOptions {
  /** Schedules a flush after the current event, so concurrent callers can join the batch. */
  readonly defer: (flush: () => void) => void;
  readonly batchMax?: number;
}

interface Pending {
  readonly command: LedgerCommand;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export interface BatchStats {
  batches: number;
  commands: number;
}

export const EMPTY_HEAD: HeadRow = {
  size: 0,
  headHex: "",
  creditedMicros: 0,
  committedMicros: 0,
  reservedMicros: 0,
  checkpointSize: 0,
};

/** Reads the in-memory state back from storage; O(log n) node reads for the frontier. */
export function loadState(store: LedgerStore): LedgerState {
  const head = store.readHead() ?? EMPTY_HEAD;
  const frontier = frontierFromNodes((level, index) => {
    const hash = store.readNode(level, index);
    if (hash === null) throw new Error(`merkle node (${level}, ${index}) missing`);
    return hash;
  }, head.size);
  return { head, frontier, tenant: store.readTenant() };
}

export class LedgerEngine {
  readonly store: LedgerStore;
  readonly stats: BatchStats = { batches: 0, commands: 0 };
  private state: LedgerState;
  private readonly queue: Pending[] = [];
  private scheduled = false;
  private readonly options: EngineOptions;

  /** Set when a reload after a failed commit failed too: the next flush must reload first. */
  private stale = false;

  constructor(store: LedgerStore, options: EngineOptions) {
    const batchMax = options.batchMax ?? BATCH_MAX;
    if (!Number.isSafeInteger(batchMax) || batchMax < 1) throw new RangeError(`"batchMax" expected integer >= 1, got ${batchMax}`);
    this.store = store;
    this.options = options;
    this.state = loadState(store);
  }

  get head(): HeadRow {
    return this.state.head;
  }

  get frontier(): readonly Uint8Array[] {
    return this.state.frontier;
  }

  get tenant(): TenantRow | null {
    return this.state.tenant;
  }

  budget(): BudgetView {
    return budgetView(this.state.head);
  }

  /** Queues a command; resolves once the batch holding it is durable (or refused). */
  submit<C extends LedgerCommand>(command: C): Promise<ResultOf[C["type"]]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ command, resolve: resolve as (result: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        this.options.defer(() => this.flush());
      }
    });
  }

  /** Runs one batch now. Exposed so tests can drive the schedule themselves. */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue.splice(0, this.options.batchMax ?? BATCH_MAX);
    try {
      if (batch.length > 0) this.commitBatch(batch);
    } finally {
      // Whatever happened to this batch, commands still queued get their turn.
      if (this.queue.length > 0 && !this.scheduled) {
        this.scheduled = true;
        this.options.defer(() => this.flush());
      }
    }
  }

  /** Reloads memory from storage after a failed commit; false while storage cannot be read. */
  private reload(): boolean {
    try {
      this.state = loadState(this.store);
      this.stale = false;
    } catch {
      this.stale = true;
    }
    return !this.stale;
  }

  private commitBatch(batch: readonly Pending[]): void {
    const failure = ledgerFailure("storage_unavailable", "the ledger could not commit this batch; retry");
    if (this.stale && !this.reload()) {
      for (const item of batch) item.resolve(failure);
      return;
    }
    const txn = new LedgerTxn(this.store, this.state);
    let results: unknown[];
    try {
      results = batch.map((item) => execute(txn, item.command));
    } catch (bug) {
      // A throw from a pure step is a bug: the whole batch fails closed and nothing is written.
      for (const item of batch) item.reject(bug);
      return;
    }
    try {
      this.store.commit(txn.finish());
    } catch {
      // Nothing of this batch is acknowledged. Memory is reloaded from storage, which holds
      // exactly the batches that committed, so it can never run ahead of what is durable.
      for (const item of batch) item.resolve(failure);
      this.reload();
      return;
    }
    this.state = txn.state();
    this.stats.batches++;
    this.stats.commands += batch.length;
    for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i]);
  }
}
