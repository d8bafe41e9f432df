// `wrangler dev` for the HTTP benches (bench/http.ts, bench/proxy.ts): start it on the bench config
// (bench/wrangler.http.toml) with its state in a temporary directory, wait until it answers, and
// create the tenant a bench drives. Local loopback only; the admin token is the bench config's.

import { spawn, type ChildProcess } from "node:child_process";

const ADMIN = "bench-admin-token-0123456789";

export interface WranglerDevOptions {
  readonly port: number;
  readonly persistTo: string;
  /** Extra vars and secrets (a dotenv file), e.g. the providers' base URLs for proxy mode. */
  readonly envFile?: string;
}

export function startWranglerDev(options: WranglerDevOptions): ChildProcess {
  return spawn(
    process.execPath,
    [
      "node_modules/wrangler/bin/wrangler.js",
      "dev",
      "-c",
      "bench/wrangler.http.toml",
      ...(options.envFile === undefined ? [] : ["--env-file", options.envFile]),
      "--port",
      String(options.port),
      "--ip",
      "127.0.0.1",
      "--persist-to",
      options.persistTo,
      "--log-level",
      "error",
      "--show-interactive-dev-session=false",
    ],
    { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" } },
  );
}

export async function waitForHealth(base: string, deadlineMs: number): Promise<void> {
  while (Date.now() < deadlineMs) {
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("wrangler dev did not answer /health in time");
}

/** A tenant with a budget and a rate limit no bench reaches; answers its API key. */
export async function createTenant(base: string, name: string): Promise<string> {
  const response = await fetch(`${base}/admin/tenants`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: JSON.stringify({ name, initial_budget_micros: 2 ** 52, rate_limit_per_minute: 1_000_000 }),
  });
  if (response.status !== 201) throw new Error(`tenant creation answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { api_key: string }).api_key;
}
