// Fallbacks: on 429, 5xx or a timeout the proxy tries the kernel's next ranked option (at most
// three attempts); every attempt is sealed as an execution entry with its
// status and latency; a provider's 4xx is passed through (no fallback); when every attempt fails,
// the answer keeps the last provider's status and names it, and the reservation is released.

import { afterEach, describe, expect, it } from "vitest";
import { bodyText, createTenant, readChain, verifyChain, type ChainEntry } from "../api/helpers.ts";
import { answerFor, errorResponse, hang, installUpstream, streamEvents, streamResponse, type UpstreamMock } from "./upstream-mock.ts";
import { chat, chatBody, decisionHeader, executionsOf, listPriceCostMicros, settled, sseData } from "./proxy-helpers.ts";

let upstream: UpstreamMock | null = null;
afterEach(() => {
  expect(upstream?.escaped ?? []).toEqual([]);
  upstream?.restore();
  upstream = null;
});

const USAGE = { inputTokens: 20, outputTokens: 90 };

interface SealedDecision {
  readonly decision: { result: { ranked: string[] } };
  readonly ledger: { served_rank: number };
}

/** The plan as documented (src/decision/execution-step.ts), recomputed from the sealed decision. */
function expectedPlan(entries: readonly ChainEntry[], fingerprint: string): string[] {
  const record = entries.find((entry) => entry.fp === fingerprint)!.record as unknown as SealedDecision;
  const rank = record.ledger.served_rank;
  return record.decision.result.ranked.slice(rank, rank + 3);
}

const FAILURES = [
  { name: "429", fail: () => errorResponse(429), status: "rate_limited", http: 429 },
  { name: "503", fail: () => errorResponse(503), status: "upstream_error", http: 503 },
  { name: "500", fail: () => errorResponse(500), status: "upstream_error", http: 500 },
] as const;

describe("fallback to the next ranked option", () => {
  for (const failure of FAILURES) {
    it(`after a ${failure.name}: the second option answers, both attempts are sealed, the budget settles to the answer's usage`, async () => {
      const tenant = await createTenant(`pxf-${failure.name}`);
      upstream = installUpstream((call) => (upstream!.calls.length === 1 ? failure.fail() : answerFor(call, "fine", USAGE)));
      const response = await chat(tenant, chatBody());
      const text = await bodyText(response);
      expect(response.status, text).toBe(200);
      const { fingerprint, model } = decisionHeader(response);
      await settled(tenant);
      const chain = await readChain(tenant);
      const plan = expectedPlan(chain.entries, fingerprint);
      expect(plan.length, "the kernel ranked a fallback").toBeGreaterThanOrEqual(2);
      expect(upstream.calls.map((call) => call.model)).toEqual(plan.slice(0, 2));
      expect(model).toBe(plan[1]);
      expect((JSON.parse(text) as { model: string }).model).toBe(plan[1]);
      const executions = executionsOf(chain.entries, fingerprint);
      expect(executions.map((e) => [e.execution.status, e.execution.http_status, e.execution.model, e.ledger.attempt])).toEqual([
        [failure.status, failure.http, plan[0], 0],
        ["ok", 200, plan[1], 1],
      ]);
      expect(executions[0]!.ledger.settlement).toBeNull();
      // The fallback's cost is charged whether or not it exceeds the reservation (the budget covers it here).
      const cost = listPriceCostMicros(plan[1]!, USAGE.inputTokens, USAGE.outputTokens);
      expect(executions[1]!.ledger.settlement).toMatchObject({ actual_cost_micros: cost, charged_micros: cost });
      expect(await settled(tenant)).toMatchObject({ reserved_micros: 0, committed_micros: cost });
      expect(verifyChain(chain.bytes, tenant.tenantId).ok).toBe(true);
    });
  }

  it("after a timeout: the attempt is aborted at Calybris-Attempt-Timeout-Ms and sealed with no HTTP status", async () => {
    const tenant = await createTenant("pxf-timeout");
    upstream = installUpstream((call) => (upstream!.calls.length === 1 ? hang(call) : answerFor(call, "fine", USAGE)));
    const response = await chat(tenant, chatBody(), { "calybris-attempt-timeout-ms": "150" });
    expect(response.status, await bodyText(response)).toBe(200);
    const { fingerprint } = decisionHeader(response);
    expect(upstream.calls[0]!.signal?.aborted).toBe(true);
    await settled(tenant);
    const executions = executionsOf((await readChain(tenant)).entries, fingerprint);
    expect(executions.map((e) => [e.execution.status, e.execution.http_status])).toEqual([
      ["timeout", null],
      ["ok", 200],
    ]);
    expect(executions[0]!.execution.latency_ms).toBeGreaterThanOrEqual(150);
  });

  it("a streaming request falls back before its first byte", async () => {
    const tenant = await createTenant("pxf-stream");
    upstream = installUpstream((call) =>
      upstream!.calls.length === 1 ? errorResponse(429) : streamResponse(streamEvents(call, ["fall", "back"], USAGE)),
    );
    const response = await chat(tenant, chatBody({ stream: true }));
    expect(response.status).toBe(200);
    const data = sseData(await bodyText(response));
    expect(data.at(-1)).toBe("[DONE]");
    expect(upstream.calls).toHaveLength(2);
    expect(decisionHeader(response).model).toBe(upstream.calls[1]!.model);
  });
});

describe("no fallback", () => {
  it("a provider's 400 is passed through as a problem naming the provider, with its status; the reservation is released", async () => {
    const tenant = await createTenant("pxf-400");
    upstream = installUpstream(() => errorResponse(400));
    const response = await chat(tenant, chatBody());
    expect(response.status).toBe(400);
    const problem = JSON.parse(await bodyText(response)) as { code: string; provider: string; upstream_status: number };
    expect(problem).toMatchObject({ code: "provider_error", upstream_status: 400, provider: upstream.calls[0]!.provider });
    expect(upstream.calls).toHaveLength(1);
    const budget = await settled(tenant);
    expect(budget).toMatchObject({ reserved_micros: 0, committed_micros: 0 });
  });

  it("when every attempt fails the answer keeps the last status and names the provider; nothing is charged", async () => {
    const tenant = await createTenant("pxf-all");
    upstream = installUpstream(() => errorResponse(429));
    const response = await chat(tenant, chatBody());
    expect(response.status).toBe(429);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const problem = JSON.parse(await bodyText(response)) as { code: string; provider: string; upstream_status: number; status: number };
    const { fingerprint } = decisionHeader(response);
    await settled(tenant);
    expect(problem).toMatchObject({ code: "provider_error", upstream_status: 429, status: 429 });
    expect(problem.provider).toBe(upstream.calls.at(-1)!.provider);
    const executions = executionsOf((await readChain(tenant)).entries, fingerprint);
    expect(executions.length).toBe(upstream.calls.length);
    expect(executions.every((e) => e.execution.status === "rate_limited")).toBe(true);
    expect(executions.at(-1)!.ledger.settlement).toMatchObject({ actual_cost_micros: 0, charged_micros: 0 });
    expect(await settled(tenant)).toMatchObject({ reserved_micros: 0, committed_micros: 0 });
  });

  it("a timeout on the last attempt answers 504", async () => {
    const tenant = await createTenant("pxf-504");
    upstream = installUpstream((call) => hang(call));
    const response = await chat(tenant, chatBody(), { "calybris-attempt-timeout-ms": "50" });
    expect(response.status).toBe(504);
    expect((JSON.parse(await bodyText(response)) as { code: string }).code).toBe("provider_error");
  });
});
