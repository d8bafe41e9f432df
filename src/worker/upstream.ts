// The proxy's one impure step at a provider: send an adapter's request to the provider's base URL
// with a deadline, and classify what came back. Everything about the wire format is the
// adapter's (src/providers); everything about money is the ledger's. A key only ever travels in
// the request's headers: no error, log line or answer built here mentions it.

import type { AttemptReport, AttemptStatus } from "../decision/execution-step.ts";
import type { ChatAnswer, ChatRequest } from "../providers/chat.ts";
import type { ProviderTarget } from "./proxy-providers.ts";

/** An upstream answer worth using: a parsed answer (non-streaming) or an open stream. */
export type Answered =
  { readonly kind: "answer"; readonly answer: ChatAnswer } | { readonly kind: "stream"; readonly body: ReadableStream<Uint8Array> };

export interface AttemptResult {
  /** The attempt's report without usage (the caller knows it only once the answer is read). */
  readonly report: Omit<AttemptReport, "usage" | "finishReason">;
  readonly answered: Answered | null;
}

/** Bytes of an upstream error body read (and dropped): enough to free the connection, never more. */
const ERROR_BODY_BYTES_MAX = 65_536;

function statusOf(httpStatus: number): AttemptStatus {
  if (httpStatus === 429) return "rate_limited";
  if (httpStatus >= 500) return "upstream_error";
  return "refused";
}

/**
 * One attempt: the request, with an AbortSignal that fires after `timeoutMs` (for a non-streaming
 * call the deadline covers the body too; for a stream only the headers, the stream then has its
 * own idle deadline). A 2xx whose body is not the format's answer counts as an upstream error.
 */
export async function attempt(
  target: ProviderTarget,
  option: string,
  call: { readonly chat: ChatRequest; readonly stream: boolean; readonly timeoutMs: number },
): Promise<AttemptResult> {
  const request = target.adapter.request(call.chat, option, call.stream, target.apiKey);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), call.timeoutMs);
  const startedMs = Date.now();
  const base = { option, provider: target.provider };
  const ended = (status: AttemptStatus, httpStatus: number | null, answered: Answered | null): AttemptResult => ({
    report: { ...base, status, httpStatus, latencyMs: Date.now() - startedMs },
    answered,
  });
  const failed = (status: AttemptStatus, httpStatus: number | null): AttemptResult => ended(status, httpStatus, null);
  try {
    const response = await fetch(`${target.baseUrl}${request.path}`, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      signal: controller.signal,
    });
    if (response.status < 200 || response.status > 299) {
      await drain(response);
      return failed(statusOf(response.status), response.status);
    }
    if (call.stream) {
      if (response.body === null) return failed("upstream_error", response.status);
      return ended("ok", response.status, { kind: "stream", body: response.body });
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      return failed(controller.signal.aborted ? "timeout" : "upstream_error", response.status);
    }
    const answer = target.adapter.answer(json);
    if (answer === null) return failed("upstream_error", response.status);
    return ended("ok", response.status, { kind: "answer", answer });
  } catch {
    return failed(controller.signal.aborted ? "timeout" : "network_error", null);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads and drops a bounded error body, so the connection can be reused; never throws. */
async function drain(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (reader === undefined) return;
  try {
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      bytes += value.byteLength;
      if (bytes > ERROR_BODY_BYTES_MAX) break;
    }
    await reader.cancel();
  } catch {
    // The attempt already failed; a broken error body changes nothing.
  }
}
