// Helpers of the Learner's end-to-end tests inside workerd: the HTTP calls a client makes (admin,
// decide, signed outcomes, reads), the Durable Object stubs a test drives (alarms, RPC), and an
// offline prediction of the kernel's choice. They reach into src/ only through public functions.

import type { RegimeReport } from "../../../src/learning/regimes-report.ts";
import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import { LLM_PACK } from "../../../src/domain/llm/pack.ts";
import { DecisionResult } from "../../../src/kernel/decision-result.ts";
import { Kernel } from "../../../src/kernel/kernel.ts";
import { DecisionCode } from "../../../src/kernel/result-codes.ts";
import { toKernelPolicy, type PolicySnapshot } from "../../../src/learning/policy-snapshot.ts";
import { signWebhook } from "../../../src/ledger/webhook-signature.ts";
import { toKernelRequest } from "../../../src/worker/request-mapping.ts";
import { DecideRequest } from "../../../src/worker/schemas.ts";
import { decisionSeed, isHoldout } from "../../../src/decision/seed.ts";
import { DEFAULT_HOLDOUT_BPS } from "../../../src/learning/warm-start.ts";

const ORIGIN = "https://calybris.test";
export const ADMIN_HEADERS = { authorization: "Bearer test-admin-token", "content-type": "application/json" } as const;

export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(`${ORIGIN}${path}`, init);
}

/** Reads a JSON answer and insists on its status, showing the body when it differs. */
export async function json<T>(response: Promise<Response> | Response, status = 200): Promise<T> {
  const answer = await response;
  const text = await answer.text();
  expect(answer.status, text).toBe(status);
  return JSON.parse(text) as T;
}

export interface Tenant {
  readonly tenantId: string;
  readonly apiKey: string;
  readonly webhookSecret: string;
  readonly headers: Record<string, string>;
}

/** A fresh tenant per test (a random suffix), so no test sees another's objects. */
export async function createTenant(prefix: string, mode: "live" | "apprentice" = "live"): Promise<Tenant> {
  const tenantId = `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
  const body = { tenant_id: tenantId, name: tenantId, initial_budget_micros: 100 * 100_000_000, mode };
  const created = await json<{ api_key: string; webhook_secret: string }>(
    call("/admin/tenants", { method: "POST", headers: ADMIN_HEADERS, body: JSON.stringify(body) }),
    201,
  );
  return {
    tenantId,
    apiKey: created.api_key,
    webhookSecret: created.webhook_secret,
    headers: { authorization: `Bearer ${created.api_key}`, "content-type": "application/json" },
  };
}

export interface Decision {
  readonly fingerprint: string;
  readonly model: { readonly id: string; readonly provider: string; readonly tier: string };
  readonly floor: { readonly bps: number; readonly source: string; readonly raised_bps: number };
  readonly policy: { readonly version: number; readonly hash: string };
  readonly holdout: boolean;
  readonly mode: string;
  readonly anomaly: readonly string[];
  readonly apprentice: {
    readonly would_choose: { readonly id: string } | null;
    readonly agrees: boolean;
    readonly kernel_code: string;
  } | null;
}

export function decideBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { regime: "support", input_tokens: 1_200, max_output_tokens: 800, value_micros: 5_000_000, risk_bps: 1_000, ...overrides };
}

/** An idempotency key whose decision the learned policy serves, not the 20 % holdout's warm start. */
export function liveKey(tenant: Tenant, label: string): string {
  for (let i = 0; i < 100; i++) {
    const key = `${label}-${i}`;
    if (!isHoldout(tenant.tenantId, key, DEFAULT_HOLDOUT_BPS)) return key;
  }
  throw new Error("no key outside the holdout in 100 tries");
}

/** An idempotency key that falls in the holdout. */
export function holdoutKey(tenant: Tenant, label: string): string {
  for (let i = 0; i < 1_000; i++) {
    const key = `${label}-${i}`;
    if (isHoldout(tenant.tenantId, key, DEFAULT_HOLDOUT_BPS)) return key;
  }
  throw new Error("no holdout key in 1,000 tries");
}

export function decide(tenant: Tenant, key: string, overrides: Record<string, unknown> = {}): Promise<Decision> {
  return json<Decision>(
    call("/v1/decide", {
      method: "POST",
      headers: { ...tenant.headers, "idempotency-key": key },
      body: JSON.stringify(decideBody(overrides)),
    }),
  );
}

export interface Execution {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly actualCostMicros?: number;
}

/** Posts a Standard Webhooks-signed outcome for a decision; returns the webhook id (the outcome id). */
export async function postOutcome(
  tenant: Tenant,
  decision: Decision,
  outcome: Record<string, unknown>,
  execution: Execution = {},
): Promise<string> {
  const body = JSON.stringify({
    decision_fingerprint: decision.fingerprint,
    execution: {
      model: decision.model.id,
      input_tokens: execution.inputTokens ?? 1_200,
      output_tokens: execution.outputTokens ?? 500,
      latency_ms: 900,
      actual_cost_micros: execution.actualCostMicros ?? 1_000,
    },
    outcome,
  });
  const webhookId = `msg_${crypto.randomUUID()}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    ...tenant.headers,
    "webhook-id": webhookId,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signWebhook(tenant.webhookSecret, webhookId, timestamp, body),
  };
  await json(call("/v1/outcomes", { method: "POST", headers, body }));
  return webhookId;
}

