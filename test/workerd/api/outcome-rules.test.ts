// What an outcome may claim, probed over HTTP: only a model its decision offered (the served one
// or a fallback; in apprentice mode the tenant's own choice), only under a webhook-timestamp in
// canonical digits signed exactly as sent, and still after the tenant was suspended (the decision
// was made and its money reserved before).

import { describe, expect, it } from "vitest";
import { signWebhook } from "../../../src/ledger/webhook-signature.ts";
import {
  ADMIN_HEADERS,
  call,
  createTenant,
  decideOk,
  expectProblem,
  outcomeBody,
  postOutcome,
  readBudget,
  tenantHeaders,
  type Decision,
} from "./helpers.ts";

const fallbacksOf = (decision: Decision): string[] => (decision.fallbacks as { id: string }[]).map((fallback) => fallback.id);

describe("execution.model", () => {
  it("must be the served model or one of the decision's fallbacks, else 422 outcome_model_not_offered", async () => {
    const tenant = await createTenant("model-offered");
    const decision = await decideOk(tenant);
    const fallbacks = fallbacksOf(decision);
    expect(fallbacks.length).toBeGreaterThan(0);
    const before = await readBudget(tenant);
    for (const model of ["no-such-model", decision.model.id.toUpperCase(), `${decision.model.id} `]) {
      const problem = await expectProblem(await postOutcome(tenant, outcomeBody(decision, { model })), "outcome_model_not_offered");
      expect(problem.detail).toMatch(/served option|fallbacks/);
    }
    expect(await readBudget(tenant)).toEqual(before);
    // A fallback the client fell back to is an honest outcome.
    const settled = await postOutcome(tenant, outcomeBody(decision, { model: fallbacks.at(-1)! }));
    expect(settled.status, await settled.clone().text()).toBe(200);
    // The served model, for another decision.
    const other = await decideOk(tenant);
    expect((await postOutcome(tenant, outcomeBody(other))).status).toBe(200);
  });

  it("in apprentice mode is the tenant's own choice, not the kernel's", async () => {
    const tenant = await createTenant("model-apprentice", { mode: "apprentice" });
    const choice = "gpt-4.1";
    const decision = await decideOk(tenant, { tenant_choice: choice });
    expect(decision.model.id).toBe(choice);
    const wouldChoose = (decision.apprentice as { would_choose: { id: string } | null }).would_choose?.id;
    const others = [wouldChoose, "gpt-4o-mini", "o3"].filter((model): model is string => model !== undefined && model !== choice);
    for (const model of others)
      await expectProblem(await postOutcome(tenant, outcomeBody(decision, { model })), "outcome_model_not_offered");
    expect((await postOutcome(tenant, outcomeBody(decision))).status).toBe(200);
  });
});

describe("webhook-timestamp", () => {
  it("with a leading zero, a sign or spaces does not pass on a signature made over the canonical text", async () => {
    const tenant = await createTenant("ts-canonical");
    const decision = await decideOk(tenant);
    const body = outcomeBody(decision);
    const now = Math.floor(Date.now() / 1000);
    const signature = signWebhook(tenant.webhookSecret, "msg-ts", now, body);
    const before = await readBudget(tenant);
    for (const timestamp of [`0${now}`, `00${now}`, `+${now}`, `${now}.0`, `${now} 0`]) {
      const headers = {
        ...tenantHeaders(tenant.apiKey),
        "webhook-id": "msg-ts",
        "webhook-timestamp": timestamp,
        "webhook-signature": signature,
      };
      await expectProblem(await call("/v1/outcomes", { method: "POST", headers, body }), "webhook_timestamp_stale");
    }
    expect(await readBudget(tenant)).toEqual(before);
    const headers = {
      ...tenantHeaders(tenant.apiKey),
      "webhook-id": "msg-ts",
      "webhook-timestamp": String(now),
      "webhook-signature": signature,
    };
    expect((await call("/v1/outcomes", { method: "POST", headers, body })).status).toBe(200);
  });
});

describe("a suspended tenant", () => {
  it("still settles outcomes of decisions made before the suspension, but decides nothing new", async () => {
    const tenant = await createTenant("suspended-settles");
    const decision = await decideOk(tenant);
    expect((await call(`/admin/tenants/${tenant.tenantId}/suspend`, { method: "POST", headers: ADMIN_HEADERS })).status).toBe(200);
    await expectProblem(
      await call("/v1/decide", {
        method: "POST",
        headers: tenant.headers,
        body: JSON.stringify({ regime: "support", input_tokens: 1, max_output_tokens: 1, value_micros: 1, risk_bps: 0 }),
      }),
      "tenant_suspended",
    );
    const settled = await postOutcome(tenant, outcomeBody(decision, { actualCostMicros: 1_234 }));
    expect(settled.status, await settled.clone().text()).toBe(200);
    expect(await readBudget(tenant)).toMatchObject({ committed_micros: 1_234, reserved_micros: 0 });
  });
});
