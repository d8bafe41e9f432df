// The demo's traffic, through the real HTTP API only: an admin creates a tenant, requests from
// RouterBench (real prompts' sizes and per-model correctness; synthetic records when the data
// are absent, said so) are decided, their outcomes come back as signed webhooks (Standard
// Webhooks), and a candidate configuration is staged so the dashboard has a shadow to show.
// `npm run demo` and the dashboard's browser test both drive it.

import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { GzipDataReader, defaultDataDir } from "../src/cli/gzip-data-reader.ts";
import { MODELS } from "../src/domain/llm/models.ts";
import { signWebhook } from "../src/ledger/webhook-signature.ts";
import { readRouterBench } from "../src/replay/datasets/routerbench_subset/routerbench.ts";

/** One request of the demo: its LLM regime and size, and whether each RouterBench model (cheapest first) answered it right. */
export interface DemoRecord {
  readonly regime: string;
  readonly inputTokens: number;
  readonly maxOutputTokens: number;
  readonly valueMicros: number;
  readonly correctByPrice: readonly boolean[];
}

export interface DemoTenant {
  readonly tenantId: string;
  readonly apiKey: string;
  readonly webhookSecret: string;
}

export interface TrafficCounts {
  decisions: number;
  refused: number;
  outcomes: number;
}

/**
 * RouterBench's tasks as the LLM pack's regimes (a demo mapping: ARC-Challenge is multi-step
 * reasoning, MBPP writes Python, Winogrande resolves everyday language) and what an answer is
 * worth there, in micros (1 USD = 10^8).
 */
const REGIME_OF_TASK: Record<number, { regime: string; valueMicros: number }> = {
  0: { regime: "analysis", valueMicros: 3_000_000 },
  1: { regime: "coding", valueMicros: 20_000_000 },
  2: { regime: "support", valueMicros: 1_500_000 },
};

/** The demo's records: RouterBench from the shared data when present, else synthetic ones. */
async function demoRecords(count: number, log: (line: string) => void): Promise<{ records: DemoRecord[]; source: string }> {
  const dataDir = defaultDataDir();
  if (!existsSync(`${dataDir}/routerbench_subset`)) {
    log(`RouterBench data not found at ${dataDir} (set CALYBRIS_DATA): using ${count} synthetic records instead`);
    return { records: syntheticRecords(count), source: "synthetic" };
  }
  const rows = (await readRouterBench(new GzipDataReader(dataDir))).records;
  // The files are grouped by task: a step coprime with the row count (3,178 = 2 x 7 x 227) walks
  // them in an order that mixes tasks in every stretch of traffic and repeats no row.
  const records = Array.from({ length: Math.min(count, rows.length) }, (_, i) => rows[(i * 7_919 + 13) % rows.length]!).map((row) => ({
    regime: REGIME_OF_TASK[row.regimeIndex]!.regime,
    valueMicros: REGIME_OF_TASK[row.regimeIndex]!.valueMicros,
    inputTokens: Math.max(1, row.inputTokens),
    maxOutputTokens: row.maxOutputTokens,
    correctByPrice: row.outcomes.map((outcome) => outcome.success),
  }));
  return { records, source: `RouterBench (${dataDir}/routerbench_subset)` };
}

/** Synthetic records from a fixed seed: pricier models are right more often. */
function syntheticRecords(count: number): DemoRecord[] {
  let state = 0x2545f491;
  const next = (): number => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x9e3779b9) | 0;
    return ((state ^ (state >>> 13)) >>> 0) / 2 ** 32;
  };
  return Array.from({ length: count }, (_, i) => {
    const task = REGIME_OF_TASK[i % 3]!;
    return {
      regime: task.regime,
      valueMicros: task.valueMicros,
      inputTokens: 80 + Math.floor(next() * 900),
      maxOutputTokens: task.regime === "coding" ? 512 : 8,
      correctByPrice: Array.from({ length: 11 }, (_, rank) => next() < 0.45 + rank * 0.045),
    };
  });
}

/** The LLM pack's models, cheapest input first: sorted once, not per outcome. */
const MODELS_BY_PRICE = [...MODELS].sort((a, b) => a.inputPriceMicrosPerMTok - b.inputPriceMicrosPerMTok);

/** The RouterBench model whose price rank matches the LLM model's: its correctness stands in for the served model's. */
function correctFor(record: DemoRecord, modelId: string): boolean {
  const rank = Math.max(
    0,
    MODELS_BY_PRICE.findIndex((m) => m.id === modelId),
  );
  const slot = Math.min(record.correctByPrice.length - 1, Math.floor((rank / MODELS_BY_PRICE.length) * record.correctByPrice.length));
  return record.correctByPrice[slot] ?? false;
}

/** The served model's list-price cost of the request (input plus three quarters of the allowed output), micros. */
function costFor(record: DemoRecord, modelId: string): number {
  const model = MODELS.find((m) => m.id === modelId);
  if (model === undefined) return 0;
  const outputTokens = Math.ceil(record.maxOutputTokens * 0.75);
  return Math.ceil((record.inputTokens * model.inputPriceMicrosPerMTok + outputTokens * model.outputPriceMicrosPerMTok) / 1_000_000);
}

