// Helpers of the proxy's tests: a chat request to the worker with the Calybris-* terms, the
// reading of its answer and of the execution entries it sealed, and the expected cost of usage
// computed straight from the catalog's list prices (BigInt, independent of the kernel's exact math).

import { expect } from "vitest";
import { MODELS } from "../../../src/domain/llm/models.ts";
import { bodyText, call, readBudget, type Budget, type ChainEntry, type Tenant } from "../api/helpers.ts";

export const TERMS = { "calybris-value-micros": "5000000", "calybris-risk-bps": "1000" } as const;

export function chatBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: "calybris/auto",
    messages: [
      { role: "system", content: "You answer support questions." },
      { role: "user", content: "How do I reset my password?" },
    ],
    max_tokens: 400,
    ...overrides,
  };
}

export function chat(tenant: Tenant, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return call("/v1/chat/completions", { method: "POST", headers: { ...tenant.headers, ...TERMS, ...headers }, body: JSON.stringify(body) });
}

export async function chatOk(
  tenant: Tenant,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ response: Response; text: string }> {
  const response = await chat(tenant, body, headers);
  const text = await bodyText(response);
  expect(response.status, text).toBe(200);
  return { response, text };
}

/** The fingerprint in Calybris-Decision: model=<id>; fp=<hex>. */
export function decisionHeader(response: Response): { model: string; fingerprint: string } {
  const header = response.headers.get("calybris-decision") ?? "";
  const match = /^model=(.+); fp=([0-9a-f]{64})$/.exec(header);
  expect(match, header).not.toBeNull();
  return { model: match![1]!, fingerprint: match![2]! };
}

/** ceil((in x inPrice + out x outPrice) / 10^6) microcents, from the catalog's list prices. */
export function listPriceCostMicros(model: string, inputTokens: number, outputTokens: number): number {
  const spec = MODELS.find((candidate) => candidate.id === model);
  expect(spec, model).toBeDefined();
  const total = BigInt(inputTokens) * BigInt(spec!.inputPriceMicrosPerMTok) + BigInt(outputTokens) * BigInt(spec!.outputPriceMicrosPerMTok);
  return Number((total + 999_999n) / 1_000_000n);
}

export function providerOf(model: string): string {
  return MODELS.find((candidate) => candidate.id === model)!.provider;
}

export interface ExecutionRecord {
  readonly execution: {
    status: string;
    model: string;
    provider: string;
    http_status: number | null;
    latency_ms: number;
    input_tokens: number;
    output_tokens: number;
  };
  readonly ledger: {
    attempt: number;
    decision_fp: string;
    settlement: null | { actual_cost_micros: number; charged_micros: number; released_micros: number };
  };
}

export function executionsOf(entries: readonly ChainEntry[], fingerprint: string): ExecutionRecord[] {
  return entries
    .filter((entry) => entry.kind === "execution" && (entry.record as unknown as ExecutionRecord).ledger.decision_fp === fingerprint)
    .map((entry) => entry.record as unknown as ExecutionRecord);
}

/** Parses an SSE body into its data payloads. */
export function sseData(text: string): string[] {
  return text
    .split("\n\n")
    .filter((block) => block.startsWith("data: "))
    .map((block) => block.slice("data: ".length));
}

/**
 * Waits (bounded) until no reservation is open: the proxy hands a request's settlement to
 * waitUntil, so it commits just after the answer leaves.
 */
export async function settled(tenant: Tenant): Promise<Budget> {
  for (let i = 0; i < 200; i++) {
    const budget = await readBudget(tenant);
    if (budget.reserved_micros === 0) return budget;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("the reservations were not settled within 2 s");
}
