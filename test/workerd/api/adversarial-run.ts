// The adversarial suite's engine, shared by adversarial.test.ts and its 10x slow twin: generated
// bodies (fast-check), a fixed corpus of hostile raw bytes, header and path fuzz, all sent in
// groups of concurrent requests. Every answer is checked as it arrives; an independent reference
// of the budget (what the answers said was credited, reserved and committed) is kept on the side.

import fc from "fast-check";
import { expect } from "vitest";
import { LLM_PACK } from "../../../src/domain/llm/pack.ts";
import { PROBLEMS, type ProblemCode } from "../../../src/worker/problem.ts";
import {
  ADMIN_HEADERS,
  ONE_USD_MICROS,
  ORIGIN,
  bodyText,
  callRequest,
  checkProblemText,
  createTenant,
  decideBody,
  expectConserved,
  readBudget,
  readChain,
  signedHeaders,
  verifyChain,
  type Tenant,
} from "./helpers.ts";
import { rawCorpus } from "./adversarial-corpus.ts";

export interface Sent {
  readonly request: Request;
  /** What the reference model learns from a 200 answer. */
  readonly kind: "decide" | "outcome" | "release" | "top_up" | "other";
  readonly amountMicros?: number;
}

export interface Reference {
  creditedMicros: number;
  committedMicros: number;
  /** Open reservations by decision fingerprint. */
  readonly open: Map<string, number>;
  readonly fingerprints: string[];
  /** Served decisions: decision id (= reservation id) to fingerprint. */
  readonly decisions: Map<string, string>;
}

export interface RunStats {
  requests: number;
  readonly byStatus: Map<number, number>;
  readonly byCode: Map<string, number>;
  /** 2xx answers by the kind of request: how many reached the ledger and were served. */
  readonly served: Map<string, number>;
}

const json = (value: unknown): string => JSON.stringify(value);
const OTHER_SECRET = `whsec_${btoa("not-the-tenant-secret-24")}`;

/** Strips JSON string literals, so client text echoed in a detail cannot look like a computed NaN. */
function outsideStrings(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

/** Checks one answer against every rule of the suite and feeds the reference model. */
export async function checkAnswer(sent: Sent, response: Response, reference: Reference, stats: RunStats): Promise<void> {
  const text = await bodyText(response);
  const where = `${sent.request.method} ${new URL(sent.request.url).pathname} -> ${response.status} ${text.slice(0, 300)}`;
  stats.requests++;
  stats.byStatus.set(response.status, (stats.byStatus.get(response.status) ?? 0) + 1);
  expect(response.status, where).toBeLessThan(500);
  expect(outsideStrings(text), where).not.toMatch(/NaN|Infinity/);
  for (const name of ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "retry-after"]) {
    const value = response.headers.get(name);
    if (value !== null) expect(value, `${name} of ${where}`).toMatch(/^[0-9]+$/);
  }
  if (response.status >= 300) {
    const body = checkProblemText(response.status, response.headers.get("content-type"), text);
    expect(Object.hasOwn(PROBLEMS, body.code), where).toBe(true);
    checkProblemText(response.status, response.headers.get("content-type"), text, body.code as ProblemCode);
    stats.byCode.set(body.code, (stats.byCode.get(body.code) ?? 0) + 1);
    return;
  }
  if ((response.headers.get("content-type") ?? "").startsWith("application/x-ndjson")) {
    for (const line of text.split("\n").filter((l) => l.length > 0)) walkIntegers(JSON.parse(line), where);
    return;
  }
  stats.served.set(sent.kind, (stats.served.get(sent.kind) ?? 0) + 1);
  const answer = JSON.parse(text) as Record<string, unknown>;
  walkIntegers(answer, where);
  if (sent.kind === "decide" && answer.replayed === false) {
    reference.open.set(answer.fingerprint as string, answer.reserved_micros as number);
    reference.fingerprints.push(answer.fingerprint as string);
    reference.decisions.set(answer.decision_id as string, answer.fingerprint as string);
  } else if (sent.kind === "outcome" && answer.replayed === false) {
    // An outcome after a release is late: charged from what is available, no reservation left.
    const open = reference.open.get(answer.decision_fingerprint as string);
    expect(answer.released_micros, where).toBe(Math.max(0, (open ?? 0) - (answer.committed_micros as number)));
    reference.open.delete(answer.decision_fingerprint as string);
    reference.committedMicros += answer.committed_micros as number;
  } else if (sent.kind === "release" && answer.replayed === false) {
    const fingerprint = reference.decisions.get(answer.decision_id as string);
    expect(fingerprint !== undefined && reference.open.get(fingerprint), where).toBe(answer.released_micros);
    reference.open.delete(fingerprint!);
  } else if (sent.kind === "top_up" && answer.replayed === false) {
    reference.creditedMicros += sent.amountMicros!;
  }
}

