// Shared helpers of the API integration tests: one way to call the worker inside workerd, to create
// a tenant, to sign an outcome (Standard Webhooks), to read budgets and chains, and to check that
// an answer is an RFC 9457 problem. They never reach into src/ beyond its public functions.

import { env, exports } from "cloudflare:workers";
import { sha256 } from "@noble/hashes/sha2.js";
import { expect } from "vitest";
import { verifyExportBytes, type VerifyReport } from "../../../src/ledger/chain-verifier.ts";
import { signWebhook } from "../../../src/ledger/webhook-signature.ts";
import { PROBLEM_TYPE_BASE, type ProblemCode, PROBLEMS } from "../../../src/worker/problem.ts";

export const ORIGIN = "https://calybris.test";
export const ADMIN_TOKEN = "test-admin-token";
export const ADMIN_HEADERS = { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" } as const;
export const ONE_USD_MICROS = 100_000_000;

const UTF8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/** Calls the worker's fetch handler in this isolate, exactly as a client's request would arrive. */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(`${ORIGIN}${path}`, init);
}

/** Calls with a prepared Request (needed for raw bodies, odd methods and odd headers). */
export function callRequest(request: Request): Promise<Response> {
  return exports.default.fetch(request);
}

/** A tenant id that no other test (or earlier run against persisted storage) can have used. */
export function freshTenantId(prefix: string): string {
  const suffix = crypto.randomUUID().replaceAll("-", "").slice(0, 12);
  return `${prefix.slice(0, 18)}-${suffix}`;
}

/** Reads a body as text through bytes, so no content-type sniffing ever decides the decoding. */
export async function bodyText(response: Response): Promise<string> {
  return UTF8.decode(await response.arrayBuffer());
}

export async function bodyBytes(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer());
}

export interface Tenant {
  readonly tenantId: string;
  readonly apiKey: string;
  readonly webhookSecret: string;
  /** Authorization and JSON content type for /v1 calls. */
  readonly headers: Record<string, string>;
}

export interface TenantOptions {
  readonly budgetMicros?: number;
  readonly rateLimitPerMinute?: number;
  readonly costCapMicros?: number;
  readonly allowedProviders?: readonly string[];
  readonly mode?: "live" | "apprentice";
}

export function tenantHeaders(apiKey: string): Record<string, string> {
  return { authorization: `Bearer ${apiKey}`, "content-type": "application/json" };
}

/** Creates a tenant through POST /admin/tenants and returns its one-time secrets. */
export async function createTenant(prefix: string, options: TenantOptions = {}): Promise<Tenant> {
  const tenantId = freshTenantId(prefix);
  const body: Record<string, unknown> = {
    tenant_id: tenantId,
    name: `Tenant ${tenantId}`,
    initial_budget_micros: options.budgetMicros ?? 10 * ONE_USD_MICROS,
  };
  if (options.rateLimitPerMinute !== undefined) body.rate_limit_per_minute = options.rateLimitPerMinute;
  if (options.costCapMicros !== undefined) body.cost_cap_micros = options.costCapMicros;
  if (options.allowedProviders !== undefined) body.allowed_providers = options.allowedProviders;
  if (options.mode !== undefined) body.mode = options.mode;
  const response = await call("/admin/tenants", { method: "POST", headers: ADMIN_HEADERS, body: JSON.stringify(body) });
  const text = await bodyText(response);
  expect(response.status, text).toBe(201);
  const created = JSON.parse(text) as { tenant_id: string; api_key: string; webhook_secret: string };
  expect(created.tenant_id).toBe(tenantId);
  return { tenantId, apiKey: created.api_key, webhookSecret: created.webhook_secret, headers: tenantHeaders(created.api_key) };
}

/** A decide body that the kernel serves (support regime, modest size and value). */
export function decideBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { regime: "support", input_tokens: 1_200, max_output_tokens: 800, value_micros: 5_000_000, risk_bps: 1_000, ...overrides };
}

export function decide(tenant: Tenant, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return call("/v1/decide", { method: "POST", headers: { ...tenant.headers, ...headers }, body: JSON.stringify(body) });
}

export interface Decision {
  readonly decision_id: string;
  readonly fingerprint: string;
  readonly seq: number;
  readonly model: { readonly id: string; readonly provider: string; readonly tier: string };
  readonly reserved_micros: number;
  readonly replayed: boolean;
  readonly [field: string]: unknown;
}

