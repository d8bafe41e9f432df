// The OpenAPI document against OpenAPI 3.1's structural rules, against app.ts's route table (read
// from its source, so a route without docs fails here), against problem.ts and the zod schemas;
// and the /docs page's script run on a minimal fake DOM, so rendering and "try it" are exercised.

import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { signWebhook } from "../../../src/ledger/webhook-signature.ts";
import { BODY_LIMIT_BYTES, PROXY_BODY_LIMIT_BYTES } from "../../../src/worker/limits.ts";
import { DOCS_HTML, DOCS_SCRIPT, DOCS_STYLE } from "../../../src/worker/docs-page.ts";
import { openApiDocument } from "../../../src/worker/openapi.ts";
import { PROBLEM_TYPE_BASE, PROBLEMS } from "../../../src/worker/problem.ts";
import {
  CreateTenantRequest,
  DecideRequest,
  ModeRequest,
  OutcomeRequest,
  TenantSettingsRequest,
  PolicySettingsRequest,
  CandidateRequest,
  PromoteRequest,
  TopUpRequest,
  ChatCompletionRequest,
  FeedbackRequest,
  ProviderKeyRequest,
  ProxySettingsRequest,
} from "../../../src/worker/schemas.ts";

interface Media {
  schema: { $ref?: string };
  example?: unknown;
}
interface ResponseObject {
  description: string;
  headers?: Record<string, { $ref: string }>;
  content?: Record<string, Media>;
  "x-problem-codes"?: string[];
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Record<string, unknown>;
  example?: unknown;
}
interface Operation {
  operationId: string;
  summary: string;
  security: Record<string, string[]>[];
  parameters: { $ref: string }[];
  requestBody?: { required: boolean; content: Record<string, Media>; "x-body-limit-bytes": number };
  responses: Record<string, ResponseObject>;
}
interface OpenApi {
  openapi: string;
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Record<string, unknown>>;
    parameters: Record<string, Parameter>;
    securitySchemes: Record<string, unknown>;
  };
  "x-problem-codes": Record<string, { status: number; title: string; type: string }>;
}

const raw = openApiDocument();
const doc = raw as unknown as OpenApi;
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => METHODS.includes(method))
    .map(([method, op]) => ({ path, method, op })),
);

