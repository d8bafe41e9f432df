// Google's Gemini API (generateContent) as a provider wire format: assistant turns are "model"
// turns, system messages become systemInstruction, limits go to generationConfig; streams use
// streamGenerateContent with alt=sse, whose every event is a partial answer. Thinking tokens are
// billed as output, so they count as output here. Pure.

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

function finishReasonOf(value: unknown): FinishReason | null {
  if (value === "MAX_TOKENS") return "length";
  if (value === "SAFETY" || value === "RECITATION" || value === "BLOCKLIST" || value === "PROHIBITED_CONTENT" || value === "SPII") {
    return "content_filter";
  }
  return typeof value === "string" && value !== "FINISH_REASON_UNSPECIFIED" ? "stop" : null;
}

function requestBody(chat: ChatRequest): Record<string, unknown> {
  const system = chat.messages.filter((message) => message.role === "system").map((message) => ({ text: message.content }));
  const generationConfig: Record<string, unknown> = { maxOutputTokens: chat.maxOutputTokens };
  if (chat.temperature !== null) generationConfig.temperature = chat.temperature;
  if (chat.topP !== null) generationConfig.topP = chat.topP;
  if (chat.stop.length > 0) generationConfig.stopSequences = chat.stop;
  const body: Record<string, unknown> = {
    contents: chat.messages
      .filter((message) => message.role !== "system")
      .map((message) => ({ role: message.role === "assistant" ? "model" : "user", parts: [{ text: message.content }] })),
    generationConfig,
  };
  if (system.length > 0) body.systemInstruction = { parts: system };
  return body;
}

interface Partial {
  readonly text: string;
  readonly finishReason: FinishReason | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
}

function partialOf(body: unknown): Partial | null {
  if (!isRecord(body)) return null;
  const candidate: unknown = Array.isArray(body.candidates) ? body.candidates[0] : undefined;
  let text = "";
  const content = isRecord(candidate) && isRecord(candidate.content) ? candidate.content : null;
  if (content !== null && Array.isArray(content.parts)) {
    // Thought summaries are not the answer.
    for (const part of content.parts) if (isRecord(part) && typeof part.text === "string" && part.thought !== true) text += part.text;
  }
  const usage = isRecord(body.usageMetadata) ? body.usageMetadata : null;
  const candidates = count(usage?.candidatesTokenCount);
  const thoughts = count(usage?.thoughtsTokenCount) ?? 0;
  return {
    text,
    finishReason: isRecord(candidate) ? finishReasonOf(candidate.finishReason) : null,
    inputTokens: count(usage?.promptTokenCount),
    outputTokens: candidates === null ? null : candidates + thoughts,
  };
}

function answerOf(body: unknown): ChatAnswer | null {
  if (!isRecord(body) || !Array.isArray(body.candidates)) return null;
  const partial = partialOf(body);
  if (partial === null) return null;
  return {
    content: partial.text,
    finishReason: partial.finishReason ?? "stop",
    usage: reportedUsage(partial.inputTokens, partial.outputTokens),
  };
}

function streamPieceOf(data: string): StreamPiece | null {
  const partial = partialOf(parsedOrNull(data));
  return partial === null ? null : { ...EMPTY_PIECE, ...partial };
}

export const GEMINI: ProviderAdapter = {
  wire: "gemini",
  request: (chat, model, stream, apiKey) => ({
    path: `/models/${encodeURIComponent(model)}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`,
    headers: { "x-goog-api-key": apiKey, "content-type": "application/json" },
    body: JSON.stringify(requestBody(chat)),
  }),
  answer: answerOf,
  streamEvent: (event) => streamPieceOf(event.data),
};
