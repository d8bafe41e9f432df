// npm run demo [-- --url http://localhost:8787 --decisions 400 --concurrency 8 --tenant demo-...]
// Against `npm run dev`: creates a tenant with the admin token of .dev.vars (or ADMIN_TOKEN),
// drives real traffic through the HTTP API (scripts/demo-traffic.ts), stages a candidate, waits
// for a signed checkpoint, and prints the dashboard's URL and the tenant's API key.

import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { runDemo } from "./demo-traffic.ts";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://localhost:8787" },
    decisions: { type: "string", default: "400" },
    concurrency: { type: "string", default: "8" },
    tenant: { type: "string", default: `demo-${Date.now().toString(36)}` },
  },
});

/** ADMIN_TOKEN from the environment, else from .dev.vars, else the public development value of .dev.vars.example. */
function adminToken(): string {
  if (process.env.ADMIN_TOKEN !== undefined) return process.env.ADMIN_TOKEN;
  for (const file of [".dev.vars", ".dev.vars.example"]) {
    if (!existsSync(file)) continue;
    const match = /^ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?\s*$/m.exec(readFileSync(file, "utf8"));
    if (match !== null) return match[1]!;
  }
  throw new Error("no ADMIN_TOKEN: set it, or run `npm run dev` once so .dev.vars exists");
}

const decisions = Number(values.decisions);
if (!Number.isSafeInteger(decisions) || decisions < 2 || decisions > 5_000) throw new Error("--decisions must be an integer in [2, 5000]");
const health = await fetch(`${values.url}/health`).catch(() => null);
if (health === null) {
  console.error(`demo: nothing answers at ${values.url}; start the worker with \`npm run dev\` first`);
  process.exit(2);
}
const started = Date.now();
const run = await runDemo({
  baseUrl: values.url,
  adminToken: adminToken(),
  tenantId: values.tenant,
  decisions,
  concurrency: Number(values.concurrency),
  log: (line) => console.log(`demo: ${line}`),
});
console.log(`demo: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log("");
console.log(`Dashboard: ${values.url}/dashboard`);
console.log(`API key:   ${run.tenant.apiKey}`);
console.log(`Admin token (operator controls): from .dev.vars (ADMIN_TOKEN)`);
