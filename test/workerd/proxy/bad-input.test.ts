// Bad input to the proxy, each ending in its problem code: malformed JSON, oversized bodies,
// unsupported Chat Completions parameters (named), malformed terms (naming the header), models
// that are not calybris/*, and gate refusals (sealed). None of them reaches a provider.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProblemCode } from "../../../src/worker/problem.ts";
import { PROXY_BODY_LIMIT_BYTES } from "../../../src/worker/limits.ts";
import { call, callRequest, createTenant, expectProblem, rawRequest, type Tenant } from "../api/helpers.ts";
import { answerFor, installUpstream, type UpstreamMock } from "./upstream-mock.ts";
import { chat, chatBody, TERMS } from "./proxy-helpers.ts";

let upstream: UpstreamMock;
let tenant: Tenant;
beforeAll(async () => {
  tenant = await createTenant("px-bad", { rateLimitPerMinute: 100_000 });
  upstream = installUpstream((c) => answerFor(c, "never", { inputTokens: 1, outputTokens: 1 }));
});
afterAll(() => {
  expect(upstream.calls).toHaveLength(0);
  upstream.restore();
});

const raw = (body: string, headers: Record<string, string> = {}) =>
  callRequest(rawRequest("/v1/chat/completions", body, { ...tenant.headers, ...TERMS, ...headers }));

type Case = readonly [name: string, send: () => Promise<Response>, code: ProblemCode, detail?: RegExp];

const CASES: readonly Case[] = [
  ["malformed JSON", () => raw('{"model": "calybris/auto",'), "request_malformed", /not valid JSON/],
  ["a JSON array", () => raw("[]"), "request_malformed"],
  [
    "a duplicate member name",
    () => raw('{"model":"calybris/auto","model":"x","messages":[{"role":"user","content":"Hi"}]}'),
    "request_malformed",
  ],
  [
    "a body over the limit",
    () => raw(JSON.stringify(chatBody({ messages: [{ role: "user", content: "x".repeat(PROXY_BODY_LIMIT_BYTES) }] }))),
    "body_too_large",
  ],
  ["text/plain", () => raw(JSON.stringify(chatBody()), { "content-type": "text/plain" }), "content_type_unsupported"],
  [
    "no API key",
    () =>
      call("/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(chatBody()) }),
    "unauthorized",
  ],
  ["tools", () => chat(tenant, chatBody({ tools: [{ type: "function", function: { name: "f" } }] })), "parameter_unsupported", /^tools /],
  [
    "response_format",
    () => chat(tenant, chatBody({ response_format: { type: "json_object" } })),
    "parameter_unsupported",
    /response_format/,
  ],
  ["logprobs", () => chat(tenant, chatBody({ logprobs: true })), "parameter_unsupported", /logprobs/],
  ["n = 2", () => chat(tenant, chatBody({ n: 2 })), "parameter_unsupported", /^n /],
  [
    "a tool message",
    () => chat(tenant, chatBody({ messages: [{ role: "tool", content: "x", tool_call_id: "1" }] })),
    "parameter_unsupported",
    /tool/,
  ],
  [
    "an image part",
    () => chat(tenant, chatBody({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://x" } }] }] })),
    "parameter_unsupported",
    /image_url/,
  ],
  ["an unknown field", () => chat(tenant, chatBody({ frobnicate: 1 })), "request_malformed"],
  ["no messages", () => chat(tenant, chatBody({ messages: [] })), "request_malformed", /messages/],
  ["max_tokens 0", () => chat(tenant, chatBody({ max_tokens: 0 })), "request_malformed", /max_tokens/],
  ["max_tokens 1.5", () => chat(tenant, chatBody({ max_tokens: 1.5 })), "request_malformed", /max_tokens/],
  ["both token bounds", () => chat(tenant, chatBody({ max_completion_tokens: 10 })), "request_malformed", /at most one/],
  ["temperature 3", () => chat(tenant, chatBody({ temperature: 3 })), "request_malformed", /temperature/],
  ["stream as a string", () => chat(tenant, chatBody({ stream: "yes" })), "request_malformed", /stream/],
  ["a model that is not calybris/*", () => chat(tenant, chatBody({ model: "gpt-4o" })), "model_unknown", /gpt-4o/],
  ["calybris/ with no regime", () => chat(tenant, chatBody({ model: "calybris/" })), "model_unknown"],
  [
    "a model and header naming two regimes",
    () => chat(tenant, chatBody({ model: "calybris/coding" }), { "calybris-regime": "support" }),
    "model_unknown",
    /coding/,
  ],
  [
    "no value",
    () =>
      call("/v1/chat/completions", {
        method: "POST",
        headers: { ...tenant.headers, "calybris-risk-bps": "1" },
        body: JSON.stringify(chatBody()),
      }),
    "request_malformed",
    /Calybris-Value-Micros is required/,
  ],
  [
    "a risk that is not a number",
    () => chat(tenant, chatBody(), { "calybris-risk-bps": "high" }),
    "request_malformed",
    /Calybris-Risk-Bps must be a decimal integer/,
  ],
  ["a negative risk", () => chat(tenant, chatBody(), { "calybris-risk-bps": "-1" }), "request_malformed", /Calybris-Risk-Bps/],
  ["a risk in exponent form", () => chat(tenant, chatBody(), { "calybris-risk-bps": "1e3" }), "request_malformed", /Calybris-Risk-Bps/],
  [
    "a floor above 10,000",
    () => chat(tenant, chatBody(), { "calybris-quality-floor-bps": "10001" }),
    "request_malformed",
    /Calybris-Quality-Floor-Bps/,
  ],
  ["an unknown provider", () => chat(tenant, chatBody(), { "calybris-providers-allow": "acme" }), "request_malformed", /acme/],
  ["an unknown capability", () => chat(tenant, chatBody(), { "calybris-capabilities": "telepathy" }), "request_malformed", /telepathy/],
  [
    "a zero attempt timeout",
    () => chat(tenant, chatBody(), { "calybris-attempt-timeout-ms": "0" }),
    "request_malformed",
    /Calybris-Attempt-Timeout-Ms/,
  ],
  ["a risk at the ceiling (gate 2, sealed)", () => chat(tenant, chatBody(), { "calybris-risk-bps": "9700" }), "risk_above_ceiling"],
  ["an unknown regime (gate 4, sealed)", () => chat(tenant, chatBody({ model: "calybris/horoscope" })), "regime_unknown"],
  [
    "no provider left (gate 6, sealed)",
    () => chat(tenant, chatBody(), { "calybris-providers-deny": "openai,anthropic,google,deepseek,mistral,meta" }),
    "provider_rules_exclude_all",
  ],
  [
    "a cost cap no model meets",
    () => chat(tenant, chatBody({ max_tokens: 100_000 }), { "calybris-max-cost-micros": "1" }),
    "cost_cap_exceeded",
  ],
];

describe("bad input to POST /v1/chat/completions", () => {
  for (const [name, send, code, detail] of CASES) {
    it(name, async () => {
      const body = await expectProblem(await send(), code);
      if (detail !== undefined) expect(body.detail).toMatch(detail);
    });
  }
});
