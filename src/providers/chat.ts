// The proxy's provider-neutral shapes: one chat request as every adapter takes it, one answer and
// one stream piece as every adapter gives it back, and the request an adapter asks the shell to
// send, and the checks every adapter shares. Nothing here knows a wire format, a key store or the
// network.

export type ChatRole = "system" | "user" | "assistant";

export interface ChatMessage {
  readonly role: ChatRole;
  readonly content: string;
}

/** What the client asked for, in the subset the proxy supports (src/worker/schemas.ts). */
export interface ChatRequest {
  readonly messages: readonly ChatMessage[];
  /** Always bounded: the client's max_tokens, or the pack's stated default (src/domain/llm/pack.ts). */
  readonly maxOutputTokens: number;
  readonly temperature: number | null;
  readonly topP: number | null;
  readonly stop: readonly string[];
}

/** OpenAI's finish reasons that a translated answer can carry. */
export type FinishReason = "stop" | "length" | "content_filter";

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export interface ChatAnswer {
  readonly content: string;
  readonly finishReason: FinishReason;
  /** Null when the provider reported none: the shell then estimates it (src/decision/usage-cost.ts). */
  readonly usage: Usage | null;
}

/**
 * What one upstream stream event adds: text, perhaps a finish reason, and the usage counts it
 * reports so far (providers report them at different moments; the shell keeps the largest seen).
 * `done` marks the provider's own end of stream.
 */
export interface StreamPiece {
  readonly text: string;
  readonly finishReason: FinishReason | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly done: boolean;
}

/** An HTTP request to a provider, relative to its configured base URL. */
export interface UpstreamRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** One Server-Sent Event (WHATWG HTML, 9.2): its type ("message" unless named) and its data. */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

/** A provider's wire format: pure translators, so the shell only sends and receives bytes. */
export interface ProviderAdapter {
  /** The wire format's name, for records and problems. */
  readonly wire: "openai" | "anthropic" | "gemini";
  request(chat: ChatRequest, model: string, stream: boolean, apiKey: string): UpstreamRequest;
  /** The answer of a non-streaming call, or null when its body is not the format's answer. */
  answer(body: unknown): ChatAnswer | null;
  /** One event of a streaming call; null for events that carry nothing (pings, unknown types). */
  streamEvent(event: SseEvent): StreamPiece | null;
}

export const EMPTY_PIECE: StreamPiece = { text: "", finishReason: null, inputTokens: null, outputTokens: null, done: false };

/** A non-negative safe integer or null: usage counts from a provider are checked, never trusted. */
export function count(value: unknown): number | null {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** An answer's usage: both counts, or null when either is missing. */
export function reportedUsage(inputTokens: number | null, outputTokens: number | null): Usage | null {
  return inputTokens === null || outputTokens === null ? null : { inputTokens, outputTokens };
}

/** A stream event's JSON, or null when it is not JSON (such an event carries nothing). */
export function parsedOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
