// The pure provider translators: requests in each wire format, answers and stream events back
// into the neutral shapes, usage counts checked (a provider's hostile numbers are never trusted),
// and the output bound always sent. Expected wire shapes are written from each provider's
// documentation (OpenAI Chat Completions, Anthropic Messages, Gemini generateContent).

import { describe, expect, test } from "vitest";
import { adapterFor, ADAPTERS } from "../../../src/providers/adapters.ts";
import type { ChatRequest } from "../../../src/providers/chat.ts";
import { PACKS } from "../../../src/domain/packs.ts";

const CHAT: ChatRequest = {
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "Hi" },
  ],
  maxOutputTokens: 64,
  temperature: null,
  topP: null,
  stop: [],
};

/** Values a provider could put where a token count belongs. */
const HOSTILE_COUNTS: readonly unknown[] = [-1, 1.5, Number.NaN, 2 ** 53, "12", null, {}, [], -0 - 1, Infinity];

describe("every provider of the LLM pack has an adapter", () => {
  test.each(PACKS.llm.providers)("%s", (provider) => expect(adapterFor(provider)).not.toBeNull());
  test("an unknown provider has none", () => {
    expect(adapterFor("acme")).toBeNull();
    expect(adapterFor("__proto__")).toBeNull();
    expect(Object.keys(ADAPTERS).sort()).toEqual([...PACKS.llm.providers].sort());
  });
});

