// `calybris verify` on `policy` entries (docs/chain-format.md, "policy"): PolicyChainCheck alone
// (the lifecycle's rules replayed on hashes: table tests and properties over the real transitions),
// then whole exports built by the pure ledger through every verifier mode and the CLI itself: a
// lifecycle verifies; a forged record and a broken continuity are damage at their seq.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { hexToBytes } from "@noble/hashes/utils.js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PolicyChainCheck } from "../../../src/cli/policy-chain-check.ts";
import { BlockChecker } from "../../../src/cli/block-check.ts";
import { nodeSha256 } from "../../../src/cli/node-sha256.ts";
import { verifyExportFile, type VerifyFileOptions } from "../../../src/cli/verify-file.ts";
import { verifyExportBytes, type VerifyReport } from "../../../src/ledger/chain-verifier.ts";
import type { LedgerCommand } from "../../../src/ledger/commands.ts";
import { sealEntry, type EntryKind, type EntryRecord } from "../../../src/ledger/entry.ts";
import { discard, promote, rollback, stage, type Transition } from "../../../src/learning/lifecycle/lifecycle.ts";
import type { LifecycleState } from "../../../src/learning/lifecycle/lifecycle-state.ts";
import { CRITERION_NAMES } from "../../../src/learning/lifecycle/gate.ts";
import type { PolicyEventRecord } from "../../../src/learning/lifecycle/policy-event.ts";
import {
  CONFIG_A,
  CONFIG_B,
  DEFAULT_CONFIG,
  HASH_A,
  HASH_B,
  HASH_DEFAULT,
  LifecycleScript,
  changedConfig,
  scriptedLifecycle,
  verdictOn,
} from "../../shared/policy-lifecycle-fixtures.ts";
import {
  allEntries,
  createTenantCommand,
  decideCommand,
  devSigner,
  devVerifier,
  microtaskEngine,
  ORIGIN,
  RecordingStore,
} from "../ledger/ledger-fixtures.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CLI = join(ROOT, "src/cli/calybris.ts");
const EVENTS = scriptedLifecycle();

/** The index of the first event the check refuses and why, or null when it accepts them all. */
function firstRefusal(events: readonly PolicyEventRecord[]): { index: number; reason: string } | null {
  const check = new PolicyChainCheck();
  for (const [index, event] of events.entries()) {
    const reason = check.accept(event, index);
    if (reason !== null) return { index, reason };
  }
  return null;
}

/** An event the lifecycle would never seal, shaped right so only continuity can refuse it. */
function crafted(op: PolicyEventRecord["op"], config: PolicyEventRecord["config"], fields: Partial<PolicyEventRecord>): PolicyEventRecord {
  const event = op === "promote" ? { verdict: verdictOn("").criteria, forced: false } : {};
  return {
    op,
    config_hash: "",
    previous_hash: HASH_DEFAULT,
    version: 0,
    config,
    verdict: null,
    forced: false,
    reason: null,
    ...event,
    ...fields,
  };
}

