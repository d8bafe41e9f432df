// The admin API (bearer ADMIN_TOKEN): create tenants, rotate their API key and webhook secret,
// suspend and resume, top up, switch apprentice/live, change the rate limit. Secrets are returned
// once, at creation or rotation; the ledger keeps only the API key's hash. Every change is sealed
// in the tenant's chain.

import type { AppContext } from "../app-env.ts";
import { newWebhookSecret } from "../../ledger/webhook-signature.ts";
import { DEFAULT_PACK_ID, PACKS } from "../../domain/packs.ts";
import { UNSET } from "../../kernel/units.ts";
import { API_KEY_RANDOM_BYTES, TENANT_ID, isAdmin, mintApiKey } from "../api-keys.ts";
import { readJson } from "../body.ts";
import { problem } from "../problem.ts";
import { providerMask } from "../request-mapping.ts";
import { CreateTenantRequest, ModeRequest, PolicySettingsRequest, TenantSettingsRequest, TopUpRequest } from "../schemas.ts";
import { forgetTenant, learnerStub, ledgerStub } from "../tenant-access.ts";
import { DEFAULT_RATE_LIMIT_PER_MINUTE } from "../limits.ts";

function random(bytes: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(bytes));
}

function newTenantId(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  return `t-${Array.from(random(10), (byte) => alphabet[byte & 31]).join("")}`;
}

/** Middleware: every /admin route needs the admin token; one 401 for every failure. */
export async function requireAdmin(c: AppContext, next: () => Promise<void>): Promise<Response | void> {
  if (!isAdmin(c.env.ADMIN_TOKEN, c.req.header("authorization"))) return problem(c, "admin_unauthorized", "missing or invalid admin token");
  await next();
}

export function tenantParam(c: AppContext): string | Response {
  const id = c.req.param("id") ?? "";
  return TENANT_ID.test(id) ? id : problem(c, "tenant_unknown", "no such tenant");
}

export async function createTenantRoute(c: AppContext): Promise<Response> {
  const body = await readJson(c, CreateTenantRequest);
  if (!body.ok) return body.response;
  const b = body.value;
  const tenantId = b.tenant_id ?? newTenantId();
  const pack = b.pack ?? DEFAULT_PACK_ID;
  const allowed = providerMask(b.allowed_providers, PACKS[pack]);
  if (!allowed.ok) return problem(c, "request_malformed", `allowed_providers: ${allowed.detail}`);
  const key = mintApiKey(c.env.API_KEY_PEPPER, tenantId, random(API_KEY_RANDOM_BYTES));
  const webhookSecret = newWebhookSecret(random(24));
  const result = await ledgerStub(c.env, tenantId).createTenant({
    tenantId,
    name: b.name,
    initialBudgetMicros: b.initial_budget_micros,
    pack,
    allowedProviderMask: allowed.value,
    rateLimitPerMinute: b.rate_limit_per_minute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
    costCapMicros: b.cost_cap_micros ?? UNSET,
    apiKeyHashHex: key.secretHashHex,
    apiKeyId: key.keyId,
    webhookSecret,
    mode: b.mode ?? "live",
  });
  if (!result.ok) return problem(c, result.code, result.detail);
  return c.json(
    { tenant_id: tenantId, pack, api_key: key.key, api_key_id: key.keyId, webhook_secret: webhookSecret, fingerprint: result.fingerprint },
    201,
  );
}

export async function rotateApiKeyRoute(c: AppContext): Promise<Response> {
  const tenantId = tenantParam(c);
  if (tenantId instanceof Response) return tenantId;
  const key = mintApiKey(c.env.API_KEY_PEPPER, tenantId, random(API_KEY_RANDOM_BYTES));
  const result = await ledgerStub(c.env, tenantId).updateTenant("rotate_api_key", {
    apiKeyHashHex: key.secretHashHex,
    apiKeyId: key.keyId,
  });
  if (!result.ok) return problem(c, result.code, result.detail);
  forgetTenant(tenantId);
  return c.json({ tenant_id: tenantId, api_key: key.key, api_key_id: key.keyId, fingerprint: result.fingerprint });
}

export async function rotateWebhookSecretRoute(c: AppContext): Promise<Response> {
  const tenantId = tenantParam(c);
  if (tenantId instanceof Response) return tenantId;
  const webhookSecret = newWebhookSecret(random(24));
  const result = await ledgerStub(c.env, tenantId).updateTenant("rotate_webhook_secret", { webhookSecret });
  if (!result.ok) return problem(c, result.code, result.detail);
  return c.json({ tenant_id: tenantId, webhook_secret: webhookSecret, fingerprint: result.fingerprint });
}

export function statusRoute(status: "active" | "suspended") {
  return async (c: AppContext): Promise<Response> => {
    const tenantId = tenantParam(c);
    if (tenantId instanceof Response) return tenantId;
    const result = await ledgerStub(c.env, tenantId).updateTenant(status === "active" ? "resume" : "suspend", { status });
    if (!result.ok) return problem(c, result.code, result.detail);
    forgetTenant(tenantId);
    return c.json({ tenant_id: tenantId, status, fingerprint: result.fingerprint });
  };
}