describe("requests", () => {
  test("OpenAI: the model, the messages, max_completion_tokens, usage asked for in streams", () => {
    const request = adapterFor("openai")!.request({ ...CHAT, stop: ["END"], temperature: 0.2 }, "gpt-4.1", true, "k");
    expect(request.path).toBe("/chat/completions");
    expect(request.headers.authorization).toBe("Bearer k");
    expect(JSON.parse(request.body)).toEqual({
      model: "gpt-4.1",
      messages: CHAT.messages,
      max_completion_tokens: 64,
      temperature: 0.2,
      stop: ["END"],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  test("OpenAI-compatible hosts take max_tokens", () => {
    for (const provider of ["deepseek", "mistral", "meta"]) {
      expect(JSON.parse(adapterFor(provider)!.request(CHAT, "m", false, "k").body)).toMatchObject({ max_tokens: 64 });
    }
  });

  test("Anthropic: system on top, x-api-key and version headers, temperature capped at 1", () => {
    const request = adapterFor("anthropic")!.request({ ...CHAT, temperature: 2, topP: 0.5 }, "claude", false, "k");
    expect(request.path).toBe("/messages");
    expect(request.headers).toMatchObject({ "x-api-key": "k", "anthropic-version": "2023-06-01" });
    expect(JSON.parse(request.body)).toEqual({
      model: "claude",
      max_tokens: 64,
      system: "Be brief.",
      messages: [{ role: "user", content: "Hi" }],
      temperature: 1,
      top_p: 0.5,
    });
  });

  test("Gemini: the model in the path (escaped), systemInstruction, generationConfig, SSE streams", () => {
    const adapter = adapterFor("google")!;
    expect(adapter.request(CHAT, "gemini-2.5-pro", false, "k").path).toBe("/models/gemini-2.5-pro:generateContent");
    expect(adapter.request(CHAT, "a/b", true, "k").path).toBe("/models/a%2Fb:streamGenerateContent?alt=sse");
    const request = adapter.request(CHAT, "g", false, "k");
    expect(request.headers["x-goog-api-key"]).toBe("k");
    expect(JSON.parse(request.body)).toEqual({
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
      systemInstruction: { parts: [{ text: "Be brief." }] },
      generationConfig: { maxOutputTokens: 64 },
    });
  });
});

describe("answers", () => {
  test("each format's answer, with its finish reason mapped to OpenAI's", () => {
    expect(
      adapterFor("openai")!.answer({
        choices: [{ message: { content: "a" }, finish_reason: "length" }],
        usage: { prompt_tokens: 1, completion_tokens: 2 },
      }),
    ).toEqual({ content: "a", finishReason: "length", usage: { inputTokens: 1, outputTokens: 2 } });
    expect(
      adapterFor("anthropic")!.answer({
        content: [
          { type: "text", text: "a" },
          { type: "tool_use", id: "x" },
          { type: "text", text: "b" },
        ],
        stop_reason: "max_tokens",
        usage: { input_tokens: 3, output_tokens: 4 },
      }),
    ).toEqual({ content: "ab", finishReason: "length", usage: { inputTokens: 3, outputTokens: 4 } });
    expect(
      adapterFor("google")!.answer({
        candidates: [{ content: { parts: [{ text: "thinking", thought: true }, { text: "c" }] }, finishReason: "SAFETY" }],
        usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 6, thoughtsTokenCount: 7 },
      }),
    ).toEqual({ content: "c", finishReason: "content_filter", usage: { inputTokens: 5, outputTokens: 13 } });
  });

  test.each(HOSTILE_COUNTS)("a usage count of %s is not trusted: the answer has no usage (the shell estimates)", (bad) => {
    expect(
      adapterFor("openai")!.answer({ choices: [{ message: { content: "a" } }], usage: { prompt_tokens: bad, completion_tokens: 2 } })
        ?.usage,
    ).toBeNull();
    expect(adapterFor("anthropic")!.answer({ content: [], usage: { input_tokens: 1, output_tokens: bad } })?.usage).toBeNull();
    expect(
      adapterFor("google")!.answer({ candidates: [], usageMetadata: { promptTokenCount: bad, candidatesTokenCount: 1 } })?.usage,
    ).toBeNull();
  });

  test.each([null, 1, "x", [], {}, { choices: "no" }, { choices: [{}] }, { choices: [{ message: { content: 5 } }] }])(
    "an OpenAI body %j that is not an answer is refused",
    (body) => expect(adapterFor("openai")!.answer(body)).toBeNull(),
  );

  test.each([null, {}, { content: "x" }])("an Anthropic body %j that is not an answer is refused", (body) =>
    expect(adapterFor("anthropic")!.answer(body)).toBeNull(),
  );
});

describe("stream events", () => {
  test("OpenAI chunks, the usage chunk and [DONE]", () => {
    const adapter = adapterFor("openai")!;
    expect(adapter.streamEvent({ event: "message", data: '{"choices":[{"delta":{"content":"hi"},"finish_reason":null}]}' })).toMatchObject({
      text: "hi",
      finishReason: null,
    });
    expect(
      adapter.streamEvent({ event: "message", data: '{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4}}' }),
    ).toMatchObject({ inputTokens: 3, outputTokens: 4 });
    expect(adapter.streamEvent({ event: "message", data: "[DONE]" })).toMatchObject({ done: true });
    expect(adapter.streamEvent({ event: "message", data: "not json" })).toBeNull();
  });

  test("Anthropic's event sequence", () => {
    const adapter = adapterFor("anthropic")!;
    const event = (type: string, value: unknown) => adapter.streamEvent({ event: type, data: JSON.stringify(value) });
    expect(event("message_start", { type: "message_start", message: { usage: { input_tokens: 9, output_tokens: 1 } } })).toMatchObject({
      inputTokens: 9,
      outputTokens: 1,
    });
    expect(event("content_block_delta", { type: "content_block_delta", delta: { type: "text_delta", text: "x" } })).toMatchObject({
      text: "x",
    });
    expect(
      event("content_block_delta", { type: "content_block_delta", delta: { type: "input_json_delta", partial_json: "{" } }),
    ).toBeNull();
    expect(
      event("message_delta", { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 12 } }),
    ).toMatchObject({ finishReason: "stop", outputTokens: 12 });
    expect(event("message_stop", { type: "message_stop" })).toMatchObject({ done: true });
    expect(event("ping", { type: "ping" })).toBeNull();
    expect(event("error", { type: "error", error: { type: "overloaded_error" } })).toBeNull();
  });

  test("Gemini partial answers", () => {
    const adapter = adapterFor("google")!;
    expect(
      adapter.streamEvent({
        event: "message",
        data: JSON.stringify({
          candidates: [{ content: { parts: [{ text: "a" }] }, finishReason: "STOP" }],
          usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 3 },
        }),
      }),
    ).toMatchObject({ text: "a", finishReason: "stop", inputTokens: 2, outputTokens: 3 });
  });
});