describe("PolicyChainCheck", () => {
  test("accepts the scripted lifecycle: every op, a forced promotion, two rollbacks", () => {
    expect(EVENTS.map((event) => `${event.op} v${event.version}`)).toEqual([
      "stage v0",
      "discard v0",
      "stage v0",
      "promote v1",
      "stage v1",
      "promote v2",
      "rollback v3",
      "rollback v4",
    ]);
    expect(firstRefusal(EVENTS)).toBeNull();
  });

  const e = (i: number): PolicyEventRecord => EVENTS[i]!;
  const promoteB = crafted("promote", CONFIG_B, { config_hash: HASH_B, version: 1 });
  const TABLE: { name: string; events: PolicyEventRecord[]; index: number; reason: string | RegExp }[] = [
    { name: "a discard dropped", events: [e(0), e(2)], index: 1, reason: /^stage while candidate [0-9a-f]{64} \(staged at seq 0\)/ },
    { name: "a discard first", events: [e(1)], index: 0, reason: "discard with no candidate staged" },
    {
      name: "a promotion dropped",
      events: [e(0), e(1), e(2), e(4)],
      index: 3,
      reason: `previous_hash ${HASH_A} is not the current configuration ${HASH_DEFAULT}`,
    },
    {
      name: "a promotion sealed twice",
      events: [e(0), e(1), e(2), e(3), e(3)],
      index: 4,
      reason: /^previous_hash .* is not the current configuration/,
    },
    {
      name: "a rollback sealed twice",
      events: EVENTS.slice(0, 7).concat(e(6)),
      index: 7,
      reason: /^previous_hash .* is not the current configuration/,
    },
    {
      name: "the promotion's version kept",
      events: [e(0), { ...e(3), version: 0 }],
      index: 1,
      reason: "version 0 where 1 was expected after promote",
    },
    { name: "a stage's version moved", events: [{ ...e(0), version: 1 }], index: 0, reason: "version 1 where 0 was expected after stage" },
    {
      name: "another candidate promoted",
      events: [e(0), promoteB],
      index: 1,
      reason: `promote of ${HASH_B}, but the staged candidate is ${HASH_A}`,
    },
    {
      name: "the current configuration staged",
      events: [crafted("stage", DEFAULT_CONFIG, { config_hash: HASH_DEFAULT })],
      index: 0,
      reason: `stage of the current configuration ${HASH_DEFAULT}`,
    },
    {
      name: "a rollback with no history",
      events: [crafted("rollback", CONFIG_A, { config_hash: HASH_A, version: 1 })],
      index: 0,
      reason: "rollback with no previous configuration",
    },
    {
      name: "a rollback to the wrong configuration",
      events: [
        ...EVENTS.slice(0, 6),
        crafted("rollback", DEFAULT_CONFIG, { config_hash: HASH_DEFAULT, previous_hash: HASH_B, version: 3 }),
      ],
      index: 6,
      reason: `rollback to ${HASH_DEFAULT}, but the previous configuration is ${HASH_A}`,
    },
    { name: "a bad shape", events: [{ ...e(0), forced: true }], index: 0, reason: '"forced" expected false on stage' },
    {
      name: "a config that is not the hash's",
      events: [{ ...e(0), config: CONFIG_B }],
      index: 0,
      reason: '"config_hash" is not the hash of "config"',
    },
  ];

  test.each(TABLE)("refuses $name at the right event", ({ events, index, reason }) => {
    const refusal = firstRefusal(events);
    expect(refusal?.index).toBe(index);
    if (typeof reason === "string") expect(refusal?.reason).toBe(reason);
    else expect(refusal?.reason).toMatch(reason);
  });

  test("a rollback while a candidate is staged is refused as such", () => {
    // Rolls back from A (promoted at event 3) with B staged: continuity holds, the staging does not.
    const rollbackToDefault = crafted("rollback", DEFAULT_CONFIG, { config_hash: HASH_DEFAULT, previous_hash: HASH_A, version: 2 });
    expect(firstRefusal([...EVENTS.slice(0, 5), rollbackToDefault])).toEqual({
      index: 5,
      reason: `rollback while candidate ${HASH_B} (staged at seq 4) is still staged`,
    });
  });

  // Random walks through the real transitions (refused steps skipped): configurations from a small
  // set so that rollbacks and re-stagings of earlier ones happen, forced promotions among them.
  const CONFIGS = [DEFAULT_CONFIG, CONFIG_A, CONFIG_B, changedConfig({ prior_strength: 4 })];
  const stepArbitrary = fc.oneof(
    fc.record({ op: fc.constant("stage" as const), config: fc.nat(CONFIGS.length - 1) }),
    fc.constant({ op: "discard" as const }),
    fc.record({ op: fc.constant("promote" as const), passes: fc.boolean() }),
    fc.constant({ op: "rollback" as const }),
  );
  type WalkStep = typeof stepArbitrary extends fc.Arbitrary<infer T> ? T : never;

  function walk(steps: readonly WalkStep[]): PolicyEventRecord[] {
    const script = new LifecycleScript();
    const failing = CRITERION_NAMES.map((_, i) => i !== 0);
    const transition =
      (step: WalkStep) =>
      (state: LifecycleState, nowMs: number): Transition => {
        if (step.op === "stage") return stage(state, CONFIGS[step.config]!, nowMs);
        if (step.op === "discard") return discard(state, nowMs);
        if (step.op === "rollback") return rollback(state, nowMs);
        const hash = state.candidate?.hash ?? "";
        return step.passes
          ? promote(state, verdictOn(hash), {}, nowMs)
          : promote(state, verdictOn(hash, failing), { force: { reason: "walk" } }, nowMs);
      };
    for (const step of steps) {
      try {
        script.step(transition(step));
      } catch {
        // A refused transition seals nothing: the walk goes on from the same state.
      }
    }
    return script.events;
  }

  test("accepts every sequence the transitions seal; refuses each with one event dropped (but the last) or repeated", () => {
    fc.assert(
      fc.property(fc.array(stepArbitrary, { maxLength: 40 }), fc.nat(), (steps, pick) => {
        const events = walk(steps);
        expect(firstRefusal(events)).toBeNull();
        if (events.length < 2) return;
        const at = pick % (events.length - 1);
        const dropped = events.filter((_, i) => i !== at);
        expect(firstRefusal(dropped)?.index ?? -1).toBeGreaterThanOrEqual(at);
        const repeated = [...events.slice(0, at + 1), events[at]!, ...events.slice(at + 1)];
        expect(firstRefusal(repeated)?.index).toBe(at + 1);
      }),
      { numRuns: 500 },
    );
  });
});

