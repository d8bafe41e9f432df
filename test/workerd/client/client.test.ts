// The typed client against the real worker in workerd: a decision, its signed outcome accepted by
// the ledger's verifier, proxy feedback named by the Calybris-Decision header, and the evaluation.

import { exports } from "cloudflare:workers";
import { afterEach, expect, it } from "vitest";
import { CalybrisClient, decisionFingerprint } from "../../../src/client/index.ts";
import { createTenant, ORIGIN } from "../api/helpers.ts";
import { answerFor, installUpstream, type UpstreamMock } from "../proxy/upstream-mock.ts";
import { chatBody, chatOk, settled } from "../proxy/proxy-helpers.ts";

let upstream: UpstreamMock | null = null;
afterEach(() => {
  upstream?.restore();
  upstream = null;
});

it("decides, reports a signed outcome, sends proxy feedback and reads the evaluation", async () => {
  const tenant = await createTenant("client");
  const worker = ((input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(input, init)) as typeof fetch;
  const client = new CalybrisClient({ baseUrl: ORIGIN, apiKey: tenant.apiKey, webhookSecret: tenant.webhookSecret, fetch: worker });
  const decided = await client.decide({
    regime: "coding",
    input_tokens: 100,
    max_output_tokens: 200,
    value_micros: 5_000_000,
    risk_bps: 1_000,
  });
  if (!decided.ok) throw new Error(JSON.stringify(decided.problem));
  const outcome = await client.reportOutcome({
    decision_fingerprint: decided.value.fingerprint,
    execution: { model: decided.value.model.id, input_tokens: 100, output_tokens: 150, latency_ms: 800, actual_cost_micros: 500 },
    outcome: { success: true },
  });
  expect(outcome).toMatchObject({ ok: true, value: { committed_micros: 500, replayed: false } });

  upstream = installUpstream((call) => answerFor(call, "ok", { inputTokens: 5, outputTokens: 5 }));
  const { response } = await chatOk(tenant, chatBody());
  await settled(tenant);
  const fingerprint = decisionFingerprint(response.headers.get("calybris-decision"));
  expect(fingerprint).not.toBeNull();
  expect(await client.feedback({ decision_fingerprint: fingerprint!, outcome: { quality_bps: 8_500 } })).toMatchObject({ ok: true });
  expect(await client.feedback({ decision_fingerprint: decided.value.fingerprint, outcome: { quality_bps: 8_500 } })).toMatchObject({
    ok: false,
    status: 409,
    problem: { code: "decision_not_executed" },
  });
  const evaluation = await client.evaluation({ regime: "coding" });
  expect(evaluation.ok).toBe(true);
});
