// A provider's stream, re-served as OpenAI's chat.completion.chunk events: the adapter turns each
// upstream Server-Sent Event into text, a finish reason and usage counts; this shell writes the
// chunks, the usage chunk (stream_options.include_usage) and [DONE]. A stream that ends without a
// finish reason, breaks, stalls past the idle deadline or is cancelled by the client is "cut": it
// ends with an error event, and onEnd settles what was used (src/decision/execution-step.ts usageOf).

import { usageOf } from "../decision/execution-step.ts";
import type { FinishReason, ProviderAdapter, Usage } from "../providers/chat.ts";
import { chunkBody, streamErrorBody, usageChunkBody, type CompletionMeta } from "../providers/openai-format.ts";
import { SseDecoder, sseData } from "../providers/sse.ts";

export interface StreamEnd {
  readonly status: "ok" | "cut";
  readonly usage: Usage;
  readonly finishReason: FinishReason | null;
}

export interface StreamOptions {
  readonly meta: CompletionMeta;
  readonly adapter: ProviderAdapter;
  readonly provider: string;
  readonly includeUsage: boolean;
  /** Longest wait for the next upstream bytes. */
  readonly idleTimeoutMs: number;
  readonly estimatedInputTokens: number;
  /** Called exactly once, when the stream ends in any way. */
  readonly onEnd: (end: StreamEnd) => void;
}

const IDLE = Symbol("idle");

/** The next upstream read, or IDLE when none arrives within the deadline. */
async function readWithin<T>(
  reader: ReadableStreamDefaultReader<T>,
  timeoutMs: number,
): Promise<ReadableStreamReadResult<T> | typeof IDLE> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const idle = new Promise<typeof IDLE>((resolve) => (timer = setTimeout(() => resolve(IDLE), timeoutMs)));
  try {
    return await Promise.race([reader.read(), idle]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

export function proxyStream(upstream: ReadableStream<Uint8Array>, options: StreamOptions): ReadableStream<Uint8Array> {
  const reader = upstream.getReader();
  const encoder = new TextEncoder();
  const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
  const sse = new SseDecoder();
  const reported: { inputTokens: number | null; outputTokens: number | null } = { inputTokens: null, outputTokens: null };
  let streamedChars = 0;
  let finishReason: FinishReason | null = null;
  let ended = false;
  const { meta } = options;

  const end = (status: "ok" | "cut"): Usage => {
    const usage = usageOf(reported, options.estimatedInputTokens, streamedChars, status === "ok");
    if (!ended) {
      ended = true;
      options.onEnd({ status, usage, finishReason });
    }
    return usage;
  };

  /** The chunks of one upstream read; usage counts only ever grow (providers repeat them). */
  const translate = (bytes: Uint8Array): string => {
    let out = "";
    for (const event of sse.push(decoder.decode(bytes, { stream: true }))) {
      const piece = options.adapter.streamEvent(event);
      if (piece === null) continue;
      if (piece.inputTokens !== null) reported.inputTokens = Math.max(reported.inputTokens ?? 0, piece.inputTokens);
      if (piece.outputTokens !== null) reported.outputTokens = Math.max(reported.outputTokens ?? 0, piece.outputTokens);
      if (piece.text !== "") {
        streamedChars += piece.text.length;
        out += sseData(JSON.stringify(chunkBody(meta, { content: piece.text }, null)));
      }
      if (piece.finishReason !== null) finishReason = piece.finishReason;
    }
    return out;
  };

  const close = (controller: ReadableStreamDefaultController<Uint8Array>, status: "ok" | "cut", why: string): void => {
    const usage = end(status);
    let out = "";
    if (status === "ok") {
      out += sseData(JSON.stringify(chunkBody(meta, {}, finishReason)));
      if (options.includeUsage) out += sseData(JSON.stringify(usageChunkBody(meta, usage)));
      out += sseData("[DONE]");
    } else {
      out += sseData(JSON.stringify(streamErrorBody(why, options.provider)));
    }
    controller.enqueue(encoder.encode(out));
    controller.close();
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      // The role chunk first, as OpenAI sends it: the client sees the stream open at once.
      controller.enqueue(encoder.encode(sseData(JSON.stringify(chunkBody(meta, { role: "assistant", content: "" }, null)))));
    },
    // Reads until it has something to send: workerd does not call pull again after a pull that
    // enqueued nothing, and many upstream events (pings, usage, a bare finish) carry no text.
    async pull(controller) {
      for (;;) {
        let read: ReadableStreamReadResult<Uint8Array> | typeof IDLE;
        try {
          read = await readWithin(reader, options.idleTimeoutMs);
        } catch {
          close(controller, "cut", `${options.provider} broke off the stream`);
          return;
        }
        if (read === IDLE) {
          void reader.cancel().catch(() => undefined);
          close(controller, "cut", `${options.provider} sent nothing for ${options.idleTimeoutMs} ms`);
          return;
        }
        if (read.done) {
          close(controller, finishReason !== null ? "ok" : "cut", `${options.provider} ended the stream before its answer was finished`);
          return;
        }
        let out: string;
        try {
          out = translate(read.value);
        } catch {
          void reader.cancel().catch(() => undefined);
          close(controller, "cut", `${options.provider} sent a malformed stream`);
          return;
        }
        if (out !== "") {
          controller.enqueue(encoder.encode(out));
          return;
        }
      }
    },
    async cancel() {
      // The client went away: stop the provider, and settle what it has produced so far.
      end("cut");
      await reader.cancel().catch(() => undefined);
    },
  });
}