export async function modeRoute(c: AppContext): Promise<Response> {
  const tenantId = tenantParam(c);
  if (tenantId instanceof Response) return tenantId;
  const body = await readJson(c, ModeRequest);
  if (!body.ok) return body.response;
  const result = await ledgerStub(c.env, tenantId).updateTenant("set_mode", { mode: body.value.mode });
  if (!result.ok) return problem(c, result.code, result.detail);
  forgetTenant(tenantId);
  return c.json({ tenant_id: tenantId, mode: body.value.mode, fingerprint: result.fingerprint });
}

/**
 * PATCH /admin/tenants/:id: changes the tenant's rate limit. The tenant's object applies it to the
 * next request (its buckets refill at the new rate and never hold more than a minute of it).
 */
export async function tenantSettingsRoute(c: AppContext): Promise<Response> {
  const tenantId = tenantParam(c);
  if (tenantId instanceof Response) return tenantId;
  const body = await readJson(c, TenantSettingsRequest);
  if (!body.ok) return body.response;
  const rateLimitPerMinute = body.value.rate_limit_per_minute;
  const result = await ledgerStub(c.env, tenantId).updateTenant("set_limits", { rateLimitPerMinute });
  if (!result.ok) return problem(c, result.code, result.detail);
  forgetTenant(tenantId);
  return c.json({ tenant_id: tenantId, rate_limit_per_minute: rateLimitPerMinute, fingerprint: result.fingerprint });
}

/**
 * POST /admin/tenants/:id/policy: the tenant's exploration and holdout shares (0 allowed for both).
 * The tenant's Learner publishes a snapshot with them; every later decision seals them.
 */
export async function policySettingsRoute(c: AppContext): Promise<Response> {
  const tenantId = tenantParam(c);
  if (tenantId instanceof Response) return tenantId;
  const body = await readJson(c, PolicySettingsRequest);
  if (!body.ok) return body.response;
  const ledger = ledgerStub(c.env, tenantId);
  const view = await ledger.adminTenant();
  if (!view.ok) return problem(c, view.code, view.detail);
  // Once a lifecycle exists, the configuration changes only through it (stage, gate, promote).
  const lifecycle = await ledger.lifecycle();
  if (!lifecycle.ok) return problem(c, lifecycle.code, lifecycle.detail);
  if (lifecycle.state !== null) {
    return problem(c, "lifecycle_active", "stage a candidate with POST /admin/tenants/:id/candidates and promote it through the gate");
  }
  const settings = {
    ...(body.value.exploration_bps === undefined ? {} : { explorationBps: body.value.exploration_bps }),
    ...(body.value.holdout_bps === undefined ? {} : { holdoutBps: body.value.holdout_bps }),
  };
  const answer = await learnerStub(c.env, tenantId).configure(view.tenant.pack, settings);
  if (!answer.ok) return problem(c, answer.code, answer.detail);
  forgetTenant(tenantId);
  return c.json({
    tenant_id: tenantId,
    exploration_bps: answer.explorationBps,
    holdout_bps: answer.holdoutBps,
    policy: { version: answer.version, hash: answer.hash },
  });
}

export async function topUpRoute(c: AppContext): Promise<Response> {
  const tenantId = tenantParam(c);
  if (tenantId instanceof Response) return tenantId;
  const body = await readJson(c, TopUpRequest);
  if (!body.ok) return body.response;
  const result = await ledgerStub(c.env, tenantId).topUp(body.value.top_up_id, body.value.amount_micros);
  if (!result.ok) return problem(c, result.code, result.detail);
  const b = result.budget;
  return c.json({
    tenant_id: tenantId,
    fingerprint: result.fingerprint,
    replayed: result.replayed,
    budget: {
      credited_micros: b.creditedMicros,
      committed_micros: b.committedMicros,
      reserved_micros: b.reservedMicros,
      available_micros: b.availableMicros,
    },
  });
}

export async function adminTenantRoute(c: AppContext): Promise<Response> {
  const tenantId = tenantParam(c);
  if (tenantId instanceof Response) return tenantId;
  const stub = ledgerStub(c.env, tenantId);
  const view = await stub.adminTenant();
  if (!view.ok) return problem(c, view.code, view.detail);
  const budget = await stub.budget(null);
  if (!budget.ok) return problem(c, budget.code, budget.detail);
  const b = budget.budget;
  const t = view.tenant;
  return c.json({
    tenant_id: t.tenantId,
    name: t.name,
    status: t.status,
    mode: t.mode,
    pack: t.pack,
    allowed_provider_mask: t.allowedProviderMask,
    rate_limit_per_minute: t.rateLimitPerMinute,
    cost_cap_micros: t.costCapMicros,
    api_key_id: t.apiKeyId,
    entries: budget.entries,
    budget: {
      credited_micros: b.creditedMicros,
      committed_micros: b.committedMicros,
      reserved_micros: b.reservedMicros,
      available_micros: b.availableMicros,
    },
  });
}
