// Which providers the proxy can call for a tenant, and how: each provider's base URL (a var), its
// wire format (src/providers) and its key, the tenant's own (stored encrypted in its ledger) or
// else the deployment's (a secret). Resolved per isolate for at most CACHE_TTL_MS, like the
// tenant's view. A provider without a key is never offered to the kernel.

import type { LedgerFailure } from "../ledger/ledger-codes.ts";
import { adapterFor } from "../providers/adapters.ts";
import type { ProviderAdapter } from "../providers/chat.ts";
import type { Unauthorized } from "../durable-objects/ledger-rpc.ts";
import { providerEnv } from "./provider-env.ts";
import { decryptProviderKey, secretUsable } from "./provider-keys.ts";
import { CACHE_TTL_MS, type TenantContext } from "./tenant-access.ts";

export interface ProviderTarget {
  readonly provider: string;
  readonly baseUrl: string;
  readonly adapter: ProviderAdapter;
  /** Plaintext: only ever placed in the upstream request's auth header. */
  readonly apiKey: string;
}

export interface ProxyAccess {
  readonly ok: true;
  readonly defaultRegime: string | null;
  readonly targets: ReadonlyMap<string, ProviderTarget>;
}

/** A string var or secret by name; "" when unset. */
export function envString(env: Env, name: string): string {
  const value: unknown = (env as unknown as Record<string, unknown>)[name];
  return typeof value === "string" ? value : "";
}

const cache = new Map<string, { readonly access: ProxyAccess; readonly atMs: number }>();
const CACHE_ENTRIES_MAX = 10_000;

/** The tenant's providers and default regime, or the ledger's refusal. */
export async function proxyAccess(
  env: Env,
  tenant: TenantContext,
  providers: readonly string[],
): Promise<ProxyAccess | Unauthorized | LedgerFailure> {
  const cacheKey = `${tenant.view.tenantId}\u0000${tenant.key.secretHashHex}`;
  const cached = cache.get(cacheKey);
  if (cached !== undefined && Date.now() - cached.atMs < CACHE_TTL_MS) return cached.access;
  const answer = await tenant.ledger.proxySettings(tenant.key.secretHashHex);
  if (!answer.ok) return answer;
  const targets = new Map<string, ProviderTarget>();
  for (const provider of providers) {
    const names = providerEnv(provider);
    const adapter = adapterFor(provider);
    if (names === undefined || adapter === null) continue;
    const baseUrl = envString(env, names.baseUrl).replace(/\/+$/, "");
    if (baseUrl === "") continue;
    const own = answer.settings.cipherTexts[provider];
    const secret = env.PROVIDER_KEY_SECRET;
    // A stored key that no longer opens (the secret was rotated) counts as none, never as an error.
    const tenantKey =
      own !== undefined && secretUsable(secret) ? await decryptProviderKey(secret, tenant.view.tenantId, provider, own) : null;
    const apiKey = tenantKey ?? envString(env, names.apiKey);
    if (apiKey !== "") targets.set(provider, { provider, baseUrl, adapter, apiKey });
  }
  const access: ProxyAccess = { ok: true, defaultRegime: answer.settings.defaultRegime, targets };
  if (cache.size >= CACHE_ENTRIES_MAX) cache.delete(cache.keys().next().value!);
  cache.set(cacheKey, { access, atMs: Date.now() });
  return access;
}

/** Forgets a tenant's resolved providers in this isolate (after an admin change here). */
export function forgetProxyAccess(tenantId: string): void {
  for (const key of cache.keys()) if (key.startsWith(`${tenantId}\u0000`)) cache.delete(key);
}