/** Every number in an answer is a safe integer (never a float, NaN or Infinity in a record). */
function walkIntegers(value: unknown, where: string): void {
  if (typeof value === "number") expect(Number.isSafeInteger(value), where).toBe(true);
  else if (Array.isArray(value)) for (const item of value) walkIntegers(item, where);
  else if (typeof value === "object" && value !== null) for (const item of Object.values(value)) walkIntegers(item, where);
}

export async function sendAll(batch: readonly Sent[], reference: Reference, stats: RunStats, groupSize = 20): Promise<void> {
  for (let start = 0; start < batch.length; start += groupSize) {
    const group = batch.slice(start, start + groupSize);
    const responses = await Promise.all(group.map((sent) => callRequest(sent.request)));
    for (let i = 0; i < group.length; i++) await checkAnswer(group[i]!, responses[i]!, reference, stats);
  }
}

// ---- Generators -------------------------------------------------------------------------------

const EDGE_NUMBERS = [
  "0",
  "-1",
  "1",
  "-0",
  "1.5",
  "1e308",
  "1E400",
  "-1e308",
  "2147483647",
  "4294967295",
  "9007199254740991",
  "9007199254740992",
  "18446744073709551616",
  "0.1e1",
  "1e-7",
  "10000",
  "10001",
  "9700",
  "3600001",
  "10000001",
  "100000000000000000001",
];
const EDGE_VALUES = [
  ...EDGE_NUMBERS,
  "null",
  "true",
  "false",
  '""',
  '"1"',
  '"support"',
  "[]",
  "{}",
  '{"__proto__":{}}',
  '"\\ud800"',
  '"\\u0000"',
  `"${"x".repeat(70)}"`,
  "[1,2,3]",
  '["openai"]',
  '{"allow":["openai"],"deny":["openai"]}',
];
const DECIDE_FIELDS = [
  "regime",
  "input_tokens",
  "messages",
  "max_output_tokens",
  "value_micros",
  "risk_bps",
  "quality_floor_bps",
  "max_latency_ms",
  "max_cost_micros",
  "capabilities",
  "providers",
  "tenant_choice",
  "request_id",
  "__proto__",
  "constructor",
  "unknown",
];

/** A valid decide body with one field replaced by an edge value, written as raw text (so -0 stays -0). */
const mutatedDecide = fc
  .record({ field: fc.constantFrom(...DECIDE_FIELDS), value: fc.constantFrom(...EDGE_VALUES), drop: fc.boolean() })
  .map(({ field, value, drop }) => {
    const base = decideBody() as Record<string, unknown>;
    const entries = Object.entries(base).filter(([key]) => !(drop && key === field));
    const parts = entries.map(([key, v]) => `${json(key)}:${key === field ? value : json(v)}`);
    if (!Object.hasOwn(base, field) || drop) parts.push(`${json(field)}:${value}`);
    return `{${parts.join(",")}}`;
  });

const REGIMES = ["support", "coding", "compliance", "security", "extraction", "summarization", "translation", "analysis"];
const PROVIDERS = ["openai", "anthropic", "google", "deepseek", "meta", "mistral"];
const CAPABILITIES = ["tools", "json", "vision", "reasoning", "long_context", "code"];
/** Integers biased to the edges of [0, max]; one in ~12 falls just outside (-1 or max + 1). */
const bound = (max: number) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(0, 1, max - 1, max), weight: 4 },
    { arbitrary: fc.integer({ min: 0, max }), weight: 7 },
    { arbitrary: fc.constantFrom(-1, max + 1), weight: 1 },
  );

