// npm run bench:ledger — ledger throughput, printed as one JSON line:
// - pure_appends_per_sec: decisions (about twenty-field records, 1-3 candidates) through the
//   pure LedgerEngine over MemoryStore in Node, 64 concurrent submits per round;
// - do_appends_per_sec and entries_per_txn at 1, 16 and 64 clients appending back to back to ONE
//   TenantLedger Durable Object in a local workerd (the worker bundled by wrangler, run in
//   Miniflare: see bench/ledger-do.ts; BENCH_DO_WRANGLER=1 adds unstable_startWorker's figures);
// - verify_entries_per_sec: `calybris verify` (the CLI, as a child process) on a 1,000,000-entry
//   export written by the pure engine into the OS temp directory, deleted afterwards.
// Knobs for quick runs: BENCH_VERIFY_ENTRIES, BENCH_DO_SECONDS, BENCH_PURE_APPENDS.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchDurableObject, type DoRun } from "./ledger-do.ts";
import { DEV_VERIFIER_TEXT, writeBenchExport } from "./ledger-export.ts";
import { benchPure } from "./ledger-pure.ts";

const VERIFY_ENTRIES = Number(process.env.BENCH_VERIFY_ENTRIES ?? 1_000_000);
const DO_SECONDS = Number(process.env.BENCH_DO_SECONDS ?? 5);
const PURE_APPENDS = Number(process.env.BENCH_PURE_APPENDS ?? 20_000);
const DO_CLIENTS = [1, 16, 64] as const;
const RPC_BASELINE_SECONDS = 2;
const CHECKPOINT_EVERY = 10_000;
const CLI = fileURLToPath(new URL("../src/cli/calybris.ts", import.meta.url));

// wrangler must not reach the network (Request.cf, telemetry) nor print on stdout.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
process.env.WRANGLER_SEND_METRICS ??= "false";
process.env.WRANGLER_LOG ??= "error";

interface CliReport {
  readonly ok: boolean;
  readonly entries: number;
  readonly checkpointsVerified: number;
  readonly elapsedMs: number;
  readonly entriesPerSec: number;
  readonly cpuMs: number;
  readonly threads: number;
}

/** Runs `calybris verify --json` as a child process, so the figure is the CLI's, start-up included in wall time. */
function verifyWithCli(path: string, threads: number | null): CliReport & { wallMs: number } {
  const args = [CLI, "verify", path, "--json", "--key", DEV_VERIFIER_TEXT, ...(threads === null ? [] : ["--threads", String(threads)])];
  const startMs = performance.now();
  const child = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 20 });
  const wallMs = performance.now() - startMs;
  if (child.status !== 0) throw new Error(`calybris verify exited ${child.status}: ${child.stderr}${child.stdout}`);
  return { ...(JSON.parse(child.stdout) as CliReport), wallMs };
}

const round = (value: number, digits = 0): number => Math.round(value * 10 ** digits) / 10 ** digits;
const byClients = <T>(values: readonly T[]): Record<string, T> =>
  Object.fromEntries(DO_CLIENTS.map((clients, i) => [String(clients), values[i]!]));

const pure = await benchPure(PURE_APPENDS, 5 * PURE_APPENDS);
const doRuns: DoRun[] = [
  ...DO_CLIENTS.map((clients) => ({ clients, call: "decide" as const, durationMs: DO_SECONDS * 1000 })),
  { clients: 64, call: "stats", durationMs: RPC_BASELINE_SECONDS * 1000 },
];
const doResults = await benchDurableObject("miniflare", doRuns);
const levels = doResults.slice(0, DO_CLIENTS.length);
const rpcBaseline = doResults[DO_CLIENTS.length]!;
const wranglerDev = process.env.BENCH_DO_WRANGLER === "1" ? await benchDurableObject("wrangler-dev", doRuns) : null;

const directory = mkdtempSync(join(tmpdir(), "calybris-bench-"));
let exportStats: Awaited<ReturnType<typeof writeBenchExport>>;
let parallel: ReturnType<typeof verifyWithCli>;
let mainThread: ReturnType<typeof verifyWithCli>;
try {
  const path = join(directory, "export.jsonl");
  exportStats = await writeBenchExport(path, VERIFY_ENTRIES, CHECKPOINT_EVERY);
  parallel = verifyWithCli(path, null);
  mainThread = verifyWithCli(path, 0);
  for (const run of [parallel, mainThread]) {
    if (!run.ok || run.entries !== exportStats.entries || run.checkpointsVerified !== exportStats.checkpoints)
      throw new Error(`verify disagrees: ${JSON.stringify(run)}`);
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}

console.log(
  JSON.stringify({
    bench: "ledger",
    pure_appends_per_sec: round(pure.memoryStorePerSec),
    pure_appends: pure.memoryStoreAppends,
    pure_entries_per_txn: round(pure.entriesPerTxn, 2),
    pure_appends_per_sec_append_store: round(pure.appendStorePerSec),
    pure_appends_append_store: pure.appendStoreAppends,
    do_appends_per_sec: byClients(levels.map((level) => round(level.appendsPerSec))),
    entries_per_txn: byClients(levels.map((level) => round(level.entriesPerTxn, 2))),
    entries_per_txn_64: round(levels[2]!.entriesPerTxn, 2),
    do_latency_ms_p50: byClients(levels.map((level) => level.latencyMsP50)),
    do_latency_ms_p99: byClients(levels.map((level) => level.latencyMsP99)),
    do_failures: levels.reduce((sum, level) => sum + level.failures, 0),
    do_seconds_per_level: DO_SECONDS,
    do_host: "miniflare (wrangler bundle)",
    do_rpc_noop_calls_per_sec_64: round(rpcBaseline.appendsPerSec),
    ...(wranglerDev === null
      ? {}
      : {
          do_appends_per_sec_wrangler_dev: byClients(wranglerDev.slice(0, DO_CLIENTS.length).map((level) => round(level.appendsPerSec))),
          entries_per_txn_wrangler_dev: byClients(wranglerDev.slice(0, DO_CLIENTS.length).map((level) => round(level.entriesPerTxn, 2))),
          do_rpc_noop_calls_per_sec_64_wrangler_dev: round(wranglerDev[DO_CLIENTS.length]!.appendsPerSec),
        }),
    verify_entries_per_sec: round(parallel.entriesPerSec),
    verify_entries: parallel.entries,
    verify_threads: parallel.threads,
    verify_mb_per_sec: round(exportStats.bytes / 1e6 / (parallel.elapsedMs / 1000), 1),
    verify_wall_ms_with_startup: round(parallel.wallMs),
    verify_cpu_us_per_entry: round((parallel.cpuMs * 1000) / parallel.entries, 2),
    verify_entries_per_sec_main_thread: round(mainThread.entriesPerSec),
    verify_cpu_us_per_entry_main_thread: round((mainThread.cpuMs * 1000) / mainThread.entries, 2),
    verify_mode: "cli",
    verify_export_bytes: exportStats.bytes,
    verify_export_checkpoints: exportStats.checkpoints,
    export_appends_per_sec: round(exportStats.appendsPerSec),
    cpus: availableParallelism(),
    load_average_1m: round(loadavg()[0]!, 2),
    node: process.version,
  }),
);