async function call(
  baseUrl: string,
  path: string,
  init: { method: string; token: string; body?: unknown; headers?: Record<string, string> },
) {
  const body = init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  const response = await fetch(`${baseUrl}${path}`, {
    method: init.method,
    headers: { authorization: `Bearer ${init.token}`, "content-type": "application/json", ...init.headers },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  return { status: response.status, json: (text === "" ? null : JSON.parse(text)) as Record<string, unknown> | null };
}

async function createDemoTenant(baseUrl: string, adminToken: string, tenantId: string): Promise<DemoTenant> {
  const created = await call(baseUrl, "/admin/tenants", {
    method: "POST",
    token: adminToken,
    body: { tenant_id: tenantId, name: "Calybris demo", initial_budget_micros: 5_000_000_000 },
  });
  if (created.status !== 201 && created.status !== 200)
    throw new Error(`creating the tenant answered ${created.status}: ${JSON.stringify(created.json)}`);
  const json = created.json!;
  return { tenantId, apiKey: String(json.api_key), webhookSecret: String(json.webhook_secret) };
}

/** One decision and, when served, its signed outcome. */
async function oneRequest(baseUrl: string, tenant: DemoTenant, record: DemoRecord, counts: TrafficCounts): Promise<void> {
  const decided = await call(baseUrl, "/v1/decide", {
    method: "POST",
    token: tenant.apiKey,
    body: {
      regime: record.regime,
      input_tokens: record.inputTokens,
      max_output_tokens: record.maxOutputTokens,
      value_micros: record.valueMicros,
      risk_bps: 1_500,
    },
  });
  counts.decisions += 1;
  const answer = decided.json as { fingerprint?: string; model?: { id: string } } | null;
  if (decided.status !== 200 || answer?.fingerprint === undefined || answer.model === undefined) {
    counts.refused += 1;
    return;
  }
  const model = answer.model.id;
  const body = JSON.stringify({
    decision_fingerprint: answer.fingerprint,
    execution: {
      model,
      input_tokens: record.inputTokens,
      output_tokens: Math.ceil(record.maxOutputTokens * 0.75),
      latency_ms: 400 + (record.inputTokens % 900),
      actual_cost_micros: costFor(record, model),
    },
    outcome: { success: correctFor(record, model) },
  });
  const id = `msg_${randomUUID()}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signWebhook(tenant.webhookSecret, id, timestamp, body),
  };
  const settled = await call(baseUrl, "/v1/outcomes", { method: "POST", token: tenant.apiKey, body, headers });
  if (settled.status !== 200 && settled.status !== 201)
    throw new Error(`an outcome answered ${settled.status}: ${JSON.stringify(settled.json)}`);
  counts.outcomes += 1;
}

/** Sends the records with `concurrency` requests in flight. */
async function driveTraffic(
  baseUrl: string,
  tenant: DemoTenant,
  records: readonly DemoRecord[],
  concurrency: number,
): Promise<TrafficCounts> {
  const counts: TrafficCounts = { decisions: 0, refused: 0, outcomes: 0 };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < records.length) await oneRequest(baseUrl, tenant, records[next++]!, counts);
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return counts;
}

/** Stages a candidate that explores more and holds out more, so the shadow disagrees with production now and then. */
async function stageDemoCandidate(baseUrl: string, adminToken: string, tenantId: string): Promise<void> {
  const staged = await call(baseUrl, `/admin/tenants/${tenantId}/candidates`, {
    method: "POST",
    token: adminToken,
    body: { exploration_bps: 1_500, holdout_bps: 1_000 },
  });
  if (staged.status !== 201) throw new Error(`staging the candidate answered ${staged.status}: ${JSON.stringify(staged.json)}`);
}

/** Waits until a signed checkpoint covers at least `size` entries (the alarm signs one every few seconds). */
async function awaitCheckpoint(baseUrl: string, apiKey: string, size: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    const response = await fetch(`${baseUrl}/v1/checkpoints/latest`, { headers: { authorization: `Bearer ${apiKey}` } });
    const treeSize = Number(response.headers.get("calybris-tree-size") ?? "0");
    await response.arrayBuffer();
    if (response.ok && treeSize >= size) return treeSize;
    await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 250 * (attempt + 1))));
  }
  throw new Error(`no checkpoint covered ${size} entries within ${timeoutMs} ms`);
}

export interface DemoRun {
  readonly tenant: DemoTenant;
  readonly source: string;
  readonly before: TrafficCounts;
  readonly shadowed: TrafficCounts;
  readonly checkpointSize: number;
}

/** The whole demo: a tenant, traffic, a staged candidate, more traffic in its shadow, and a signed checkpoint over it. */
export async function runDemo(options: {
  baseUrl: string;
  adminToken: string;
  tenantId: string;
  decisions: number;
  concurrency: number;
  log: (line: string) => void;
}): Promise<DemoRun> {
  const { baseUrl, adminToken, log } = options;
  const { records, source } = await demoRecords(options.decisions, log);
  const tenant = await createDemoTenant(baseUrl, adminToken, options.tenantId);
  log(`tenant ${tenant.tenantId} created; traffic from ${source}`);
  const half = Math.ceil(records.length / 2);
  const before = await driveTraffic(baseUrl, tenant, records.slice(0, half), options.concurrency);
  log(`${before.decisions} decisions (${before.refused} refused), ${before.outcomes} signed outcomes`);
  await stageDemoCandidate(baseUrl, adminToken, tenant.tenantId);
  const shadowed = await driveTraffic(baseUrl, tenant, records.slice(half), options.concurrency);
  log(`candidate staged; ${shadowed.decisions} more decisions in its shadow, ${shadowed.outcomes} outcomes`);
  const budget = await call(baseUrl, "/v1/budget", { method: "GET", token: tenant.apiKey });
  const checkpointSize = await awaitCheckpoint(baseUrl, tenant.apiKey, Number(budget.json?.entries ?? 1) - 1, 60_000);
  log(`signed checkpoint over ${checkpointSize} entries`);
  return { tenant, source, before, shadowed, checkpointSize };
}
