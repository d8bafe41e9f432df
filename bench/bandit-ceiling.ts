// `npm run bench:ceiling`: what textbook bandit algorithms reach on the two LLM data sets' own
// numbers at the middle value, from neutral priors, learning after every round
// (src/replay/bandit-ceiling.ts), over BENCH_SEEDS seeds (200 by default). The replay's learner
// does more (windows, floors, exploration share, exact propensities) and cannot do better than the
// best of these in this idealised form. Prints one JSON line: per data set and policy, the mean,
// median and 95th percentile of the regret share.

import os from "node:os";
import { GzipDataReader } from "../src/cli/gzip-data-reader.ts";
import { BANDIT_POLICY_NAMES, ceilingRegretShare, regimeBandits } from "../src/replay/bandit-ceiling.ts";
import { DATASETS } from "../src/replay/datasets/registry.ts";

const SEEDS = Number(process.env.BENCH_SEEDS ?? 200);
const LLM_DATASETS = ["routerbench_subset", "routellm_gpt4_vs_mixtral"];

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;
const started = performance.now();
const reader = new GzipDataReader();
const datasets: Record<string, Record<string, { mean: number; median: number; p95: number }>> = {};
for (const id of LLM_DATASETS) {
  const dataset = DATASETS.find((candidate) => candidate.id === id)!;
  const value = dataset.valueLevels!.middle;
  const bandits = regimeBandits(await dataset.load(reader, { seed: 1 }), dataset.pack.regimes.length);
  const figures: Record<string, { mean: number; median: number; p95: number }> = {};
  for (const policy of BANDIT_POLICY_NAMES) {
    const shares: number[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) shares.push(ceilingRegretShare(bandits, value, policy, seed) ?? Number.NaN);
    shares.sort((a, b) => a - b);
    figures[policy] = {
      mean: round4(shares.reduce((sum, x) => sum + x, 0) / shares.length),
      median: round4(shares[Math.floor(shares.length / 2)]!),
      p95: round4(shares[Math.min(shares.length - 1, Math.floor(shares.length * 0.95))]!),
    };
    process.stderr.write(`${id} ${policy}: mean regret share ${figures[policy].mean}\n`);
  }
  datasets[id] = figures;
}
console.log(
  JSON.stringify({
    bench: "bandit_ceiling",
    seconds: Math.round((performance.now() - started) / 100) / 10,
    seeds: SEEDS,
    level: "middle",
    datasets,
    node: process.version,
    cpus: os.cpus().length,
  }),
);
