// POST /v1/chat/completions against a mocked provider of each wire format: the request the
// provider receives, the OpenAI-format answer, the decision header, the sealed execution entry,
// and a budget that settles to exactly the usage the provider reported at list prices.

import { afterEach, describe, expect, it } from "vitest";
import { bodyText, createTenant, readChain, verifyChain } from "../api/helpers.ts";
import { answerFor, heldOpenStream, installUpstream, streamEvents, streamResponse, type UpstreamMock } from "./upstream-mock.ts";
import { chat, chatBody, chatOk, decisionHeader, executionsOf, listPriceCostMicros, settled, sseData } from "./proxy-helpers.ts";

let upstream: UpstreamMock | null = null;
afterEach(() => {
  expect(upstream?.escaped ?? []).toEqual([]);
  upstream?.restore();
  upstream = null;
});

const USAGE = { inputTokens: 37, outputTokens: 211 };

/** Each wire format, through one provider that speaks it, with the header that must carry its key. */
const PROVIDERS = [
  {
    provider: "openai",
    path: "/v1/chat/completions",
    auth: ["authorization", "Bearer deployment-key-openai-SECRET-0123456789"],
    maxField: "max_completion_tokens",
  },
  {
    provider: "deepseek",
    path: "/v1/chat/completions",
    auth: ["authorization", "Bearer deployment-key-deepseek-SECRET-0123456789"],
    maxField: "max_tokens",
  },
  {
    provider: "anthropic",
    path: "/v1/messages",
    auth: ["x-api-key", "deployment-key-anthropic-SECRET-0123456789"],
    maxField: "max_tokens",
  },
  {
    provider: "google",
    path: ":generateContent",
    auth: ["x-goog-api-key", "deployment-key-google-SECRET-0123456789"],
    maxField: "maxOutputTokens",
  },
] as const;