/** Mostly in-range decide bodies: these reach the kernel and the ledger (served, refused, 402). */
const validishDecide = fc.record(
  {
    regime: fc.oneof(fc.constantFrom(...REGIMES), fc.string({ unit: "binary", maxLength: 70 })),
    input_tokens: fc.oneof(fc.integer({ min: 1, max: 5_000 }), bound(10_000_000)),
    max_output_tokens: fc.oneof(fc.integer({ min: 1, max: 4_000 }), bound(1_000_000)),
    value_micros: fc.oneof(fc.integer({ min: 0, max: 50_000_000 }), bound(1_000_000_000_000_000)),
    risk_bps: fc.oneof(fc.integer({ min: 0, max: 5_000 }), bound(10_000)),
    quality_floor_bps: bound(10_000),
    max_latency_ms: bound(3_600_000),
    max_cost_micros: fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.constantFrom(0, Number.MAX_SAFE_INTEGER)),
    capabilities: fc.subarray(CAPABILITIES),
    providers: fc.record({ allow: fc.subarray(PROVIDERS), deny: fc.subarray(PROVIDERS) }, { requiredKeys: [] }),
    request_id: fc.string({ unit: "binary", minLength: 1, maxLength: 130 }),
    tenant_choice: fc.string({ minLength: 1, maxLength: 20 }),
  },
  { requiredKeys: ["regime", "input_tokens", "max_output_tokens", "value_micros", "risk_bps"] },
);

const messagesDecide = fc
  .array(
    fc.record({
      role: fc.constantFrom("system", "user", "assistant", "tool", "robot"),
      content: fc.string({ unit: "binary", maxLength: 200 }),
    }),
    { maxLength: 6 },
  )
  .map((messages) => ({ ...decideBody(), input_tokens: undefined, messages }));

const idempotencyKey = fc.option(fc.constantFrom("k-1", "k-2", "k-3", "k with space", "x".repeat(256)), { nil: undefined });

/** Header values a Request accepts: visible ASCII (workerd refuses CR, LF and NUL). */
const headerText = fc.string({ unit: "binary-ascii", maxLength: 300 }).map((text) => text.replace(/[^\x20-\x7e]/g, "").trim());

function post(path: string, body: BodyInit, headers: Record<string, string>): Request {
  return new Request(`${ORIGIN}${path}`, { method: "POST", headers, body });
}

export interface Scenario {
  readonly tenant: Tenant;
  /** A second tenant for admin mutations (mode) that would change the main tenant's answers. */
  readonly side: Tenant;
  readonly reference: Reference;
  readonly stats: RunStats;
}

export async function startScenario(budgetMicros: number): Promise<Scenario> {
  const tenant = await createTenant("adv", { budgetMicros, rateLimitPerMinute: 1_000_000 });
  const side = await createTenant("adv-side", { budgetMicros: 1_000, rateLimitPerMinute: 1_000_000 });
  return {
    tenant,
    side,
    reference: { creditedMicros: budgetMicros, committedMicros: 0, open: new Map(), fingerprints: [], decisions: new Map() },
    stats: { requests: 0, byStatus: new Map(), byCode: new Map(), served: new Map() },
  };
}

/**
 * Runs `runs` batches of 20 generated requests, each batch sent concurrently, as a fast-check
 * property: a failure reports its seed and the batch (shrinking stops at the first failure).
 */
async function property<T>(scenario: Scenario, arbitrary: fc.Arbitrary<T>, toSent: (value: T) => Sent, runs: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.array(arbitrary, { minLength: 20, maxLength: 20 }), async (values) => {
      await sendAll(values.map(toSent), scenario.reference, scenario.stats);
    }),
    { numRuns: runs, endOnFailure: true },
  );
}