// ---- Exports built by the pure ledger, through every verifier mode and the CLI. ----

let directory: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "calybris-policy-verify-"));
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A tenant's chain: decisions around every event, a checkpoint in the middle of the lifecycle. */
async function lifecycleExport(events: readonly PolicyEventRecord[]): Promise<{ bytes: Uint8Array; policySeqs: number[] }> {
  const store = new RecordingStore();
  const engine = microtaskEngine(store);
  await engine.submit(createTenantCommand(1_000_000_000, "tenant-policy"));
  const policySeqs: number[] = [];
  for (const [i, event] of events.entries()) {
    const commands: LedgerCommand[] = Array.from({ length: 5 }, (_, k) =>
      decideCommand({ decisionId: `d-${i}-${k}`, costs: [1_000 + k], nowMs: 10_000 + i * 10 + k }),
    );
    await Promise.all(commands.map((command) => engine.submit(command)));
    const sealed = await engine.submit({ type: "policy", record: event, nowMs: 10_000 + i * 10 + 6 });
    if (!sealed.ok) throw new Error(sealed.code);
    policySeqs.push(sealed.seq);
    if (i === 3) await engine.submit({ type: "checkpoint", origin: ORIGIN, signer: devSigner, nowMs: 10_000 + i * 10 + 7 });
  }
  const lines = allEntries(store).map((row) => `${row.line}\n`);
  return { bytes: new TextEncoder().encode(lines.join("")), policySeqs };
}

/** Re-seals the export with entry `seq`'s record replaced, so every fingerprint and link holds. */
function forgeRecord(bytes: Uint8Array, seq: number, record: EntryRecord): Uint8Array {
  const lines = new TextDecoder().decode(bytes).split("\n").slice(0, -1);
  let prev: Uint8Array = hexToBytes((JSON.parse(lines[seq - 1]!) as { fp: string }).fp);
  for (let i = seq; i < lines.length; i++) {
    const entry = JSON.parse(lines[i]!) as { kind: EntryKind; record: EntryRecord; ts: number };
    const sealed = sealEntry(prev, i, entry.kind, entry.ts, i === seq ? record : entry.record);
    lines[i] = sealed.line;
    prev = sealed.fp;
  }
  return new TextEncoder().encode(`${lines.join("\n")}\n`);
}

const expectedReport = (bytes: Uint8Array): VerifyReport =>
  verifyExportBytes(bytes, { sha256: nodeSha256, verifierKey: devVerifier, policyCheck: new PolicyChainCheck() });

