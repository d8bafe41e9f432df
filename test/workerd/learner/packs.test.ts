// One deployment, every domain: tenants created with different domain packs share the worker and
// the object classes, yet each decides, settles and learns in its own pack's vocabulary.

import { describe, expect, it } from "vitest";
import { PACKS } from "../../../src/domain/packs.ts";
import { signWebhook } from "../../../src/ledger/webhook-signature.ts";
import { ADMIN_HEADERS, call, drainOutbox, json, regimes, type Tenant } from "./learner-helpers.ts";

async function createPackTenant(prefix: string, pack: string): Promise<Tenant & { pack: string }> {
  const tenantId = `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
  const body = { tenant_id: tenantId, name: tenantId, initial_budget_micros: 1_000 * 100_000_000, pack };
  const created = await json<{ api_key: string; webhook_secret: string; pack: string }>(
    call("/admin/tenants", { method: "POST", headers: ADMIN_HEADERS, body: JSON.stringify(body) }),
    201,
  );
  return {
    tenantId,
    apiKey: created.api_key,
    webhookSecret: created.webhook_secret,
    pack: created.pack,
    headers: { authorization: `Bearer ${created.api_key}`, "content-type": "application/json" },
  };
}

interface Served {
  readonly fingerprint: string;
  readonly model: { readonly id: string; readonly provider: string; readonly tier: string };
}

function decide(tenant: Tenant, body: Record<string, unknown>): Promise<Response> {
  return call("/v1/decide", { method: "POST", headers: tenant.headers, body: JSON.stringify(body) });
}

async function report(tenant: Tenant, decision: Served, success: boolean, index: number): Promise<void> {
  const body = JSON.stringify({
    decision_fingerprint: decision.fingerprint,
    execution: { model: decision.model.id, input_tokens: 1_000, output_tokens: 1, latency_ms: 10, actual_cost_micros: 1_000 },
    outcome: { success },
  });
  const id = `msg-${index}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    ...tenant.headers,
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signWebhook(tenant.webhookSecret, id, timestamp, body),
  };
  await json(call("/v1/outcomes", { method: "POST", headers, body }));
}

describe("two tenants with different packs on one deployment", () => {
  it("each decides in its own vocabulary, refuses the other's, settles and learns", async () => {
    const llm = await createPackTenant("pack-llm", "llm");
    const security = await createPackTenant("pack-sec", "security");
    expect([llm.pack, security.pack]).toEqual(["llm", "security"]);
    const securityRegime = PACKS.security.regimes[7]!.id; // tcp/private
    const llmBody = { regime: "coding", input_tokens: 1_200, max_output_tokens: 800, value_micros: 5_000_000, risk_bps: 1_000 };
    const securityBody = {
      regime: securityRegime,
      input_tokens: 1_000_000,
      max_output_tokens: 1,
      value_micros: 25_000_000,
      risk_bps: 3_000,
    };

    const tiers = new Set(PACKS.security.options.map((option) => option.id));
    const models = new Set(PACKS.llm.options.map((option) => option.id));
    for (let i = 0; i < 6; i++) {
      const a = await json<Served>(decide(llm, llmBody));
      expect(models.has(a.model.id)).toBe(true);
      await report(llm, a, true, i);
      const b = await json<Served>(decide(security, securityBody));
      expect(tiers.has(b.model.id), b.model.id).toBe(true);
      expect(b.model.provider).toBe("ids");
      await report(security, b, i % 2 === 0, i);
    }
    // A regime of the other pack is unknown here: gate 4 refuses it, and the refusal is sealed.
    const crossed = await decide(security, llmBody);
    expect(crossed.status).toBe(422);
    expect(((await crossed.json()) as { code: string }).code).toBe("regime_unknown");
    // Provider names are the pack's too: an LLM provider means nothing to the security pack.
    const foreign = await decide(security, { ...securityBody, providers: { allow: ["openai"] } });
    expect(foreign.status).toBe(400);

    await drainOutbox(llm);
    await drainOutbox(security);
    const learnedLlm = await regimes(llm);
    const learnedSecurity = await regimes(security);
    expect(learnedLlm.outcomes).toBe(6);
    expect(learnedSecurity.outcomes).toBe(6);
    expect(learnedLlm.regimes.map((regime) => regime.regime)).toEqual(PACKS.llm.regimes.map((regime) => regime.id));
    expect(learnedSecurity.regimes.map((regime) => regime.regime)).toEqual(PACKS.security.regimes.map((regime) => regime.id));
    // The outcomes moved the regime they were reported in, in each tenant's own vocabulary.
    expect(learnedSecurity.regimes.find((regime) => regime.regime === securityRegime)!.floor_source).toBe("learned");
    expect(learnedLlm.regimes.find((regime) => regime.regime === "coding")!.floor_source).toBe("learned");
  });

  it("refuses an unknown pack at creation", async () => {
    const body = { name: "nope", initial_budget_micros: 1, pack: "astrology" };
    const response = await call("/admin/tenants", { method: "POST", headers: ADMIN_HEADERS, body: JSON.stringify(body) });
    expect(response.status).toBe(400);
  });
});
