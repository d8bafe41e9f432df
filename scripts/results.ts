// `npm run results`: replays every data set in full (seed 1) and writes docs/results.md, with the
// reports and charts under docs/results/. The only way docs/results.md is made.

import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { GzipDataReader } from "../src/cli/gzip-data-reader.ts";
import { nodeSha256, nodeSha256PrefixedText } from "../src/cli/node-sha256.ts";
import { progressLine, writeReport } from "../src/cli/replay-output.ts";
import { useSha256 } from "../src/ledger/sha256.ts";
import { DATASETS } from "../src/replay/datasets/registry.ts";
import { resultsMarkdown } from "../src/replay/results-markdown.ts";
import { replayDataset, type DatasetReport } from "../src/replay/run-dataset.ts";

const SEED = 1;
const docs = fileURLToPath(new URL("../docs/", import.meta.url));
useSha256(nodeSha256, nodeSha256PrefixedText);
const reader = new GzipDataReader();
const progress = progressLine((text) => void process.stderr.write(text));
const reports: DatasetReport[] = [];
const thompsonOnly: DatasetReport[] = [];
for (const dataset of DATASETS) {
  const table = await dataset.load(reader, { seed: SEED });
  const report = await replayDataset(dataset, table, {
    byteLength: (text) => Buffer.byteLength(text),
    seed: SEED,
    onProgress: (stage, done, total) => progress(`${dataset.id} ${stage}`, done, total),
  });
  await writeReport(`${docs}results`, report);
  reports.push(report);
  // The same replay without causal exploration: what Thompson sampling alone does.
  thompsonOnly.push(
    await replayDataset(dataset, table, {
      byteLength: (text) => Buffer.byteLength(text),
      seed: SEED,
      explorationBps: 0,
      policies: ["adaptive", "hindsight"],
      onProgress: (stage, done, total) => progress(`${dataset.id} ${stage} (no exploration)`, done, total),
    }),
  );
}
await writeFile(`${docs}results.md`, resultsMarkdown(reports, thompsonOnly, "npm run results", "results"));
process.stderr.write(`wrote ${docs}results.md\n`);
