// A typed client of the Calybris HTTP API for other TypeScript programs: decide, report an
// outcome (signed as a Standard Webhooks request with the tenant's webhook secret, by the
// ledger's own signer), send quality feedback on a proxied decision, and read the evaluation.
// Request and answer types are inferred from the zod schemas the worker validates with, so the
// client cannot drift from the API. Answers are result unions; only the network itself throws.

import type { z } from "zod";
import { signWebhook } from "../ledger/webhook-signature.ts";
import type { ChatCompletionResponse, EvaluationResponse } from "../worker/openapi.ts";
import type { DecideRequest, DecideResponse, FeedbackRequest, OutcomeRequest, OutcomeResponse, Problem } from "../worker/schemas.ts";

export type DecideInput = z.input<typeof DecideRequest>;
export type Decision = z.infer<typeof DecideResponse>;
export type OutcomeInput = z.input<typeof OutcomeRequest>;
export type FeedbackInput = z.input<typeof FeedbackRequest>;
export type Outcome = z.infer<typeof OutcomeResponse>;
export type ProblemDetails = z.infer<typeof Problem> & { readonly [extension: string]: unknown };
export type { ChatCompletionResponse, EvaluationResponse };

/** An answer: the parsed body on success, the RFC 9457 problem otherwise (never a thrown HTTP error). */
export type Result<T> =
  | { readonly ok: true; readonly status: number; readonly value: T; readonly headers: Headers }
  | { readonly ok: false; readonly status: number; readonly problem: ProblemDetails; readonly headers: Headers };

export interface ClientOptions {
  /** The deployment's origin, e.g. https://calybris.example.com (no trailing /v1). */
  readonly baseUrl: string;
  /** The tenant's API key, cal_live_<tenant id>_<secret>. */
  readonly apiKey: string;
  /** The tenant's webhook secret (whsec_...), needed only by reportOutcome. */
  readonly webhookSecret?: string;
  /** A fetch to use instead of the global one (tests, proxies, a Worker's service binding). */
  readonly fetch?: typeof fetch;
  /** Unix milliseconds; the webhook timestamp is taken from it. */
  readonly nowMs?: () => number;
}

const PROBLEM_FALLBACK = (status: number, text: string): ProblemDetails => ({
  type: "about:blank",
  title: "The answer was not a problem document",
  status,
  detail: text.slice(0, 200),
  instance: "",
  code: "unexpected_answer",
});

export class CalybrisClient {
  private readonly options: ClientOptions;
  private readonly origin: string;
  private readonly send: typeof fetch;

  constructor(options: ClientOptions) {
    this.options = options;
    if (!/^https?:\/\/[^/]+/.test(options.baseUrl))
      throw new TypeError(`"baseUrl" expected an http(s) origin, got ${JSON.stringify(options.baseUrl)}`);
    this.origin = options.baseUrl.replace(/\/+$/, "");
    this.send = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** POST /v1/decide. A retry with the same idempotencyKey answers the same decision, reserved once. */
  decide(body: DecideInput, options: { readonly idempotencyKey?: string } = {}): Promise<Result<Decision>> {
    const headers: Record<string, string> = options.idempotencyKey === undefined ? {} : { "idempotency-key": options.idempotencyKey };
    return this.request<Decision>("POST", "/v1/decide", JSON.stringify(body), headers);
  }

  /**
   * POST /v1/outcomes, signed: webhook-id (yours, or a fresh one; reuse it to retry safely),
   * webhook-timestamp now, webhook-signature over exactly the bytes sent.
   */
  reportOutcome(body: OutcomeInput, options: { readonly webhookId?: string } = {}): Promise<Result<Outcome>> {
    const secret = this.options.webhookSecret;
    if (secret === undefined) throw new TypeError('reportOutcome needs the client option "webhookSecret"');
    const text = JSON.stringify(body);
    const webhookId = options.webhookId ?? `msg_${crypto.randomUUID()}`;
    const timestamp = Math.floor((this.options.nowMs?.() ?? Date.now()) / 1000);
    return this.request<Outcome>("POST", "/v1/outcomes", text, {
      "webhook-id": webhookId,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signWebhook(secret, webhookId, timestamp, text),
    });
  }

  /** POST /v1/feedback: quality of an answer the proxy served, named by its Calybris-Decision fingerprint. */
  feedback(body: FeedbackInput): Promise<Result<Outcome>> {
    return this.request<Outcome>("POST", "/v1/feedback", JSON.stringify(body), {});
  }

  /** GET /v1/evaluation, optionally for one regime and from a UTC day (2026-12-07) on. */
  evaluation(query: { readonly regime?: string; readonly since?: string } = {}): Promise<Result<EvaluationResponse>> {
    const params = new URLSearchParams();
    if (query.regime !== undefined) params.set("regime", query.regime);
    if (query.since !== undefined) params.set("since", query.since);
    const search = params.size === 0 ? "" : `?${params.toString()}`;
    return this.request<EvaluationResponse>("GET", `/v1/evaluation${search}`, null, {});
  }

  private async request<T>(method: string, path: string, body: string | null, headers: Record<string, string>): Promise<Result<T>> {
    const response = await this.send(`${this.origin}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.options.apiKey}`,
        ...(body === null ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === null ? {} : { body }),
    });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    if (response.ok && parsed !== null) return { ok: true, status: response.status, value: parsed as T, headers: response.headers };
    const problem =
      typeof parsed === "object" && parsed !== null && "code" in parsed
        ? (parsed as ProblemDetails)
        : PROBLEM_FALLBACK(response.status, text);
    return { ok: false, status: response.status, problem, headers: response.headers };
  }
}
