// Quality feedback on a proxied decision, named by its fingerprint: POST /v1/feedback (API key)
// or a signed /v1/outcomes without `execution`. It is sealed as an outcome carrying the
// execution's settlement (settled_seq) and moving no money, reaches the Learner exactly once, and
// is refused for decisions the proxy did not execute, twice, or with a second settlement.

import { afterEach, describe, expect, it } from "vitest";
import {
  bodyText,
  call,
  createTenant,
  decideOk,
  expectProblem,
  postOutcome,
  readBudget,
  readChain,
  verifyChain,
  type Tenant,
} from "../api/helpers.ts";
import { drainOutbox, regimes } from "../learner/learner-helpers.ts";
import { answerFor, installUpstream, type UpstreamMock } from "./upstream-mock.ts";
import { chatBody, chatOk, decisionHeader, listPriceCostMicros, settled } from "./proxy-helpers.ts";

let upstream: UpstreamMock | null = null;
afterEach(() => {
  upstream?.restore();
  upstream = null;
});

const USAGE = { inputTokens: 30, outputTokens: 60 };

function feedback(tenant: Tenant, fingerprint: string, outcome: Record<string, unknown>): Promise<Response> {
  return call("/v1/feedback", {
    method: "POST",
    headers: tenant.headers,
    body: JSON.stringify({ decision_fingerprint: fingerprint, outcome }),
  });
}

async function proxied(tenant: Tenant): Promise<{ fingerprint: string; model: string }> {
  upstream ??= installUpstream((c) => answerFor(c, "answer", USAGE));
  const { response } = await chatOk(tenant, chatBody());
  await settled(tenant);
  return decisionHeader(response);
}

interface OutcomeEntry {
  readonly outcome: Record<string, unknown>;
  readonly ledger: Record<string, unknown>;
}

describe("POST /v1/feedback", () => {
  it("seals the feedback beside the execution's settlement, moves no money, and the Learner learns it once", async () => {
    const tenant = await createTenant("pxq-feedback");
    const { fingerprint, model } = await proxied(tenant);
    const before = await readBudget(tenant);
    const answer = await feedback(tenant, fingerprint, { success: true, quality_bps: 9_100 });
    const text = await bodyText(answer);
    expect(answer.status, text).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ decision_fingerprint: fingerprint, committed_micros: 0, released_micros: 0, replayed: false });
    const after = await readBudget(tenant);
    expect({ ...after, entries: 0 }).toEqual({ ...before, entries: 0 });
    const chain = await readChain(tenant);
    expect(verifyChain(chain.bytes, tenant.tenantId).ok).toBe(true);
    const execution = chain.entries.find((entry) => entry.kind === "execution")!;
    const outcome = chain.entries.find((entry) => entry.kind === "outcome")!;
    const record = outcome.record as unknown as OutcomeEntry;
    const cost = listPriceCostMicros(model, USAGE.inputTokens, USAGE.outputTokens);
    expect(record.outcome).toMatchObject({
      model,
      input_tokens: 30,
      output_tokens: 60,
      success: true,
      quality_bps: 9_100,
      business_outcome_micros: null,
    });
    expect(record.ledger).toMatchObject({
      decision_fp: fingerprint,
      settled_seq: execution.seq,
      actual_cost_micros: cost,
      charged_micros: cost,
      webhook_id: `feedback:${fingerprint}`,
    });
    // The same body again is a replay; another body is a second outcome.
    const replay = await feedback(tenant, fingerprint, { success: true, quality_bps: 9_100 });
    expect(JSON.parse(await bodyText(replay))).toMatchObject({ replayed: true });
    await expectProblem(await feedback(tenant, fingerprint, { success: false }), "outcome_already_recorded");
    await drainOutbox(tenant);
    expect((await regimes(tenant)).outcomes).toBe(1);
  });

  it("is refused for a decision the proxy did not execute, and for an unknown fingerprint", async () => {
    const tenant = await createTenant("pxq-refused");
    const decided = await decideOk(tenant);
    await expectProblem(await feedback(tenant, decided.fingerprint, { success: true }), "decision_not_executed");
    await expectProblem(await feedback(tenant, "ab".repeat(32), { success: true }), "decision_unknown");
    await expectProblem(await feedback(tenant, decided.fingerprint, {}), "request_malformed");
  });
});

describe("a signed /v1/outcomes on a proxied decision", () => {
  it("without execution, it is the decision's quality feedback", async () => {
    const tenant = await createTenant("pxq-webhook");
    const { fingerprint } = await proxied(tenant);
    const body = JSON.stringify({ decision_fingerprint: fingerprint, outcome: { quality_bps: 7_000 } });
    const response = await postOutcome(tenant, body);
    expect(response.status, await bodyText(response)).toBe(200);
    const outcome = (await readChain(tenant)).entries.find((entry) => entry.kind === "outcome")!;
    expect((outcome.record as unknown as OutcomeEntry).outcome).toMatchObject({ quality_bps: 7_000, success: null });
    // Feedback by API key after it is a second outcome.
    await expectProblem(await feedback(tenant, fingerprint, { success: true }), "outcome_already_recorded");
  });

  it("with execution, it is refused: the proxy already settled the cost", async () => {
    const tenant = await createTenant("pxq-twice");
    const { fingerprint, model } = await proxied(tenant);
    const body = JSON.stringify({
      decision_fingerprint: fingerprint,
      execution: { model, input_tokens: 1, output_tokens: 1, latency_ms: 1, actual_cost_micros: 1 },
      outcome: { success: true },
    });
    await expectProblem(await postOutcome(tenant, body), "outcome_already_recorded");
  });

  it("without execution on a decision the proxy did not execute, it is refused", async () => {
    const tenant = await createTenant("pxq-plain");
    const decided = await decideOk(tenant);
    const body = JSON.stringify({ decision_fingerprint: decided.fingerprint, outcome: { success: true } });
    await expectProblem(await postOutcome(tenant, body), "decision_not_executed");
  });
});
