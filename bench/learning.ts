// `npm run bench:learning`: how well the learner learns, on the real data (seed 1). The two LLM
// data sets replay at their three business values (low, middle, high), the others at their own
// record values (reported as "middle"); each run holds only the adaptive policy and the two
// baselines the figures need (always-best, hindsight). Prints one JSON line: the figures of
// src/replay/learning-figures.ts per data set and level, and the targets with met or not.

import os from "node:os";
import { GzipDataReader } from "../src/cli/gzip-data-reader.ts";
import { nodeSha256, nodeSha256PrefixedText } from "../src/cli/node-sha256.ts";
import { useSha256 } from "../src/ledger/sha256.ts";
import { DATASETS } from "../src/replay/datasets/registry.ts";
import { checkTargets, learningFigures, type LearningFigures, type LearningTarget } from "../src/replay/learning-figures.ts";
import { replayDataset, type PolicyName } from "../src/replay/run-dataset.ts";

const SEED = 1;
const POLICIES: readonly PolicyName[] = ["adaptive", "best", "hindsight"];
/** From the learning issue: at the middle value, on both LLM data sets. */
const TARGETS: readonly LearningTarget[] = ["routerbench_subset", "routellm_gpt4_vs_mixtral"].flatMap((dataset) => [
  { dataset, level: "middle", figure: "regret_share", max: 0.03 },
  { dataset, level: "middle", figure: "gap_last_quarter_pp", max: 0.5 },
]);

useSha256(nodeSha256, nodeSha256PrefixedText);
const reader = new GzipDataReader();
const datasets: Record<string, Record<string, LearningFigures>> = {};
const started = performance.now();
for (const dataset of DATASETS) {
  const table = await dataset.load(reader, { seed: SEED });
  // Without value levels, the records' own values are the data set's middle (and only) value.
  const levels: [string, number | undefined][] =
    dataset.valueLevels === undefined ? [["middle", undefined]] : Object.entries(dataset.valueLevels);
  const figures: Record<string, LearningFigures> = {};
  for (const [level, valueMicros] of levels) {
    const t0 = performance.now();
    const report = await replayDataset(dataset, table, {
      seed: SEED,
      policies: POLICIES,
      byteLength: (text) => Buffer.byteLength(text),
      ...(valueMicros === undefined ? {} : { valueMicros }),
    });
    figures[level] = learningFigures(report);
    process.stderr.write(`${dataset.id} ${level}: ${table.count} records, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  datasets[dataset.id] = figures;
}
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    bench: "learning",
    seconds: Math.round(seconds * 10) / 10,
    seed: SEED,
    datasets,
    targets: checkTargets(datasets, TARGETS),
    node: process.version,
    cpus: os.cpus().length,
    load_average_1m: Math.round(os.loadavg()[0]! * 100) / 100,
  }),
);
