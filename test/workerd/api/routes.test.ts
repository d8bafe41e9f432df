// Every route of the HTTP API, driven through the worker's fetch handler inside workerd: the admin
// API, decide (answer shape, idempotent replay), signed outcomes, the reads (budget, chain pages,
// inclusion proofs, checkpoints, keys), docs, and the framework answers (404, 405, CORS, ids).

import { runDurableObjectAlarm } from "cloudflare:test";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { openCheckpoint } from "../../../src/ledger/checkpoint.ts";
import { leafHash } from "../../../src/ledger/merkle.ts";
import { verifyInclusion } from "../../../src/ledger/merkle-proofs.ts";
import { parseVerifierKey } from "../../../src/ledger/signed-note.ts";
import { mintApiKey } from "../../../src/worker/api-keys.ts";
import {
  ADMIN_HEADERS,
  ONE_USD_MICROS,
  bodyText,
  call,
  callRequest,
  createTenant,
  decide,
  decideBody,
  decideOk,
  expectConserved,
  expectProblem,
  freshTenantId,
  ledgerStubOf,
  outcomeBody,
  postOutcome,
  rawRequest,
  readBudget,
  readChain,
  tenantHeaders,
  verifyChain,
} from "./helpers.ts";

const json = (value: unknown): string => JSON.stringify(value);

