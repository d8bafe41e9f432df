// The proxy's budget guarantee: the ledger reserves before any provider is called, so 1,000
// concurrent requests against a budget that covers exactly 100 of them let exactly 100 reach the
// provider (counted at the mock); the other 900 are sealed budget refusals (402). With usage equal
// to each worst case, the budget ends fully committed, to the microcent.

import { afterEach, expect, it } from "vitest";
import { bodyText, createTenant, expectConserved, readChain, verifyChain } from "../api/helpers.ts";
import { answerFor, installUpstream, type UpstreamMock } from "./upstream-mock.ts";
import { chat, chatBody, listPriceCostMicros, settled } from "./proxy-helpers.ts";

let upstream: UpstreamMock | null = null;
afterEach(() => {
  upstream?.restore();
  upstream = null;
});

const REQUESTS = 1_000;
const COVERED = 100;
const OUTPUT_TOKENS = 100;
// One user message "Hi": ceil(2 / 4) + 4 = 5 tokens by the documented estimate (src/worker/request-mapping.ts).
const INPUT_TOKENS = 5;

it(
  "1,000 concurrent proxy requests against a budget covering exactly 100 let exactly 100 reach the provider",
  { timeout: 60_000 },
  async () => {
    // DeepSeek's two models have the same list prices, so every decision reserves the same amount.
    const worstCase = listPriceCostMicros("deepseek-chat", INPUT_TOKENS, OUTPUT_TOKENS);
    expect(listPriceCostMicros("deepseek-reasoner", INPUT_TOKENS, OUTPUT_TOKENS)).toBe(worstCase);
    const tenant = await createTenant("px-budget", { budgetMicros: COVERED * worstCase, rateLimitPerMinute: 100_000 });
    upstream = installUpstream((call) => answerFor(call, "ok", { inputTokens: INPUT_TOKENS, outputTokens: OUTPUT_TOKENS }));
    const body = chatBody({ messages: [{ role: "user", content: "Hi" }], max_tokens: OUTPUT_TOKENS });
    const responses = await Promise.all(
      Array.from({ length: REQUESTS }, () => chat(tenant, body, { "calybris-providers-allow": "deepseek" })),
    );
    const statuses = new Map<number, number>();
    for (const response of responses) {
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      await bodyText(response);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 200: COVERED, 402: REQUESTS - COVERED });
    expect(upstream.calls).toHaveLength(COVERED);
    const budget = await settled(tenant);
    expectConserved(budget);
    expect(budget).toMatchObject({ committed_micros: COVERED * worstCase, reserved_micros: 0, available_micros: 0 });
    const chain = await readChain(tenant, "?limit=10000");
    expect(chain.entries.filter((entry) => entry.kind === "execution")).toHaveLength(COVERED);
    expect(verifyChain(chain.bytes, tenant.tenantId).ok).toBe(true);
  },
);
