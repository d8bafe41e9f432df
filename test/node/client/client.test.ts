// The typed client against a recording fetch: each call's method, URL, headers and body; the
// outcome's Standard Webhooks signature checked by the ledger's own verifier (the worker's check);
// and the OpenAI SDK options carrying the Calybris-* term headers proxy mode reads.

import { describe, expect, test } from "vitest";
import { CalybrisClient, decisionFingerprint, openAiOptions } from "../../../src/client/index.ts";
import { verifyWebhook } from "../../../src/ledger/webhook-signature.ts";
import { TERM_HEADERS } from "../../../src/worker/proxy-terms.ts";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const FP = "ab".repeat(32);
const RECEIPT = {
  outcome_fingerprint: FP,
  seq: 7,
  decision_fingerprint: FP,
  committed_micros: 0,
  released_micros: 0,
  uncollected_micros: 0,
  replayed: false,
};

function recorder(answer: unknown = RECEIPT) {
  const calls: { method: string; url: string; headers: Headers; body: string }[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    calls.push({ method: request.method, url: request.url, headers: request.headers, body: await request.text() });
    return Response.json(answer);
  };
  return { calls, fetch };
}

describe("CalybrisClient requests", () => {
  test("reportOutcome is signed over exactly the bytes sent, as the ledger verifies it", async () => {
    const { calls, fetch } = recorder();
    const client = new CalybrisClient({
      baseUrl: "https://calybris.test",
      apiKey: "k",
      webhookSecret: SECRET,
      fetch,
      nowSeconds: () => 1_767_225_600,
    });
    await client.reportOutcome({ decision_fingerprint: FP, outcome: { success: true } }, "msg_1");
    const call = calls[0]!;
    expect([call.method, call.url]).toEqual(["POST", "https://calybris.test/v1/outcomes"]);
    const header = (name: string): string => call.headers.get(name)!;
    expect(header("webhook-timestamp")).toBe("1767225600");
    const check = verifyWebhook(
      SECRET,
      { id: header("webhook-id"), timestamp: header("webhook-timestamp"), signature: header("webhook-signature") },
      call.body,
      1_767_225_600,
    );
    expect(check).toEqual({ ok: true });
    // One byte more and the worker's verifier refuses it.
    const forged = verifyWebhook(
      SECRET,
      { id: header("webhook-id"), timestamp: header("webhook-timestamp"), signature: header("webhook-signature") },
      `${call.body} `,
      1_767_225_600,
    );
    expect(forged.ok).toBe(false);
  });

  test("feedback and evaluation: method, URL, key and body", async () => {
    const { calls, fetch } = recorder();
    const client = new CalybrisClient({ baseUrl: "https://calybris.test/", apiKey: "cal_live_t_x", fetch });
    await client.feedback({ decision_fingerprint: FP, outcome: { quality_bps: 9_000 } });
    const evaluation = { production: {}, counts: {} };
    const reads = recorder(evaluation);
    const reader = new CalybrisClient({ baseUrl: "https://calybris.test", apiKey: "cal_live_t_x", fetch: reads.fetch });
    expect(await reader.evaluation({ regime: "coding", since: "2026-12-01" })).toEqual(evaluation);
    await reader.evaluation();
    expect([...calls, ...reads.calls].map((c) => [c.method, c.url, c.headers.get("authorization")])).toEqual([
      ["POST", "https://calybris.test/v1/feedback", "Bearer cal_live_t_x"],
      ["GET", "https://calybris.test/v1/evaluation?regime=coding&since=2026-12-01", "Bearer cal_live_t_x"],
      ["GET", "https://calybris.test/v1/evaluation", "Bearer cal_live_t_x"],
    ]);
    expect(JSON.parse(calls[0]!.body)).toEqual({ decision_fingerprint: FP, outcome: { quality_bps: 9_000 } });
    expect(reads.calls[0]!.body).toBe("");
  });
});

describe("openAiOptions", () => {
  test("base URL /v1, the tenant's key, and the terms as the headers proxy mode reads", () => {
    expect(
      openAiOptions({
        baseUrl: "https://calybris.test/",
        apiKey: "cal_live_t_x",
        terms: {
          regime: "coding",
          valueMicros: 5_000_000,
          riskBps: 1_000,
          providers: { deny: ["meta", "mistral"] },
          capabilities: ["json"],
        },
      }),
    ).toEqual({
      baseURL: "https://calybris.test/v1",
      apiKey: "cal_live_t_x",
      defaultHeaders: {
        [TERM_HEADERS.value_micros]: "5000000",
        [TERM_HEADERS.risk_bps]: "1000",
        [TERM_HEADERS.regime]: "coding",
        [TERM_HEADERS.capabilities]: "json",
        [TERM_HEADERS.providers_deny]: "meta,mistral",
      },
    });
  });

  test("decisionFingerprint reads Calybris-Decision", () => {
    expect(decisionFingerprint(`model=gpt-4.1; fp=${FP}`)).toBe(FP);
    expect(decisionFingerprint("model=x")).toBeNull();
    expect(decisionFingerprint(null)).toBeNull();
  });
});
