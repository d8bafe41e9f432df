// The `policy` entry kind (issue 12, "Chain entries"): the ledger seals each lifecycle event as
// `{ "policy": <event> }` without reading it, refuses what cannot be a record, leaves the budget
// alone, serves a suspended tenant's admin, and the entries survive restarts, recovery and
// checkpoints. The ledger checks only the envelope; the event's rules are verify's (test/node/cli).

import { hash } from "node:crypto";
import { hexToBytes } from "@noble/hashes/utils.js";
import { describe, expect, test } from "vitest";
import { verifyExportBytes } from "../../../src/ledger/chain-verifier.ts";
import type { LedgerCommand, PolicyResult } from "../../../src/ledger/commands.ts";
import { sealEntry, type EntryRecord } from "../../../src/ledger/entry.ts";
import { recover } from "../../../src/ledger/recovery.ts";
import { PolicyChainCheck } from "../../../src/cli/policy-chain-check.ts";
import { scriptedLifecycle } from "../../shared/policy-lifecycle-fixtures.ts";
import {
  allEntries,
  createTenantCommand,
  decideCommand,
  devSigner,
  devVerifier,
  exportBytes,
  microtaskEngine,
  nobleSha256,
  ORIGIN,
  RecordingStore,
} from "./ledger-fixtures.ts";

const TENANT = "tenant-test";
const EVENTS = scriptedLifecycle();

const policy = (record: EntryRecord, nowMs = 5_000): LedgerCommand => ({ type: "policy", record, nowMs });

/**
 * JCS written independently of src/ledger/canonical.ts: these records hold only strings, safe
 * integers, booleans, null, arrays and objects, for which JSON.stringify with sorted keys is JCS.
 */
