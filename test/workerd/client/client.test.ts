// The typed client (src/client) against the real worker in workerd: every call goes through the
// worker's fetch handler, so decide, the signed outcome, the budget and the evaluation are the
// API's own answers; problems arrive as CalybrisProblemError with their code, and a body the
// schema refuses is never sent.

import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import {
  CalybrisClient,
  CalybrisClientError,
  CalybrisProblemError,
  decisionFingerprint,
  type DecideInput,
} from "../../../src/client/index.ts";
import { createTenant, ORIGIN, type Tenant } from "../api/helpers.ts";
import { answerFor, installUpstream, type UpstreamMock } from "../proxy/upstream-mock.ts";
import { chatBody, chatOk, settled } from "../proxy/proxy-helpers.ts";

let upstream: UpstreamMock | null = null;
afterEach(() => {
  upstream?.restore();
  upstream = null;
});

const SUPPORT: DecideInput = { regime: "support", input_tokens: 1_200, max_output_tokens: 800, value_micros: 5_000_000, risk_bps: 1_000 };

/** A client whose fetch is the worker's, counting the requests that left it. */
function clientOf(tenant: Tenant, options: { webhookSecret?: string } = { webhookSecret: tenant.webhookSecret }) {
  const sent: Request[] = [];
  const client = new CalybrisClient({
    baseUrl: `${ORIGIN}/`,
    apiKey: tenant.apiKey,
    ...options,
    fetch: (request) => {
      sent.push(request);
      return exports.default.fetch(request);
    },
  });
  return { client, sent };
}

async function problemOf(promise: Promise<unknown>): Promise<CalybrisProblemError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(CalybrisProblemError);
  return error as CalybrisProblemError;
}

