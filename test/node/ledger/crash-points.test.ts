// Fault injection (DESIGN.md "Durability and group commit"): after a random history, one batch
// of concurrent commands is committed with the store failing at its k-th write, for every k. A
// crash must acknowledge nothing of that batch, lose nothing acknowledged before it, leave no
// write of it visible, and leave a ledger that restarts, verifies and takes the batch again.

import { bytesToHex } from "@noble/hashes/utils.js";
import { expect, test } from "vitest";
import { verifyExportBytes } from "../../../src/ledger/chain-verifier.ts";
import type { LedgerCommand } from "../../../src/ledger/commands.ts";
import { EMPTY_HEAD, LedgerEngine } from "../../../src/ledger/engine.ts";
import type { LedgerStore, LedgerWrite } from "../../../src/ledger/store.ts";
import {
  allEntries,
  createTenantCommand,
  exportBytes,
  exportText,
  ManualScheduler,
  microtaskEngine,
  nodeSha256,
  RecordingStore,
  submitAll,
  TestRandom,
} from "./ledger-fixtures.ts";
import { HistoryBuilder, type AckedEntry } from "./ledger-history.ts";

const SEEDS = 480;
const CRASH_POINTS_MIN = 10_000;

class InjectedCrash extends Error {
  override readonly name = "InjectedCrash";
}

/**
 * What a reader can see of the rows a batch writes (read through the public store port), plus the
 * head, tenant, chain length, latest checkpoint and due outbox. Equal before and after a failed
 * commit means no write of it is visible.
 */
function observe(store: LedgerStore, writes: readonly LedgerWrite[]): string {
  const rows = writes.map((write) => {
    switch (write.table) {
      case "entry":
        return store.readEntries(write.row.seq, 1);
      case "node": {
        const hash = store.readNode(write.level, write.index);
        return hash === null ? null : bytesToHex(hash);
      }
      case "reservation":
        return store.readReservation(write.row.id);
      case "keyed":
        return store.readKeyed(write.scope, write.key);
      case "outbox":
      case "outbox_delete":
        return store.readOutboxDue(Number.MAX_SAFE_INTEGER, 1_000_000);
      case "checkpoint":
        return store.readLatestCheckpoint();
      case "tally":
        return store.readDecisionTally(null);
      case "shadow_tally":
        return store.readShadowTally(write.configHash);
      case "usage":
        return store.readUsage(write.step.hour);
      case "head":
        return store.readHead();
      case "tenant":
        return store.readTenant();
      case "truncate_entries":
        return allEntries(store).length;
    }
  });
  return JSON.stringify({
    head: store.readHead(),
    tenant: store.readTenant(),
    entries: allEntries(store).length,
    checkpoint: store.readLatestCheckpoint(),
    rows,
  });
}

function writeKey(write: LedgerWrite): string {
  switch (write.table) {
    case "entry":
      return `entry ${write.row.seq} ${write.row.fpHex}`;
    case "node":
      return `node ${write.level}:${write.index} ${bytesToHex(write.hash)}`;
    case "reservation":
      return `reservation ${JSON.stringify(write.row)}`;
    case "keyed":
      return `keyed ${write.scope} ${write.key} ${write.value}`;
    case "outbox":
      return `outbox ${write.row.id}`;
    case "outbox_delete":
      return `outbox_delete ${write.id}`;
    case "checkpoint":
      return `checkpoint ${write.row.treeSize}`;
    case "tally":
      return `tally ${write.day}:${write.regime} ${write.lowPropensity}`;
    case "shadow_tally":
      return `shadow_tally ${write.configHash}:${write.regime} ${write.mismatch} ${write.extraRefusal}`;
    case "usage":
      return `usage ${JSON.stringify(write.step)}`;
    case "head":
      return `head ${JSON.stringify(write.row)}`;
    case "tenant":
      return `tenant ${JSON.stringify(write.row)}`;
    case "truncate_entries":
      return `truncate ${write.fromSeq}`;
  }
}

/** The budget rules that must hold in any state a restart can load. */
function expectBudgetHolds(engine: LedgerEngine): void {
  const { creditedMicros, committedMicros, reservedMicros, availableMicros } = engine.budget();
  for (const value of [creditedMicros, committedMicros, reservedMicros, availableMicros]) {
    expect(Number.isSafeInteger(value) && value >= 0).toBe(true);
  }
  expect(creditedMicros).toBe(availableMicros + reservedMicros + committedMicros);
}

function expectAckedStillThere(store: LedgerStore, acked: readonly AckedEntry[]): void {
  for (const { seq, fingerprint } of acked) expect(store.readEntries(seq, 1)[0]?.fpHex).toBe(fingerprint);
}

