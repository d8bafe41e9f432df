// `calybris pilot <file.jsonl>`: what Calybris would have saved on your own traffic. Replays a
// routing table (src/replay/routing-table.ts) through the engine beside the baselines and prints
// the savings. Exit status: 0 done, 2 usage or data error (the message names file and line).

import { createReadStream } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { useSha256 } from "../ledger/sha256.ts";
import { DataFileError, type DataLine } from "../replay/data-reader.ts";
import { readRoutingTable } from "../replay/routing-table.ts";
import { replayDataset } from "../replay/run-dataset.ts";
import { nodeSha256, nodeSha256PrefixedText } from "./node-sha256.ts";
import { formatReport, progressLine, usd, writeReport } from "./replay-output.ts";
import type { Output } from "./verify-command.ts";

export const PILOT_USAGE = `Usage: calybris pilot <file.jsonl> [options]

Replays your own routing logs and prints what Calybris would have saved, beside the baselines.
One JSON record per line (README, "Bring your own logs"):
  {"id": "r1", "regime": "support", "options": {"gpt-4o": {"correct": true, "cost_microcents": 250000},
                                                "gpt-4o-mini": {"correct": false, "cost_microcents": 9000}}}
("quality_bps": 0..10000 may replace "correct"; every record names the same models, at most 16.)

Options:
  --value <usd>        what one successful answer is worth (default 0.03)
  --success-bps <q>    a graded answer succeeds at or above this quality (default 7000)
  --seed <s>           seed of the kernel's draws and the random baseline (default 1)
  --out <dir>          also write report.json and SVG charts there
  -h, --help           show this help
`;

async function* fileLines(path: string): AsyncGenerator<DataLine> {
  const reader = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let line = 0;
  for await (const text of reader) yield { text, line: ++line };
}

export async function runPilot(argv: readonly string[], output: Output): Promise<number> {
  const usage = (message: string): number => {
    output.stderr(`calybris pilot: ${message}\n\n${PILOT_USAGE}`);
    return 2;
  };
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        value: { type: "string" },
        "success-bps": { type: "string" },
        seed: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  if (args.values.help === true) {
    output.stdout(PILOT_USAGE);
    return 0;
  }
  const [file, ...extra] = args.positionals;
  if (file === undefined || extra.length > 0) return usage("name one routing-table file");
  const value = Number(args.values.value ?? "0.03");
  if (!Number.isFinite(value) || value < 0 || value > 1_000_000)
    return usage(`--value expects a dollar amount, got ${JSON.stringify(args.values.value)}`);
  const successBps = Number(args.values["success-bps"] ?? "7000");
  if (!Number.isSafeInteger(successBps) || successBps < 0 || successBps > 10_000)
    return usage("--success-bps expects an integer in [0, 10000]");
  const seed = Number(args.values.seed ?? "1");
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) return usage("--seed expects an integer in [0, 2^31-1]");

  useSha256(nodeSha256, nodeSha256PrefixedText);
  let loaded;
  try {
    loaded = await readRoutingTable(file, fileLines(resolve(file)), { valueMicros: Math.round(value * 100_000_000), successBps });
  } catch (error) {
    if (error instanceof DataFileError) {
      output.stderr(`calybris pilot: ${error.message}\n`);
      return 2;
    }
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return usage(`no such file ${JSON.stringify(file)}`);
    throw error;
  }
  const progress = progressLine(output.stderr);
  const report = await replayDataset(loaded.dataset, loaded.table, {
    byteLength: (text) => Buffer.byteLength(text),
    seed,
    onProgress: (stage, done, total) => progress(`pilot ${stage}`, done, total),
  });
  output.stdout(formatReport(report));
  const adaptive = report.policies.adaptive!;
  const best = report.policies.best!;
  const saved = best.cost_micros - adaptive.cost_micros;
  output.stdout(
    `\nCalybris would have spent ${usd(adaptive.cost_micros)} instead of ${usd(best.cost_micros)} (always the most accurate model): ` +
      `${saved >= 0 ? "saving" : "spending"} ${usd(Math.abs(saved))} (${best.cost_micros === 0 ? 0 : ((Math.abs(saved) * 100) / best.cost_micros).toFixed(1)}%) ` +
      `at ${best.quality_bps === 0 ? 0 : ((adaptive.quality_bps * 100) / best.quality_bps).toFixed(1)}% of its quality.\n`,
  );
  if (args.values.out !== undefined) {
    const files = await writeReport(resolve(args.values.out), report);
    output.stderr(`wrote ${files.join(", ")}\n`);
  }
  return 0;
}
