// Replay: an export alone is enough to re-derive the budget (through the pure rules of
// budget.ts, from the amounts each entry records), the chain head and the Merkle root, and the
// commands alone, run again on the same clock, give the same export byte for byte.

import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { beforeAll, describe, expect, test } from "vitest";
import { budgetRecord } from "../../../src/ledger/budget-view.ts";
import { EMPTY_BUDGET, budgetHolds, release, reserve, settle, topUp, type Budget } from "../../../src/ledger/budget.ts";
import type { LedgerCommand } from "../../../src/ledger/commands.ts";
import { LedgerEngine, loadState } from "../../../src/ledger/engine.ts";
import { canonicalEntry, fingerprint, genesisHash, type EntryKind, type EntryRecord } from "../../../src/ledger/entry.ts";
import { leafHash, merkleTreeHash, rootFromFrontier } from "../../../src/ledger/merkle.ts";
import { AVOID_KNOWN_BUGS } from "./ledger-model-driver.ts";
import { devSigner, exportText, microtaskEngine, ORIGIN, RecordingStore, submitAll, TestRandom } from "./ledger-fixtures.ts";
import { HistoryBuilder } from "./ledger-history.ts";

const BATCHES = 400;

interface ParsedEntry {
  fp: string;
  kind: EntryKind;
  prev: string;
  record: Record<string, unknown> & { ledger?: Record<string, unknown> };
  seq: number;
  ts: number;
}

let store: RecordingStore;
let engine: LedgerEngine;
let batches: LedgerCommand[][];

/**
 * While the batch-only expiry bug is open (see AVOID_KNOWN_BUGS), a limited expire runs first in
 * its batch, so that one-command-per-batch replay is comparable with the batched history.
 */
function withoutKnownBugTriggers(batch: LedgerCommand[]): LedgerCommand[] {
  if (!AVOID_KNOWN_BUGS.limitedExpireAfterOthersInOneBatch) return batch;
  return batch.map((command, i) => (command.type === "expire" && i > 0 ? { ...command, limit: 1_000 } : command));
}

beforeAll(async () => {
  store = new RecordingStore();
  engine = microtaskEngine(store);
  const history = new HistoryBuilder(engine, new TestRandom(0x5e91a7));
  await history.createTenant(80_000);
  for (let i = 0; i < BATCHES; i++) {
    await history.run(withoutKnownBugTriggers(Array.from({ length: 1 + history.rng.int(12) }, () => history.command(false))));
    // One checkpoint per batch at most, for the same reason.
    if (i % 20 === 19) await history.run([{ type: "checkpoint", origin: ORIGIN, signer: devSigner, nowMs: history.clockMs }]);
  }
  batches = history.batches;
});

function entries(): ParsedEntry[] {
  return store.readEntries(0, Number.MAX_SAFE_INTEGER).map((row) => JSON.parse(row.line) as ParsedEntry);
}

function credited(budget: Budget, amount: unknown): Budget {
  const next = topUp(budget, amount as number);
  if ("ok" in next) throw new Error(`replayed top-up refused: ${next.code}`);
  return next;
}

/** Re-derives one entry's effect on the budget from what the entry records, and checks it. */
function applyEntry(budget: Budget, entry: ParsedEntry, reservations: Map<string, { amount: number; open: boolean }>): Budget {
  const { record } = entry;
  const ledger = record.ledger ?? {};
  switch (entry.kind === "budget" ? record.op : entry.kind) {
    case "tenant_created":
      return credited(EMPTY_BUDGET, record.amount_micros);
    case "top_up":
      return credited(budget, record.amount_micros);
    case "release": {
      const reservation = reservations.get(record.reservation_id as string)!;
      expect(reservation.open && record.amount_micros === reservation.amount).toBe(true);
      reservation.open = false;
      return release(budget, reservation.amount);
    }
    case "expire": {
      let next = budget;
      let total = 0;
      for (const id of record.reservation_ids as string[]) {
        const reservation = reservations.get(id)!;
        expect(reservation.open).toBe(true);
        reservation.open = false;
        next = release(next, reservation.amount);
        total += reservation.amount;
      }
      expect(total).toBe(record.amount_micros);
      return next;
    }
    case "decision": {
      if (ledger.reservation_id === null) {
        expect(ledger.reserved_micros).toBe(0);
        return budget;
      }
      reservations.set(ledger.reservation_id as string, { amount: ledger.reserved_micros as number, open: true });
      return reserve(budget, ledger.reserved_micros as number);
    }
    case "outcome": {
      const reservation = reservations.get(ledger.reservation_id as string)!;
      // Late means the reservation was released or expired before the outcome came.
      expect(ledger.late).toBe(!reservation.open);
      const settlement = settle(budget, reservation.open ? reservation.amount : 0, ledger.actual_cost_micros as number);
      reservation.open = false;
      expect([settlement.chargedMicros, settlement.releasedMicros, settlement.uncollectedMicros]).toEqual([
        ledger.charged_micros,
        ledger.released_micros,
        ledger.uncollected_micros,
      ]);
      return settlement.budget;
    }
    default:
      // Checkpoints and tenant changes (suspend, resume) move no money.
      return budget;
  }
}