/** Sends about 2,500 x `scale` requests over all generators, plus the raw corpus once per scale unit. */
export async function runAdversarial(scenario: Scenario, scale: number): Promise<void> {
  const { tenant, side } = scenario;
  const decideOf = (body: string, key?: string): Sent => ({
    kind: "decide",
    request: post("/v1/decide", body, key === undefined ? tenant.headers : { ...tenant.headers, "idempotency-key": key }),
  });
  // Served decisions first, so that outcomes have real fingerprints to name.
  await property(scenario, fc.constant(json(decideBody())), (body) => decideOf(body), 2 * scale);
  await property(scenario, fc.jsonValue(), (value) => decideOf(json(value)), 15 * scale);
  await property(scenario, mutatedDecide, (body) => decideOf(body), 25 * scale);
  await property(scenario, fc.tuple(validishDecide, idempotencyKey), ([body, key]) => decideOf(json(body), key), 20 * scale);
  await property(scenario, messagesDecide, (body) => decideOf(json(body)), 5 * scale);

  const fingerprint = fc.oneof(
    { arbitrary: fc.constantFrom(...scenario.reference.fingerprints.slice(0, 400)), weight: 6 },
    { arbitrary: fc.stringMatching(/^[0-9a-f]{64}$/), weight: 1 },
    { arbitrary: fc.string({ maxLength: 70 }), weight: 1 },
  );
  const outcome = fc.record({
    decision_fingerprint: fingerprint,
    execution: fc.record({
      // Catalog models, so that many outcomes name an option their decision offered and settle.
      model: fc.oneof(
        fc.constantFrom(...LLM_PACK.options.map((option) => option.id)),
        fc.string({ unit: "binary", minLength: 1, maxLength: 40 }),
      ),
      input_tokens: bound(10_000_000),
      output_tokens: bound(1_000_000),
      latency_ms: bound(3_600_000),
      actual_cost_micros: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom(0, Number.MAX_SAFE_INTEGER, 2 ** 53)),
    }),
    outcome: fc.record(
      { success: fc.boolean(), quality_bps: bound(10_000), business_outcome_micros: bound(10 ** 12) },
      { requiredKeys: ["success"] },
    ),
  });
  const outcomeOf = (body: string, headers: { id: string; skew: number; valid: boolean }): Sent => {
    const signed = signedHeaders(tenant, body, {
      webhookId: headers.id,
      timestampSeconds: Math.floor(Date.now() / 1000) + headers.skew,
      ...(headers.valid ? {} : { secret: OTHER_SECRET }),
    });
    return { kind: "outcome", request: post("/v1/outcomes", body, signed) };
  };
  const webhook = fc.record({
    id: fc.oneof({ arbitrary: fc.uuid(), weight: 4 }, { arbitrary: fc.constantFrom("w-1", "w-2", ""), weight: 1 }),
    skew: fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.integer({ min: -400, max: 400 }), weight: 1 }),
    valid: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
  });
  await property(scenario, fc.tuple(outcome, webhook), ([body, headers]) => outcomeOf(json(body), headers), 15 * scale);
  await property(scenario, fc.tuple(fc.jsonValue(), webhook), ([body, headers]) => outcomeOf(json(body), headers), 10 * scale);

  // Apprentice mode serves the tenant's own choice: the same bodies against such a tenant.
  const apprentice = await createTenant("adv-appr", {
    budgetMicros: 1_000 * ONE_USD_MICROS,
    rateLimitPerMinute: 1_000_000,
    mode: "apprentice",
  });
  const choice = fc.oneof(
    { arbitrary: fc.constantFrom(...LLM_PACK.options.map((option) => option.id)), weight: 5 },
    { arbitrary: fc.string({ maxLength: 10 }), weight: 1 },
  );
  await property(
    scenario,
    fc.tuple(validishDecide, choice),
    ([body, tenantChoice]) => ({
      kind: "other",
      request: post("/v1/decide", json({ ...body, tenant_choice: tenantChoice }), apprentice.headers),
    }),
    5 * scale,
  );

  // Releases: served decision ids (some twice: a replay), unknown ids, and ids that are not ids.
  const decisionIds = [...scenario.reference.decisions.keys()];
  const releaseId = fc.oneof(
    { arbitrary: fc.constantFrom(...decisionIds), weight: 4 },
    { arbitrary: fc.uuid(), weight: 1 },
    { arbitrary: fc.string({ maxLength: 50 }).map(encodeURIComponent), weight: 1 },
  );
  await property(
    scenario,
    releaseId,
    (id) => ({
      kind: "release",
      request: new Request(`${ORIGIN}/v1/decisions/${id}/release`, { method: "POST", headers: tenant.headers }),
    }),
    3 * scale,
  );
  await property(scenario, fc.tuple(outcome, webhook), ([body, headers]) => outcomeOf(json(body), headers), 3 * scale);

  // Admin routes: generated bodies for creation, top-ups (counted by the reference) and mode.
  const topUp = fc.oneof(
    fc.record({
      top_up_id: fc.constantFrom("a", "b", "c", ""),
      amount_micros: fc.oneof(fc.integer({ min: -1, max: 1_000_000 }), fc.constantFrom(2 ** 53, 0.5)),
    }),
    fc.jsonValue(),
  );
  await property(
    scenario,
    topUp,
    (body) => ({
      kind: "top_up",
      amountMicros: (body as { amount_micros?: number } | null)?.amount_micros ?? 0,
      request: post(`/admin/tenants/${tenant.tenantId}/top-ups`, json(body), ADMIN_HEADERS),
    }),
    3 * scale,
  );
  await property(
    scenario,
    fc.oneof(
      fc.jsonValue(),
      fc.record({ name: fc.string(), initial_budget_micros: bound(2 ** 53), tenant_id: fc.string({ maxLength: 40 }) }),
    ),
    (body) => ({
      kind: "other",
      request: post("/admin/tenants", json(body), ADMIN_HEADERS),
    }),
    3 * scale,
  );
  await property(
    scenario,
    fc.jsonValue(),
    (body) => ({ kind: "other", request: post(`/admin/tenants/${side.tenantId}/mode`, json(body), ADMIN_HEADERS) }),
    2 * scale,
  );

  // Headers and paths: authorization, idempotency keys, webhook headers, ids and queries.
  const fuzzRequest = fc.oneof(
    headerText.map((auth): Request => post("/v1/decide", json(decideBody()), { authorization: auth, "content-type": "application/json" })),
    headerText.map((auth): Request =>
      post("/v1/decide", json(decideBody()), {
        ...tenant.headers,
        authorization: `Bearer ${tenant.apiKey.slice(0, -2)}${auth.slice(0, 2)}`,
      }),
    ),
    headerText.map((key): Request => post("/v1/decide", json(decideBody()), { ...tenant.headers, "idempotency-key": key })),
    fc
      .tuple(headerText, headerText, headerText)
      .map(([id, ts, sig]): Request =>
        post("/v1/outcomes", json({}), { ...tenant.headers, "webhook-id": id, "webhook-timestamp": ts, "webhook-signature": sig }),
      ),
    fc
      .string({ maxLength: 40 })
      .map((seg): Request => new Request(`${ORIGIN}/v1/chain/proof/${encodeURIComponent(seg)}`, { headers: tenant.headers })),
    fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 })).map(
      ([from, limit]): Request =>
        new Request(`${ORIGIN}/v1/chain?from=${encodeURIComponent(from)}&limit=${encodeURIComponent(limit)}`, {
          headers: tenant.headers,
        }),
    ),
    fc
      .string({ maxLength: 40 })
      .map((seg): Request =>
        post(`/admin/tenants/${encodeURIComponent(seg)}/top-ups`, json({ top_up_id: "z", amount_micros: 1 }), ADMIN_HEADERS),
      ),
    fc
      .string({ maxLength: 40 })
      .map((seg): Request => new Request(`${ORIGIN}/admin/tenants/${encodeURIComponent(seg)}`, { headers: ADMIN_HEADERS })),
    headerText.map((type): Request => post("/v1/decide", json(decideBody()), { ...tenant.headers, "content-type": type })),
  );
  // Only a decide can be served here; any other unexpected 200 would show up as a budget mismatch.
  await property(
    scenario,
    fuzzRequest,
    (request) => ({ kind: new URL(request.url).pathname === "/v1/decide" ? "decide" : "other", request }),
    8 * scale,
  );

  for (let round = 0; round < scale; round++) {
    await sendAll(
      rawCorpus(tenant).map((entry) => ({ ...entry, kind: entry.kind ?? "decide" })),
      scenario.reference,
      scenario.stats,
    );
  }
}

/** After the run: enough requests, budget equal to the reference and conserved, chain intact. */
export async function expectSoundAfter(scenario: Scenario, requestsMin: number): Promise<void> {
  const { tenant, reference, stats } = scenario;
  console.log(
    JSON.stringify({
      adversarial_requests: stats.requests,
      by_status: Object.fromEntries(stats.byStatus),
      by_code: Object.fromEntries(stats.byCode),
      served: Object.fromEntries(stats.served),
    }),
  );
  expect(stats.requests).toBeGreaterThanOrEqual(requestsMin);
  const budget = await readBudget(tenant);
  expectConserved(budget);
  let reservedMicros = 0;
  for (const amount of reference.open.values()) reservedMicros += amount;
  expect(budget).toMatchObject({
    credited_micros: reference.creditedMicros,
    committed_micros: reference.committedMicros,
    reserved_micros: reservedMicros,
  });
  const chain = await readChain(tenant, "?limit=10000");
  expect(chain.entries.length).toBe(budget.entries);
  const report = verifyChain(chain.bytes, tenant.tenantId);
  expect(report, JSON.stringify(report.damage)).toMatchObject({ ok: true, entries: budget.entries, tornTail: null });
}
