// `calybris evaluate` (src/cli/evaluate-command.ts, src/decision/evaluate-export.ts) on the chain
// export of a replay whose every counterfactual is known: the JSON it prints is evaluateExport's,
// production's estimate is the replay's own mean net value, the doubly robust estimate of every
// fixed option lands near its true mean, and bad input exits 2 (usage) or 1 (unreadable export).

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { runEvaluate } from "../../../src/cli/evaluate-command.ts";
import { evaluateExport } from "../../../src/decision/evaluate-export.ts";
import type { EntryRow } from "../../../src/ledger/store.ts";
import { replayDataset } from "../../../src/replay/run-dataset.ts";
import { SYNTHETIC_PACK, syntheticDataset, syntheticTable } from "../replay/synthetic-dataset.ts";

async function run(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const output = { stdout: (text: string) => void (stdout += text), stderr: (text: string) => void (stderr += text) };
  const status = await runEvaluate(argv, output, packOf);
  return { status, stdout, stderr };
}

const table = syntheticTable({ records: 3_000, seed: 7 });
const dataset = syntheticDataset(table);
const lines: string[] = [];
const report = await replayDataset(dataset, table, {
  seed: 3,
  policies: ["adaptive"],
  explorationBps: 2_000,
  onEntry: (row: EntryRow) => void lines.push(row.line),
});
const file = join(mkdtempSync(join(tmpdir(), "calybris-evaluate-")), "chain.jsonl");
writeFileSync(file, lines.map((line) => `${line}\n`).join(""));
const packOf = (id: string) => (id === SYNTHETIC_PACK.id ? SYNTHETIC_PACK : null);

describe("calybris evaluate", () => {
  test("the pure evaluation of the export: counts, production's mean, fixed options near the truth", () => {
    const evaluated = evaluateExport(lines, { regime: null, sinceDay: null }, packOf);
    expect(evaluated.ok).toBe(true);
    if (!evaluated.ok) return;
    const answer = evaluated.answer;
    expect(answer.counts.decisions).toBe(3_000);
    expect(answer.counts.outcomes).toBe(3_000);
    // On-policy: production's estimate is the adaptive run's net value per record, to rounding.
    const adaptive = report.policies.adaptive!;
    expect(answer.production.dr!.estimate_micros).toBeCloseTo(adaptive.net_value_micros / adaptive.records, 3);
    // Every fixed option's DR interval, widened by the weight cap's bias allowance, holds its true mean net value.
    let covered = 0;
    let supported = 0;
    for (const fixed of answer.fixed) {
      if (fixed.dr === null || fixed.support < 30) continue;
      supported++;
      const regime = SYNTHETIC_PACK.regimes.findIndex((r) => r.id === fixed.regime);
      const option = SYNTHETIC_PACK.options.findIndex((o) => o.id === fixed.option);
      let sum = 0;
      let n = 0;
      for (let i = 0; i < table.count; i++) {
        if (table.regime[i] !== regime) continue;
        const cell = i * table.optionCount + option;
        sum += table.valueMicros[i]! * table.success[cell]! - table.costMicros[cell]!;
        n++;
      }
      const truth = sum / n;
      const [low, high] = fixed.dr.ci95_micros;
      if (truth >= low && truth <= high) covered++;
    }
    expect(supported).toBeGreaterThanOrEqual(8);
    expect(covered / supported).toBeGreaterThanOrEqual(0.75);
  });

  test("--json prints evaluateExport's answer; the summary names the regret", async () => {
    const json = await run([file, "--json"]);
    expect(json.status, json.stderr).toBe(0);
    const evaluated = evaluateExport(lines, { regime: null, sinceDay: null }, packOf);
    expect(evaluated.ok && `${JSON.stringify(evaluated.answer)}\n`).toBe(json.stdout);
    const text = await run([file, "--regime", "hard"]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/regime hard/);
    expect(text.stdout).toMatch(/regret against the best fixed option: \$/);
  });

  test("refuses bad usage with 2 and an unreadable export with 1", async () => {
    expect((await run([])).status).toBe(2);
    expect((await run([file, "--since", "yesterday"])).status).toBe(2);
    expect((await run([file, "--regime", "nope"])).status).toBe(2);
    expect((await run(["/nonexistent/chain.jsonl"])).status).toBe(1);
    const garbage = join(mkdtempSync(join(tmpdir(), "calybris-evaluate-")), "bad.jsonl");
    writeFileSync(garbage, "not json\n");
    expect((await run([garbage])).status).toBe(1);
  });
});
