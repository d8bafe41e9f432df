// `calybris verify` on exports with proxy mode's entries: execution attempts and feedback
// outcomes verify on the main thread and in worker threads (where plain lines take the fast
// path and execution lines ChainVerifier's), and a forged envelope with valid fingerprints is
// damage at its seq, exit status 1.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { runVerify } from "../../../src/cli/verify-command.ts";
import type { ExecutionCommand } from "../../../src/ledger/commands.ts";
import { genesisHash, sealEntry, type EntryKind, type EntryRecord } from "../../../src/ledger/entry.ts";
import { MemoryStore } from "../../../src/ledger/memory-store.ts";
import { createTenantCommand, decideCommand, exportText, microtaskEngine } from "../ledger/ledger-fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "calybris-verify-exec-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A chain of 60 proxied decisions, each executed (a 429, then an answer) and given feedback. */
async function proxiedExport(): Promise<string> {
  const store = new MemoryStore();
  const engine = microtaskEngine(store);
  await engine.submit(createTenantCommand(10_000_000));
  for (let i = 0; i < 60; i++) {
    const decision = await engine.submit(decideCommand({ decisionId: `d-${i}`, costs: [100, 50], nowMs: i }));
    if (!decision.ok) throw new Error("decision refused");
    const execution: ExecutionCommand = {
      type: "execution",
      decisionFingerprint: decision.fingerprint,
      attempts: [
        { option: "model-0", record: { model: "model-0", status: "rate_limited" } },
        { option: "model-1", record: { model: "model-1", status: "ok" } },
      ],
      actualCostMicros: 40 + i,
      served: { record: { input_tokens: 1, latency_ms: 2, model: "model-1", output_tokens: 3 }, learnerExecution: { model: "model-1" } },
      nowMs: i,
    };
    expect(await engine.submit(execution)).toMatchObject({ ok: true });
    const feedback = await engine.submit({
      type: "feedback",
      feedbackId: `feedback:${decision.fingerprint}`,
      requestDigestHex: "b",
      decisionFingerprint: decision.fingerprint,
      result: { business_outcome_micros: null, quality_bps: 9_000, success: null },
      nowMs: i,
    });
    expect(feedback).toMatchObject({ ok: true });
  }
  return exportText(store);
}

/** Re-seals every entry after changing the first execution record that `change` accepts. */
function forge(text: string, change: (record: Record<string, Record<string, unknown>>) => void): { text: string; seq: number } {
  let prev: Uint8Array | null = null;
  let seq = -1;
  const lines: string[] = [];
  for (const line of text.trimEnd().split("\n")) {
    const entry = JSON.parse(line) as { kind: EntryKind; record: Record<string, Record<string, unknown>>; seq: number; ts: number };
    if (seq < 0 && entry.kind === "execution" && entry.seq > 100) {
      change(entry.record);
      seq = entry.seq;
    }
    const sealed = sealEntry(prev ?? genesisHash("tenant-test"), entry.seq, entry.kind, entry.ts, entry.record as EntryRecord);
    lines.push(sealed.line);
    prev = sealed.fp;
  }
  return { text: `${lines.join("\n")}\n`, seq };
}

async function verify(text: string, threads: number): Promise<{ status: number; report: Record<string, unknown> }> {
  const file = join(dir, `export-${crypto.randomUUID()}.jsonl`);
  writeFileSync(file, text);
  let out = "";
  const status = await runVerify([file, "--json", "--threads", String(threads)], {
    stdout: (t) => void (out += t),
    stderr: () => undefined,
  });
  return { status, report: JSON.parse(out) as Record<string, unknown> };
}

describe("calybris verify with execution entries", () => {
  for (const threads of [0, 2]) {
    test(`a proxied chain verifies (threads ${threads})`, async () => {
      const text = await proxiedExport();
      expect(text).toContain('"kind":"execution"');
      const { status, report } = await verify(text, threads);
      expect(status).toBe(0);
      expect(report).toMatchObject({ ok: true, entries: 1 + 60 * 4 });
    });

    test(`a forged execution envelope is damage at its seq (threads ${threads})`, async () => {
      const forged = forge(await proxiedExport(), (record) => (record.execution!.status = "made_up"));
      const { status, report } = await verify(forged.text, threads);
      expect(status).toBe(1);
      expect(JSON.stringify(report)).toContain("execution status");
      expect(JSON.stringify(report)).toContain(`${forged.seq}`);
    });
  }
});
