// GET /openapi.json and GET /docs inside workerd: the document as served, its constants against
// the route modules that own them, the page's CSP hashes against its inline script and style, and
// the documented answer schemas against what the routes actually answer.

import { exports } from "cloudflare:workers";
import { BODY_LIMIT_BYTES, CHAIN_LIMIT_MAX, DEFAULT_RATE_LIMIT_PER_MINUTE } from "../../../src/worker/limits.ts";
import { describe, expect, it } from "vitest";

type Schema = { type?: string; required?: string[]; properties?: Record<string, unknown>; additionalProperties?: unknown; $ref?: string };
interface Operation {
  requestBody?: { content: Record<string, { schema: Schema }> };
  parameters: { $ref: string }[];
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
interface OpenApi {
  openapi: string;
  info: { description: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; parameters: Record<string, { name: string; schema: { maximum?: number } }> };
  "x-body-limit-bytes": number;
}

const ADMIN = { authorization: "Bearer test-admin-token", "content-type": "application/json" };
const call = (path: string, init: RequestInit = {}) => exports.default.fetch(`https://calybris.test${path}`, init);

async function fetchDocument(): Promise<OpenApi> {
  const response = await call("/openapi.json");
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^application\/json\b/);
  return JSON.parse(await response.text()) as OpenApi;
}

function schemaOf(doc: OpenApi, schema: Schema): Schema {
  return schema.$ref === undefined ? schema : doc.components.schemas[schema.$ref.replace("#/components/schemas/", "")]!;
}

/** The 2xx JSON answer schema of an operation. */
function answerSchema(doc: OpenApi, path: string, method: string): Schema {
  const responses = doc.paths[path]![method]!.responses;
  const ok = Object.entries(responses).find(([status]) => status.startsWith("2"))![1];
  return schemaOf(doc, ok.content!["application/json"]!.schema);
}

/**
 * Every documented required field is answered, and nothing undocumented is, except `gaps`: fields
 * that a route answers and schemas.ts does not describe yet (reported, to be added there).
 */
function expectDocumented(schema: Schema, body: Record<string, unknown>, gaps: readonly string[] = []): void {
  const keys = Object.keys(body);
  expect(keys).toEqual(expect.arrayContaining(schema.required ?? []));
  const known = new Set([...Object.keys(schema.properties ?? {}), ...gaps]);
  expect(keys.filter((key) => !known.has(key))).toEqual([]);
}

async function sha256Base64(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...digest));
}

describe("GET /openapi.json", () => {
  it("answers the OpenAPI 3.1.0 document with a strict decide request schema", async () => {
    const doc = await fetchDocument();
    expect(doc.openapi).toBe("3.1.0");
    const decide = schemaOf(doc, doc.paths["/v1/decide"]!.post!.requestBody!.content["application/json"]!.schema);
    expect(decide.type).toBe("object");
    expect(decide.required).toEqual(expect.arrayContaining(["regime", "max_output_tokens", "value_micros", "risk_bps"]));
    expect(decide.additionalProperties).toBe(false);
  });

  it("states the limits that the route modules enforce", async () => {
    const doc = await fetchDocument();
    expect(doc.components.parameters.ChainLimit!.schema.maximum).toBe(CHAIN_LIMIT_MAX);
    expect(doc["x-body-limit-bytes"]).toBe(BODY_LIMIT_BYTES);
    expect(doc.info.description).toContain(`${DEFAULT_RATE_LIMIT_PER_MINUTE} per minute`);
  });

  it("answers POST with 405 and an Allow header, like every route", async () => {
    const response = await call("/openapi.json", { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, OPTIONS");
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });
});

describe("GET /docs", () => {
  it("is HTML under a CSP that allows exactly its own inline script and style", async () => {
    const response = await call("/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html\b/);
    const html = await response.text();
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(csp).toContain(`script-src 'sha256-${await sha256Base64(script)}'`);
    expect(csp).toContain(`style-src 'sha256-${await sha256Base64(style)}'`);
    expect(html.match(/<script\b/g)).toHaveLength(1);
    expect(html).not.toMatch(/<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*["']?(https?:)?\/\//i);
  });
});

describe("documented answers match the routes", () => {
  it("admin, keys, decide, budget, regimes and apprentice answer the documented fields", async () => {
    const doc = await fetchDocument();
    const tenantId = `oa-${crypto.randomUUID().slice(0, 8)}`;
    const created = await call("/admin/tenants", {
      method: "POST",
      headers: ADMIN,
      body: JSON.stringify({ tenant_id: tenantId, name: "OpenAPI", initial_budget_micros: 100_000_000 }),
    });
    const tenant = (await created.json()) as Record<string, string>;
    expect(created.status).toBe(201);
    expectDocumented(answerSchema(doc, "/admin/tenants", "post"), tenant);
    const auth = { authorization: `Bearer ${tenant.api_key}`, "content-type": "application/json" };

    expectDocumented(
      answerSchema(doc, "/admin/tenants/{id}", "get"),
      await (await call(`/admin/tenants/${tenantId}`, { headers: ADMIN })).json(),
    );
    expectDocumented(answerSchema(doc, "/v1/keys", "get"), await (await call("/v1/keys")).json());
    const example = doc.paths["/v1/decide"]!.post!.requestBody!.content["application/json"] as { example?: unknown };
    const decided = await call("/v1/decide", { method: "POST", headers: auth, body: JSON.stringify(example.example) });
    const decision = (await decided.json()) as Record<string, unknown>;
    expect(decided.status, JSON.stringify(decision)).toBe(200);
    expectDocumented(answerSchema(doc, "/v1/decide", "post"), decision, ["anomaly", "apprentice"]);
    expectDocumented(answerSchema(doc, "/v1/budget", "get"), await (await call("/v1/budget", { headers: auth })).json());
    expectDocumented(answerSchema(doc, "/v1/regimes", "get"), await (await call("/v1/regimes", { headers: auth })).json());
    expectDocumented(answerSchema(doc, "/v1/apprentice", "get"), await (await call("/v1/apprentice", { headers: auth })).json());

    const refused = await call("/v1/budget");
    expect(refused.status).toBe(401);
    expectDocumented(doc.components.schemas.Problem!, await refused.json());
  });
});
