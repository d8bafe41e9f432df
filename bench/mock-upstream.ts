// A local mock of the providers for `npm run bench:proxy` and the OpenAI SDK test: one node:http
// server that answers at once, in each provider's wire format, under a path prefix per provider
// (/openai/v1, /anthropic/v1, /google/v1beta; DeepSeek, Mistral and Meta speak OpenAI's format
// under their own prefixes). It counts the calls it answers. Never a real provider: loopback only.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { PROVIDER_ENV } from "../src/worker/provider-env.ts";

export const PROVIDER_PREFIXES = {
  openai: "/openai/v1",
  anthropic: "/anthropic/v1",
  google: "/google/v1beta",
  deepseek: "/deepseek/v1",
  mistral: "/mistral/v1",
  meta: "/meta/v1",
} as const;

/** The base URL vars that point every provider at a mock listening on `origin`. */
export function baseUrlVars(origin: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(PROVIDER_PREFIXES).map(([provider, prefix]) => [
      PROVIDER_ENV[provider as keyof typeof PROVIDER_PREFIXES].baseUrl,
      `${origin}${prefix}`,
    ]),
  );
}

export interface MockUpstream {
  readonly origin: string;
  /** Calls answered, by provider prefix name. */
  readonly calls: Record<string, number>;
  /** The base URL vars that point every provider at this mock. */
  baseUrlVars(): Record<string, string>;
  close(): Promise<void>;
}

const TEXT = "Open Settings, choose Security, then Reset password.";
const WORDS = TEXT.split(/(?<= )/);
const USAGE = { input: 12, output: 11 };

function sse(response: ServerResponse, events: readonly string[]): void {
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  for (const event of events) response.write(event);
  response.end();
}

const data = (value: unknown): string => `data: ${JSON.stringify(value)}\n\n`;

function openAi(body: Record<string, unknown>, response: ServerResponse): void {
  const model = String(body.model);
  if (body.stream !== true) {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(
      JSON.stringify({
        id: "chatcmpl-mock",
        object: "chat.completion",
        created: 1,
        model,
        choices: [{ index: 0, message: { role: "assistant", content: TEXT }, finish_reason: "stop", logprobs: null }],
        usage: { prompt_tokens: USAGE.input, completion_tokens: USAGE.output, total_tokens: USAGE.input + USAGE.output },
      }),
    );
    return;
  }
  const chunk = (delta: unknown, finish: string | null) =>
    data({ id: "c", object: "chat.completion.chunk", created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] });
  sse(response, [
    chunk({ role: "assistant", content: "" }, null),
    ...WORDS.map((word) => chunk({ content: word }, null)),
    chunk({}, "stop"),
    data({
      id: "c",
      object: "chat.completion.chunk",
      created: 1,
      model,
      choices: [],
      usage: { prompt_tokens: USAGE.input, completion_tokens: USAGE.output, total_tokens: 23 },
    }),
    "data: [DONE]\n\n",
  ]);
}

function anthropic(body: Record<string, unknown>, response: ServerResponse): void {
  const model = String(body.model);
  if (body.stream !== true) {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(
      JSON.stringify({
        id: "msg_mock",
        type: "message",
        role: "assistant",
        model,
        content: [{ type: "text", text: TEXT }],
        stop_reason: "end_turn",
        usage: { input_tokens: USAGE.input, output_tokens: USAGE.output },
      }),
    );
    return;
  }
  const event = (type: string, value: Record<string, unknown>) => `event: ${type}\n${data({ type, ...value })}`;
  sse(response, [
    event("message_start", {
      message: { id: "m", type: "message", role: "assistant", content: [], model, usage: { input_tokens: USAGE.input, output_tokens: 1 } },
    }),
    event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
    ...WORDS.map((text) => event("content_block_delta", { index: 0, delta: { type: "text_delta", text } })),
    event("content_block_stop", { index: 0 }),
    event("message_delta", { delta: { stop_reason: "end_turn" }, usage: { output_tokens: USAGE.output } }),
    event("message_stop", {}),
  ]);
}

function gemini(stream: boolean, response: ServerResponse): void {
  const usageMetadata = { promptTokenCount: USAGE.input, candidatesTokenCount: USAGE.output, totalTokenCount: 23 };
  if (!stream) {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(
      JSON.stringify({
        candidates: [{ content: { role: "model", parts: [{ text: TEXT }] }, finishReason: "STOP", index: 0 }],
        usageMetadata,
      }),
    );
    return;
  }
  sse(
    response,
    WORDS.map((text, index) =>
      data({
        candidates: [
          { content: { role: "model", parts: [{ text }] }, index: 0, ...(index === WORDS.length - 1 ? { finishReason: "STOP" } : {}) },
        ],
        ...(index === WORDS.length - 1 ? { usageMetadata } : {}),
      }),
    ),
  );
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

export async function startMockUpstream(): Promise<MockUpstream> {
  const calls: Record<string, number> = {};
  const server: Server = createServer((request, response) => {
    void (async () => {
      const path = request.url ?? "/";
      const provider = Object.entries(PROVIDER_PREFIXES).find(([, prefix]) => path.startsWith(`${prefix}/`))?.[0];
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(await readBody(request)) as Record<string, unknown>;
      } catch {
        response.writeHead(400).end();
        return;
      }
      if (provider === undefined || request.method !== "POST") {
        response.writeHead(404).end();
        return;
      }
      calls[provider] = (calls[provider] ?? 0) + 1;
      if (provider === "anthropic") anthropic(body, response);
      else if (provider === "google") gemini(path.includes(":streamGenerateContent"), response);
      else openAi(body, response);
    })();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    calls,
    baseUrlVars: () => baseUrlVars(origin),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
