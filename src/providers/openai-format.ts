// The proxy's answers in OpenAI's Chat Completions format: a chat.completion object, the
// chat.completion.chunk objects of a stream, its final usage chunk and the error event that ends
// a cut stream (the official SDKs raise it as an APIError). Pure: ids and clocks come in.

import type { ChatAnswer, FinishReason, Usage } from "./chat.ts";

export interface CompletionMeta {
  /** chatcmpl-<decision id>: one completion per decision. */
  readonly id: string;
  /** Unix seconds. */
  readonly created: number;
  /** The provider's model that answered. */
  readonly model: string;
}

function usageBody(usage: Usage): Record<string, number> {
  return { prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens };
}

export function completionBody(meta: CompletionMeta, answer: ChatAnswer, usage: Usage): Record<string, unknown> {
  return {
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: answer.content, refusal: null },
        logprobs: null,
        finish_reason: answer.finishReason,
      },
    ],
    usage: usageBody(usage),
  };
}

/** One chunk; the first of a stream carries the role, the last the finish reason. */
export function chunkBody(
  meta: CompletionMeta,
  delta: { readonly role?: "assistant"; readonly content?: string },
  finishReason: FinishReason | null,
): Record<string, unknown> {
  return {
    id: meta.id,
    object: "chat.completion.chunk",
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

/** The chunk that stream_options.include_usage asks for: no choices, the usage. */
export function usageChunkBody(meta: CompletionMeta, usage: Usage): Record<string, unknown> {
  return { id: meta.id, object: "chat.completion.chunk", created: meta.created, model: meta.model, choices: [], usage: usageBody(usage) };
}

/** The event that ends a stream the provider cut: OpenAI's error shape, so SDKs raise it. */
export function streamErrorBody(message: string, provider: string): Record<string, unknown> {
  return { error: { message, type: "provider_error", code: "stream_cut", param: null, provider } };
}
