// `npm run bench:replay`: replays every data set in full, all policies (and the LLM packs at three
// business values), on one Node thread, and prints one JSON line: records per second and each
// data set's headline figures. Target: all of it (about 656,000 records) in under 60 s.

import os from "node:os";
import { GzipDataReader } from "../src/cli/gzip-data-reader.ts";
import { nodeSha256, nodeSha256PrefixedText } from "../src/cli/node-sha256.ts";
import { useSha256 } from "../src/ledger/sha256.ts";
import { DATASETS } from "../src/replay/datasets/registry.ts";
import { replayDataset } from "../src/replay/run-dataset.ts";

const SEED = 1;
useSha256(nodeSha256, nodeSha256PrefixedText);
const reader = new GzipDataReader();
const datasets: Record<string, unknown> = {};
let records = 0;
const started = performance.now();
for (const dataset of DATASETS) {
  const t0 = performance.now();
  const table = await dataset.load(reader, { seed: SEED });
  const loaded = performance.now();
  const report = await replayDataset(dataset, table, { byteLength: (text) => Buffer.byteLength(text), seed: SEED });
  const done = performance.now();
  records += table.count;
  datasets[dataset.id] = {
    records: table.count,
    errors: report.policies.adaptive?.errors ?? null,
    load_seconds: Math.round(loaded - t0) / 1000,
    replay_seconds: Math.round(done - loaded) / 1000,
    policies: Object.fromEntries(
      Object.entries(report.policies).map(([name, m]) => [
        name,
        { cost_microcents: m.cost_micros, quality_bps: m.quality_bps, misses: m.misses },
      ]),
    ),
    chain_entries: report.adaptive?.ledger.entries ?? null,
  };
  process.stderr.write(
    `${dataset.id}: ${table.count} records, load ${((loaded - t0) / 1000).toFixed(1)} s, replay ${((done - loaded) / 1000).toFixed(1)} s\n`,
  );
}
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    bench: "replay",
    seconds: Math.round(seconds * 10) / 10,
    records,
    records_per_sec: Math.round(records / seconds),
    target_seconds: 60,
    datasets,
    seed: SEED,
    cpus: os.cpus().length,
    load_average_1m: Math.round(os.loadavg()[0]! * 100) / 100,
    node: process.version,
  }),
);