/** Resolves a local JSON pointer (RFC 6901) in the document, or undefined. */
function pointer(ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = raw;
  for (const part of ref.slice(2).split("/")) {
    const key = part.replaceAll("~1", "/").replaceAll("~0", "~");
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function refsIn(node: unknown, found: string[] = []): string[] {
  if (node !== null && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") found.push(value);
      else refsIn(value, found);
    }
  }
  return found;
}

/** `route(app, "/path/:param", { GET: ... })` calls of app.ts, as OpenAPI path and lowercase method. */
function appRoutes(): { path: string; method: string }[] {
  const source = readFileSync(new URL("../../../src/worker/app.ts", import.meta.url), "utf8");
  const routes: { path: string; method: string }[] = [];
  for (const match of source.matchAll(/route\(app,\s*"([^"]+)",\s*\{([^\n]*)/g)) {
    const path = match[1]!.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
    for (const method of match[2]!.matchAll(/\b(GET|POST|PUT|PATCH|DELETE)\s*:/g)) routes.push({ path, method: method[1]!.toLowerCase() });
  }
  return routes;
}

const param = (ref: { $ref: string }): Parameter => pointer(ref.$ref) as Parameter;

describe("OpenAPI document: structure", () => {
  test("is OpenAPI 3.1.0 with info, paths and components", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toBeTypeOf("string");
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Object.keys(doc.paths).every((path) => path.startsWith("/"))).toBe(true);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["AdminToken", "ApiKey"]);
  });

  test("is plain, frozen JSON built once per isolate", () => {
    expect(JSON.parse(JSON.stringify(raw))).toStrictEqual(raw);
    expect(openApiDocument()).toBe(raw);
    expect(Object.isFrozen(raw) && Object.isFrozen(doc.paths["/v1/decide"]!.post)).toBe(true);
    expect(JSON.stringify(raw)).not.toContain("$schema");
  });

  test("every $ref is local and resolves", () => {
    const refs = refsIn(raw);
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of refs) expect(pointer(ref), ref).toBeDefined();
  });

  test("documents exactly the routes of app.ts's route table", () => {
    const routes = appRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(18);
    for (const { path, method } of routes) expect(doc.paths[path]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
    const documented = operations.map(({ path, method }) => `${method} ${path}`).sort();
    expect(documented).toEqual(routes.map(({ path, method }) => `${method} ${path}`).sort());
  });

  test.each(operations)("$method $path: id, responses, parameters and security are well formed", ({ path, op }) => {
    expect(op.operationId).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
    expect(op.summary.length).toBeGreaterThan(0);
    const statuses = Object.keys(op.responses);
    expect(statuses.some((status) => status.startsWith("2"))).toBe(true);
    for (const [status, response] of Object.entries(op.responses)) {
      expect(status).toMatch(/^(default|[1-5](?:[0-9]{2}|XX))$/);
      expect(response.description.length).toBeGreaterThan(0);
      expect(response.headers?.["Request-Id"]?.$ref).toBe("#/components/headers/RequestId");
    }
    const parameters = op.parameters.map(param);
    const keys = parameters.map((p) => `${p.in}:${p.name.toLowerCase()}`);
    expect(new Set(keys).size).toBe(keys.length);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    expect(
      parameters
        .filter((p) => p.in === "path")
        .map((p) => p.name)
        .sort(),
    ).toEqual(templated);
    for (const p of parameters.filter((p) => p.in === "path")) expect(p.required).toBe(true);
    for (const requirement of op.security)
      for (const name of Object.keys(requirement)) expect(doc.components.securitySchemes).toHaveProperty(name);
  });

  test("operation ids are unique", () => {
    const ids = operations.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("OpenAPI document: problems", () => {
  test("the code table holds every PROBLEMS code with its status, title and type URI, and nothing else", () => {
    const table = doc["x-problem-codes"];
    expect(Object.keys(table).sort()).toEqual(Object.keys(PROBLEMS).sort());
    for (const [code, spec] of Object.entries(PROBLEMS)) {
      expect(table[code]).toEqual({ status: spec.status, title: spec.title, type: `${PROBLEM_TYPE_BASE}${code}` });
    }
  });

  test.each(operations)("$method $path: every error response is the shared Problem, with codes of its status", ({ op }) => {
    for (const [status, response] of Object.entries(op.responses)) {
      if (Number(status) < 400) continue;
      expect(Object.keys(response.content ?? {})).toEqual(["application/problem+json"]);
      expect(response.content!["application/problem+json"]!.schema).toEqual({ $ref: "#/components/schemas/Problem" });
      const codes = response["x-problem-codes"] ?? [];
      expect(codes.length).toBeGreaterThan(0);
      for (const code of codes) expect(PROBLEMS[code as keyof typeof PROBLEMS]?.status, code).toBe(Number(status));
    }
    expect(op.responses["500"]?.["x-problem-codes"]).toContain("internal_error");
  });

  test("auth and body problems follow the route's security and body", () => {
    for (const { path, op } of operations) {
      const schemes = op.security.flatMap((requirement) => Object.keys(requirement));
      const expected = path.startsWith("/admin/") ? ["AdminToken"] : path.startsWith("/v1/") && path !== "/v1/keys" ? ["ApiKey"] : [];
      expect(schemes, path).toEqual(expected);
      const unauthorized = op.responses["401"]?.["x-problem-codes"] ?? [];
      if (expected[0] === "ApiKey") expect(unauthorized).toContain("unauthorized");
      if (expected[0] === "AdminToken") expect(unauthorized).toContain("admin_unauthorized");
      if (op.requestBody !== undefined) {
        // Proxy mode takes whole conversations: its own, larger limit.
        expect(op.requestBody["x-body-limit-bytes"]).toBe(path === "/v1/chat/completions" ? PROXY_BODY_LIMIT_BYTES : BODY_LIMIT_BYTES);
        expect(op.responses["413"]?.["x-problem-codes"]).toEqual(["body_too_large"]);
        expect(op.responses["415"]?.["x-problem-codes"]).toEqual(["content_type_unsupported"]);
      }
    }
  });
});

describe("OpenAPI document: schemas and headers", () => {
  const bodies = {
    DecideRequest,
    OutcomeRequest,
    CreateTenantRequest,
    TopUpRequest,
    ModeRequest,
    TenantSettingsRequest,
    PolicySettingsRequest,
    CandidateRequest,
    PromoteRequest,
    ChatCompletionRequest,
    FeedbackRequest,
    ProviderKeyRequest,
    ProxySettingsRequest,
  } as const;

  test.each(Object.entries(bodies))("%s is the zod schema's input JSON Schema", (name, schema) => {
    const documented = doc.components.schemas[name]!;
    const generated = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input" }) as Record<string, unknown>;
    expect(documented.required).toEqual(generated.required);
    expect(documented.additionalProperties).toBe(false);
    expect(Object.keys(documented.properties as object)).toEqual(Object.keys(generated.properties as object));
  });

  test("every request body example passes its zod schema", () => {
    const withBody = operations.filter(({ op }) => op.requestBody !== undefined);
    expect(withBody.length).toBe(13);
    for (const { path, op } of withBody) {
      const media = op.requestBody!.content["application/json"]!;
      const name = media.schema.$ref!.replace("#/components/schemas/", "") as keyof typeof bodies;
      const parsed = bodies[name].safeParse(media.example);
      expect(parsed.success, `${path}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });

  test("the decide request states its zod refinement: exactly one of input_tokens and messages", () => {
    const decide = doc.components.schemas.DecideRequest!;
    expect(decide.required).toEqual(["regime", "max_output_tokens", "value_micros", "risk_bps"]);
    expect(decide.oneOf).toEqual([{ required: ["input_tokens"] }, { required: ["messages"] }]);
  });

  test("every *_micros and *_bps property says its unit", () => {
    const walk = (node: unknown, path: string): void => {
      if (node === null || typeof node !== "object") return;
      const properties = (node as { properties?: Record<string, { description?: string }> }).properties ?? {};
      for (const [name, property] of Object.entries(properties)) {
        if (name.endsWith("_micros")) expect(property.description, `${path}.${name}`).toMatch(/microcents/);
        if (name.endsWith("_bps")) expect(property.description, `${path}.${name}`).toMatch(/basis points/);
      }
      for (const [key, value] of Object.entries(node)) walk(value, `${path}.${key}`);
    };
    walk(doc.components.schemas, "schemas");
  });

  test("decide documents Idempotency-Key, Calybris-Decision and the rate limit headers", () => {
    const decide = doc.paths["/v1/decide"]!.post!;
    expect(decide.parameters.map(param).map((p) => p.name)).toContain("Idempotency-Key");
    expect(decide.responses["200"]!.headers).toHaveProperty("Calybris-Decision");
    expect(Object.keys(decide.responses["429"]!.headers!)).toEqual(
      expect.arrayContaining(["Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"]),
    );
  });

  test("outcomes require the three Standard Webhooks headers and state the signing rule", () => {
    const outcomes = doc.paths["/v1/outcomes"]!.post!;
    const headers = outcomes.parameters
      .map(param)
      .filter((p) => p.in === "header" && p.required === true)
      .map((p) => p.name);
    expect(headers).toEqual(["webhook-id", "webhook-timestamp", "webhook-signature"]);
    expect(JSON.stringify(outcomes)).toContain("HMAC-SHA256");
  });

  test("the chain answers NDJSON with a Link header", () => {
    const ok = doc.paths["/v1/chain"]!.get!.responses["200"]!;
    expect(Object.keys(ok.content!)).toEqual(["application/x-ndjson"]);
    expect(ok.headers).toHaveProperty("Link");
    expect(Object.keys(doc.paths["/v1/checkpoints/latest"]!.get!.responses["200"]!.content!)).toEqual(["text/plain"]);
  });
});

// A fake DOM with just what the page's script uses. innerHTML throws, so any use of it fails.
class FakeNode {
  children: FakeNode[] = [];
  attributes: Record<string, string> = {};
  listeners: Record<string, (event: { preventDefault(): void }) => void> = {};
  ownText = "";
  id = "";
  value = "";
  readonly tagName: string;
  [key: string]: unknown;
  constructor(tagName: string) {
    this.tagName = tagName;
  }
  get textContent(): string {
    return this.tagName === "#text" ? this.ownText : this.children.map((child) => child.textContent).join("");
  }
  set textContent(text: string) {
    if (this.tagName === "#text") this.ownText = text;
    else this.children = [text_(text)];
  }
  set innerHTML(_html: string) {
    throw new Error("the docs script must not use innerHTML");
  }
  append(...nodes: (FakeNode | string)[]): void {
    for (const node of nodes) this.children.push(typeof node === "string" ? text_(node) : node);
  }
  replaceChildren(...nodes: FakeNode[]): void {
    this.children = [];
    this.append(...nodes);
  }
  setAttribute(name: string, value: string): void {
    this.attributes[name] = String(value);
  }
  addEventListener(type: string, listener: (event: { preventDefault(): void }) => void): void {
    this.listeners[type] = listener;
  }
  all(tag: string): FakeNode[] {
    return this.children.flatMap((child) => [...(child.tagName === tag ? [child] : []), ...child.all(tag)]);
  }
  querySelector(tag: string): FakeNode | null {
    return this.all(tag)[0] ?? null;
  }
}
function text_(text: string): FakeNode {
  const node = new FakeNode("#text");
  node.ownText = String(text);
  return node;
}

async function runDocsPage() {
  const byId = new Map(["title", "about", "toc", "operations"].map((id) => [id, new FakeNode("div")]));
  const document = {
    createElement: (tag: string) => new FakeNode(tag),
    createTextNode: text_,
    getElementById: (id: string) => byId.get(id) ?? null,
  };
  const sent: { url: string; init: RequestInit }[] = [];
  const fetch = async (url: string, init: RequestInit = {}) => {
    if (url === "/openapi.json") return new Response(JSON.stringify(raw));
    sent.push({ url, init });
    return new Response('{"ok":true}', { status: 200, headers: { "request-id": "r1" } });
  };
  new Function("document", "fetch", DOCS_SCRIPT)(document, fetch);
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { main: byId.get("operations")!, sent };
}

async function submit(section: FakeNode, values: Record<string, string>): Promise<void> {
  const form = section.all("form")[0]!;
  for (const label of form.all("label")) {
    const control = label.all("input")[0] ?? label.all("textarea")[0];
    const name = label.children[0]!.textContent;
    if (control !== undefined && values[name] !== undefined) control.value = values[name];
  }
  form.listeners.submit!({ preventDefault() {} });
  await new Promise((resolve) => setTimeout(resolve, 50));
}

describe("/docs page", () => {
  test("is self-contained: no external source, no HTML sink", () => {
    expect(DOCS_HTML).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(DOCS_HTML).toContain(`<script>${DOCS_SCRIPT}</script>`);
    expect(DOCS_HTML).toContain(`<style>${DOCS_STYLE}</style>`);
    expect(DOCS_SCRIPT).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
    expect(DOCS_HTML.split("\n").length).toBeLessThan(400);
  });

  test("renders every operation and the code table from the document", async () => {
    const { main } = await runDocsPage();
    const sections = main.all("section").filter((section) => section.className === "op");
    expect(sections.map((section) => section.querySelector("h3")!.textContent).sort()).toEqual(
      operations.map(({ method, path }) => `${method.toUpperCase()}${path}`).sort(),
    );
    expect(main.textContent).toContain("webhook_signature_invalid");
    expect(main.textContent).toContain("Problem codes");
  });

  test("try it sends the example body with the API key and the Idempotency-Key", async () => {
    const { main, sent } = await runDocsPage();
    const decide = main.all("section").find((section) => section.id === "op-decide")!;
    await submit(decide, { "API key (cal_live_...)": "cal_live_acme_x", "Idempotency-Key (header)": "k1" });
    expect(sent).toHaveLength(1);
    const request = sent[0]!;
    expect(request.url).toBe("/v1/decide");
    expect(request.init.method).toBe("POST");
    expect(JSON.parse(String(request.init.body))).toEqual(doc.paths["/v1/decide"]!.post!.requestBody!.content["application/json"]!.example);
    const headers = request.init.headers as Headers;
    expect([headers.get("authorization"), headers.get("idempotency-key"), headers.get("content-type")]).toEqual([
      "Bearer cal_live_acme_x",
      "k1",
      "application/json",
    ]);
    expect(decide.textContent).toContain("Status 200");
  });

  test("try it signs an outcome as Standard Webhooks specifies", async () => {
    const { main, sent } = await runDocsPage();
    const outcomes = main.all("section").find((section) => section.id === "op-recordOutcome")!;
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    await submit(outcomes, { "Webhook secret (whsec_...)": secret, "webhook-id (header, required)": "msg_1" });
    const headers = sent[0]!.init.headers as Headers;
    const timestamp = Number(headers.get("webhook-timestamp"));
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(5);
    expect(headers.get("webhook-signature")).toBe(signWebhook(secret, "msg_1", timestamp, String(sent[0]!.init.body)));
  });

  test("fills path and query parameters", async () => {
    const { main, sent } = await runDocsPage();
    const proof = main.all("section").find((section) => section.id === "op-getInclusionProof")!;
    await submit(proof, { "seq (path, required)": "7" });
    const chain = main.all("section").find((section) => section.id === "op-getChain")!;
    await submit(chain, { "limit (query)": "5" });
    expect(sent.map((request) => request.url)).toEqual(["/v1/chain/proof/7", "/v1/chain?from=0&limit=5"]);
  });
});