function jcs(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jcs).join(",")}]`;
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${jcs(inner)}`).join(",")}}`;
}

async function tenantWithEvents(): Promise<{ store: RecordingStore; results: PolicyResult[] }> {
  const store = new RecordingStore();
  const engine = microtaskEngine(store);
  await engine.submit(createTenantCommand(1_000_000));
  const results: PolicyResult[] = [];
  for (const [i, event] of EVENTS.entries()) results.push(await engine.submit({ type: "policy", record: event, nowMs: 2_000 + i }));
  return { store, results };
}

describe("the policy command", () => {
  test("seals each event as one entry { policy: <event> } in JCS order, fingerprinted as every entry is", async () => {
    const { store, results } = await tenantWithEvents();
    const rows = allEntries(store);
    expect(rows).toHaveLength(1 + EVENTS.length);
    for (const [i, event] of EVENTS.entries()) {
      const row = rows[i + 1]!;
      expect(results[i]).toStrictEqual({ ok: true, seq: i + 1, fingerprint: row.fpHex });
      expect(row.kind).toBe("policy");
      // The line and its fingerprint, derived here with node:crypto and the independent JCS above.
      const canonical = jcs({ kind: "policy", prev: rows[i]!.fpHex, record: { policy: event }, seq: i + 1, ts: 2_000 + i });
      const fp = hash("sha256", Buffer.concat([Buffer.from(rows[i]!.fpHex, "hex"), Buffer.from(canonical, "utf8")]), "hex");
      expect(row.fpHex).toBe(fp);
      expect(row.line).toBe(`{"fp":"${fp}",${canonical.slice(1)}`);
    }
    const report = verifyExportBytes(exportBytes(store), { sha256: nobleSha256, policyCheck: new PolicyChainCheck() });
    expect(report).toMatchObject({ ok: true, entries: 1 + EVENTS.length, tenantId: TENANT, damage: null });
  });

  test("changes no budget, and keeps its place among decisions in one batch", async () => {
    const store = new RecordingStore();
    const engine = microtaskEngine(store);
    await engine.submit(createTenantCommand(1_000_000));
    const before = engine.budget();
    const commits = store.committed.length;
    const answers = await Promise.all([
      engine.submit(decideCommand({ decisionId: "d-1", costs: [1_000], nowMs: 3_000 })),
      engine.submit(policy(EVENTS[0]!)),
      engine.submit(decideCommand({ decisionId: "d-2", costs: [2_000], nowMs: 3_001 })),
      engine.submit(policy(EVENTS[1]!)),
    ]);
    expect(store.committed.length).toBe(commits + 1);
    expect(answers.map((answer) => (answer as { seq: number }).seq)).toEqual([1, 2, 3, 4]);
    expect(allEntries(store).map((row) => row.kind)).toEqual(["budget", "decision", "policy", "decision", "policy"]);
    expect(engine.budget()).toStrictEqual({ ...before, reservedMicros: 3_000, availableMicros: before.availableMicros - 3_000 });
  });

  test("refuses tenant_unknown before a tenant, then record_invalid for what is no canonical object; nothing is written", async () => {
    const store = new RecordingStore();
    const engine = microtaskEngine(store);
    expect(await engine.submit(policy(EVENTS[0]!))).toMatchObject({ ok: false, code: "tenant_unknown" });
    await engine.submit(createTenantCommand(1_000_000));
    const deep = JSON.parse(`${'{"a":'.repeat(17)}1${"}".repeat(17)}`) as EntryRecord;
    const hostile: unknown[] = [
      null,
      [EVENTS[0]],
      "stage",
      7,
      { op: "stage", score: 1.5 },
      { op: "stage", version: -0 },
      { op: "stage", reason: "\ud800" },
      deep,
    ];
    for (const record of hostile) {
      const answer = await engine.submit(policy(record as EntryRecord));
      expect(answer, JSON.stringify(record)).toMatchObject({ ok: false, code: "record_invalid", detail: expect.any(String) });
    }
    expect(engine.head.size).toBe(1);
    expect(allEntries(store)).toHaveLength(1);
  });

  test("a suspended tenant's admin may still seal an event (discarding a candidate) while its decisions are refused", async () => {
    const store = new RecordingStore();
    const engine = microtaskEngine(store);
    await engine.submit(createTenantCommand(1_000_000));
    await engine.submit(policy(EVENTS[0]!));
    await engine.submit({ type: "update_tenant", op: "suspend", changes: { status: "suspended" }, nowMs: 4_000 });
    expect(await engine.submit(decideCommand({ decisionId: "d-1", costs: [1], nowMs: 4_001 }))).toMatchObject({
      code: "tenant_suspended",
    });
    expect(await engine.submit(policy(EVENTS[1]!))).toMatchObject({ ok: true, seq: 3 });
  });
});

describe("policy entries in recovery, restarts and checkpoints", () => {
  test("a restarted engine recovers them, signs a checkpoint over them, and the export verifies with the key", async () => {
    const { store } = await tenantWithEvents();
    const recovered = recover(store);
    expect(recovered).toMatchObject({ ok: true, verified: 1 + EVENTS.length, fromSeq: 0, truncatedFrom: null });
    const engine = microtaskEngine(store);
    expect(engine.head.size).toBe(1 + EVENTS.length);
    const checkpoint = await engine.submit({ type: "checkpoint", origin: ORIGIN, signer: devSigner, nowMs: 9_000 });
    expect(checkpoint).toMatchObject({ ok: true, signed: true, treeSize: 1 + EVENTS.length });
    // After the checkpoint, recovery resumes there, with no lifecycle state: one more event after it.
    const more = await microtaskEngine(store).submit(policy({ op: "note", n: 1 }));
    expect(more).toMatchObject({ ok: true, seq: 2 + EVENTS.length });
    expect(recover(store)).toMatchObject({ ok: true, fromSeq: 1 + EVENTS.length, verified: 2 });
    const report = verifyExportBytes(exportBytes(store), { sha256: nobleSha256, verifierKey: devVerifier });
    expect(report).toMatchObject({ ok: true, entries: 3 + EVENTS.length, checkpoints: 1, checkpointsVerified: 1 });
  });

  test("the ledger's verifier (recovery's) refuses a policy entry that is not exactly { policy: <object> }", async () => {
    const { store } = await tenantWithEvents();
    const rows = allEntries(store);
    const last = rows.at(-1)!;
    for (const record of [{ policy: EVENTS[0]!, extra: 1 }, { policy: [1] }, { policy: null }, { event: EVENTS[0]! }, {}]) {
      const forged = sealEntry(hexToBytes(last.fpHex), rows.length, "policy", 9_000, record as EntryRecord);
      const bytes = new TextEncoder().encode(`${rows.map((row) => row.line).join("\n")}\n${forged.line}\n`);
      const report = verifyExportBytes(bytes, { sha256: nobleSha256 });
      expect(report, JSON.stringify(record)).toMatchObject({
        ok: false,
        entries: rows.length,
        headHex: last.fpHex,
        damage: { seq: rows.length, reason: 'policy entry record expected exactly { "policy": <object> }' },
      });
    }
    // Without a policy check the ledger's verifier does not read the event; with one it does.
    const opaque = sealEntry(hexToBytes(last.fpHex), rows.length, "policy", 9_000, { policy: { op: "launch" } });
    const bytes = new TextEncoder().encode(`${rows.map((row) => row.line).join("\n")}\n${opaque.line}\n`);
    expect(verifyExportBytes(bytes, { sha256: nobleSha256 }).ok).toBe(true);
    expect(verifyExportBytes(bytes, { sha256: nobleSha256, policyCheck: new PolicyChainCheck() }).damage).toMatchObject({
      seq: rows.length,
      reason: expect.stringMatching(/^policy event refused: policy record expected exactly the keys/),
    });
  });
});
