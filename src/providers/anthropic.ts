// Anthropic's Messages API as a provider wire format: system messages go to the top-level
// `system`, stop sequences to `stop_sequences`, temperature is capped at Anthropic's maximum of 1;
// answers and stream events (message_start, content_block_delta, message_delta, message_stop)
// come back as the neutral shapes of chat.ts. Pure.

import {
  count,
  EMPTY_PIECE,
  isRecord,
  parsedOrNull,
  reportedUsage,
  type ChatAnswer,
  type ChatRequest,
  type FinishReason,
  type ProviderAdapter,
  type StreamPiece,
} from "./chat.ts";

/** The API version every request names (Anthropic requires the header). */
const ANTHROPIC_VERSION = "2023-06-01";
const TEMPERATURE_MAX = 1;

function finishReasonOf(value: unknown): FinishReason | null {
  if (value === "max_tokens") return "length";
  if (value === "refusal") return "content_filter";
  return typeof value === "string" ? "stop" : null;
}

function requestBody(chat: ChatRequest, model: string, stream: boolean): Record<string, unknown> {
  const system = chat.messages.filter((message) => message.role === "system").map((message) => message.content);
  const body: Record<string, unknown> = {
    model,
    max_tokens: chat.maxOutputTokens,
    messages: chat.messages
      .filter((message) => message.role !== "system")
      .map((message) => ({ role: message.role, content: message.content })),
  };
  if (system.length > 0) body.system = system.join("\n\n");
  if (chat.temperature !== null) body.temperature = Math.min(chat.temperature, TEMPERATURE_MAX);
  if (chat.topP !== null) body.top_p = chat.topP;
  if (chat.stop.length > 0) body.stop_sequences = chat.stop;
  if (stream) body.stream = true;
  return body;
}

function answerOf(body: unknown): ChatAnswer | null {
  if (!isRecord(body) || !Array.isArray(body.content)) return null;
  let content = "";
  for (const block of body.content) if (isRecord(block) && block.type === "text" && typeof block.text === "string") content += block.text;
  const usage = isRecord(body.usage) ? body.usage : null;
  return {
    content,
    finishReason: finishReasonOf(body.stop_reason) ?? "stop",
    usage: reportedUsage(count(usage?.input_tokens), count(usage?.output_tokens)),
  };
}

function streamPieceOf(type: string, data: string): StreamPiece | null {
  const event = parsedOrNull(data);
  if (!isRecord(event)) return null;
  switch (type === "message" && typeof event.type === "string" ? event.type : type) {
    case "message_start": {
      const usage = isRecord(event.message) && isRecord(event.message.usage) ? event.message.usage : null;
      return { ...EMPTY_PIECE, inputTokens: count(usage?.input_tokens), outputTokens: count(usage?.output_tokens) };
    }
    case "content_block_delta": {
      const delta = isRecord(event.delta) ? event.delta : null;
      return delta?.type === "text_delta" && typeof delta.text === "string" ? { ...EMPTY_PIECE, text: delta.text } : null;
    }
    case "message_delta": {
      const usage = isRecord(event.usage) ? event.usage : null;
      const delta = isRecord(event.delta) ? event.delta : null;
      return { ...EMPTY_PIECE, finishReason: finishReasonOf(delta?.stop_reason), outputTokens: count(usage?.output_tokens) };
    }
    case "message_stop":
      return { ...EMPTY_PIECE, done: true };
    default:
      // ping, content_block_start/stop; an `error` event ends nothing here: the stream then stops
      // without message_stop, which the shell settles as a cut stream.
      return null;
  }
}

export const ANTHROPIC: ProviderAdapter = {
  wire: "anthropic",
  request: (chat, model, stream, apiKey) => ({
    path: "/messages",
    headers: { "x-api-key": apiKey, "anthropic-version": ANTHROPIC_VERSION, "content-type": "application/json" },
    body: JSON.stringify(requestBody(chat, model, stream)),
  }),
  answer: answerOf,
  streamEvent: (event) => streamPieceOf(event.event, event.data),
};
