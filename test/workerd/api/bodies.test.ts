// JSON bodies as an attacker writes them: a member name given twice (JSON.parse keeps the last,
// while the sealed request digest hashes bytes that also say the first), a lone surrogate in any
// string, a charset other than UTF-8, and an Authorization scheme in another case. Each refusal
// is a 4xx problem that writes nothing.

import { describe, expect, it } from "vitest";
import {
  ADMIN_HEADERS,
  bodyText,
  call,
  callRequest,
  createTenant,
  decideBody,
  decideOk,
  expectProblem,
  freshTenantId,
  outcomeBody,
  rawRequest,
  readBudget,
  signedHeaders,
  type Tenant,
} from "./helpers.ts";

const valid = (): string => JSON.stringify(decideBody());

/** A decide body as text with `extra` (raw JSON members) spliced in before the closing brace. */
const spliced = (extra: string): string => `${valid().slice(0, -1)},${extra}}`;

async function entriesOf(tenant: Tenant): Promise<number> {
  return (await readBudget(tenant)).entries;
}

describe("duplicate member names", () => {
  it("are refused with 400 request_malformed wherever they are, and nothing is sealed", async () => {
    const tenant = await createTenant("dup-names");
    const before = await entriesOf(tenant);
    const bodies = [
      spliced('"risk_bps":9999'),
      spliced('"\\u0072isk_bps":1000'),
      valid().replace('{"regime":"support",', '{"regime":"support","regime":"coding",'),
      spliced('"providers":{"allow":["openai"],"allow":["meta"]}'),
      spliced('"request_id":"a","request_id":"b"'),
    ];
    for (const body of bodies) {
      const problem = await expectProblem(await callRequest(rawRequest("/v1/decide", body, tenant.headers)), "request_malformed");
      expect(problem.detail, body).toMatch(/appears twice/);
    }
    const outcome = JSON.parse(outcomeBody("ab".repeat(32))) as Record<string, unknown>;
    const twice = `${JSON.stringify(outcome).slice(0, -1)},"decision_fingerprint":"${"cd".repeat(32)}"}`;
    await expectProblem(
      await call("/v1/outcomes", { method: "POST", headers: signedHeaders(tenant, twice), body: twice }),
      "request_malformed",
    );
    const tenantId = freshTenantId("dup-admin");
    const create = `{"tenant_id":"${tenantId}","name":"a","initial_budget_micros":1,"initial_budget_micros":999999999}`;
    await expectProblem(await call("/admin/tenants", { method: "POST", headers: ADMIN_HEADERS, body: create }), "request_malformed");
    await expectProblem(await call(`/admin/tenants/${tenantId}`, { headers: ADMIN_HEADERS }), "tenant_unknown");
    expect(await entriesOf(tenant)).toBe(before);
  });

  it("the same name in different objects is no duplicate", async () => {
    const tenant = await createTenant("dup-ok");
    await decideOk(tenant, { providers: { allow: ["openai", "anthropic"], deny: ["meta"] }, request_id: "allow" });
  });
});

describe("lone surrogates", () => {
  it("in any string field are refused as 400 request_malformed, never as an internal record problem", async () => {
    const tenant = await createTenant("surrogates");
    const before = await entriesOf(tenant);
    for (const [field, raw] of [
      ["regime", '"\\ud800"'],
      ["request_id", '"\\udfff\\ud800"'],
      ["tenant_choice", '"x\\ud83d"'],
    ] as const) {
      const body = `${valid().slice(0, -1).replace(`"${field}":"support",`, "")},"${field}":${raw}}`;
      const problem = await expectProblem(await callRequest(rawRequest("/v1/decide", body, tenant.headers)), "request_malformed");
      expect(problem.detail, field).toMatch(/surrogate/);
      expect(JSON.stringify(problem), field).not.toMatch(/record|ledger|canonical/i);
    }
    const messages = JSON.stringify({ ...decideBody({ input_tokens: undefined }), messages: [{ role: "user", content: "hi \ud800" }] });
    await expectProblem(await callRequest(rawRequest("/v1/decide", messages, tenant.headers)), "request_malformed");
    const outcome = outcomeBody("ab".repeat(32), { model: "gpt\udc00" });
    await expectProblem(
      await call("/v1/outcomes", { method: "POST", headers: signedHeaders(tenant, outcome), body: outcome }),
      "request_malformed",
    );
    expect(await entriesOf(tenant)).toBe(before);
    // A surrogate pair is a character like any other.
    await decideOk(tenant, { request_id: "emoji \ud83d\ude00" });
  });
});

describe("content-type charset", () => {
  it("anything but UTF-8 is 415 content_type_unsupported; utf-8 in any case, quoted or not, is read", async () => {
    const tenant = await createTenant("charset");
    for (const type of [
      "application/json; charset=latin1",
      "application/json; charset=iso-8859-1",
      'application/json; charset="utf-16"',
      "application/json; charset=utf-8; charset=latin1",
      "application/json; charset=",
    ]) {
      await expectProblem(
        await callRequest(rawRequest("/v1/decide", valid(), { ...tenant.headers, "content-type": type })),
        "content_type_unsupported",
      );
    }
    for (const type of [
      "application/json; charset=utf-8",
      "application/json;charset=UTF-8",
      'application/json; charset="utf-8"',
      'APPLICATION/JSON; Charset="Utf-8"',
    ]) {
      const response = await callRequest(rawRequest("/v1/decide", valid(), { ...tenant.headers, "content-type": type }));
      expect(response.status, `${type}: ${await bodyText(response)}`).toBe(200);
    }
  });
});

describe("the Authorization scheme", () => {
  it("is case-insensitive (RFC 9110 11.1) for API keys and the admin token alike", async () => {
    const tenant = await createTenant("bearer-case");
    for (const scheme of ["bearer", "BEARER", "bEaReR"]) {
      const response = await call("/v1/budget", { headers: { authorization: `${scheme} ${tenant.apiKey}` } });
      expect(response.status, scheme).toBe(200);
      const admin = await call(`/admin/tenants/${tenant.tenantId}`, { headers: { authorization: `${scheme} test-admin-token` } });
      expect(admin.status, scheme).toBe(200);
    }
    for (const authorization of [`Basic ${tenant.apiKey}`, tenant.apiKey, `Bearer${tenant.apiKey}`, `Bearer ${tenant.apiKey} x`]) {
      await expectProblem(await call("/v1/budget", { headers: { authorization } }), "unauthorized");
    }
    await expectProblem(
      await call(`/admin/tenants/${tenant.tenantId}`, { headers: { authorization: "Basic test-admin-token" } }),
      "admin_unauthorized",
    );
  });
});