describe("admin API", () => {
  it("creates a tenant (201), refuses a second one with the same id (409), a bad body (400) and a missing or wrong token (401)", async () => {
    const tenantId = freshTenantId("adm");
    const body = json({ tenant_id: tenantId, name: "Admin test", initial_budget_micros: ONE_USD_MICROS });
    const created = await call("/admin/tenants", { method: "POST", headers: ADMIN_HEADERS, body });
    const answer = JSON.parse(await bodyText(created)) as Record<string, string>;
    expect(created.status).toBe(201);
    expect(answer.tenant_id).toBe(tenantId);
    expect(answer.api_key).toMatch(new RegExp(`^cal_live_${tenantId}_[A-Za-z0-9_-]+$`));
    expect(answer.api_key_id).toMatch(/^[0-9a-f]{12}$/);
    expect(answer.webhook_secret).toMatch(/^whsec_/);
    expect(answer.fingerprint).toMatch(/^[0-9a-f]{64}$/);

    await expectProblem(await call("/admin/tenants", { method: "POST", headers: ADMIN_HEADERS, body }), "tenant_exists");
    // The refused duplicate changed nothing: the chain still holds only the genesis entry.
    const view = await call(`/admin/tenants/${tenantId}`, { headers: ADMIN_HEADERS });
    expect(((await view.json()) as { entries: number }).entries).toBe(1);

    for (const bad of [
      { name: "x" },
      { tenant_id: "UPPER", name: "x", initial_budget_micros: 1 },
      { name: "x", initial_budget_micros: -1 },
      { name: "x", initial_budget_micros: 1, extra: true },
      { name: "x", initial_budget_micros: 1.5 },
    ]) {
      await expectProblem(await call("/admin/tenants", { method: "POST", headers: ADMIN_HEADERS, body: json(bad) }), "request_malformed");
    }
    await expectProblem(
      await call("/admin/tenants", { method: "POST", headers: { "content-type": "application/json" }, body }),
      "admin_unauthorized",
    );
    await expectProblem(
      await call("/admin/tenants", { method: "POST", headers: { ...ADMIN_HEADERS, authorization: "Bearer test-admin-tokeN" }, body }),
      "admin_unauthorized",
    );
    await expectProblem(
      await call("/admin/tenants", { method: "POST", headers: { ...ADMIN_HEADERS, authorization: "test-admin-token" }, body }),
      "admin_unauthorized",
    );
    await expectProblem(await call(`/admin/tenants/${tenantId}`, { headers: { authorization: "Bearer nope" } }), "admin_unauthorized");
  });

  it("a creation refused for a name without a canonical form (lone surrogate) leaves the id free", async () => {
    const tenantId = freshTenantId("refused");
    const refused = await call("/admin/tenants", {
      method: "POST",
      headers: ADMIN_HEADERS,
      body: json({ tenant_id: tenantId, name: "bad \ud800", initial_budget_micros: 5 }),
    });
    // Refused by the body reader, before any record is built.
    await expectProblem(refused, "request_malformed");
    await expectProblem(await call(`/admin/tenants/${tenantId}`, { headers: ADMIN_HEADERS }), "tenant_unknown");
    const created = await call("/admin/tenants", {
      method: "POST",
      headers: ADMIN_HEADERS,
      body: json({ tenant_id: tenantId, name: "good", initial_budget_micros: 5 }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const view = (await (await call(`/admin/tenants/${tenantId}`, { headers: ADMIN_HEADERS })).json()) as { entries: number; name: string };
    expect(view).toMatchObject({ entries: 1, name: "good" });
  });

  it("creates a tenant with a generated id when none is given", async () => {
    const created = await call("/admin/tenants", {
      method: "POST",
      headers: ADMIN_HEADERS,
      body: json({ name: "Generated", initial_budget_micros: 0 }),
    });
    expect(created.status).toBe(201);
    const answer = (await created.json()) as { tenant_id: string; api_key: string };
    expect(answer.tenant_id).toMatch(/^t-[a-z2-7]{10}$/);
    expect((await call("/v1/budget", { headers: tenantHeaders(answer.api_key) })).status).toBe(200);
  });

  it("GET /admin/tenants/:id answers the tenant's view and budget; an unknown or malformed id is 404 tenant_unknown", async () => {
    const tenant = await createTenant("view", { budgetMicros: 7_000_000, rateLimitPerMinute: 99, allowedProviders: ["openai", "google"] });
    const response = await call(`/admin/tenants/${tenant.tenantId}`, { headers: ADMIN_HEADERS });
    const view = JSON.parse(await bodyText(response)) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect(view).toMatchObject({
      tenant_id: tenant.tenantId,
      status: "active",
      mode: "live",
      rate_limit_per_minute: 99,
      allowed_provider_mask: 0b101,
      entries: 1,
    });
    expect(view.budget).toEqual({ credited_micros: 7_000_000, committed_micros: 0, reserved_micros: 0, available_micros: 7_000_000 });
    // No secret ever leaves through the admin view.
    expect(JSON.stringify(view)).not.toMatch(/whsec_|key_hash|apiKeyHash|webhook_secret|webhookSecret/);
    await expectProblem(await call(`/admin/tenants/${freshTenantId("nobody")}`, { headers: ADMIN_HEADERS }), "tenant_unknown");
    await expectProblem(await call("/admin/tenants/NOT_AN_ID", { headers: ADMIN_HEADERS }), "tenant_unknown");
    const bodies: Record<string, string | undefined> = {
      "api-key": undefined,
      "webhook-secret": undefined,
      suspend: undefined,
      resume: undefined,
      mode: json({ mode: "live" }),
      "top-ups": json({ top_up_id: "x", amount_micros: 1 }),
    };
    for (const [action, body] of Object.entries(bodies)) {
      const response = await call(`/admin/tenants/${freshTenantId("nobody")}/${action}`, {
        method: "POST",
        headers: ADMIN_HEADERS,
        ...(body === undefined ? {} : { body }),
      });
      await expectProblem(response, "tenant_unknown");
    }
  });

  it("rotating the API key stops the old key at once, also where a worker still caches the tenant's view", async () => {
    const tenant = await createTenant("rotate");
    expect((await call("/v1/budget", { headers: tenant.headers })).status).toBe(200);
    const rotated = await call(`/admin/tenants/${tenant.tenantId}/api-key`, { method: "POST", headers: ADMIN_HEADERS });
    const answer = (await rotated.json()) as { api_key: string; api_key_id: string; fingerprint: string };
    expect(rotated.status).toBe(200);
    expect(answer.api_key).not.toBe(tenant.apiKey);
    await expectProblem(await call("/v1/budget", { headers: tenant.headers }), "unauthorized");
    await expectProblem(await decide(tenant, decideBody()), "unauthorized");
    expect((await call("/v1/budget", { headers: tenantHeaders(answer.api_key) })).status).toBe(200);

    // Another isolate would keep its cached view for up to a second: rotate behind this worker's
    // back (straight at the ledger, so this isolate's cache is not cleared) and the ledger's own
    // check of the key hash must still refuse the old key on the very next call.
    const fresh = tenantHeaders(answer.api_key);
    expect((await call("/v1/budget", { headers: fresh })).status).toBe(200);
    const next = mintApiKey("test-api-key-pepper-0123456789abcdef", tenant.tenantId, crypto.getRandomValues(new Uint8Array(24)));
    const direct = await ledgerStubOf(tenant.tenantId).updateTenant("rotate_api_key", {
      apiKeyHashHex: next.secretHashHex,
      apiKeyId: next.keyId,
    });
    expect(direct.ok).toBe(true);
    await expectProblem(await call("/v1/budget", { headers: fresh }), "unauthorized");
    await expectProblem(await call("/v1/decide", { method: "POST", headers: fresh, body: json(decideBody()) }), "unauthorized");
    expect((await call("/v1/budget", { headers: tenantHeaders(next.key) })).status).toBe(200);
  });

  it("rotating the webhook secret makes outcomes signed with the old one fail and the new one work", async () => {
    const tenant = await createTenant("whrot");
    const decision = await decideOk(tenant);
    const rotated = await call(`/admin/tenants/${tenant.tenantId}/webhook-secret`, { method: "POST", headers: ADMIN_HEADERS });
    const { webhook_secret: secret } = (await rotated.json()) as { webhook_secret: string };
    expect(rotated.status).toBe(200);
    expect(secret).not.toBe(tenant.webhookSecret);
    const body = outcomeBody(decision);
    await expectProblem(await postOutcome(tenant, body), "webhook_signature_invalid");
    const ok = await postOutcome({ ...tenant, webhookSecret: secret }, body);
    expect(ok.status, await ok.clone().text()).toBe(200);
  });

  it("a suspended tenant gets 403 tenant_suspended on decide; resume restores; a stale cached view is caught by the ledger", async () => {
    const tenant = await createTenant("susp");
    await decideOk(tenant);
    const suspended = await call(`/admin/tenants/${tenant.tenantId}/suspend`, { method: "POST", headers: ADMIN_HEADERS });
    expect(suspended.status).toBe(200);
    expect(await suspended.json()).toMatchObject({ tenant_id: tenant.tenantId, status: "suspended" });
    const before = await readBudget(tenant);
    await expectProblem(await decide(tenant, decideBody()), "tenant_suspended");
    // Reads still work and nothing was reserved or sealed by the refusal.
    expect(await readBudget(tenant)).toEqual(before);
    const resumed = await call(`/admin/tenants/${tenant.tenantId}/resume`, { method: "POST", headers: ADMIN_HEADERS });
    expect(await resumed.json()).toMatchObject({ status: "active" });
    await decideOk(tenant);

    // Suspend straight at the ledger: this isolate still caches "active" for up to a second, the
    // kernel passes gate 3, and the ledger's own re-check must refuse the reservation.
    expect((await call("/v1/budget", { headers: tenant.headers })).status).toBe(200);
    const direct = await ledgerStubOf(tenant.tenantId).updateTenant("suspend", { status: "suspended" });
    expect(direct.ok).toBe(true);
    const stale = await readBudget(tenant);
    await expectProblem(await decide(tenant, decideBody()), "tenant_suspended");
    expect(await readBudget(tenant)).toEqual(stale);
  });

  it("switches the mode between live and apprentice; refuses an unknown mode", async () => {
    const tenant = await createTenant("mode");
    const switched = await call(`/admin/tenants/${tenant.tenantId}/mode`, {
      method: "POST",
      headers: ADMIN_HEADERS,
      body: json({ mode: "apprentice" }),
    });
    expect(await switched.json()).toMatchObject({ tenant_id: tenant.tenantId, mode: "apprentice" });
    const shadowed = await decideOk(tenant, { tenant_choice: "gpt-4.1" });
    // Apprentice mode answers the tenant's own choice; Calybris only logs what it would have chosen.
    expect(shadowed.mode).toBe("apprentice");
    expect(shadowed.model.id).toBe("gpt-4.1");
    await expectProblem(
      await call(`/admin/tenants/${tenant.tenantId}/mode`, { method: "POST", headers: ADMIN_HEADERS, body: json({ mode: "yolo" }) }),
      "request_malformed",
    );
    await call(`/admin/tenants/${tenant.tenantId}/mode`, { method: "POST", headers: ADMIN_HEADERS, body: json({ mode: "live" }) });
    expect((await decideOk(tenant)).mode).toBe("live");
  });

  it("top-ups are idempotent by top_up_id; the same id with another amount is 422 idempotency_key_reused", async () => {
    const tenant = await createTenant("topup", { budgetMicros: 1_000 });
    const path = `/admin/tenants/${tenant.tenantId}/top-ups`;
    const first = await call(path, { method: "POST", headers: ADMIN_HEADERS, body: json({ top_up_id: "t1", amount_micros: 500 }) });
    const firstBody = (await first.json()) as { replayed: boolean; fingerprint: string; budget: Record<string, number> };
    expect(first.status).toBe(200);
    expect(firstBody).toMatchObject({ replayed: false, budget: { credited_micros: 1_500, available_micros: 1_500 } });
    const again = await call(path, { method: "POST", headers: ADMIN_HEADERS, body: json({ top_up_id: "t1", amount_micros: 500 }) });
    const againBody = (await again.json()) as typeof firstBody;
    expect(againBody).toMatchObject({ replayed: true, fingerprint: firstBody.fingerprint, budget: { credited_micros: 1_500 } });
    await expectProblem(
      await call(path, { method: "POST", headers: ADMIN_HEADERS, body: json({ top_up_id: "t1", amount_micros: 501 }) }),
      "idempotency_key_reused",
    );
    await expectProblem(
      await call(path, { method: "POST", headers: ADMIN_HEADERS, body: json({ top_up_id: "t2", amount_micros: -5 }) }),
      "request_malformed",
    );
    const budget = await readBudget(tenant);
    expect(budget).toMatchObject({ credited_micros: 1_500, entries: 2 });
    expectConserved(budget);
  });
});

describe("POST /v1/decide", () => {
  it("answers the documented shape with a Calybris-Decision header, and seals the decision", async () => {
    const tenant = await createTenant("shape");
    const response = await decide(tenant, decideBody({ request_id: "req-1" }));
    const text = await bodyText(response);
    expect(response.status, text).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const d = JSON.parse(text) as Record<string, unknown> & {
      model: { id: string };
      fingerprint: string;
      gates: { gate: number; name: string; verdict: string }[];
    };
    // The documented fields; the answer may carry more (later additions), never fewer.
    for (const field of [
      "decision_id",
      "fallbacks",
      "fingerprint",
      "floor",
      "gates",
      "holdout",
      "mode",
      "model",
      "policy",
      "propensity",
      "replayed",
      "reserved_micros",
      "seq",
      "served_rank",
      "utility",
    ]) {
      expect(Object.hasOwn(d, field), field).toBe(true);
    }
    expect(d.decision_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(d.seq).toBe(1);
    expect(d.model).toEqual({
      id: expect.any(String),
      provider: expect.any(String),
      tier: expect.stringMatching(/^(economy|standard|premium|frontier)$/),
    });
    expect(d.served_rank).toBe(0);
    expect(Array.isArray(d.fallbacks)).toBe(true);
    for (const fallback of d.fallbacks as Record<string, unknown>[]) {
      expect(fallback).toEqual({
        id: expect.any(String),
        provider: expect.any(String),
        tier: expect.any(String),
        worst_case_cost_micros: expect.any(Number),
      });
    }
    expect(Number.isSafeInteger(d.reserved_micros) && (d.reserved_micros as number) > 0).toBe(true);
    expect(d.floor).toEqual({
      bps: expect.any(Number),
      source: expect.stringMatching(/^(client|learned|warm_start)$/),
      raised_bps: expect.any(Number),
    });
    const terms = {
      quality_adjusted_value_micros: expect.any(Number),
      risk_penalty_micros: expect.any(Number),
      cost_micros: expect.any(Number),
      latency_penalty_micros: expect.any(Number),
      utility_micros: expect.any(Number),
    };
    const utility = d.utility as { chosen: unknown; runner_up: unknown };
    expect(utility.chosen).toEqual(terms);
    expect(utility.runner_up === null || typeof utility.runner_up === "object").toBe(true);
    if (utility.runner_up !== null) expect(utility.runner_up).toEqual({ model: expect.any(Object), ...terms });
    expect(d.gates).toHaveLength(11);
    d.gates.forEach((gate, index) => expect(gate).toEqual({ gate: index + 1, name: expect.any(String), verdict: "pass" }));
    expect(d.gates[10]).toEqual({ gate: 11, name: "budget_exhausted", verdict: "pass" });
    expect(d.propensity).toEqual({
      ppm: expect.any(Number),
      numerator: expect.any(Number),
      denominator: expect.any(Number),
      explored: expect.any(Boolean),
    });
    expect(d.policy).toEqual({ version: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]+$/) });
    expect(typeof d.holdout).toBe("boolean");
    expect(d.mode).toBe("live");
    expect(d.replayed).toBe(false);
    expect(response.headers.get("calybris-decision")).toBe(`model=${d.model.id}; fp=${d.fingerprint}`);
    // The default limit of a tenant created without one (limits.ts: 1,000 a second).
    expect(response.headers.get("ratelimit-limit")).toBe("60000");

    const chain = await readChain(tenant);
    expect(chain.entries).toHaveLength(2);
    expect(chain.entries[1]).toMatchObject({ seq: 1, kind: "decision", fp: d.fingerprint });
    const budget = await readBudget(tenant);
    expect(budget.reserved_micros).toBe(d.reserved_micros);
    expectConserved(budget);
  });

  it("replays an Idempotency-Key with the same answer (replayed true) and reserves once; another body under the key is 422", async () => {
    const tenant = await createTenant("idem");
    const key = { "idempotency-key": "order-42" };
    const first = await decideOk(tenant, {}, key);
    const afterFirst = await readBudget(tenant);
    const second = await decideOk(tenant, {}, key);
    expect(second).toEqual({ ...first, replayed: true });
    // Concurrent retries land in one group commit at most once too.
    const burst = await Promise.all(Array.from({ length: 6 }, () => decide(tenant, decideBody(), key)));
    for (const response of burst) expect(((await response.json()) as { decision_id: string }).decision_id).toBe(first.decision_id);
    const afterReplays = await readBudget(tenant);
    expect(afterReplays).toEqual(afterFirst);
    expect(afterReplays.reserved_micros).toBe(first.reserved_micros);
    await expectProblem(await decide(tenant, decideBody({ value_micros: 5_000_001 }), key), "idempotency_key_reused");
    await expectProblem(await decide(tenant, decideBody(), { "idempotency-key": "has space" }), "request_malformed");
    expect(await readBudget(tenant)).toEqual(afterFirst);

    // Concurrent first calls with a new key: exactly one decision is sealed and reserved.
    const fresh = { "idempotency-key": "order-43" };
    const racing = await Promise.all(Array.from({ length: 6 }, () => decide(tenant, decideBody(), fresh)));
    const decided = (await Promise.all(racing.map((response) => response.json()))) as {
      decision_id: string;
      replayed: boolean;
      reserved_micros: number;
    }[];
    expect(new Set(decided.map((d) => d.decision_id)).size).toBe(1);
    expect(decided.filter((d) => !d.replayed)).toHaveLength(1);
    const afterRace = await readBudget(tenant);
    expect(afterRace.reserved_micros).toBe(afterFirst.reserved_micros + decided[0]!.reserved_micros);
    expect(afterRace.entries).toBe(afterFirst.entries + 1);
  });

  it("answers a retried Idempotency-Key with the stored decision even after the tenant was suspended", async () => {
    // The ledger answers a stored decision before it checks suspension ("that decision is history",
    // src/ledger/execute-decision.ts), and DESIGN.md promises a retry the same decision, reserved
    // once. A client whose first answer was lost must learn what it was given and what is reserved.
    const tenant = await createTenant("idem-susp");
    const key = { "idempotency-key": "retry-after-suspend" };
    const first = await decideOk(tenant, {}, key);
    expect((await call(`/admin/tenants/${tenant.tenantId}/suspend`, { method: "POST", headers: ADMIN_HEADERS })).status).toBe(200);
    const retry = await decide(tenant, decideBody(), key);
    const text = await bodyText(retry);
    expect(retry.status, text).toBe(200);
    expect(JSON.parse(text)).toEqual({ ...first, replayed: true });
  });

  it("concurrent decisions never reserve more than the budget holds", async () => {
    const probe = await createTenant("tight-probe");
    const cost = (await decideOk(probe)).reserved_micros;
    // Room for exactly two of the kernel's first choice (fallbacks may be cheaper and fit too).
    const tenant = await createTenant("tight", { budgetMicros: 2 * cost, rateLimitPerMinute: 10_000 });
    const answers = await Promise.all(Array.from({ length: 12 }, () => decide(tenant, decideBody())));
    const statuses = answers.map((answer) => answer.status);
    expect(
      statuses.every((status) => status === 200 || status === 402),
      String(statuses),
    ).toBe(true);
    const reserved = (await Promise.all(answers.filter((a) => a.status === 200).map((a) => a.json()))) as { reserved_micros: number }[];
    const budget = await readBudget(tenant);
    expect(budget.reserved_micros).toBe(reserved.reduce((sum, d) => sum + d.reserved_micros, 0));
    expect(budget.reserved_micros).toBeLessThanOrEqual(2 * cost);
    expect(budget.available_micros).toBeGreaterThanOrEqual(0);
    expectConserved(budget);
    // Every answer, served or refused for budget, is one sealed entry.
    expect(budget.entries).toBe(1 + 12);
  });

  it("accepts messages instead of input_tokens, and refuses both or neither", async () => {
    const tenant = await createTenant("msgs");
    const body = decideBody({
      input_tokens: undefined,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Summarise this ticket." },
      ],
    });
    const response = await decide(tenant, body);
    expect(response.status, await response.clone().text()).toBe(200);
    await expectProblem(await decide(tenant, decideBody({ messages: [{ role: "user", content: "x" }] })), "request_malformed");
    await expectProblem(await decide(tenant, decideBody({ input_tokens: undefined })), "request_malformed");
    await expectProblem(await decide(tenant, decideBody({ input_tokens: undefined, messages: [] })), "request_malformed");
  });
});

describe("POST /v1/outcomes", () => {
  it("settles a decision's reservation (committed + released = reserved) and seals the outcome", async () => {
    const tenant = await createTenant("outc");
    const decision = await decideOk(tenant);
    const before = await readBudget(tenant);
    const cost = Math.floor(decision.reserved_micros / 3);
    const response = await postOutcome(tenant, outcomeBody(decision, { model: decision.model.id, actualCostMicros: cost }));
    const settled = JSON.parse(await bodyText(response)) as Record<string, unknown>;
    expect(response.status, JSON.stringify(settled)).toBe(200);
    expect(settled).toEqual({
      outcome_fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      seq: 2,
      decision_fingerprint: decision.fingerprint,
      committed_micros: cost,
      released_micros: decision.reserved_micros - cost,
      uncollected_micros: 0,
      replayed: false,
    });
    const after = await readBudget(tenant);
    expect(after).toEqual({
      ...before,
      committed_micros: cost,
      reserved_micros: 0,
      available_micros: before.credited_micros - cost,
      entries: 3,
    });
    const chain = await readChain(tenant);
    expect(chain.entries[2]).toMatchObject({ kind: "outcome", fp: settled.outcome_fingerprint });
  });
});

describe("POST /v1/decisions/:id/release", () => {
  it("releases a reservation once (a retry is a replay), refuses an unknown or settled one, and a late outcome is still charged", async () => {
    const tenant = await createTenant("release");
    const decision = await decideOk(tenant);
    const path = `/v1/decisions/${decision.decision_id}/release`;
    const released = await call(path, { method: "POST", headers: tenant.headers });
    const answer = (await released.json()) as Record<string, unknown>;
    expect(released.status).toBe(200);
    expect(answer).toEqual({
      decision_id: decision.decision_id,
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      seq: 2,
      released_micros: decision.reserved_micros,
      replayed: false,
    });
    const afterRelease = await readBudget(tenant);
    expect(afterRelease).toMatchObject({
      reserved_micros: 0,
      committed_micros: 0,
      available_micros: afterRelease.credited_micros,
      entries: 3,
    });
    const again = await call(path, { method: "POST", headers: tenant.headers });
    expect(await again.json()).toEqual({ ...answer, replayed: true });
    expect(await readBudget(tenant)).toEqual(afterRelease);
    await expectProblem(
      await call(`/v1/decisions/${crypto.randomUUID()}/release`, { method: "POST", headers: tenant.headers }),
      "reservation_unknown",
    );
    await expectProblem(await call("/v1/decisions/not-a-uuid/release", { method: "POST", headers: tenant.headers }), "reservation_unknown");
    await expectProblem(await call(path, { method: "GET", headers: tenant.headers }), "method_not_allowed");
    await expectProblem(await call(path, { method: "POST" }), "unauthorized");
    // The work happened after all: its outcome is charged from what is available, once.
    const late = await postOutcome(tenant, outcomeBody(decision, { actualCostMicros: 4_321 }));
    expect(await late.json()).toMatchObject({ committed_micros: 4_321, released_micros: 0, uncollected_micros: 0 });
    const settled = await decideOk(tenant);
    expect((await postOutcome(tenant, outcomeBody(settled))).status).toBe(200);
    await expectProblem(
      await call(`/v1/decisions/${settled.decision_id}/release`, { method: "POST", headers: tenant.headers }),
      "reservation_already_resolved",
    );
    // A refused decision reserved nothing, so there is nothing to release.
    const refused = (await (await decide(tenant, decideBody({ regime: "astrology" }))).json()) as { decision_id: string };
    await expectProblem(
      await call(`/v1/decisions/${refused.decision_id}/release`, { method: "POST", headers: tenant.headers }),
      "reservation_unknown",
    );
    expectConserved(await readBudget(tenant));
  });
});

describe("reads", () => {
  it("GET /v1/regimes and GET /v1/apprentice report the tenant's Learner", async () => {
    const tenant = await createTenant("learnerreads");
    const regimes = await call("/v1/regimes", { headers: tenant.headers });
    const report = JSON.parse(await bodyText(regimes)) as {
      version: number;
      hash: string;
      outcomes: number;
      regimes: { regime: string; floor_bps: number }[];
    };
    expect(regimes.status).toBe(200);
    expect(report).toMatchObject({ version: 0, outcomes: 0 });
    expect(report.regimes.map((regime) => regime.regime)).toEqual([
      "support",
      "coding",
      "compliance",
      "security",
      "extraction",
      "summarization",
      "translation",
      "analysis",
    ]);
    expect(report.regimes.find((regime) => regime.regime === "coding")?.floor_bps).toBe(7_200);
    const apprentice = await call("/v1/apprentice", { headers: tenant.headers });
    expect(apprentice.status).toBe(200);
    expect(await apprentice.json()).toEqual({
      mode: "live",
      mode_decisions_with_outcome: 0,
      agreements: 0,
      agreement_rate_bps: null,
      estimated_savings_micros: 0,
    });
    await expectProblem(await call("/v1/regimes"), "unauthorized");
    await expectProblem(await call("/v1/apprentice", { method: "POST", headers: tenant.headers }), "method_not_allowed");
  });

  it("GET /v1/budget answers integer microcents that add up", async () => {
    const tenant = await createTenant("budget", { budgetMicros: 123_456_789 });
    const budget = await readBudget(tenant);
    expect(budget).toEqual({
      credited_micros: 123_456_789,
      committed_micros: 0,
      reserved_micros: 0,
      available_micros: 123_456_789,
      entries: 1,
    });
  });

  it("GET /v1/chain pages with from/limit and a Link header, and the export verifies", async () => {
    const tenant = await createTenant("chain", { rateLimitPerMinute: 10_000 });
    for (let i = 0; i < 6; i++) await decideOk(tenant);
    const whole = await readChain(tenant);
    expect(whole.response.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    expect(whole.response.headers.get("calybris-chain-size")).toBe("7");
    expect(whole.response.headers.get("link")).toBeNull();
    expect(whole.entries.map((entry) => entry.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(whole.entries[0]!.record).toMatchObject({ op: "tenant_created", tenant_id: tenant.tenantId });
    expect(verifyChain(whole.bytes, tenant.tenantId)).toMatchObject({ ok: true, entries: 7, damage: null, tornTail: null });

    const pages: number[][] = [];
    let next: string | null = "/v1/chain?from=0&limit=3";
    for (let guard = 0; next !== null && guard < 10; guard++) {
      const page = await readChain(tenant, next.slice("/v1/chain".length));
      pages.push(page.entries.map((entry) => entry.seq));
      const link = page.response.headers.get("link");
      next = link === null ? null : /^<([^>]+)>; rel="next"$/.exec(link)![1]!;
    }
    expect(pages).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect((await readChain(tenant, "?from=5")).entries.map((entry) => entry.seq)).toEqual([5, 6]);
    expect((await readChain(tenant, "?from=99")).entries).toEqual([]);
    for (const query of ["?from=-1", "?limit=0", "?limit=10001", "?from=1e3", "?from=01", "?limit=abc"]) {
      await expectProblem(await call(`/v1/chain${query}`, { headers: tenant.headers }), "request_malformed");
    }
  });

  it("GET /v1/chain streams more than one ledger page (1,000 lines) in one answer, and pages past it", async () => {
    const tenant = await createTenant("longchain", { budgetMicros: 0 });
    const topUps = Array.from(
      { length: 1_204 },
      (_, i) => () =>
        call(`/admin/tenants/${tenant.tenantId}/top-ups`, {
          method: "POST",
          headers: ADMIN_HEADERS,
          body: json({ top_up_id: `t${i}`, amount_micros: i }),
        }),
    );
    for (let start = 0; start < topUps.length; start += 50) {
      const answers = await Promise.all(topUps.slice(start, start + 50).map((send) => send()));
      for (const answer of answers) expect(answer.status).toBe(200);
    }
    // Sign now whatever the 10 s checkpoint alarm would sign later, so the chain holds still.
    await runDurableObjectAlarm(ledgerStubOf(tenant.tenantId));
    const whole = await readChain(tenant, "?limit=10000");
    const size = whole.entries.length;
    expect(whole.response.headers.get("calybris-chain-size")).toBe(String(size));
    expect(whole.entries.map((entry) => entry.seq)).toEqual(Array.from({ length: size }, (_, seq) => seq));
    expect(whole.entries.filter((entry) => entry.record.op === "top_up")).toHaveLength(1_204);
    expect(verifyChain(whole.bytes, tenant.tenantId)).toMatchObject({ ok: true, entries: size });
    const first = await readChain(tenant, "?from=100&limit=1001");
    expect(first.entries.map((entry) => entry.seq)).toEqual(Array.from({ length: 1_001 }, (_, i) => 100 + i));
    expect(first.response.headers.get("link")).toBe('</v1/chain?from=1101&limit=1001>; rel="next"');
    const rest = await readChain(tenant, "?from=1101&limit=1001");
    expect(rest.entries.map((entry) => entry.seq)).toEqual(Array.from({ length: size - 1_101 }, (_, i) => 1_101 + i));
    expect(rest.response.headers.get("link")).toBeNull();
    expect((await readBudget(tenant)).credited_micros).toBe((1_203 * 1_204) / 2);
    // 1,204 admin writes: about 2 s alone, past vitest's 5 s default on a loaded 2-core machine.
  }, 30_000);

  it("GET /v1/chain/proof/:seq answers an RFC 6962 inclusion proof that verifies, live and against a checkpoint", async () => {
    const tenant = await createTenant("proof");
    for (let i = 0; i < 4; i++) await decideOk(tenant);
    const check = async (seq: number, signed: boolean): Promise<void> => {
      const response = await call(`/v1/chain/proof/${seq}`, { headers: tenant.headers });
      const proof = JSON.parse(await bodyText(response)) as {
        seq: number;
        tree_size: number;
        leaf_hash: string;
        root: string;
        proof: string[];
        entry: string;
        checkpoint: string | null;
      };
      expect(response.status).toBe(200);
      const fp = (JSON.parse(proof.entry) as { fp: string; seq: number }).fp;
      const leaf = leafHash(hexToBytes(fp));
      expect(proof.leaf_hash).toBe(bytesToHex(leaf));
      expect(
        verifyInclusion(
          leaf,
          seq,
          proof.tree_size,
          proof.proof.map((hex) => hexToBytes(hex)),
          hexToBytes(proof.root),
        ),
      ).toBe(true);
      // A proof for one leaf never verifies another.
      expect(
        verifyInclusion(
          leaf,
          (seq + 1) % proof.tree_size,
          proof.tree_size,
          proof.proof.map((hex) => hexToBytes(hex)),
          hexToBytes(proof.root),
        ),
      ).toBe(proof.tree_size === 1);
      expect(proof.checkpoint !== null).toBe(signed);
    };
    for (let seq = 0; seq < 5; seq++) await check(seq, false);
    await expectProblem(await call("/v1/chain/proof/5", { headers: tenant.headers }), "entry_not_found");
    await expectProblem(await call("/v1/chain/proof/999999", { headers: tenant.headers }), "entry_not_found");
    await expectProblem(await call("/v1/chain/proof/-1", { headers: tenant.headers }), "request_malformed");
    await expectProblem(await call("/v1/chain/proof/one", { headers: tenant.headers }), "request_malformed");
    expect(await runDurableObjectAlarm(ledgerStubOf(tenant.tenantId))).toBe(true);
    for (let seq = 0; seq < 5; seq++) await check(seq, true);
  });

  it("GET /v1/checkpoints/latest is 404 until the alarm signs one that verifies with GET /v1/keys", async () => {
    const tenant = await createTenant("ckpt");
    await decideOk(tenant);
    await expectProblem(await call("/v1/checkpoints/latest", { headers: tenant.headers }), "checkpoint_not_found");
    expect(await runDurableObjectAlarm(ledgerStubOf(tenant.tenantId))).toBe(true);
    const response = await call("/v1/checkpoints/latest", { headers: tenant.headers });
    const note = await bodyText(response);
    expect(response.status, note).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("calybris-tree-size")).toBe("2");

    const keysResponse = await call("/v1/keys");
    const keys = (await keysResponse.json()) as Record<string, string>;
    expect(keysResponse.status).toBe(200);
    expect(keys).toMatchObject({
      algorithm: "Ed25519",
      format: "C2SP signed-note verifier key",
      key_name: "calybris-dev",
      origin_prefix: "calybris.local/ledger",
    });
    expect(keys.key_id).toMatch(/^[0-9a-f]{8}$/);
    const key = parseVerifierKey(keys.verifier_key!);
    expect(key.ok).toBe(true);
    if (!key.ok) return;
    const opened = openCheckpoint(note, key.key, `calybris.local/ledger/${tenant.tenantId}`);
    expect(opened.ok, JSON.stringify(opened)).toBe(true);
    if (!opened.ok) return;
    expect(opened.checkpoint.treeSize).toBe(2);
    const chain = await readChain(tenant);
    expect(chain.entries.map((entry) => entry.kind)).toEqual(["budget", "decision", "checkpoint"]);
    expect(chain.entries[2]!.record.note).toBe(note);
    expect(verifyChain(chain.bytes, tenant.tenantId)).toMatchObject({ ok: true, checkpoints: 1 });
    // The note names this log only: a verifier that expects another origin refuses it.
    expect(openCheckpoint(note, key.key, "calybris.local/ledger/someone-else").ok).toBe(false);
  });

  it("GET /health, /openapi.json and /docs answer 200 with their content types", async () => {
    const health = await call("/health");
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const openapi = await call("/openapi.json");
    expect(openapi.status).toBe(200);
    expect(openapi.headers.get("content-type")).toMatch(/^application\/json/);
    const docs = await call("/docs");
    expect(docs.status).toBe(200);
    expect(docs.headers.get("content-type")).toMatch(/^text\/html/);
  });
});

describe("framework answers", () => {
  it("an unknown route is 404 not_found; a wrong method is 405 with Allow", async () => {
    await expectProblem(await call("/nope"), "not_found");
    await expectProblem(await call("/v1/decide/extra", { method: "POST" }), "not_found");
    await expectProblem(await call("/v2/decide"), "not_found");
    const cases: [string, string, string][] = [
      ["/v1/decide", "GET", "POST, OPTIONS"],
      ["/v1/decide", "PUT", "POST, OPTIONS"],
      ["/v1/outcomes", "DELETE", "POST, OPTIONS"],
      ["/v1/budget", "POST", "GET, OPTIONS"],
      ["/v1/chain", "PATCH", "GET, OPTIONS"],
      ["/v1/chain/proof/1", "POST", "GET, OPTIONS"],
      ["/v1/checkpoints/latest", "POST", "GET, OPTIONS"],
      ["/v1/keys", "DELETE", "GET, OPTIONS"],
      ["/health", "POST", "GET, OPTIONS"],
    ];
    for (const [path, method, allow] of cases) {
      const response = await call(path, { method });
      await expectProblem(response, "method_not_allowed");
      expect(response.headers.get("allow"), `${method} ${path}`).toBe(allow);
    }
    const admin = await call("/admin/tenants", { method: "GET", headers: ADMIN_HEADERS });
    await expectProblem(admin, "method_not_allowed");
    expect(admin.headers.get("allow")).toBe("POST, OPTIONS");
  });

  it("answers a CORS preflight and exposes the API's headers", async () => {
    const response = await call("/v1/decide", {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, idempotency-key",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
    expect(response.headers.get("access-control-allow-headers")).toContain("idempotency-key");
    expect(response.headers.get("access-control-max-age")).toBe("600");
    const simple = await call("/health", { headers: { origin: "https://app.example" } });
    expect(simple.headers.get("access-control-allow-origin")).toBe("*");
    expect(simple.headers.get("access-control-expose-headers")).toContain("calybris-decision");
  });

  it("echoes a valid Request-Id, generates one when it is absent or invalid, and names it in problems", async () => {
    const echoed = await call("/health", { headers: { "request-id": "client.req:42" } });
    expect(echoed.headers.get("request-id")).toBe("client.req:42");
    const generated = await call("/health");
    expect(generated.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const invalid = await call("/health", { headers: { "request-id": "x".repeat(129) } });
    expect(invalid.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const problem = await call("/nope", { headers: { "request-id": "trace-7" } });
    expect(problem.headers.get("request-id")).toBe("trace-7");
    expect((await expectProblem(problem, "not_found")).instance).toBe("urn:calybris:request:trace-7");
    const raw = await callRequest(rawRequest("/v1/decide", "{", { "content-type": "application/json", "request-id": "bad id" }));
    expect(raw.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
    await expectProblem(raw, "unauthorized");
  });
});
