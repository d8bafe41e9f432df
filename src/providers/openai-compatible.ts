// OpenAI Chat Completions as a provider wire format: OpenAI itself and the OpenAI-compatible
// hosts of DeepSeek, Mistral and Meta's open models (Together AI). The request names the host's
// model; streams ask for usage in their last chunk (stream_options.include_usage). Pure.

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

/** OpenAI's own API counts output with max_completion_tokens (max_tokens is refused by its reasoning models). */
type MaxTokensField = "max_tokens" | "max_completion_tokens";

function finishReasonOf(value: unknown): FinishReason | null {
  if (value === "stop" || value === "length" || value === "content_filter") return value;
  // Tool calls are refused before any call, so any other reason the host adds ends the text normally.
  return typeof value === "string" ? "stop" : null;
}

function requestBody(chat: ChatRequest, model: string, stream: boolean, maxTokensField: MaxTokensField): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model,
    messages: chat.messages.map((message) => ({ role: message.role, content: message.content })),
    [maxTokensField]: chat.maxOutputTokens,
  };
  if (chat.temperature !== null) body.temperature = chat.temperature;
  if (chat.topP !== null) body.top_p = chat.topP;
  if (chat.stop.length > 0) body.stop = chat.stop;
  if (stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}

function answerOf(body: unknown): ChatAnswer | null {
  if (!isRecord(body) || !Array.isArray(body.choices)) return null;
  const choice: unknown = body.choices[0];
  if (!isRecord(choice) || !isRecord(choice.message)) return null;
  const content = choice.message.content;
  if (typeof content !== "string" && content !== null) return null;
  const usage = isRecord(body.usage) ? body.usage : null;
  return {
    content: content ?? "",
    finishReason: finishReasonOf(choice.finish_reason) ?? "stop",
    usage: reportedUsage(count(usage?.prompt_tokens), count(usage?.completion_tokens)),
  };
}

function streamPieceOf(data: string): StreamPiece | null {
  if (data === "[DONE]") return { ...EMPTY_PIECE, done: true };
  const chunk = parsedOrNull(data);
  if (!isRecord(chunk)) return null;
  const choice: unknown = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
  const delta = isRecord(choice) && isRecord(choice.delta) ? choice.delta : null;
  const usage = isRecord(chunk.usage) ? chunk.usage : null;
  return {
    text: typeof delta?.content === "string" ? delta.content : "",
    finishReason: isRecord(choice) ? finishReasonOf(choice.finish_reason) : null,
    inputTokens: count(usage?.prompt_tokens),
    outputTokens: count(usage?.completion_tokens),
    done: false,
  };
}

export function openAiCompatible(maxTokensField: MaxTokensField): ProviderAdapter {
  return {
    wire: "openai",
    request: (chat, model, stream, apiKey) => ({
      path: "/chat/completions",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify(requestBody(chat, model, stream, maxTokensField)),
    }),
    answer: answerOf,
    streamEvent: (event) => streamPieceOf(event.data),
  };
}
