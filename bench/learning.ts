// `npm run bench:learning`: how well the learner learns, on the real data (seed 1). The two LLM
// data sets replay at their three business values (low, middle, high), the others at their own
// record values (reported as "middle"); each run holds only the adaptive policy and the two
// baselines the figures need (always-best, hindsight). Prints one JSON line: the figures of
// src/replay/learning-figures.ts per data set and level, and the targets with met or not.
// Seed 1 alone moves by several hundredths of regret share with the bank's draws, so
// BENCH_SEEDS=<n> adds each LLM data set's middle-value regret share over seeds 1..n
// (`seed_spread`), and every run adds `tries_floor`: the regret share that merely trying every
// other option 5, 10 or 15 times per regime would cost (src/replay/exploration-floor.ts).

import os from "node:os";
import { GzipDataReader } from "../src/cli/gzip-data-reader.ts";
import { nodeSha256, nodeSha256PrefixedText } from "../src/cli/node-sha256.ts";
import { useSha256 } from "../src/ledger/sha256.ts";
import { DATASETS } from "../src/replay/datasets/registry.ts";
import { checkTargets, learningFigures, type LearningFigures, type LearningTarget } from "../src/replay/learning-figures.ts";
import { replayDataset, type PolicyName } from "../src/replay/run-dataset.ts";
import { triesRegretShare } from "../src/replay/exploration-floor.ts";

const SEED = 1;
const SPREAD_SEEDS = Number(process.env.BENCH_SEEDS ?? 1);
const LLM_DATASETS = ["routerbench_subset", "routellm_gpt4_vs_mixtral"];
const POLICIES: readonly PolicyName[] = ["adaptive", "best", "hindsight"];
/** From the learning issue: at the middle value, on both LLM data sets. */
const TARGETS: readonly LearningTarget[] = LLM_DATASETS.flatMap((dataset) => [
  { dataset, level: "middle", figure: "regret_share", max: 0.03 },
  { dataset, level: "middle", figure: "gap_last_quarter_pp", max: 0.5 },
]);

useSha256(nodeSha256, nodeSha256PrefixedText);
const reader = new GzipDataReader();
const datasets: Record<string, Record<string, LearningFigures>> = {};
const triesFloor: Record<string, Record<string, number | null>> = {};
const seedSpread: Record<string, { seeds: number; mean: number; min: number; max: number; values: number[] }> = {};
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
  const middle = dataset.valueLevels?.middle;
  triesFloor[dataset.id] = Object.fromEntries(
    [5, 10, 15].map((tries) => [String(tries), triesRegretShare(table, dataset.pack.regimes.length, tries, middle)]),
  );
  if (SPREAD_SEEDS > 1 && LLM_DATASETS.includes(dataset.id)) {
    const values: number[] = [];
    for (let seed = 1; seed <= SPREAD_SEEDS; seed++) {
      const report = await replayDataset(dataset, table, {
        seed,
        policies: POLICIES,
        ...(middle === undefined ? {} : { valueMicros: middle }),
      });
      values.push(learningFigures(report).regret_share ?? Number.NaN);
    }
    const mean = values.reduce((sum, x) => sum + x, 0) / values.length;
    seedSpread[dataset.id] = {
      seeds: SPREAD_SEEDS,
      mean: Math.round(mean * 10_000) / 10_000,
      min: Math.min(...values),
      max: Math.max(...values),
      values,
    };
    process.stderr.write(`${dataset.id} middle over ${SPREAD_SEEDS} seeds: mean regret share ${mean.toFixed(4)}\n`);
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    bench: "learning",
    seconds: Math.round(seconds * 10) / 10,
    seed: SEED,
    datasets,
    targets: checkTargets(datasets, TARGETS),
    tries_floor: triesFloor,
    ...(SPREAD_SEEDS > 1 ? { seed_spread: seedSpread } : {}),
    node: process.version,
    cpus: os.cpus().length,
    load_average_1m: Math.round(os.loadavg()[0]! * 100) / 100,
  }),
);
