// The dashboard's routes inside workerd: the page and its script under their CSP (hashes checked
// with WebCrypto, not the code under test), and the reads it draws from: hourly usage buckets that
// must agree with what the test itself decided and settled, the latest decisions explained, and
// the policy lifecycle read with an API key.

import { describe, expect, it } from "vitest";
import { ADMIN_HEADERS, call, createTenant, decide, decideBody, decideOk, expectProblem, outcomeBody, postOutcome } from "./helpers.ts";

async function sha256Base64(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...digest));
}

const HOUR_MS = 3_600_000;

describe("GET /dashboard and /dashboard/app.js", () => {
  it("serves the page with landmarks and labels, under a CSP with no inline script and Trusted Types without a policy", async () => {
    const response = await call("/dashboard");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await response.text();
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => match[1]!);
    expect(styles).toHaveLength(2);
    const hashes = await Promise.all(styles.map(async (style) => `'sha256-${await sha256Base64(style)}'`));
    expect((response.headers.get("content-security-policy") ?? "").split("; ")).toEqual([
      "default-src 'none'",
      "script-src 'self'",
      `style-src ${hashes.join(" ")}`,
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
      "require-trusted-types-for 'script'",
      "trusted-types 'none'",
    ]);
    // One script, from this origin; no inline handlers, no inline style attributes, nothing from elsewhere.
    expect([...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])).toEqual(['<script src="/dashboard/app.js">']);
    expect(html).not.toMatch(/\bon[a-z]+\s*=|style\s*=|javascript:/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).toMatch(/<main id="main"/);
    for (const id of ["api-key", "admin-token"]) expect(html).toContain(`<label for="${id}">`);
    for (const section of ["budget", "money", "mix", "regimes", "policy", "proof", "decisions"]) {
      expect(html).toContain(`<section id="${section}" aria-labelledby="${section}-heading"`);
      expect(html).toContain(`<h2 id="${section}-heading">`);
    }
  });

  it("serves the bundled script as JavaScript, with uPlot inside and no HTML sink", async () => {
    const response = await call("/dashboard/app.js");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const script = await response.text();
    expect(script.length).toBeGreaterThan(20_000);
    // uPlot's legend class: the library is in the bundle, not fetched from anywhere.
    expect(script).toContain("u-legend");
    // Trusted Types 'none' would throw at any of these sinks: the bundle must not use them.
    expect(script).not.toMatch(/\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(/);
  });
});

describe("GET /v1/usage", () => {
  it("counts the test's own decisions and settlements in the current hour, by regime and model", async () => {
    const tenant = await createTenant("usage");
    const before = Math.floor(Date.now() / HOUR_MS);
    const decisions = [
      await decideOk(tenant),
      await decideOk(tenant),
      await decideOk(tenant, { regime: "coding", value_micros: 20_000_000 }),
    ];
    const refused = await decide(tenant, decideBody({ risk_bps: 9_800 }));
    expect(refused.status).toBe(422);
    for (const [i, decision] of decisions.entries()) {
      expect((await postOutcome(tenant, outcomeBody(decision, { actualCostMicros: 1_000 * (i + 1) }))).status).toBe(200);
    }
    const response = await call("/v1/usage?hours=2", { headers: tenant.headers });
    expect(response.status).toBe(200);
    const usage = (await response.json()) as {
      bucket_ms: number;
      from_ms: number;
      to_ms: number;
      regimes: string[];
      buckets: { hour_ms: number; regime: string; option: string | null; decisions: number; committed_micros: number }[];
    };
    const after = Math.floor(Date.now() / HOUR_MS);
    expect(usage.bucket_ms).toBe(HOUR_MS);
    expect(usage.to_ms - usage.from_ms).toBe(2 * HOUR_MS);
    expect(usage.regimes).toContain("coding");
    // The expected sums, from what this test sent: per regime and model, decisions and charges.
    const expected = new Map<string, { decisions: number; committed: number }>();
    const add = (regime: string, option: string | null, decisionsAdded: number, committed: number): void => {
      const key = `${regime}|${option}`;
      const cell = expected.get(key) ?? { decisions: 0, committed: 0 };
      expected.set(key, { decisions: cell.decisions + decisionsAdded, committed: cell.committed + committed });
    };
    decisions.forEach((d, i) => {
      add(i === 2 ? "coding" : "support", d.model.id, 1, 1_000 * (i + 1));
    });
    add("support", null, 1, 0);
    const actual = new Map<string, { decisions: number; committed: number }>();
    for (const bucket of usage.buckets) {
      expect(bucket.hour_ms / HOUR_MS).toBeGreaterThanOrEqual(before);
      expect(bucket.hour_ms / HOUR_MS).toBeLessThanOrEqual(after);
      const key = `${bucket.regime}|${bucket.option}`;
      const cell = actual.get(key) ?? { decisions: 0, committed: 0 };
      actual.set(key, { decisions: cell.decisions + bucket.decisions, committed: cell.committed + bucket.committed_micros });
    }
    expect(actual).toEqual(expected);
  });

  it.each(["0", "169", "-1", "1.5", "abc", "01", ""])("refuses hours=%s", async (hours) => {
    const tenant = await createTenant("usage-bad");
    await expectProblem(await call(`/v1/usage?hours=${hours}`, { headers: tenant.headers }), "request_malformed");
  });

  it("needs the tenant's API key", async () => {
    await expectProblem(await call("/v1/usage"), "unauthorized");
    await expectProblem(await call("/v1/decisions/recent"), "unauthorized");
    await expectProblem(await call("/v1/policy"), "unauthorized");
  });
});

