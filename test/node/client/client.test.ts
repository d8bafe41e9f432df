// The typed client against a recording fetch: each call's method, path, headers and body; the
// outcome's Standard Webhooks signature checked by the ledger's own verifier (the worker's check);
// problems returned as values; and the OpenAI SDK options with the Calybris-* term headers.

import { describe, expect, test } from "vitest";
import { CalybrisClient, decisionFingerprint, openAiOptions } from "../../../src/client/index.ts";
import { verifyWebhook } from "../../../src/ledger/webhook-signature.ts";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const FP = "ab".repeat(32);

function recorder(answer: Response = Response.json({ ok: 1 })) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    return answer.clone();
  }) as typeof globalThis.fetch;
  return { calls, fetch };
}

describe("CalybrisClient", () => {
  test("decide: POST /v1/decide with the key, the JSON body and the Idempotency-Key", async () => {
    const { calls, fetch } = recorder();
    const client = new CalybrisClient({ baseUrl: "https://calybris.test/", apiKey: "cal_live_t_x", fetch });
    const answer = await client.decide(
      { regime: "coding", input_tokens: 10, max_output_tokens: 20, value_micros: 1, risk_bps: 0 },
      { idempotencyKey: "k-1" },
    );
    expect(answer).toMatchObject({ ok: true, status: 200, value: { ok: 1 } });
    expect(calls[0]!.url).toBe("https://calybris.test/v1/decide");
    expect(calls[0]!.init.headers).toMatchObject({
      authorization: "Bearer cal_live_t_x",
      "content-type": "application/json",
      "idempotency-key": "k-1",
    });
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({
      regime: "coding",
      input_tokens: 10,
      max_output_tokens: 20,
      value_micros: 1,
      risk_bps: 0,
    });
  });

  test("reportOutcome: signed over exactly the bytes sent, as the ledger verifies it", async () => {
    const { calls, fetch } = recorder();
    const nowMs = 1_767_225_600_123;
    const client = new CalybrisClient({ baseUrl: "https://calybris.test", apiKey: "k", webhookSecret: SECRET, fetch, nowMs: () => nowMs });
    await client.reportOutcome({ decision_fingerprint: FP, outcome: { success: true } }, { webhookId: "msg_1" });
    const init = calls[0]!.init;
    const headers = init.headers as Record<string, string>;
    expect(headers["webhook-timestamp"]).toBe("1767225600");
    const check = verifyWebhook(
      SECRET,
      { id: headers["webhook-id"]!, timestamp: headers["webhook-timestamp"]!, signature: headers["webhook-signature"]! },
      String(init.body),
      1_767_225_600,
    );
    expect(check).toMatchObject({ ok: true });
    expect(() =>
      new CalybrisClient({ baseUrl: "https://x", apiKey: "k", fetch }).reportOutcome({
        decision_fingerprint: FP,
        outcome: { success: true },
      }),
    ).toThrow(/webhookSecret/);
  });

  test("feedback and evaluation", async () => {
    const { calls, fetch } = recorder();
    const client = new CalybrisClient({ baseUrl: "https://calybris.test", apiKey: "k", fetch });
    await client.feedback({ decision_fingerprint: FP, outcome: { quality_bps: 9_000 } });
    await client.evaluation({ regime: "coding", since: "2026-12-01" });
    await client.evaluation();
    expect(calls.map((c) => [c.init.method, c.url])).toEqual([
      ["POST", "https://calybris.test/v1/feedback"],
      ["GET", "https://calybris.test/v1/evaluation?regime=coding&since=2026-12-01"],
      ["GET", "https://calybris.test/v1/evaluation"],
    ]);
    expect(calls[1]!.init.body).toBeUndefined();
  });

  test("a problem is a value, and so is an answer that is not JSON", async () => {
    const problem = {
      type: "https://calybris.dev/problems/budget_exhausted",
      title: "t",
      status: 402,
      detail: "d",
      instance: "i",
      code: "budget_exhausted",
    };
    const refused = recorder(
      new Response(JSON.stringify(problem), { status: 402, headers: { "content-type": "application/problem+json" } }),
    );
    const client = new CalybrisClient({ baseUrl: "https://calybris.test", apiKey: "k", fetch: refused.fetch });
    expect(await client.feedback({ decision_fingerprint: FP, outcome: { success: true } })).toMatchObject({
      ok: false,
      status: 402,
      problem,
    });
    const html = recorder(new Response("<html>bad gateway</html>", { status: 502 }));
    const other = new CalybrisClient({ baseUrl: "https://calybris.test", apiKey: "k", fetch: html.fetch });
    expect(await other.evaluation()).toMatchObject({ ok: false, status: 502, problem: { code: "unexpected_answer" } });
  });

  test.each(["", "calybris.test", "ftp://calybris.test", "/v1"])("refuses the base URL %j", (baseUrl) => {
    expect(() => new CalybrisClient({ baseUrl, apiKey: "k" })).toThrow(TypeError);
  });
});

describe("openAiOptions", () => {
  test("base URL /v1, the tenant's key, and the terms as headers", () => {
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
        "Calybris-Value-Micros": "5000000",
        "Calybris-Risk-Bps": "1000",
        "Calybris-Regime": "coding",
        "Calybris-Capabilities": "json",
        "Calybris-Providers-Deny": "meta,mistral",
      },
    });
  });

  test("decisionFingerprint reads Calybris-Decision", () => {
    expect(decisionFingerprint(`model=gpt-4.1; fp=${FP}`)).toBe(FP);
    expect(decisionFingerprint("model=x")).toBeNull();
    expect(decisionFingerprint(null)).toBeNull();
  });
});