describe("non-streaming", () => {
  for (const p of PROVIDERS) {
    it(`${p.provider}: translates the request, answers in OpenAI's format, seals the execution and settles to usage`, async () => {
      const tenant = await createTenant(`px-${p.provider}`);
      upstream = installUpstream((call) => answerFor(call, "Use the reset link.", USAGE));
      const { response, text } = await chatOk(tenant, chatBody(), { "calybris-providers-allow": p.provider });
      const decision = decisionHeader(response);
      expect(upstream.calls).toHaveLength(1);
      const sent = upstream.calls[0]!;
      expect(sent.provider).toBe(p.provider);
      expect(sent.url.endsWith(p.path) || sent.url.includes(p.path), sent.url).toBe(true);
      expect(sent.headers[p.auth[0]]).toBe(p.auth[1]);
      expect(sent.model).toBe(decision.model);
      const bound = p.provider === "google" ? (sent.body.generationConfig as Record<string, unknown>)[p.maxField] : sent.body[p.maxField];
      expect(bound).toBe(400);
      const answer = JSON.parse(text) as {
        object: string;
        model: string;
        choices: { message: { content: string }; finish_reason: string }[];
        usage: Record<string, number>;
      };
      expect(answer.object).toBe("chat.completion");
      expect(answer.model).toBe(decision.model);
      expect(answer.choices[0]!.message.content).toBe("Use the reset link.");
      expect(answer.choices[0]!.finish_reason).toBe("stop");
      expect(answer.usage).toEqual({ prompt_tokens: 37, completion_tokens: 211, total_tokens: 248 });
      const cost = listPriceCostMicros(decision.model, USAGE.inputTokens, USAGE.outputTokens);
      const budget = await settled(tenant);
      expect(budget).toMatchObject({ reserved_micros: 0, committed_micros: cost });
      const chain = await readChain(tenant);
      expect(verifyChain(chain.bytes, tenant.tenantId).ok).toBe(true);
      const executions = executionsOf(chain.entries, decision.fingerprint);
      expect(executions).toHaveLength(1);
      expect(executions[0]!.execution).toMatchObject({
        status: "ok",
        model: decision.model,
        provider: p.provider,
        http_status: 200,
        input_tokens: 37,
        output_tokens: 211,
      });
      expect(executions[0]!.ledger.settlement).toMatchObject({ actual_cost_micros: cost, charged_micros: cost });
    });
  }

  it("translates system, developer and assistant turns for Anthropic and Gemini", async () => {
    const tenant = await createTenant("px-roles");
    upstream = installUpstream((call) => answerFor(call, "ok", USAGE));
    const messages = [
      { role: "system", content: "Be brief." },
      { role: "developer", content: [{ type: "text", text: "Cite sources." }] },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello" },
      { role: "user", content: "Reset?" },
    ];
    await chatOk(tenant, chatBody({ messages, stop: "END", temperature: 1.5 }), { "calybris-providers-allow": "anthropic" });
    await chatOk(tenant, chatBody({ messages, stop: ["END"] }), { "calybris-providers-allow": "google" });
    const [anthropic, gemini] = upstream.calls;
    expect(anthropic!.body).toMatchObject({
      system: "Be brief.\n\nCite sources.",
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello" },
        { role: "user", content: "Reset?" },
      ],
      stop_sequences: ["END"],
      temperature: 1,
    });
    expect(anthropic!.headers["anthropic-version"]).toBe("2023-06-01");
    expect(gemini!.body).toMatchObject({
      systemInstruction: { parts: [{ text: "Be brief." }, { text: "Cite sources." }] },
      contents: [
        { role: "user", parts: [{ text: "Hi" }] },
        { role: "model", parts: [{ text: "Hello" }] },
        { role: "user", parts: [{ text: "Reset?" }] },
      ],
      generationConfig: { stopSequences: ["END"] },
    });
  });

  it("a request without max_tokens is bounded by the pack's default, and the reservation covers it", async () => {
    const tenant = await createTenant("px-default");
    upstream = installUpstream((call) => answerFor(call, "ok", USAGE));
    const { response } = await chatOk(tenant, chatBody({ max_tokens: undefined }), { "calybris-providers-allow": "openai" });
    expect(upstream.calls[0]!.body.max_completion_tokens).toBe(1_024);
    await settled(tenant);
    const chain = await readChain(tenant);
    const fingerprint = decisionHeader(response).fingerprint;
    const decision = chain.entries.find((entry) => entry.fp === fingerprint)!.record as {
      decision: { request: { max_output_tokens: number } };
    };
    expect(decision.decision.request.max_output_tokens).toBe(1_024);
  });

  it("calybris/<regime> decides in that regime; the tenant's default regime serves calybris/auto", async () => {
    const tenant = await createTenant("px-regime");
    upstream = installUpstream((call) => answerFor(call, "ok", USAGE));
    const regimeOf = async (response: Response): Promise<number> => {
      const chain = await readChain(tenant);
      const fp = decisionHeader(response).fingerprint;
      return (chain.entries.find((entry) => entry.fp === fp)!.record as { decision: { request: { regime_index: number } } }).decision
        .request.regime_index;
    };
    expect(await regimeOf((await chatOk(tenant, chatBody({ model: "calybris/coding" }))).response)).toBe(1);
    expect(await regimeOf((await chatOk(tenant, chatBody(), { "calybris-regime": "compliance" })).response)).toBe(2);
    expect(await regimeOf((await chatOk(tenant, chatBody())).response)).toBe(0);
  });
});

describe("streaming: the client goes away", () => {
  it("a client that cancels mid-stream stops the provider, and what it received is settled", async () => {
    const tenant = await createTenant("pxs-cancel");
    let cancelled = false;
    // Sends its events, then holds the stream open until the proxy cancels it.
    upstream = installUpstream((call) =>
      heldOpenStream(streamEvents(call, ["z".repeat(120)], USAGE, 1), () => {
        cancelled = true;
      }),
    );
    const response = await chat(tenant, chatBody({ stream: true }), { "calybris-providers-allow": "openai" });
    const decision = decisionHeader(response);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("z".repeat(120))) text += decoder.decode((await reader.read()).value);
    await reader.cancel();
    const budget = await settled(tenant);
    expect(cancelled).toBe(true);
    const [execution] = executionsOf((await readChain(tenant)).entries, decision.fingerprint);
    expect(execution!.execution).toMatchObject({ status: "cut", output_tokens: 30 });
    expect(budget.committed_micros).toBe(listPriceCostMicros(decision.model, execution!.execution.input_tokens, 30));
  });
});

describe("streaming: the provider stalls", () => {
  it("a stream idle past the attempt deadline is cut, ends with an error event, and is settled", async () => {
    const tenant = await createTenant("pxs-stall");
    let cancelled = false;
    upstream = installUpstream((call) =>
      heldOpenStream(streamEvents(call, ["w".repeat(40)], USAGE, 1), () => {
        cancelled = true;
      }),
    );
    const response = await chat(tenant, chatBody({ stream: true }), {
      "calybris-providers-allow": "openai",
      "calybris-attempt-timeout-ms": "100",
    });
    const decision = decisionHeader(response);
    const data = sseData(await bodyText(response));
    expect(JSON.parse(data.at(-1)!)).toMatchObject({ error: { code: "stream_cut", message: "openai sent nothing for 100 ms" } });
    await settled(tenant);
    expect(cancelled).toBe(true);
    const [execution] = executionsOf((await readChain(tenant)).entries, decision.fingerprint);
    expect(execution!.execution).toMatchObject({ status: "cut", output_tokens: 10 });
  });
});

