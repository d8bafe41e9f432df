// The Durable Object half of `npm run bench:ledger`: this project's worker (wrangler.toml) as the
// bench worker builds it, with the bench routes and counters (bench/worker/bench-worker.ts), in a local
// workerd; for each client count, that many clients append decisions back to back to ONE fresh
// TenantLedger for a fixed time, inside the worker, and the engine's counters give the batching.
//
// Two hosts: "miniflare" bundles the worker as `wrangler deploy --dry-run` does and runs the
// bundle in Miniflare with the options wrangler derives from wrangler.toml; "wrangler-dev" uses
// unstable_startWorker, whose dev tooling (log and trace streaming) adds about 0.7 ms of workerd
// CPU to every Durable Object call on the bench machine, so it measures the tooling more than
// the object. The bench reports the first; BENCH_DO_WRANGLER=1 adds the second for comparison.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare, convertV4MiniflareOptions, type V4MiniflareOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_startWorker } from "wrangler";
import { benchDecideInput } from "./ledger-decide.ts";

export type DoHost = "miniflare" | "wrangler-dev";

export interface DoLevel {
  /** "stats" is the RPC baseline: benchStats() calls, which do nothing, instead of appends. */
  readonly call: "decide" | "stats";
  readonly clients: number;
  readonly appends: number;
  readonly failures: number;
  readonly appendsPerSec: number;
  /** Commands per storage transaction, from the engine's counters (alarm commits included). */
  readonly entriesPerTxn: number;
  readonly latencyMsP50: number | null;
  readonly latencyMsP99: number | null;
}

interface LoadAnswer {
  readonly appends: number;
  readonly failures: number;
  readonly elapsedMs: number;
  readonly latencyMsP50: number | null;
  readonly latencyMsP99: number | null;
  readonly before: { readonly batches: number; readonly commands: number };
  readonly after: { readonly batches: number; readonly commands: number };
}

type Fetch = (
  url: string,
  init?: { method: string; body?: string },
) => Promise<{ status: number; text(): Promise<string>; json(): Promise<unknown> }>;

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CONFIG = join(ROOT, "wrangler.toml");
const ENTRY = join(ROOT, "bench/worker/bench-worker.ts");
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");
const BENCH_VARS = { BENCH_ROUTES: "1" };

export interface DoRun {
  readonly clients: number;
  readonly call: "decide" | "stats";
  readonly durationMs: number;
}

export async function benchDurableObject(host: DoHost, runs: readonly DoRun[]): Promise<DoLevel[]> {
  return host === "miniflare" ? withMiniflare((fetch) => runLevels(fetch, runs)) : withWranglerDev((fetch) => runLevels(fetch, runs));
}

async function runLevels(fetch: Fetch, runs: readonly DoRun[]): Promise<DoLevel[]> {
  const results: DoLevel[] = [];
  for (const { clients, call, durationMs } of runs) {
    const tenantId = `bench-${clients}-${Date.now()}`;
    const created = await fetch(`http://bench.local/__bench/ledger/tenants/${tenantId}`, { method: "POST" });
    if (created.status !== 200) throw new Error(`bench tenant not created: ${created.status} ${await created.text()}`);
    const response = await fetch("http://bench.local/__bench/ledger/load", {
      method: "POST",
      body: JSON.stringify({ tenantId, clients, durationMs, call, template: benchDecideInput(tenantId, 0) }),
    });
    if (response.status !== 200) throw new Error(`bench load failed: ${response.status} ${await response.text()}`);
    const load = (await response.json()) as LoadAnswer;
    const batches = load.after.batches - load.before.batches;
    const commands = load.after.commands - load.before.commands;
    results.push({
      call,
      clients,
      appends: load.appends,
      failures: load.failures,
      appendsPerSec: load.appends / (load.elapsedMs / 1000),
      entriesPerTxn: batches === 0 ? 0 : commands / batches,
      latencyMsP50: load.latencyMsP50,
      latencyMsP99: load.latencyMsP99,
    });
  }
  return results;
}

/** Bundles bench/worker/bench-worker.ts with wrangler (offline: --dry-run) and runs it in Miniflare. */
async function withMiniflare<T>(run: (fetch: Fetch) => Promise<T>): Promise<T> {
  const outdir = mkdtempSync(join(tmpdir(), "calybris-bench-worker-"));
  try {
    const built = spawnSync(process.execPath, [WRANGLER, "deploy", "--dry-run", "--config", CONFIG, "--outdir", outdir, ENTRY], {
      cwd: ROOT,
      encoding: "utf8",
    });
    if (built.status !== 0) throw new Error(`wrangler could not bundle the bench worker: ${built.stderr}${built.stdout}`);
    // The bundle is one ES module, which must come first, plus the migrations' SQL as text
    // modules (wrangler's default rule for *.sql).
    const sql = readdirSync(outdir).filter((name) => name.endsWith(".sql"));
    const modules = [
      { type: "ESModule", path: join(outdir, "bench-worker.js") },
      ...sql.map((name) => ({ type: "Text", path: join(outdir, name) })),
    ];
    // wrangler.toml's bindings, Durable Objects and compatibility settings, as wrangler dev sets them;
    // its module rules are replaced by the explicit module list above.
    const workerOptions = { ...(unstable_getMiniflareWorkerOptions(CONFIG).workerOptions as Record<string, unknown>) };
    delete workerOptions.modulesRules;
    const bindings = { ...(workerOptions.bindings as Record<string, unknown>), ...BENCH_VARS };
    const options = {
      ...workerOptions,
      rootPath: ROOT,
      modules,
      modulesRoot: outdir,
      bindings,
      cf: false,
    } as unknown as V4MiniflareOptions;
    const miniflare = new Miniflare(convertV4MiniflareOptions(options));
    try {
      await miniflare.ready;
      return await run((url, init) => miniflare.dispatchFetch(url, init));
    } finally {
      await miniflare.dispose();
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

async function withWranglerDev<T>(run: (fetch: Fetch) => Promise<T>): Promise<T> {
  const worker = await unstable_startWorker({
    config: CONFIG,
    entrypoint: ENTRY,
    bindings: { BENCH_ROUTES: { type: "plain_text", value: BENCH_VARS.BENCH_ROUTES } },
    dev: { persist: false, logLevel: "error", server: { port: 0 }, inspector: false, watch: false },
  });
  try {
    await worker.ready;
    return await run((url, init) => worker.fetch(url, init));
  } finally {
    await worker.dispose();
  }
}