describe("replaying an export through the pure budget rules", () => {
  test("re-derives every recorded budget, the engine's budget, head and Merkle root", () => {
    const all = entries();
    expect(new Set(all.map((e) => (e.kind === "budget" ? e.record.op : e.kind)))).toEqual(
      new Set(["tenant_created", "top_up", "decision", "outcome", "release", "expire", "checkpoint", "suspend", "resume"]),
    );
    const reservations = new Map<string, { amount: number; open: boolean }>();
    const leaves: Uint8Array[] = [];
    let budget: Budget = EMPTY_BUDGET;
    let prev = genesisHash(all[0]!.record.tenant_id as string);
    for (const entry of all) {
      budget = applyEntry(budget, entry, reservations);
      expect(budgetHolds(budget), `seq ${entry.seq}`).toBe(true);
      const recorded = entry.record.budget ?? entry.record.ledger?.budget;
      if (recorded !== undefined) expect(recorded, `seq ${entry.seq}`).toEqual(budgetRecord(budget));
      if (entry.kind === "checkpoint") {
        expect(entry.record.tree_size).toBe(leaves.length);
        expect(entry.record.root).toBe(bytesToHex(merkleTreeHash(leaves)));
      }
      // The fingerprint from the parsed entry, re-encoded: JCS gives back the very bytes hashed.
      expect(entry.prev).toBe(bytesToHex(prev));
      const canonical = canonicalEntry(entry.seq, entry.kind, entry.ts, entry.prev, entry.record as EntryRecord);
      prev = fingerprint(prev, canonical);
      expect(bytesToHex(prev), `seq ${entry.seq}`).toBe(entry.fp);
      leaves.push(leafHash(hexToBytes(entry.fp)));
    }
    const head = engine.head;
    expect(budgetRecord(budget)).toEqual(budgetRecord(head));
    expect(bytesToHex(prev)).toBe(head.headHex);
    const state = loadState(store);
    expect(bytesToHex(merkleTreeHash(leaves))).toBe(bytesToHex(rootFromFrontier(state.frontier, state.head.size)));
    const openMicros = [...reservations.values()].filter((r) => r.open).reduce((sum, r) => sum + r.amount, 0);
    expect(openMicros).toBe(head.reservedMicros);
    console.info(`replayed ${all.length} entries from ${batches.length} batches (${batches.flat().length} commands)`);
  });
});

describe("replaying the commands", () => {
  async function rerun(groups: readonly (readonly LedgerCommand[])[]): Promise<{ text: string; answers: unknown[] }> {
    const fresh = new RecordingStore();
    const replayed = microtaskEngine(fresh);
    const answers: unknown[] = [];
    for (const group of groups) answers.push(...(await submitAll(replayed, group)));
    return { text: exportText(fresh), answers };
  }

  test("the same batches on a fresh engine give a byte-identical export", async () => {
    const original = exportText(store);
    const again = await rerun(batches);
    expect(again.text).toBe(original);
  });

  test("one command per batch gives the same export: group commit changes nothing a caller sees", async () => {
    const batched = await rerun(batches);
    const single = await rerun(batches.flat().map((command) => [command]));
    expect(single.answers).toEqual(batched.answers);
    expect(single.text).toBe(exportText(store));
  });

  test("a restart between every batch changes nothing either", async () => {
    const fresh = new RecordingStore();
    for (const group of batches) await submitAll(new LedgerEngine(fresh, { defer: queueMicrotask }), group);
    expect(exportText(fresh)).toBe(exportText(store));
  });
});