describe("CalybrisClient", () => {
  it("decides, reports a signed outcome that settles the budget, and reads the evaluation", async () => {
    const tenant = await createTenant("client-flow");
    const { client } = clientOf(tenant);
    const before = await client.budget();
    const decision = await client.decide(SUPPORT);
    expect(decision.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(decision.reserved_micros).toBeGreaterThan(0);
    const reserved = await client.budget();
    expect(reserved.reserved_micros).toBe(before.reserved_micros + decision.reserved_micros);

    const cost = 1_234;
    const outcome = {
      decision_fingerprint: decision.fingerprint,
      execution: { model: decision.model.id, input_tokens: 1_200, output_tokens: 400, latency_ms: 700, actual_cost_micros: cost },
      outcome: { success: true },
    };
    const receipt = await client.reportOutcome(outcome, "msg_client_flow_1");
    expect(receipt).toMatchObject({ decision_fingerprint: decision.fingerprint, committed_micros: cost, replayed: false });
    // The same webhook id again is the same outcome, answered as a replay; no second charge.
    expect(await client.reportOutcome(outcome, "msg_client_flow_1")).toMatchObject({ replayed: true, seq: receipt.seq });
    const settled = await client.budget();
    expect(settled).toMatchObject({
      reserved_micros: before.reserved_micros,
      committed_micros: before.committed_micros + cost,
      available_micros: before.available_micros - cost,
    });

    const evaluation = await client.evaluation({ regime: "support" });
    expect(evaluation.regime).toBe("support");
    expect(evaluation.counts.decisions).toBe(1);
  });

  it("sends feedback on a proxied answer, named by its Calybris-Decision header; a decision never executed is refused", async () => {
    const tenant = await createTenant("client-feedback");
    const { client } = clientOf(tenant);
    upstream = installUpstream((call) => answerFor(call, "ok", { inputTokens: 5, outputTokens: 5 }));
    const { response } = await chatOk(tenant, chatBody());
    await settled(tenant);
    const fingerprint = decisionFingerprint(response.headers.get("calybris-decision"));
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const before = await client.budget();
    const receipt = await client.feedback({ decision_fingerprint: fingerprint!, outcome: { quality_bps: 8_500 } });
    expect(receipt).toMatchObject({ decision_fingerprint: fingerprint, committed_micros: 0, replayed: false });
    expect(await client.budget()).toMatchObject({ committed_micros: before.committed_micros, reserved_micros: before.reserved_micros });

    const decided = await client.decide(SUPPORT);
    const refused = await problemOf(client.feedback({ decision_fingerprint: decided.fingerprint, outcome: { success: true } }));
    expect(refused).toMatchObject({ status: 409, problem: { code: "decision_not_executed" } });
  });

  it("throws the API's problem with its code and status", async () => {
    const tenant = await createTenant("client-problems");
    const { client } = clientOf(tenant);
    const unknownRegime = await problemOf(client.decide({ ...SUPPORT, regime: "astrology" }));
    expect(unknownRegime.status).toBe(422);
    expect(unknownRegime.problem.detail).toContain("regime_unknown");
    const badSince = await problemOf(client.evaluation({ since: "yesterday" }));
    expect(badSince).toMatchObject({ status: 400, problem: { code: "request_malformed" } });

    const wrongKey = new CalybrisClient({ baseUrl: ORIGIN, apiKey: "cal_live_nope", fetch: (r) => exports.default.fetch(r) });
    expect((await problemOf(wrongKey.budget())).status).toBe(401);
  });

  it("signs with the tenant's secret: another secret is refused by the worker and moves no money", async () => {
    const tenant = await createTenant("client-secret");
    const other = await createTenant("client-secret-other");
    const { client } = clientOf(tenant);
    const decision = await client.decide(SUPPORT);
    const forged = clientOf(tenant, { webhookSecret: other.webhookSecret }).client;
    const before = await client.budget();
    const outcome = {
      decision_fingerprint: decision.fingerprint,
      execution: { model: decision.model.id, input_tokens: 1, output_tokens: 1, latency_ms: 1, actual_cost_micros: 1 },
      outcome: { quality_bps: 9_000 },
    };
    const refused = await problemOf(forged.reportOutcome(outcome));
    expect(refused.problem.code).toBe("webhook_signature_invalid");
    expect(await client.budget()).toEqual(before);
  });

  it("refuses, before sending, what the worker's own schema refuses", async () => {
    const tenant = await createTenant("client-local");
    const { client, sent } = clientOf(tenant);
    const invalid: unknown[] = [
      { ...SUPPORT, risk_bps: 10_001 },
      { ...SUPPORT, value_micros: -1 },
      { ...SUPPORT, value_micros: 1.5 },
      { ...SUPPORT, messages: [{ role: "user", content: "hi" }] },
      { ...SUPPORT, extra: true },
    ];
    for (const body of invalid) await expect(client.decide(body as DecideInput)).rejects.toBeInstanceOf(CalybrisClientError);
    const withoutSecret = clientOf(tenant, {}).client;
    await expect(
      withoutSecret.reportOutcome({
        decision_fingerprint: "0".repeat(64),
        execution: { model: "m", input_tokens: 0, output_tokens: 0, latency_ms: 0, actual_cost_micros: 0 },
        outcome: { success: true },
      }),
    ).rejects.toThrow("webhookSecret");
    expect(sent).toEqual([]);
    expect(() => new CalybrisClient({ baseUrl: "not a url", apiKey: "k" })).toThrow(CalybrisClientError);
  });

  it("says so when an answer is neither the documented body nor a problem", async () => {
    const client = new CalybrisClient({
      baseUrl: ORIGIN,
      apiKey: "k",
      fetch: () => Promise.resolve(new Response(JSON.stringify({ fingerprint: "x" }), { status: 200 })),
    });
    await expect(client.decide(SUPPORT)).rejects.toThrow(/does not match its schema/);
    const html = new CalybrisClient({
      baseUrl: ORIGIN,
      apiKey: "k",
      fetch: () => Promise.resolve(new Response("<html>", { status: 502 })),
    });
    await expect(html.budget()).rejects.toThrow(/HTTP 502 with a body that is not JSON/);
  });
});