/** Decides and insists on a served (200) answer. */
export async function decideOk(
  tenant: Tenant,
  overrides: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Decision> {
  const response = await decide(tenant, decideBody(overrides), headers);
  const text = await bodyText(response);
  expect(response.status, text).toBe(200);
  return JSON.parse(text) as Decision;
}

/**
 * An outcome body. Given the decision itself, it reports the model the decision served (the
 * ledger refuses a model the decision did not offer); given only a fingerprint, "gpt-4o-mini".
 */
export function outcomeBody(
  decision: string | Pick<Decision, "fingerprint" | "model">,
  overrides: { model?: string; actualCostMicros?: number; success?: boolean } = {},
): string {
  const fingerprint = typeof decision === "string" ? decision : decision.fingerprint;
  const served = typeof decision === "string" ? "gpt-4o-mini" : decision.model.id;
  return JSON.stringify({
    decision_fingerprint: fingerprint,
    execution: {
      model: overrides.model ?? served,
      input_tokens: 1_200,
      output_tokens: 500,
      latency_ms: 900,
      actual_cost_micros: overrides.actualCostMicros ?? 1_000,
    },
    outcome: { success: overrides.success ?? true },
  });
}

export interface SignOptions {
  readonly webhookId?: string;
  readonly timestampSeconds?: number;
  /** Signs with this secret instead of the tenant's (a wrong signature). */
  readonly secret?: string;
  readonly apiKey?: string;
}

/** Standard Webhooks headers for a raw body, signed with the tenant's webhook secret. */
export function signedHeaders(tenant: Tenant, body: string, options: SignOptions = {}): Record<string, string> {
  const webhookId = options.webhookId ?? `msg_${crypto.randomUUID()}`;
  const timestamp = options.timestampSeconds ?? Math.floor(Date.now() / 1000);
  return {
    ...tenantHeaders(options.apiKey ?? tenant.apiKey),
    "webhook-id": webhookId,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signWebhook(options.secret ?? tenant.webhookSecret, webhookId, timestamp, body),
  };
}

export function postOutcome(tenant: Tenant, body: string, options: SignOptions = {}): Promise<Response> {
  return call("/v1/outcomes", { method: "POST", headers: signedHeaders(tenant, body, options), body });
}

export interface Budget {
  readonly credited_micros: number;
  readonly committed_micros: number;
  readonly reserved_micros: number;
  readonly available_micros: number;
  readonly entries: number;
}

export async function readBudget(tenant: Tenant): Promise<Budget> {
  const response = await call("/v1/budget", { headers: tenant.headers });
  const text = await bodyText(response);
  expect(response.status, text).toBe(200);
  return JSON.parse(text) as Budget;
}

/** The conservation law of the budget: every microcent credited is in exactly one place. */
export function expectConserved(budget: Budget): void {
  expect(budget.credited_micros).toBe(budget.available_micros + budget.reserved_micros + budget.committed_micros);
  for (const value of [budget.credited_micros, budget.available_micros, budget.reserved_micros, budget.committed_micros]) {
    expect(Number.isSafeInteger(value) && value >= 0, `budget field ${value}`).toBe(true);
  }
}

export interface ChainEntry {
  readonly seq: number;
  readonly kind: string;
  readonly fp: string;
  readonly prev: string;
  readonly ts: number;
  readonly record: Record<string, unknown>;
}

/** Splits a JSONL export into parsed entries (every line must end with a newline). */
export function parseJsonl(text: string): ChainEntry[] {
  if (text.length === 0) return [];
  expect(text.endsWith("\n"), "JSONL export ends with a newline").toBe(true);
  return text
    .slice(0, -1)
    .split("\n")
    .map((line) => JSON.parse(line) as ChainEntry);
}

export interface ChainExport {
  readonly bytes: Uint8Array;
  readonly entries: ChainEntry[];
  readonly response: Response;
}

export async function readChain(tenant: Tenant, query = ""): Promise<ChainExport> {
  const response = await call(`/v1/chain${query}`, { headers: tenant.headers });
  const bytes = await bodyBytes(response);
  expect(response.status, UTF8.decode(bytes)).toBe(200);
  return { bytes, entries: parseJsonl(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes)), response };
}

/** Verifies an export offline exactly as `calybris verify` does. */
export function verifyChain(bytes: Uint8Array, tenantId: string): VerifyReport {
  return verifyExportBytes(bytes, { sha256, tenantId });
}

export function ledgerStubOf(tenantId: string) {
  return env.TENANT_LEDGER.get(env.TENANT_LEDGER.idFromName(tenantId));
}

export function learnerStubOf(tenantId: string) {
  return env.LEARNER.get(env.LEARNER.idFromName(tenantId));
}

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  readonly code: string;
  readonly [extension: string]: unknown;
}

/** Asserts the RFC 9457 shape of a problem answer and that it leaks no internals. */
export function checkProblemText(status: number, contentType: string | null, text: string, code?: ProblemCode): ProblemBody {
  expect(contentType, text).toBe("application/problem+json");
  expect(text).not.toMatch(/"stack"|\bat [A-Za-z_$][\w$.]*\s*\(|\bat file:|\.ts:\d+/);
  const body = JSON.parse(text) as ProblemBody;
  expect(body.type.startsWith(PROBLEM_TYPE_BASE), text).toBe(true);
  expect(body.status).toBe(status);
  expect(typeof body.title).toBe("string");
  expect(typeof body.detail).toBe("string");
  expect(body.instance).toMatch(/^urn:calybris:request:/);
  if (code !== undefined) {
    expect(body.type.endsWith(`/${code}`), text).toBe(true);
    expect(body.code).toBe(code);
    expect(status, text).toBe(PROBLEMS[code].status);
  }
  return body;
}

/** Reads a problem answer, checks it, and returns its body. */
export async function expectProblem(response: Response, code: ProblemCode): Promise<ProblemBody> {
  const text = await bodyText(response);
  expect(response.status, text).toBe(PROBLEMS[code].status);
  return checkProblemText(response.status, response.headers.get("content-type"), text, code);
}

/** A body that must be sent byte for byte (raw JSON text, invalid UTF-8, ...). */
export function rawRequest(path: string, body: BodyInit | null, headers: Record<string, string>, method = "POST"): Request {
  return new Request(`${ORIGIN}${path}`, { method, headers, body });
}
