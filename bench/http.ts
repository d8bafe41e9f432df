// npm run bench:http — starts `wrangler dev` on a bench config (bench/worker/bench-worker.ts: the
// production worker plus a floor route), creates a tenant, and drives POST /v1/decide with
// autocannon at 1, 16 and 64 connections, then the floor route (one Durable Object round trip with
// one SQLite insert) the same way, in the same run. Prints one JSON line.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { createTenant, startWranglerDev, waitForHealth } from "./wrangler-dev.ts";

const PORT = Number(process.env.BENCH_PORT ?? 8799);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const LEVELS = [1, 16, 64] as const;
const BASE = `http://127.0.0.1:${PORT}`;

interface Figures {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  requests: number;
}

function drive(options: autocannon.Options): Promise<Figures> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => {
      if (error) return reject(error);
      resolve({
        rps: Math.round(result.requests.average),
        p50_ms: result.latency.p50,
        p99_ms: result.latency.p99,
        errors: result.errors + result.timeouts + result.non2xx,
        requests: result.requests.total,
      });
    });
  });
}

const persist = mkdtempSync(join(tmpdir(), "calybris-bench-http-"));
const wrangler = startWranglerDev({ port: PORT, persistTo: persist });
try {
  await waitForHealth(BASE, Date.now() + 120_000);
  const key = await createTenant(BASE, "Bench");
  const decideBody = JSON.stringify({
    regime: "coding",
    input_tokens: 1200,
    max_output_tokens: 800,
    value_micros: 5_000_000,
    risk_bps: 1000,
  });
  const decideOptions = {
    url: `${BASE}/v1/decide`,
    method: "POST" as const,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: decideBody,
  };
  const floorOptions = { url: `${BASE}/__floor`, method: "POST" as const };
  // Warm both paths: JIT, SQLite pages, isolate caches.
  await drive({ ...decideOptions, connections: 8, duration: 2 });
  await drive({ ...floorOptions, connections: 8, duration: 2 });
  const decide: Record<string, Figures> = {};
  const floor: Record<string, Figures> = {};
  for (const connections of LEVELS) {
    decide[connections] = await drive({ ...decideOptions, connections, duration: SECONDS });
    floor[connections] = await drive({ ...floorOptions, connections, duration: SECONDS });
  }
  console.log(
    JSON.stringify({
      bench: "http",
      decide,
      floor,
      ratio_64: Number((decide[64]!.rps / floor[64]!.rps).toFixed(3)),
      seconds_per_level: SECONDS,
      host: "wrangler dev (local workerd)",
      node: process.version,
    }),
  );
} finally {
  wrangler.kill("SIGTERM");
  rmSync(persist, { recursive: true, force: true });
}
