import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signWebhook } from "../../../src/ledger/webhook-signature.ts";

const ADMIN = { authorization: "Bearer test-admin-token", "content-type": "application/json" };
const call = (path: string, init: RequestInit = {}) => exports.default.fetch(`https://calybris.test${path}`, init);

describe("API smoke", () => {
  it("creates a tenant, decides, posts a signed outcome, reads budget and chain", async () => {
    const created = await call("/admin/tenants", {
      method: "POST",
      headers: ADMIN,
      body: JSON.stringify({ tenant_id: "acme", name: "Acme", initial_budget_micros: 100_000_000 }),
    });
    expect(created.status).toBe(201);
    const tenant = (await created.json()) as { api_key: string; webhook_secret: string };
    const auth = { authorization: `Bearer ${tenant.api_key}`, "content-type": "application/json" };
    const decided = await call("/v1/decide", {
      method: "POST",
      headers: { ...auth, "idempotency-key": "k1" },
      body: JSON.stringify({ regime: "coding", input_tokens: 1200, max_output_tokens: 800, value_micros: 5_000_000, risk_bps: 1000 }),
    });
    const decision = (await decided.json()) as Record<string, unknown>;
    expect(decided.status, JSON.stringify(decision)).toBe(200);
    expect(decided.headers.get("calybris-decision")).toMatch(/^model=.+; fp=[0-9a-f]{64}$/);
    const again = await call("/v1/decide", {
      method: "POST",
      headers: { ...auth, "idempotency-key": "k1" },
      body: JSON.stringify({ regime: "coding", input_tokens: 1200, max_output_tokens: 800, value_micros: 5_000_000, risk_bps: 1000 }),
    });
    const replay = (await again.json()) as Record<string, unknown>;
    expect({ ...replay, replayed: false }).toEqual(decision);
    const body = JSON.stringify({
      decision_fingerprint: decision.fingerprint,
      execution: {
        model: (decision.model as { id: string }).id,
        input_tokens: 1200,
        output_tokens: 500,
        latency_ms: 900,
        actual_cost_micros: 1000,
      },
      outcome: { success: true },
    });
    const ts = Math.floor(Date.now() / 1000);
    const outcome = await call("/v1/outcomes", {
      method: "POST",
      headers: {
        ...auth,
        "webhook-id": "w1",
        "webhook-timestamp": String(ts),
        "webhook-signature": signWebhook(tenant.webhook_secret, "w1", ts, body),
      },
      body,
    });
    const settled = (await outcome.json()) as Record<string, unknown>;
    expect(outcome.status, JSON.stringify(settled)).toBe(200);
    const budget = (await (await call("/v1/budget", { headers: auth })).json()) as Record<string, number>;
    expect(budget.committed_micros).toBe(1000);
    expect(budget.credited_micros).toBe(budget.available_micros! + budget.reserved_micros! + budget.committed_micros!);
    const chain = await call("/v1/chain", { headers: auth });
    expect((await chain.text()).trim().split("\n")).toHaveLength(3);
  });
});
