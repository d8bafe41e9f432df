// The admin API of proxy mode (bearer ADMIN_TOKEN): a tenant's own provider keys, stored
// AES-256-GCM encrypted in its ledger (src/worker/provider-keys.ts) and never answered, logged or
// sealed; and its default regime. Answers say which providers have a key, never the key.

import type { AppContext } from "../app-env.ts";
import { PACKS } from "../../domain/packs.ts";
import type { ProxySettings } from "../../durable-objects/ledger-rpc.ts";
import { readJson } from "../body.ts";
import { problem } from "../problem.ts";
import { encryptProviderKey, secretUsable } from "../provider-keys.ts";
import { PROVIDER_KEY_SECRET_LENGTH_MIN, providerEnv } from "../provider-env.ts";
import { envString, forgetProxyAccess } from "../proxy-providers.ts";
import { ProviderKeyRequest, ProxySettingsRequest } from "../schemas.ts";
import { ledgerStub } from "../tenant-access.ts";
import { tenantParam } from "./admin.ts";

/** The LLM pack's providers: the ones proxy mode can call. */
const PROXY_PROVIDERS = PACKS.llm.providers;

function providerParam(c: AppContext): string | Response {
  const provider = c.req.param("provider") ?? "";
  if (PROXY_PROVIDERS.includes(provider)) return provider;
  return problem(
    c,
    "provider_unknown",
    `no provider ${JSON.stringify(provider.slice(0, 64))}; the llm pack has ${PROXY_PROVIDERS.join(", ")}`,
  );
}

/** What the admin may see of the settings: which providers have which key, never a key or its ciphertext. */
function settingsBody(c: AppContext, tenantId: string, settings: ProxySettings): Record<string, unknown> {
  return {
    tenant_id: tenantId,
    default_regime: settings.defaultRegime,
    providers: PROXY_PROVIDERS.map((provider) => {
      const names = providerEnv(provider)!;
      return {
        provider,
        tenant_key: Object.hasOwn(settings.cipherTexts, provider),
        deployment_key: envString(c.env, names.apiKey) !== "",
        base_url: envString(c.env, names.baseUrl),
      };
    }),
  };
}

async function store(c: AppContext, tenantId: string, name: string, value: string | null): Promise<Response> {
  const answer = await ledgerStub(c.env, tenantId).setProxySetting(name, value);
  if (!answer.ok) return problem(c, answer.code, answer.detail);
  forgetProxyAccess(tenantId);
  return c.json(settingsBody(c, tenantId, answer.settings));
}

/** PUT /admin/tenants/:id/provider-keys/:provider */
export async function putProviderKeyRoute(c: AppContext): Promise<Response> {
  const tenantId = tenantParam(c);
  if (tenantId instanceof Response) return tenantId;
  const provider = providerParam(c);
  if (provider instanceof Response) return provider;
  const secret = c.env.PROVIDER_KEY_SECRET;
  if (!secretUsable(secret)) {
    return problem(c, "configuration_invalid", `PROVIDER_KEY_SECRET must be set and at least ${PROVIDER_KEY_SECRET_LENGTH_MIN} characters`);
  }
  const body = await readJson(c, ProviderKeyRequest);
  if (!body.ok) return body.response;
  return store(c, tenantId, `provider_key:${provider}`, await encryptProviderKey(secret, tenantId, provider, body.value.api_key));
}

/** DELETE /admin/tenants/:id/provider-keys/:provider: the deployment's key (if any) serves again. */
export async function deleteProviderKeyRoute(c: AppContext): Promise<Response> {
  const tenantId = tenantParam(c);
  if (tenantId instanceof Response) return tenantId;
  const provider = providerParam(c);
  if (provider instanceof Response) return provider;
  return store(c, tenantId, `provider_key:${provider}`, null);
}

/** GET /admin/tenants/:id/proxy */
export async function readProxySettingsRoute(c: AppContext): Promise<Response> {
  const tenantId = tenantParam(c);
  if (tenantId instanceof Response) return tenantId;
  const answer = await ledgerStub(c.env, tenantId).proxySettings(null);
  if (!answer.ok) return problem(c, answer.code, answer.detail);
  return c.json(settingsBody(c, tenantId, answer.settings));
}

/** PATCH /admin/tenants/:id/proxy */
export async function proxySettingsRoute(c: AppContext): Promise<Response> {
  const tenantId = tenantParam(c);
  if (tenantId instanceof Response) return tenantId;
  const body = await readJson(c, ProxySettingsRequest);
  if (!body.ok) return body.response;
  return store(c, tenantId, "default_regime", body.value.default_regime);
}
