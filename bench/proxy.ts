// npm run bench:proxy — what proxy mode costs over deciding and calling yourself. A local mock
// provider (bench/mock-upstream.ts, its own process) answers at once; `wrangler dev` runs the
// worker (bench/wrangler.http.toml, the providers' base URLs and keys from a temporary env file
// pointing at the mock, so no real provider can be reached). At 1, 16 and 64 connections, one
// driver (bench/load.ts) measures (a) POST /v1/chat/completions through the proxy, (b) POST
// /v1/decide followed by the same call straight to the mock, and (c) the mock alone. Prints one
// JSON line; ratio_64 = proxy rps / decide_then_call rps at 64 connections, and at 64 connections
// the CPU milliseconds per request of wrangler dev's busiest process (the workerd that runs the
// worker and its objects) and of all its processes (bench/process-cpu.ts).

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { PROVIDER_ENV } from "../src/worker/provider-env.ts";
import { drive, post, type Figures } from "./load.ts";
import { cpuPerRequest, treeCpu } from "./process-cpu.ts";
import { baseUrlVars } from "./mock-upstream.ts";
import { createTenant, startWranglerDev, waitForHealth } from "./wrangler-dev.ts";

const PORT = Number(process.env.BENCH_PORT ?? 8798);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const LEVELS = [1, 16, 64] as const;
const BASE = `http://127.0.0.1:${PORT}`;
const TERMS = { regime: "support", value_micros: 5_000_000, risk_bps: 1_000 };
const MESSAGES = [{ role: "user", content: "How do I reset my password?" }];
const MAX_TOKENS = 100;

function startMock(): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(process.execPath, ["bench/mock-upstream-main.ts"], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => resolve({ child, origin: (JSON.parse(line) as { origin: string }).origin }));
    child.once("exit", (code) => reject(new Error(`the mock upstream exited with ${code}`)));
  });
}

const mock = await startMock();
const dir = mkdtempSync(join(tmpdir(), "calybris-bench-proxy-"));
const envFile = join(dir, "proxy.env");
// Only OpenAI-compatible calls are measured (the providers allow list below); every provider points at the mock anyway.
writeFileSync(
  envFile,
  [
    "PROVIDER_KEY_SECRET=bench-provider-key-secret-0123456789",
    "PROVIDER_TIMEOUT_MS=30000",
    ...Object.entries(baseUrlVars(mock.origin)).map(([name, url]) => `${name}=${url}`),
    ...Object.entries(PROVIDER_ENV).map(([provider, names]) => `${names.apiKey}=bench-${provider}-key`),
  ].join("\n"),
);
const wrangler = startWranglerDev({ port: PORT, persistTo: join(dir, "state"), envFile });
try {
  await waitForHealth(BASE, Date.now() + 120_000);
  const key = await createTenant(BASE, "Bench proxy");
  const auth = { authorization: `Bearer ${key}`, "content-type": "application/json" };
  const proxyCall = {
    url: `${BASE}/v1/chat/completions`,
    headers: {
      ...auth,
      "calybris-regime": TERMS.regime,
      "calybris-value-micros": String(TERMS.value_micros),
      "calybris-risk-bps": String(TERMS.risk_bps),
      "calybris-providers-allow": "openai",
    },
    body: JSON.stringify({ model: "calybris/auto", messages: MESSAGES, max_tokens: MAX_TOKENS }),
  };
  const decideCall = {
    url: `${BASE}/v1/decide`,
    headers: auth,
    body: JSON.stringify({ ...TERMS, messages: MESSAGES, max_output_tokens: MAX_TOKENS, providers: { allow: ["openai"] } }),
  };
  const directCall = (model: string) => ({
    url: `${mock.origin}/openai/v1/chat/completions`,
    headers: { authorization: "Bearer bench-openai-key", "content-type": "application/json" },
    body: JSON.stringify({ model, messages: MESSAGES, max_completion_tokens: MAX_TOKENS }),
  });
  const scenarios = {
    proxy: async (agent: Parameters<typeof post>[0]) => void (await post(agent, proxyCall)),
    decide_then_call: async (agent: Parameters<typeof post>[0]) => {
      const decision = JSON.parse(await post(agent, decideCall)) as { model: { id: string } };
      await post(agent, directCall(decision.model.id));
    },
    direct: async (agent: Parameters<typeof post>[0]) => void (await post(agent, directCall("gpt-4.1-mini"))),
  };
  // Warm every path: JIT, SQLite pages, isolate caches.
  for (const scenario of Object.values(scenarios)) await drive(scenario, 8, 2);
  const results: Record<string, Record<string, Figures>> = { proxy: {}, decide_then_call: {}, direct: {} };
  // At 64 connections, the CPU that wrangler dev's processes spend per scenario (src: /proc): what
  // the proxy's extra work costs the workerd that runs the worker and its objects.
  const cpu: Record<string, ReturnType<typeof cpuPerRequest>> = {};
  for (const connections of LEVELS) {
    for (const [name, scenario] of Object.entries(scenarios)) {
      // "direct" never reaches wrangler dev: nothing to measure there.
      const measured = connections === 64 && name !== "direct";
      const before = measured ? treeCpu(wrangler.pid!) : null;
      results[name]![connections] = await drive(scenario, connections, SECONDS);
      if (measured) cpu[name] = cpuPerRequest(before, treeCpu(wrangler.pid!), results[name]![connections]!.rps * SECONDS);
    }
  }
  console.log(
    JSON.stringify({
      ...results,
      ratio_64: Number((results.proxy![64]!.rps / results.decide_then_call![64]!.rps).toFixed(3)),
      wrangler_cpu_ms_per_request_64: cpu,
      seconds_per_level: SECONDS,
      host: "wrangler dev (local workerd), mock provider on loopback",
      node: process.version,
    }),
  );
} finally {
  wrangler.kill("SIGTERM");
  mock.child.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