export interface RegimesAnswer {
  readonly version: number;
  readonly hash: string;
  readonly outcomes: number;
  readonly regimes: RegimeReport[];
}

export function regimes(tenant: Tenant): Promise<RegimesAnswer> {
  return json<RegimesAnswer>(call("/v1/regimes", { headers: tenant.headers }));
}

/** Beta counts summed over every regime and tier: each learned outcome adds exactly one (no decay this early). */
export function countsTotal(answer: RegimesAnswer): number {
  return answer.regimes.reduce((sum, regime) => sum + regime.options.reduce((s, option) => s + option.alpha + option.beta, 0), 0);
}

export function ledgerOf(tenant: Tenant) {
  return env.TENANT_LEDGER.get(env.TENANT_LEDGER.idFromName(tenant.tenantId));
}

export function learnerOf(tenant: Tenant) {
  return env.LEARNER.get(env.LEARNER.idFromName(tenant.tenantId));
}

/** Runs the ledger's scheduled alarm (if one is set); the outbox drains to the Learner. */
export function runLedgerAlarm(tenant: Tenant): Promise<boolean> {
  return runDurableObjectAlarm(ledgerOf(tenant));
}

/**
 * Delivers everything in the ledger's outbox to the Learner. The ledger schedules its alarm for
 * "now" when an outcome arrives, so workerd may already be running it in the background (and a
 * row delivered but not yet settled is still in the outbox): run the scheduled alarm, then look
 * again, a bounded number of times.
 */
export async function drainOutbox(tenant: Tenant): Promise<void> {
  for (let attempt = 0; attempt < DRAIN_ATTEMPTS_MAX; attempt++) {
    await runLedgerAlarm(tenant);
    if ((await outboxRows(tenant)).length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the outbox did not drain after ${DRAIN_ATTEMPTS_MAX} attempts`);
}

const DRAIN_ATTEMPTS_MAX = 200;

/** Fires the ledger's alarm handler whether or not one is scheduled: a duplicated or late alarm. */
export async function fireLedgerAlarmAgain(tenant: Tenant): Promise<void> {
  await runInDurableObject(ledgerOf(tenant), async (instance) => {
    await instance.alarm();
  });
}

/** The ledger's outbox rows as they are now (what the next alarm would deliver). */
export function outboxRows(tenant: Tenant): Promise<{ id: string; payload: string }[]> {
  return runInDurableObject(ledgerOf(tenant), (_instance, state) =>
    state.storage.sql
      .exec<{ id: string; payload: string }>("SELECT id, payload FROM outbox ORDER BY id")
      .toArray()
      .map((row) => ({ id: row.id, payload: row.payload })),
  );
}

export interface ChainEntry {
  readonly seq: number;
  readonly kind: string;
  readonly record: Record<string, unknown>;
}

export async function chain(tenant: Tenant): Promise<{ bytes: Uint8Array; entries: ChainEntry[] }> {
  const response = await call("/v1/chain", { headers: tenant.headers });
  const bytes = new Uint8Array(await response.arrayBuffer());
  expect(response.status).toBe(200);
  const text = new TextDecoder().decode(bytes);
  return {
    bytes,
    entries: text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as ChainEntry),
  };
}

/** Waits out the worker's one-second policy cache (CACHE_TTL_MS) so the next decision reloads. */
export function waitForPolicyCache(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1_100));
}

/** The kernel's choice for a decide body, computed offline as the worker's decision step does (no anomaly). */
export function predictChoice(
  tenantId: string,
  key: string,
  snapshot: PolicySnapshot,
  overrides: Record<string, unknown> = {},
): string | null {
  const mapped = toKernelRequest(DecideRequest.parse(decideBody(overrides)), LLM_PACK);
  if (!mapped.ok) throw new Error(mapped.detail);
  const request = mapped.value;
  const out = new DecisionResult();
  const code = new Kernel(LLM_PACK.catalog).decide(
    {
      request,
      tenant: { suspended: false, allowedProviderMask: 0xffff, costCapMicros: -1 },
      policy: toKernelPolicy(snapshot),
      seedWords: decisionSeed(tenantId, key, snapshot.hash).words,
      floorRaiseBps: 0,
    },
    out,
  );
  return code === DecisionCode.ok ? LLM_PACK.options[out.chosen]!.id : null;
}
