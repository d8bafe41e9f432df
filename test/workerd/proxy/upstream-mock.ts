// A mock of every provider's API for the proxy's tests, in this isolate: global fetch is replaced,
// every call is recorded (URL, headers, parsed body) and answered by the test's reply function.
// Answers are written here by hand in each provider's documented wire format (OpenAI Chat
// Completions, Anthropic Messages, Gemini generateContent), independently of src/providers, so
// that the adapters are checked against the formats, not against themselves. A call to any host
// outside *.upstream.test fails the test: nothing can ever reach a real provider.

import { vi } from "vitest";

export type Wire = "openai" | "anthropic" | "gemini";

export function wireOf(provider: string): Wire {
  return provider === "anthropic" ? "anthropic" : provider === "google" ? "gemini" : "openai";
}

export interface UpstreamCall {
  readonly provider: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
  /** The model the call asked for (body.model, or the Gemini path's model). */
  readonly model: string;
  readonly stream: boolean;
  readonly signal: AbortSignal | null;
}

export type Reply = (call: UpstreamCall) => Response | Promise<Response>;

export interface UpstreamMock {
  readonly calls: UpstreamCall[];
  /** Calls that were not to *.upstream.test (each also failed). */
  readonly escaped: string[];
  restore(): void;
}

export function installUpstream(reply: Reply): UpstreamMock {
  const calls: UpstreamCall[] = [];
  const escaped: string[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (!url.hostname.endsWith(".upstream.test")) {
      escaped.push(request.url);
      throw new Error(`unmocked fetch to ${url.origin}`);
    }
    const provider = url.hostname.split(".")[0]!;
    const body = (await request.json()) as Record<string, unknown>;
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    const gemini = /\/models\/([^/:]+):(generateContent|streamGenerateContent)/.exec(url.pathname);
    const call: UpstreamCall = {
      provider,
      url: request.url,
      headers,
      body,
      model: gemini !== null ? decodeURIComponent(gemini[1]!) : String(body.model),
      stream: gemini !== null ? gemini[2] === "streamGenerateContent" : body.stream === true,
      signal: init?.signal ?? null,
    };
    calls.push(call);
    return reply(call);
  });
  return { calls, escaped, restore: () => spy.mockRestore() };
}

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** A complete non-streaming answer in the call's wire format. */
export function answerFor(call: UpstreamCall, text: string, usage: Usage): Response {
  switch (wireOf(call.provider)) {
    case "openai":
      return Response.json({
        id: "chatcmpl-upstream",
        object: "chat.completion",
        created: 1_700_000_000,
        model: call.model,
        choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop", logprobs: null }],
        usage: {
          prompt_tokens: usage.inputTokens,
          completion_tokens: usage.outputTokens,
          total_tokens: usage.inputTokens + usage.outputTokens,
        },
      });
    case "anthropic":
      return Response.json({
        id: "msg_upstream",
        type: "message",
        role: "assistant",
        model: call.model,
        content: [{ type: "text", text }],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens },
      });
    case "gemini":
      return Response.json({
        candidates: [{ content: { role: "model", parts: [{ text }] }, finishReason: "STOP", index: 0 }],
        usageMetadata: {
          promptTokenCount: usage.inputTokens,
          candidatesTokenCount: usage.outputTokens,
          totalTokenCount: usage.inputTokens + usage.outputTokens,
        },
        modelVersion: call.model,
      });
  }
}

/** The SSE events of a streamed answer of `pieces`, complete (with usage) or cut after `cutAfter` pieces. */
export function streamEvents(call: UpstreamCall, pieces: readonly string[], usage: Usage, cutAfter: number | null = null): string[] {
  const kept = cutAfter === null ? pieces : pieces.slice(0, cutAfter);
  const complete = cutAfter === null;
  const data = (value: unknown): string => `data: ${JSON.stringify(value)}\n\n`;
  switch (wireOf(call.provider)) {
    case "openai": {
      const chunk = (delta: Record<string, unknown>, finish: string | null) =>
        data({
          id: "c",
          object: "chat.completion.chunk",
          created: 1,
          model: call.model,
          choices: [{ index: 0, delta, finish_reason: finish }],
        });
      const events = [chunk({ role: "assistant", content: "" }, null), ...kept.map((text) => chunk({ content: text }, null))];
      if (complete) {
        events.push(chunk({}, "stop"));
        events.push(
          data({
            id: "c",
            object: "chat.completion.chunk",
            created: 1,
            model: call.model,
            choices: [],
            usage: {
              prompt_tokens: usage.inputTokens,
              completion_tokens: usage.outputTokens,
              total_tokens: usage.inputTokens + usage.outputTokens,
            },
          }),
        );
        events.push("data: [DONE]\n\n");
      }
      return events;
    }
    case "anthropic": {
      const event = (type: string, value: Record<string, unknown>) => `event: ${type}\n${data({ type, ...value })}`;
      const events = [
        event("message_start", {
          message: {
            id: "msg",
            type: "message",
            role: "assistant",
            content: [],
            model: call.model,
            usage: { input_tokens: usage.inputTokens, output_tokens: 1 },
          },
        }),
        event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
        'event: ping\ndata: {"type": "ping"}\n\n',
        ...kept.map((text) => event("content_block_delta", { index: 0, delta: { type: "text_delta", text } })),
      ];
      if (complete) {
        events.push(event("content_block_stop", { index: 0 }));
        events.push(
          event("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: usage.outputTokens } }),
        );
        events.push(event("message_stop", {}));
      }
      return events;
    }
    case "gemini": {
      const events = kept.map((text, index) =>
        data({
          candidates: [
            {
              content: { role: "model", parts: [{ text }] },
              index: 0,
              ...(complete && index === kept.length - 1 ? { finishReason: "STOP" } : {}),
            },
          ],
          usageMetadata: {
            promptTokenCount: usage.inputTokens,
            ...(complete && index === kept.length - 1 ? { candidatesTokenCount: usage.outputTokens } : {}),
          },
        }),
      );
      return events;
    }
  }
}

/** A streaming Response of these events; a cut stream errors after its last event (the connection broke). */
export function streamResponse(events: readonly string[], options: { readonly breakAtEnd?: boolean } = {}): Response {
  const encoder = new TextEncoder();
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index < events.length) {
        controller.enqueue(encoder.encode(events[index++]!));
        return;
      }
      if (options.breakAtEnd === true) controller.error(new Error("connection reset"));
      else controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
}

/**
 * A streaming Response that sends these events, then holds the stream open (a stalled provider)
 * until the reader cancels it, which `onCancel` reports.
 */
export function heldOpenStream(events: readonly string[], onCancel: () => void): Response {
  const encoder = new TextEncoder();
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller): Promise<void> | void {
      if (index < events.length) {
        controller.enqueue(encoder.encode(events[index++]!));
        return;
      }
      return new Promise<void>(() => undefined);
    },
    cancel() {
      onCancel();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

/** A provider answering an error status, in OpenAI's error shape (every provider's body is dropped anyway). */
export function errorResponse(status: number): Response {
  return Response.json({ error: { message: `upstream says ${status}`, type: "error" } }, { status });
}

/** A provider that never answers until the request is aborted (the proxy's deadline). */
export function hang(call: UpstreamCall): Promise<Response> {
  return new Promise((_resolve, reject) => {
    const signal = call.signal;
    if (signal === null) return;
    if (signal.aborted) reject(new DOMException("aborted", "AbortError"));
    signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
  });
}
