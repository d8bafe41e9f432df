// Rate limits of the routes that write: /v1/decide, /v1/outcomes and /v1/decisions/:id/release each
// spend the tenant's per-minute allowance, an idempotent replay (which writes nothing) spends none,
// and an admin changes the limit with PATCH /admin/tenants/:id, sealed in the tenant's chain.

import { describe, expect, it } from "vitest";
import { DEFAULT_RATE_LIMIT_PER_MINUTE } from "../../../src/worker/limits.ts";
import {
  ADMIN_HEADERS,
  bodyText,
  call,
  createTenant,
  decide,
  decideBody,
  decideOk,
  expectProblem,
  outcomeBody,
  postOutcome,
  readChain,
  type Tenant,
} from "./helpers.ts";

function setLimit(tenantId: string, body: unknown, headers: Record<string, string> = ADMIN_HEADERS): Promise<Response> {
  return call(`/admin/tenants/${tenantId}`, { method: "PATCH", headers, body: JSON.stringify(body) });
}

async function expectLimited(response: Response, limit: number): Promise<void> {
  await expectProblem(response, "rate_limited");
  expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  expect(response.headers.get("ratelimit-limit")).toBe(String(limit));
  expect(response.headers.get("ratelimit-remaining")).toBe("0");
}

const release = (tenant: Tenant, decisionId: string): Promise<Response> =>
  call(`/v1/decisions/${decisionId}/release`, { method: "POST", headers: tenant.headers });

describe("an idempotent replay", () => {
  it("of a stored decision spends no token: retries never lock a client out", async () => {
    const tenant = await createTenant("rl-replay", { rateLimitPerMinute: 2 });
    const first = await decideOk(tenant, {}, { "idempotency-key": "k1" });
    for (let i = 0; i < 5; i++) {
      const again = await decideOk(tenant, {}, { "idempotency-key": "k1" });
      expect(again).toMatchObject({ fingerprint: first.fingerprint, replayed: true });
    }
    // The second token is still there for a new decision; then the bucket is empty.
    await decideOk(tenant, {}, { "idempotency-key": "k2" });
    await expectLimited(await decide(tenant, decideBody(), { "idempotency-key": "k3" }), 2);
    // Even with an empty bucket, a replay answers.
    expect(await decideOk(tenant, {}, { "idempotency-key": "k2" })).toMatchObject({ replayed: true });
  });

  it("of an outcome or a release spends no token either", async () => {
    const tenant = await createTenant("rl-replay-writes", { rateLimitPerMinute: 10 });
    const [a, b] = [await decideOk(tenant), await decideOk(tenant)];
    expect((await setLimit(tenant.tenantId, { rate_limit_per_minute: 1 })).status).toBe(200);
    const body = outcomeBody(a);
    expect((await postOutcome(tenant, body, { webhookId: "w-1" })).status).toBe(200);
    for (let i = 0; i < 3; i++)
      expect((await (await postOutcome(tenant, body, { webhookId: "w-1" })).json()) as { replayed: boolean }).toMatchObject({
        replayed: true,
      });
    expect((await release(tenant, b.decision_id)).status).toBe(200);
    for (let i = 0; i < 3; i++)
      expect((await (await release(tenant, b.decision_id)).json()) as { replayed: boolean }).toMatchObject({ replayed: true });
  });
});

describe("every route that writes", () => {
  it("is limited: outcomes and releases spend the tenant's allowance and answer 429 past it, with RateLimit headers", async () => {
    const tenant = await createTenant("rl-writes", { rateLimitPerMinute: 10 });
    const decisions = [await decideOk(tenant), await decideOk(tenant), await decideOk(tenant), await decideOk(tenant)];
    expect((await setLimit(tenant.tenantId, { rate_limit_per_minute: 1 })).status).toBe(200);
    const settled = await postOutcome(tenant, outcomeBody(decisions[0]!));
    expect(settled.status, await bodyText(settled.clone())).toBe(200);
    expect(settled.headers.get("ratelimit-limit")).toBe("1");
    await expectLimited(await postOutcome(tenant, outcomeBody(decisions[1]!)), 1);
    const released = await release(tenant, decisions[2]!.decision_id);
    expect(released.status).toBe(200);
    expect(released.headers.get("ratelimit-policy")).toBe("1;w=60");
    await expectLimited(await release(tenant, decisions[3]!.decision_id), 1);
    // Each route has a bucket of its own, so outcomes never starve decisions: one more decision
    // fits (its bucket held 6 tokens, now capped at the new limit of 1), the next does not.
    await decideOk(tenant);
    await expectLimited(await decide(tenant, decideBody()), 1);
  });
});

describe("PATCH /admin/tenants/:id", () => {
  it("sets the rate limit within its bounds, seals the change in the chain, and applies it at once", async () => {
    const tenant = await createTenant("rl-patch");
    const view = async (): Promise<{ rate_limit_per_minute: number }> =>
      (await (await call(`/admin/tenants/${tenant.tenantId}`, { headers: ADMIN_HEADERS })).json()) as { rate_limit_per_minute: number };
    expect((await view()).rate_limit_per_minute).toBe(DEFAULT_RATE_LIMIT_PER_MINUTE);
    expect(DEFAULT_RATE_LIMIT_PER_MINUTE).toBe(60_000);
    for (const bad of [
      {},
      { rate_limit_per_minute: 0 },
      { rate_limit_per_minute: 1_000_001 },
      { rate_limit_per_minute: 1.5 },
      { rate_limit_per_minute: "5" },
      { rate_limit_per_minute: -0 },
      { rate_limit_per_minute: 5, status: "active" },
      [],
    ]) {
      await expectProblem(await setLimit(tenant.tenantId, bad), "request_malformed");
    }
    await expectProblem(
      await setLimit(tenant.tenantId, { rate_limit_per_minute: 5 }, { "content-type": "application/json" }),
      "admin_unauthorized",
    );
    await expectProblem(await setLimit(tenant.tenantId, { rate_limit_per_minute: 5 }, tenant.headers), "admin_unauthorized");
    await expectProblem(await setLimit("no-such-tenant-here", { rate_limit_per_minute: 5 }), "tenant_unknown");

    const answer = await setLimit(tenant.tenantId, { rate_limit_per_minute: 2 });
    const changed = JSON.parse(await bodyText(answer)) as { tenant_id: string; rate_limit_per_minute: number; fingerprint: string };
    expect(answer.status).toBe(200);
    expect(changed).toMatchObject({ tenant_id: tenant.tenantId, rate_limit_per_minute: 2 });
    expect((await view()).rate_limit_per_minute).toBe(2);
    const entry = (await readChain(tenant)).entries.find((candidate) => candidate.fp === changed.fingerprint);
    expect(entry?.record).toMatchObject({ op: "set_limits", rate_limit_per_minute: 2 });

    await decideOk(tenant);
    await decideOk(tenant);
    await expectLimited(await decide(tenant, decideBody()), 2);
    // Raised again: the next request passes.
    expect((await setLimit(tenant.tenantId, { rate_limit_per_minute: 1_000_000 })).status).toBe(200);
    await decideOk(tenant);
  });
});