/** Every streaming mode must give verifyExportBytes' report with the policy check. */
async function expectAllModes(bytes: Uint8Array, name: string): Promise<VerifyReport> {
  const path = join(directory, `${name}.jsonl`);
  writeFileSync(path, bytes);
  const want = expectedReport(bytes);
  const runs: VerifyFileOptions[] = [
    { verifierKey: devVerifier, threads: 0 },
    { verifierKey: devVerifier, threads: 0, blockBytes: 97 },
    { verifierKey: devVerifier, mode: "reference", blockBytes: 333 },
    { verifierKey: devVerifier, threads: 2, blockBytes: 4096 },
  ];
  for (const run of runs) expect((await verifyExportFile(path, run)).report, `${name} ${JSON.stringify(run)}`).toEqual(want);
  return want;
}

function runVerifyCli(bytes: Uint8Array, name: string): { status: number | null; json: Record<string, unknown> } {
  const path = join(directory, `${name}-cli.jsonl`);
  writeFileSync(path, bytes);
  const child = spawnSync(process.execPath, [CLI, "verify", path, "--json", "--tenant", "tenant-policy"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 20_000,
  });
  return { status: child.status, json: JSON.parse(child.stdout) as Record<string, unknown> };
}

describe("calybris verify on exports with policy entries", { timeout: 30_000 }, () => {
  test("a lifecycle among decisions and a checkpoint verifies in every mode and through the CLI", async () => {
    const { bytes, policySeqs } = await lifecycleExport(EVENTS);
    const report = await expectAllModes(bytes, "lifecycle");
    expect(report).toMatchObject({ ok: true, damage: null, checkpoints: 1, checkpointsVerified: 1, tenantId: "tenant-policy" });
    expect(report.entries).toBe(policySeqs.at(-1)! + 1);
    // Only seq 0, the checkpoint and the policy entries leave the fast path: decisions stay on it.
    const check = new BlockChecker().check(bytes);
    const fast = check.segments.reduce((sum, segment) => sum + segment.lineCount, 0);
    expect(fast).toBe(check.lineCount - 1 - 1 - EVENTS.length);
    const cli = runVerifyCli(bytes, "lifecycle");
    expect(cli.status).toBe(0);
    expect(cli.json).toMatchObject({ verdict: "verified", entries: report.entries });
  });

  test("a policy record forged into a bad shape is damage at its seq, though every fingerprint holds", async () => {
    const { bytes, policySeqs } = await lifecycleExport(EVENTS);
    const seq = policySeqs[5]!;
    const forced = { ...EVENTS[5]!, reason: null };
    const forged = forgeRecord(bytes, seq, { policy: forced } as unknown as EntryRecord);
    expect(verifyExportBytes(forged, { sha256: nodeSha256 }).ok).toBe(true);
    const report = await expectAllModes(forged, "bad-shape");
    expect(report).toMatchObject({
      ok: false,
      entries: seq,
      damage: { seq, reason: 'policy event refused: "reason" expected with a forced promotion' },
    });
    const cli = runVerifyCli(forged, "bad-shape");
    expect(cli.status).toBe(1);
    expect(cli.json).toMatchObject({ verdict: "damaged", damage: { seq } });
  });

  test("an envelope with more than the event is damage at its seq", async () => {
    const { bytes, policySeqs } = await lifecycleExport(EVENTS);
    const seq = policySeqs[0]!;
    const forged = forgeRecord(bytes, seq, { policy: EVENTS[0]!, note: "extra" } as unknown as EntryRecord);
    expect(await expectAllModes(forged, "envelope")).toMatchObject({
      damage: { seq, reason: 'policy entry record expected exactly { "policy": <object> }' },
    });
  });

  test("a lifecycle sealed with an event missing (the ledger does not read events) is damage at the next policy entry", async () => {
    // Without the first promotion the stage of B claims a production (A) the chain never promoted.
    const { bytes, policySeqs } = await lifecycleExport(EVENTS.filter((_, i) => i !== 3));
    const seq = policySeqs[3]!;
    const report = await expectAllModes(bytes, "continuity");
    expect(report).toMatchObject({
      ok: false,
      entries: seq,
      damage: { seq, reason: `policy event refused: previous_hash ${HASH_A} is not the current configuration ${HASH_DEFAULT}` },
    });
    const cli = runVerifyCli(bytes, "continuity");
    expect(cli.status).toBe(1);
    expect(cli.json).toMatchObject({ verdict: "damaged", damage: { seq }, location: { line: seq + 1 } });
  });
});