function expectChainVerifies(store: LedgerStore, engine: LedgerEngine): void {
  const report = verifyExportBytes(exportBytes(store), { sha256: nodeSha256 });
  expect(report).toMatchObject({ ok: true, entries: engine.head.size, damage: null, tornTail: null });
  if (engine.head.size > 0) expect(report.headHex).toBe(engine.head.headHex);
}

/** Builds a prior state; every 25th seed keeps it empty so the crashing batch creates the tenant. */
async function priorState(seed: number): Promise<{ store: RecordingStore; history: HistoryBuilder; batch: LedgerCommand[] }> {
  const store = new RecordingStore();
  const history = new HistoryBuilder(microtaskEngine(store), new TestRandom(seed));
  const batch: LedgerCommand[] = [];
  if (seed % 25 === 0) {
    batch.push(createTenantCommand(50_000));
  } else {
    await history.createTenant(history.rng.int(200_000));
    const batches = 2 + history.rng.int(6);
    for (let i = 0; i < batches; i++)
      await history.run(Array.from({ length: 1 + history.rng.int(6) }, () => history.command(history.rng.chance(0.3))));
  }
  const size = 4 + history.rng.int(8);
  for (let i = 0; i < size; i++) batch.push(history.command(history.rng.chance(0.2)));
  // A fresh top-up guarantees the batch writes at least one entry, a node and the head.
  batch.push({ type: "top_up", topUpId: `crash-top-up-${seed}`, amountMicros: 1 + history.rng.int(1_000), nowMs: history.clockMs });
  return { store, history, batch };
}

/** The batch on a clone of the store, with no fault: its writes and its answers. */
async function dryRun(
  store: RecordingStore,
  batch: readonly LedgerCommand[],
): Promise<{ writes: LedgerWrite[]; answers: unknown[]; text: string }> {
  const clone = store.clone();
  const writes: LedgerWrite[] = [];
  clone.writeHook = (write) => {
    writes.push(write);
  };
  const answers = await submitAll(microtaskEngine(clone), batch);
  return { writes, answers, text: exportText(clone) };
}

test(`a crash at every write of a batch acknowledges nothing of it and loses nothing before it (${SEEDS} histories)`, async () => {
  let crashPoints = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const { store, history, batch } = await priorState(seed);
    const dry = await dryRun(store, batch);
    const before = observe(store, dry.writes);
    const headBefore = store.readHead();
    const scheduler = new ManualScheduler();
    let engine = new LedgerEngine(store, { defer: scheduler.defer });
    for (let k = 1; k <= dry.writes.length; k++) {
      const where = `seed ${seed}, crash at write ${k} of ${dry.writes.length}`;
      const base = store.writeCount;
      let crashedAt: LedgerWrite | null = null;
      store.writeHook = (write, count) => {
        if (count - base !== k) return;
        crashedAt = write;
        throw new InjectedCrash(where);
      };
      const answers = submitAll(engine, batch);
      scheduler.runAll();
      store.writeHook = null;
      // The crash hit the k-th write the batch makes without a fault: same table, same row.
      expect(crashedAt === null ? null : writeKey(crashedAt), where).toBe(writeKey(dry.writes[k - 1]!));
      for (const answer of await answers) expect(answer, where).toMatchObject({ ok: false, code: "storage_unavailable" });
      expect(observe(store, dry.writes), where).toBe(before);
      expect(engine.head, where).toEqual(headBefore ?? EMPTY_HEAD);
      const restarted = new LedgerEngine(store, { defer: scheduler.defer });
      expect(restarted.head, where).toEqual(engine.head);
      expect(restarted.budget(), where).toEqual(engine.budget());
      expect(restarted.tenant, where).toEqual(engine.tenant);
      expectAckedStillThere(store, history.acked);
      expectChainVerifies(store, restarted);
      expectBudgetHolds(restarted);
      // The next attempt runs on the crashed engine (which reloaded itself) or on a restarted
      // one, in turn: both must take the same batch and produce the same writes.
      engine = k % 2 === 0 ? restarted : engine;
      crashPoints++;
    }
    // Without a fault, the surviving engine commits the batch exactly as if nothing had failed.
    const answers = submitAll(engine, batch);
    scheduler.runAll();
    expect(await answers, `seed ${seed}`).toEqual(dry.answers);
    expect(exportText(store), `seed ${seed}`).toBe(dry.text);
    expectAckedStillThere(store, history.acked);
  }
  console.info(`crash points: ${crashPoints} over ${SEEDS} histories`);
  expect(crashPoints).toBeGreaterThanOrEqual(CRASH_POINTS_MIN);
}, 120_000);