describe("GET /v1/decisions/recent", () => {
  it("lists the latest decisions newest first, each explained as its /v1/decide answer", async () => {
    const tenant = await createTenant("recent");
    const first = await decideOk(tenant);
    expect((await postOutcome(tenant, outcomeBody(first))).status).toBe(200);
    const refused = await decide(tenant, decideBody({ risk_bps: 9_800 }));
    expect(refused.status).toBe(422);
    const last = await decideOk(tenant, { regime: "coding" });
    const response = await call("/v1/decisions/recent?limit=5", { headers: tenant.headers });
    expect(response.status).toBe(200);
    const recent = (await response.json()) as {
      chain_size: number;
      decisions: ({ seq: number; regime: string; served: boolean } & Record<string, unknown>)[];
    };
    expect(recent.decisions.map((d) => [d.seq, d.regime, d.served])).toEqual([
      [last.seq, "coding", true],
      [last.seq - 1, "support", false],
      [first.seq, "support", true],
    ]);
    const answer = recent.decisions[0]!.answer as Record<string, unknown>;
    // The explanation is the answer the decision got, byte for byte, less the retry flag.
    const given: Record<string, unknown> = { ...last };
    delete given.replayed;
    expect(answer).toEqual(given);
    expect(recent.decisions[1]).toMatchObject({
      code: "risk_above_ceiling",
      gates: expect.arrayContaining([{ gate: 2, name: expect.any(String), verdict: "fail" }]),
    });
    const one = (await (await call("/v1/decisions/recent?limit=1", { headers: tenant.headers })).json()) as { decisions: unknown[] };
    expect(one.decisions).toHaveLength(1);
  });

  it.each(["0", "51", "x"])("refuses limit=%s", async (limit) => {
    const tenant = await createTenant("recent-bad");
    await expectProblem(await call(`/v1/decisions/recent?limit=${limit}`, { headers: tenant.headers }), "request_malformed");
  });
});

describe("GET /v1/policy", () => {
  it("reads the lifecycle with the API key: none at first, then the staged candidate with its gate", async () => {
    const tenant = await createTenant("policy");
    const empty = (await (await call("/v1/policy", { headers: tenant.headers })).json()) as Record<string, unknown>;
    expect(empty).toEqual({ tenant_id: tenant.tenantId, current: null, candidate: null, history: [], judgement: null });
    const staged = await call(`/admin/tenants/${tenant.tenantId}/candidates`, {
      method: "POST",
      headers: ADMIN_HEADERS,
      body: JSON.stringify({ exploration_bps: 1_000 }),
    });
    expect(staged.status).toBe(201);
    await decideOk(tenant);
    const policy = (await (await call("/v1/policy", { headers: tenant.headers })).json()) as {
      candidate: { hash: string } | null;
      judgement: { shadow: { decisions: number }; gate: { promotable: boolean; criteria: { name: string }[] } } | null;
    };
    expect(policy.candidate?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(policy.judgement?.shadow.decisions).toBe(1);
    expect(policy.judgement?.gate.promotable).toBe(false);
    expect(policy.judgement?.gate.criteria.map((c) => c.name)).toEqual(["decisions", "improvement", "no_new_refusals", "calibration"]);
    // The admin's view of the same candidate agrees.
    const admin = (await (await call(`/admin/tenants/${tenant.tenantId}/candidates/current`, { headers: ADMIN_HEADERS })).json()) as Record<
      string,
      unknown
    >;
    expect(admin.shadow).toEqual((policy.judgement as Record<string, unknown>).shadow);
  });
});