describe("apprentice mode", () => {
  it("calls the tenant's own choice (Calybris-Tenant-Choice) and requires it", async () => {
    const tenant = await createTenant("px-apprentice", { mode: "apprentice" });
    upstream = installUpstream((call) => answerFor(call, "mine", USAGE));
    const { response } = await chatOk(tenant, chatBody(), { "calybris-tenant-choice": "claude-sonnet-4-20250514" });
    expect(decisionHeader(response).model).toBe("claude-sonnet-4-20250514");
    expect(upstream.calls.map((call) => [call.provider, call.model])).toEqual([["anthropic", "claude-sonnet-4-20250514"]]);
    const refused = await chat(tenant, chatBody());
    expect(refused.status).toBe(400);
    expect(upstream.calls).toHaveLength(1);
  });
});

describe("streaming", () => {
  for (const p of PROVIDERS) {
    it(`${p.provider}: re-serves the provider's stream as chat.completion.chunk events and settles to its usage`, async () => {
      const tenant = await createTenant(`pxs-${p.provider}`);
      const pieces = ["Use ", "the ", "reset ", "link."];
      upstream = installUpstream((call) => streamResponse(streamEvents(call, pieces, USAGE)));
      const response = await chat(tenant, chatBody({ stream: true, stream_options: { include_usage: true } }), {
        "calybris-providers-allow": p.provider,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      const decision = decisionHeader(response);
      const data = sseData(await bodyText(response));
      expect(data.at(-1)).toBe("[DONE]");
      const chunks = data.slice(0, -1).map(
        (line) =>
          JSON.parse(line) as {
            object: string;
            choices: { delta: { content?: string }; finish_reason: string | null }[];
            usage?: Record<string, number>;
          },
      );
      expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk")).toBe(true);
      expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe(pieces.join(""));
      expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("stop");
      expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: 37, completion_tokens: 211, total_tokens: 248 });
      expect(upstream.calls[0]!.stream).toBe(true);
      const budget = await settled(tenant);
      expect(budget.committed_micros).toBe(listPriceCostMicros(decision.model, USAGE.inputTokens, USAGE.outputTokens));
      const executions = executionsOf((await readChain(tenant)).entries, decision.fingerprint);
      expect(executions.map((e) => e.execution.status)).toEqual(["ok"]);
    });
  }

  it("a stream cut in the middle ends with an error event and settles the text it delivered", async () => {
    const tenant = await createTenant("pxs-cut");
    const pieces = ["x".repeat(400), "y".repeat(400), "never sent"];
    upstream = installUpstream((call) => streamResponse(streamEvents(call, pieces, USAGE, 2), { breakAtEnd: true }));
    const response = await chat(tenant, chatBody({ stream: true }), { "calybris-providers-allow": "openai" });
    const decision = decisionHeader(response);
    const data = sseData(await bodyText(response));
    const last = JSON.parse(data.at(-1)!) as { error: { code: string; provider: string } };
    expect(last.error).toMatchObject({ code: "stream_cut", provider: "openai" });
    const text = data
      .slice(0, -1)
      .map((line) => (JSON.parse(line) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? "")
      .join("");
    expect(text).toBe("x".repeat(400) + "y".repeat(400));
    const budget = await settled(tenant);
    const chain = await readChain(tenant);
    const [execution] = executionsOf(chain.entries, decision.fingerprint);
    expect(execution!.execution.status).toBe("cut");
    // OpenAI reports usage only at the end: the input is the request's estimate, the output ceil(800 / 4).
    expect(execution!.execution.output_tokens).toBe(200);
    const decisionRecord = chain.entries.find((entry) => entry.fp === decision.fingerprint)!.record as {
      decision: { request: { input_tokens: number } };
    };
    expect(execution!.execution.input_tokens).toBe(decisionRecord.decision.request.input_tokens);
    expect(budget.committed_micros).toBe(listPriceCostMicros(decision.model, decisionRecord.decision.request.input_tokens, 200));
  });
});
