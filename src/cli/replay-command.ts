// `calybris replay <dataset|all>`: replays a real data set through kernel, ledger and Learner
// beside its baselines and writes the report and charts. Exit status: 0 replayed with no errors,
// 1 some record could not be served, 2 usage or data error (the message names file and line).

import { createWriteStream } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { nodeSha256, nodeSha256PrefixedText } from "./node-sha256.ts";
import { useSha256 } from "../ledger/sha256.ts";
import { DEFAULT_EXPLORATION_BPS } from "../learning/warm-start.ts";
import { DataFileError } from "../replay/data-reader.ts";
import { DATASETS, datasetNamed } from "../replay/datasets/registry.ts";
import { POLICIES, replayDataset, type PolicyName } from "../replay/run-dataset.ts";
import { GzipDataReader, defaultDataDir } from "./gzip-data-reader.ts";
import { formatReport, progressLine, writeReport } from "./replay-output.ts";
import type { Output } from "./verify-command.ts";

export const REPLAY_USAGE = `Usage: calybris replay <dataset | all> [options]

Replays a real data set through the kernel, the ledger (every decision sealed into the hash
chain, its worst-case cost reserved and settled with the real cost) and the Learner (outcomes fed
back in order), beside the baselines, and writes report.json and SVG charts per data set.

Data sets (read in place from ${defaultDataDir()}, or $CALYBRIS_DATA):
${DATASETS.map((d) => `  ${d.id.padEnd(26)} ${d.title}`).join("\n")}

Options:
  --limit <n>        replay only the first n records (in replay order)
  --seed <s>         seed of the kernel's draws, the random baseline and modelled outcomes (default 1)
  --exploration <bps>  the adaptive policy's exploration share among the plausibly best options
                     (default ${DEFAULT_EXPLORATION_BPS} bps, the production default)
  --policy <name>    run only this policy (${POLICIES.join(", ")}); repeatable; default all
  --out <dir>        where report.json and the charts go (default ./replay-out)
  --chain <file>     also write the adaptive run's chain export (JSONL) for \`calybris verify\`
  -h, --help         show this help
`;

function parseInteger(text: string | undefined, name: string, min: number, max: number): number | string | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= min && value <= max
    ? value
    : `--${name} expects an integer in [${min}, ${max}], got ${JSON.stringify(text)}`;
}

export async function runReplay(argv: readonly string[], output: Output): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        limit: { type: "string" },
        seed: { type: "string" },
        exploration: { type: "string" },
        policy: { type: "string", multiple: true },
        out: { type: "string" },
        chain: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    output.stderr(`calybris replay: ${(error as Error).message}\n\n${REPLAY_USAGE}`);
    return 2;
  }
  if (args.values.help === true) {
    output.stdout(REPLAY_USAGE);
    return 0;
  }
  const usage = (message: string): number => {
    output.stderr(`calybris replay: ${message}\n\n${REPLAY_USAGE}`);
    return 2;
  };
  const [name, ...extra] = args.positionals;
  if (name === undefined || extra.length > 0) return usage("name one data set, or all");
  const datasets = name === "all" ? DATASETS : [datasetNamed(name)].filter((d) => d !== undefined);
  if (datasets.length === 0) return usage(`unknown data set ${JSON.stringify(name)}`);
  const limit = parseInteger(args.values.limit, "limit", 1, Number.MAX_SAFE_INTEGER);
  const seed = parseInteger(args.values.seed, "seed", 0, 2 ** 31 - 1) ?? 1;
  if (typeof limit === "string") return usage(limit);
  if (typeof seed === "string") return usage(seed);
  const exploration = parseInteger(args.values.exploration, "exploration", 0, 10_000);
  if (typeof exploration === "string") return usage(exploration);
  const policies = args.values.policy;
  const unknown = policies?.find((p) => !(POLICIES as readonly string[]).includes(p));
  if (unknown !== undefined) return usage(`unknown policy ${JSON.stringify(unknown)}`);
  if (args.values.chain !== undefined && datasets.length !== 1) return usage("--chain needs a single data set");
  const out = resolve(args.values.out ?? "replay-out");

  useSha256(nodeSha256, nodeSha256PrefixedText);
  const reader = new GzipDataReader();
  const progress = progressLine(output.stderr);
  let errors = 0;
  for (const dataset of datasets) {
    const chain = args.values.chain === undefined ? null : createWriteStream(args.values.chain);
    try {
      const table = await dataset.load(reader, { ...(limit === undefined ? {} : { limit }), seed });
      const report = await replayDataset(dataset, table, {
        byteLength: (text) => Buffer.byteLength(text),
        seed,
        ...(limit === undefined ? {} : { limit }),
        ...(exploration === undefined ? {} : { explorationBps: exploration }),
        ...(policies === undefined ? {} : { policies: policies as PolicyName[] }),
        onProgress: (stage, done, total) => progress(`${dataset.id} ${stage}`, done, total),
        ...(chain === null ? {} : { onEntry: (row) => void chain.write(`${row.line}\n`) }),
      });
      errors += report.policies.adaptive?.errors ?? 0;
      output.stdout(formatReport(report));
      const files = await writeReport(out, report);
      output.stderr(`wrote ${files.join(", ")}\n`);
    } catch (error) {
      if (error instanceof DataFileError) {
        output.stderr(`\ncalybris replay: ${dataset.id}: ${error.message}\n`);
        return 2;
      }
      throw error;
    } finally {
      if (chain !== null) await new Promise<void>((done) => chain.end(done));
    }
  }
  return errors === 0 ? 0 : 1;
}
