// The replay's ledger store (src/replay/replay-store.ts): a batch is checked before anything is
// applied, entries stream to the sink in order and are counted with their bytes, settled
// reservations are dropped, keyed rows and the outbox stay readable.

import { describe, expect, test } from "vitest";
import type { EntryRow, HeadRow, LedgerWrite, ReservationRow } from "../../../src/ledger/store.ts";
import { ReplayStore } from "../../../src/replay/replay-store.ts";

function entry(seq: number, line = `{"seq":${seq}}`): LedgerWrite {
  return { table: "entry", row: { seq, kind: "decision", tsMs: seq, fpHex: "00".repeat(32), line } };
}

function head(size: number): LedgerWrite {
  const row: HeadRow = { size, headHex: "ab".repeat(32), creditedMicros: 10, committedMicros: 2, reservedMicros: 1, checkpointSize: 0 };
  return { table: "head", row };
}

function reservation(id: string, status: ReservationRow["status"]): LedgerWrite {
  return {
    table: "reservation",
    row: { id, decisionSeq: 0, amountMicros: 5, createdAtMs: 0, expiresAtMs: 10, status, resolvedSeq: status === "open" ? -1 : 1 },
  };
}

describe("ReplayStore", () => {
  test("entries stream to the sink in order and are counted", () => {
    const seen: EntryRow[] = [];
    const store = new ReplayStore((row) => seen.push(row));
    store.commit([head(2), entry(0), entry(1)]);
    store.commit([entry(2)]);
    expect(store.entries).toBe(3);
    expect(seen.map((row) => row.seq)).toEqual([0, 1, 2]);
    expect(store.readHead()?.size).toBe(2);
    // The store keeps no entries: a replay of half a million records streams them away.
    expect(store.readEntries()).toEqual([]);
  });

  test("an out-of-order entry refuses the whole batch and applies none of it", () => {
    const seen: EntryRow[] = [];
    const store = new ReplayStore((row) => seen.push(row));
    store.commit([entry(0)]);
    const bytes = store.entryBytes;
    expect(() => store.commit([head(3), reservation("r1", "open"), entry(1), entry(3)])).toThrow("entry 3 out of order (have 2)");
    expect(() => store.commit([entry(0)])).toThrow("entry 0 out of order (have 1)");
    expect(store.entries).toBe(1);
    expect(store.entryBytes).toBe(bytes);
    expect(store.readHead()).toBeNull();
    expect(store.readReservation("r1")).toBeNull();
    expect(seen.map((row) => row.seq)).toEqual([0]);
    // The next batch in order is taken.
    store.commit([entry(1)]);
    expect(store.entries).toBe(2);
  });

  test("checkpoint and truncate writes are refused before anything is applied", () => {
    const store = new ReplayStore();
    const checkpoint: LedgerWrite = { table: "checkpoint", row: { treeSize: 1, rootHex: "", note: "", seq: 1 } };
    expect(() => store.commit([entry(0), checkpoint])).toThrow('does not take "checkpoint" writes');
    expect(() => store.commit([entry(0), { table: "truncate_entries", fromSeq: 0 }])).toThrow('does not take "truncate_entries" writes');
    expect(store.entries).toBe(0);
  });

  test("open reservations are kept; committed, released and expired ones are dropped", () => {
    const store = new ReplayStore();
    store.commit([reservation("a", "open"), reservation("b", "open"), reservation("c", "open"), reservation("d", "open")]);
    expect(store.readReservation("a")?.status).toBe("open");
    store.commit([reservation("a", "committed"), reservation("b", "released"), reservation("c", "expired")]);
    expect(["a", "b", "c", "d"].map((id) => store.readReservation(id)?.id ?? null)).toEqual([null, null, null, "d"]);
    expect(store.readExpiredReservations()).toEqual([]);
    expect(store.readNextExpiry()).toBeNull();
  });

  test("keyed rows are looked up by scope and key", () => {
    const store = new ReplayStore();
    store.commit([
      { table: "keyed", scope: "decision_fp", key: "k1", value: "v1" },
      { table: "keyed", scope: "webhook", key: "k1", value: "v2" },
    ]);
    expect(store.readKeyed("decision_fp", "k1")).toBe("v1");
    expect(store.readKeyed("webhook", "k1")).toBe("v2");
    expect(store.readKeyed("decision_key", "k1")).toBeNull();
    expect(store.readKeyed("decision_fp", "k2")).toBeNull();
    store.commit([{ table: "keyed", scope: "decision_fp", key: "k1", value: "v3" }]);
    expect(store.readKeyed("decision_fp", "k1")).toBe("v3");
  });

  test("the outbox: rows in chain order up to the limit, held back while the first is not due; deletes", () => {
    const store = new ReplayStore();
    store.commit([
      { table: "outbox", row: { id: "o1", seq: 7, payload: "{}", attempts: 0, nextAttemptMs: 5 } },
      { table: "outbox", row: { id: "o2", seq: 3, payload: "{}", attempts: 0, nextAttemptMs: 1 } },
      { table: "outbox", row: { id: "o3", seq: 9, payload: "{}", attempts: 0, nextAttemptMs: 9 } },
    ]);
    // Chain order, not due order: o3 comes with the others although it is not due yet.
    expect(store.readOutboxDue(5, 10).map((row) => row.id)).toEqual(["o2", "o1", "o3"]);
    expect(store.readOutboxDue(100, 2).map((row) => row.id)).toEqual(["o2", "o1"]);
    expect(store.readNextOutboxAttempt()).toBe(1);
    // A retried first row holds back the rows after it, so the Learner never learns out of order.
    store.commit([{ table: "outbox", row: { id: "o2", seq: 3, payload: "{}", attempts: 1, nextAttemptMs: 50 } }]);
    expect(store.readOutboxDue(10, 10)).toEqual([]);
    expect(store.readNextOutboxAttempt()).toBe(50);
    store.commit([{ table: "outbox_delete", id: "o2" }]);
    expect(store.readNextOutboxAttempt()).toBe(5);
    expect(store.readOutboxDue(5, 10).map((row) => row.id)).toEqual(["o1", "o3"]);
  });

  test("entryBytes counts each line plus its newline", () => {
    const store = new ReplayStore();
    store.commit([entry(0, "abc"), entry(1, "")]);
    store.commit([entry(2, "x".repeat(100))]);
    expect(store.entryBytes).toBe(4 + 1 + 101);
  });

  // BUG: entryBytes adds line.length, UTF-16 code units, while the export is UTF-8. Lines are
  // JSON.stringify output, which keeps non-ASCII characters raw, and a record's id (a routing
  // table's "id", a pack's record id) is sealed into its decision entry as request_id. So
  // ledger.bytes in the report undercounts "the size of the chain's JSONL export".
  test("entryBytes counts UTF-8 bytes, as the export file holds them", () => {
    const store = new ReplayStore();
    const line = '{"request_id":"caf\u00e9 \u2014 \u{1f600}"}';
    store.commit([entry(0, line)]);
    expect(store.entryBytes).toBe(new TextEncoder().encode(`${line}\n`).length);
  });
});
