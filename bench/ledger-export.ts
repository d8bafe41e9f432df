// Writes a chain export for the verify benchmark: decisions and their outcomes through the pure
// LedgerEngine (over AppendStore, which streams each commit's lines to the file instead of
// keeping them), with a checkpoint signed by the public development key every so many entries.

import { closeSync, openSync, writeSync } from "node:fs";
import type { LedgerCommand } from "../src/ledger/commands.ts";
import { parseSignerKey, type SignerKey } from "../src/ledger/signed-note.ts";
import { AppendStore } from "./ledger-append-store.ts";
import { benchDecideInput } from "./ledger-decide.ts";
import { CONCURRENT_SUBMITS, decideCommand, newBenchEngine } from "./ledger-pure.ts";

/** docs/dev-signing-key.md: public, for local runs and tests only. */
const DEV_SIGNER_TEXT = "PRIVATE+KEY+calybris-dev+aa25f12c+AbN+I7UFf1A9xxTk5F+E77hbtPViUFwrH2hXMhKhBJVX";
export const DEV_VERIFIER_TEXT = "calybris-dev+aa25f12c+AbERWinwN80ibphf4Xo7GtD4prrbuEvV9GXHkIBMM0Hg";
const WRITE_BYTES = 4 << 20;

function devSigner(): SignerKey {
  const parsed = parseSignerKey(DEV_SIGNER_TEXT);
  if (!parsed.ok) throw new Error(`dev signer key refused: ${parsed.code}`);
  return parsed.key;
}

export interface ExportStats {
  readonly entries: number;
  readonly bytes: number;
  readonly checkpoints: number;
  readonly appendsPerSec: number;
}

/** Appends about `entries` entries (one outcome per three decisions) and writes them to `path`. */
export async function writeBenchExport(path: string, entries: number, checkpointEvery: number): Promise<ExportStats> {
  const fd = openSync(path, "w");
  let pending: string[] = [];
  let pendingBytes = 0;
  let bytes = 0;
  const flushFile = (): void => {
    const buffer = Buffer.from(pending.join(""));
    writeSync(fd, buffer);
    bytes += buffer.length;
    pending = [];
    pendingBytes = 0;
  };
  const store = new AppendStore({
    onEntries: (rows) => {
      for (const row of rows) {
        pending.push(row.line, "\n");
        pendingBytes += row.line.length + 1;
      }
      if (pendingBytes >= WRITE_BYTES) flushFile();
    },
  });
  const startMs = performance.now();
  try {
    const engine = await newBenchEngine(store, "bench-export");
    const signer = devSigner();
    let decisions = 0;
    let checkpoints = 0;
    let nextCheckpoint = checkpointEvery;
    while (engine.head.size < entries) {
      const room = Math.min(CONCURRENT_SUBMITS, entries - engine.head.size);
      const decideCount = Math.ceil((room * 3) / 4);
      const commands: LedgerCommand[] = [];
      for (let k = 0; k < decideCount; k++) commands.push(decideCommand("x", decisions + k, 1_000 + decisions + k));
      const results = await Promise.all(commands.map((command) => engine.submit(command)));
      decisions += decideCount;
      const outcomes = results
        .slice(0, room - decideCount)
        .flatMap((result, k) => (result.ok && "fingerprint" in result ? [outcomeCommand(result.fingerprint, decisions + k)] : []));
      await Promise.all(outcomes.map((command) => engine.submit(command)));
      if (engine.head.size >= nextCheckpoint && engine.head.size < entries) {
        const signed = await engine.submit({
          type: "checkpoint",
          origin: "calybris.local/ledger/bench-export",
          signer,
          nowMs: 1_000 + decisions,
        });
        if (signed.ok && signed.signed) checkpoints++;
        nextCheckpoint += checkpointEvery;
      }
    }
    flushFile();
    return { entries: engine.head.size, bytes, checkpoints, appendsPerSec: engine.head.size / ((performance.now() - startMs) / 1000) };
  } finally {
    closeSync(fd);
  }
}

function outcomeCommand(decisionFingerprint: string, i: number): LedgerCommand {
  return {
    type: "outcome",
    webhookId: `msg_${i}`,
    requestDigestHex: `body-${i}`,
    decisionFingerprint,
    // decideCommand("x", i) made decision i: its first candidate is an option it offered.
    model: benchDecideInput("x", i).candidates[0]!.option,
    actualCostMicros: 10_000 + (i % 90_000),
    record: { quality_bps: 7_000 + (i % 3_000), latency_ms: 200 + (i % 5_000), output_tokens: 100 + (i % 900), success: i % 7 !== 0 },
    learnerOutcome: { success: i % 7 !== 0 },
    nowMs: 2_000 + i,
  };
}
