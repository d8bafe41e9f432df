// Provider keys: a tenant's own key is stored AES-256-GCM encrypted in its ledger and used in
// place of the deployment's; no key, plaintext or ciphertext, ever appears in an answer (admin or
// client, success, problem or stream), in the chain export or in anything logged, even when the
// provider echoes it back in an error. A ciphertext opens only for its tenant, provider and secret.

import { runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { decryptProviderKey, encryptProviderKey } from "../../../src/worker/provider-keys.ts";
import { ADMIN_HEADERS, bodyText, call, createTenant, ledgerStubOf, readChain, type Tenant } from "../api/helpers.ts";
import { answerFor, installUpstream, streamEvents, streamResponse, type UpstreamMock } from "./upstream-mock.ts";
import { chat, chatBody, decisionHeader, settled } from "./proxy-helpers.ts";

let upstream: UpstreamMock | null = null;
afterEach(() => {
  upstream?.restore();
  upstream = null;
  vi.restoreAllMocks();
});

const TENANT_KEY = "sk-tenant-OWN-KEY-5f2d1c0b9a8e7d6c";
const DEPLOYMENT_KEYS = ["openai", "anthropic", "google", "deepseek", "mistral", "meta"].map(
  (p) => `deployment-key-${p}-SECRET-0123456789`,
);
const SECRET = "test-provider-key-secret-0123456789abcdef";
const USAGE = { inputTokens: 10, outputTokens: 20 };

function putKey(tenant: Tenant, provider: string, apiKey: string): Promise<Response> {
  return call(`/admin/tenants/${tenant.tenantId}/provider-keys/${provider}`, {
    method: "PUT",
    headers: ADMIN_HEADERS,
    body: JSON.stringify({ api_key: apiKey }),
  });
}

/** Every text the worker produced: answers' bodies and headers, and every console line. */
function expectNoKey(texts: readonly string[]): void {
  for (const text of texts) {
    for (const key of [TENANT_KEY, ...DEPLOYMENT_KEYS]) expect(text.includes(key), `a key leaked into: ${text.slice(0, 200)}`).toBe(false);
    expect(text).not.toMatch(/SECRET-0123456789|OWN-KEY/);
  }
}

describe("a tenant's own provider key", () => {
  it("is used instead of the deployment's, and never leaves the worker in answers, the chain or logs", async () => {
    const logged: string[] = [];
    for (const method of ["log", "error", "warn", "info", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
    }
    const tenant = await createTenant("px-keys");
    const texts: string[] = [];
    const keep = async (response: Response): Promise<Response> => {
      texts.push(await bodyText(response));
      response.headers.forEach((value, name) => texts.push(`${name}: ${value}`));
      return response;
    };
    const put = await keep(await putKey(tenant, "openai", TENANT_KEY));
    expect(put.status).toBe(200);
    const settings = JSON.parse(texts[0]!) as { providers: { provider: string; tenant_key: boolean; deployment_key: boolean }[] };
    expect(settings.providers.find((p) => p.provider === "openai")).toMatchObject({ tenant_key: true, deployment_key: true });
    await keep(await call(`/admin/tenants/${tenant.tenantId}/proxy`, { headers: ADMIN_HEADERS }));

    // The provider echoes the key it got in its error, as real providers do with a wrong key.
    let mode: "ok" | "echo401" | "echo500" | "stream" = "ok";
    upstream = installUpstream((c) => {
      const given = c.headers.authorization ?? "";
      if (mode === "echo401") return Response.json({ error: { message: `Incorrect API key provided: ${given}` } }, { status: 401 });
      if (mode === "echo500") return Response.json({ error: { message: `failed for ${given}` } }, { status: 500 });
      if (mode === "stream") return streamResponse(streamEvents(c, ["hi"], USAGE));
      return answerFor(c, "hello", USAGE);
    });
    const openai = { "calybris-providers-allow": "openai" };
    await keep(await chat(tenant, chatBody(), openai));
    expect(upstream.calls[0]!.headers.authorization).toBe(`Bearer ${TENANT_KEY}`);
    mode = "echo401";
    const refused = await keep(await chat(tenant, chatBody(), openai));
    expect(refused.status).toBe(401);
    mode = "echo500";
    await keep(await chat(tenant, chatBody(), openai));
    mode = "stream";
    await keep(await chat(tenant, chatBody({ stream: true }), openai));
    await keep(await chat(tenant, chatBody({ stream: true }), { "calybris-providers-allow": "anthropic" }));
    expect(upstream.calls.at(-1)!.headers["x-api-key"]).toBe(DEPLOYMENT_KEYS[1]);

    await settled(tenant);
    const chain = await readChain(tenant);
    texts.push(new TextDecoder().decode(chain.bytes));
    const stored = await runInDurableObject(ledgerStubOf(tenant.tenantId), async (_instance, state) =>
      state.storage.sql.exec("SELECT value FROM keyed WHERE scope = 'proxy' AND key = 'provider_key:openai'").toArray(),
    );
    const cipherText = String(stored[0]!.value);
    expect(cipherText.startsWith("v1.")).toBe(true);
    expect(cipherText.includes(TENANT_KEY)).toBe(false);
    for (const text of texts) expect(text.includes(cipherText)).toBe(false);
    expectNoKey([...texts, ...logged]);

    // Removed, the deployment's key serves again.
    expect(
      (await call(`/admin/tenants/${tenant.tenantId}/provider-keys/openai`, { method: "DELETE", headers: ADMIN_HEADERS })).status,
    ).toBe(200);
    mode = "ok";
    const again = await chat(tenant, chatBody(), openai);
    expect(again.status).toBe(200);
    decisionHeader(again);
    expect(upstream.calls.at(-1)!.headers.authorization).toBe(`Bearer ${DEPLOYMENT_KEYS[0]}`);
  });

  it("admin refusals: an unknown provider, a malformed key, a wrong admin token", async () => {
    const tenant = await createTenant("px-keys-admin");
    expect((await putKey(tenant, "acme", TENANT_KEY)).status).toBe(404);
    expect((await putKey(tenant, "openai", "short")).status).toBe(400);
    expect((await putKey(tenant, "openai", "has space in it")).status).toBe(400);
    const wrongToken = await call(`/admin/tenants/${tenant.tenantId}/provider-keys/openai`, {
      method: "PUT",
      headers: { ...ADMIN_HEADERS, authorization: "Bearer nope" },
      body: JSON.stringify({ api_key: TENANT_KEY }),
    });
    expect(wrongToken.status).toBe(401);
  });
});

describe("provider key ciphertexts", () => {
  it("open only for their tenant, provider and secret", async () => {
    const sealed = await encryptProviderKey(SECRET, "tenant-a", "openai", TENANT_KEY);
    expect(await decryptProviderKey(SECRET, "tenant-a", "openai", sealed)).toBe(TENANT_KEY);
    expect(await decryptProviderKey(SECRET, "tenant-b", "openai", sealed)).toBeNull();
    expect(await decryptProviderKey(SECRET, "tenant-a", "anthropic", sealed)).toBeNull();
    expect(await decryptProviderKey(`${SECRET}-rotated`, "tenant-a", "openai", sealed)).toBeNull();
    // Two encryptions of one key differ (a fresh 96-bit IV each time).
    expect(await encryptProviderKey(SECRET, "tenant-a", "openai", TENANT_KEY)).not.toBe(sealed);
    for (const damaged of ["", "v1", "v2.AAAA.AAAA", `${sealed}x`, sealed.replace("v1.", "v1.A"), `${sealed}.extra`]) {
      expect(await decryptProviderKey(SECRET, "tenant-a", "openai", damaged)).toBeNull();
    }
  });
});
