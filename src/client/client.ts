// A typed client of the decision API: decide, report an outcome (signed the Standard Webhooks way
// with the tenant's webhook secret), send quality feedback on a proxied answer, and read the
// evaluation. Bodies are checked with the zod
// schemas the worker itself validates with, before sending and on the answer, so a caller's type
// error is a thrown CalybrisClientError and never a round trip; answers that are problems are
// thrown as CalybrisProblemError carrying the problem. Runs wherever fetch and crypto do (Workers,
// Node >= 20, browsers).

import type { z } from "zod";
import type { EvaluationAnswerJson } from "../decision/evaluation-answer.ts";
import { signWebhook } from "../ledger/webhook-signature.ts";
import {
  BudgetResponse,
  DecideRequest,
  DecideResponse,
  FeedbackRequest,
  OutcomeRequest,
  OutcomeResponse,
  Problem,
} from "../worker/schemas.ts";
import { CalybrisClientError, CalybrisProblemError } from "./problem-error.ts";

export type DecideInput = z.input<typeof DecideRequest>;
export type Decision = z.infer<typeof DecideResponse>;
export type OutcomeInput = z.input<typeof OutcomeRequest>;
export type FeedbackInput = z.input<typeof FeedbackRequest>;
export type OutcomeReceipt = z.infer<typeof OutcomeResponse>;
export type Budget = z.infer<typeof BudgetResponse>;
export type Evaluation = EvaluationAnswerJson;

export interface ClientOptions {
  /** The deployment's origin, e.g. https://calybris.example.com (a trailing slash is fine). */
  readonly baseUrl: string;
  /** The tenant's API key (cal_live_…), sent as a Bearer token. */
  readonly apiKey: string;
  /** The tenant's webhook secret (whsec_…): needed only by reportOutcome. */
  readonly webhookSecret?: string;
  /** Another fetch (a service binding, a test's): the global one by default. */
  readonly fetch?: (request: Request) => Promise<Response>;
  /** Unix seconds for the webhook timestamp; the clock by default. */
  readonly nowSeconds?: () => number;
}

export interface EvaluationQuery {
  /** Only this regime's decisions. */
  readonly regime?: string;
  /** Only decisions from this UTC day on: a date (2026-12-07) or an RFC 3339 timestamp. */
  readonly since?: string;
}

export class CalybrisClient {
  readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly webhookSecret: string | undefined;
  private readonly send: (request: Request) => Promise<Response>;
  private readonly nowSeconds: () => number;

  constructor(options: ClientOptions) {
    let origin: URL;
    try {
      origin = new URL(options.baseUrl);
    } catch {
      throw new CalybrisClientError(`baseUrl ${JSON.stringify(options.baseUrl)} is not a URL`);
    }
    if (options.apiKey.length === 0) throw new CalybrisClientError("apiKey is empty");
    this.baseUrl = origin.href.replace(/\/+$/, "");
    this.apiKey = options.apiKey;
    this.webhookSecret = options.webhookSecret;
    this.send = options.fetch ?? ((request) => fetch(request));
    this.nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  }

  /** Asks which model should handle a request; the decision is sealed before it answers. */
  async decide(input: DecideInput): Promise<Decision> {
    const body = checked(DecideRequest, input, "decide");
    return this.answer(await this.call("POST", "/v1/decide", JSON.stringify(body)), DecideResponse, "decide");
  }

  /**
   * Reports what happened to a decision: settles its reservation and teaches the learner. Signed
   * with the webhook secret; `webhookId` makes a retry idempotent (a fresh one by default).
   */
  async reportOutcome(input: OutcomeInput, webhookId: string = `msg_${crypto.randomUUID()}`): Promise<OutcomeReceipt> {
    if (this.webhookSecret === undefined) throw new CalybrisClientError("reportOutcome needs the tenant's webhookSecret");
    const text = JSON.stringify(checked(OutcomeRequest, input, "reportOutcome"));
    const timestamp = this.nowSeconds();
    const signature = signWebhook(this.webhookSecret, webhookId, timestamp, text);
    const headers = { "webhook-id": webhookId, "webhook-timestamp": String(timestamp), "webhook-signature": signature };
    return this.answer(await this.call("POST", "/v1/outcomes", text, headers), OutcomeResponse, "reportOutcome");
  }

  /**
   * Quality of an answer proxy mode served and settled (POST /v1/feedback, API key only): names the
   * decision by its Calybris-Decision fingerprint (decisionFingerprint reads the header). It moves
   * no money; the learner learns it once.
   */
  async feedback(input: FeedbackInput): Promise<OutcomeReceipt> {
    const text = JSON.stringify(checked(FeedbackRequest, input, "feedback"));
    return this.answer(await this.call("POST", "/v1/feedback", text), OutcomeResponse, "feedback");
  }

  /** Off-policy estimates, regret with its interval, calibration and counts (GET /v1/evaluation). */
  async evaluation(query: EvaluationQuery = {}): Promise<Evaluation> {
    const params = new URLSearchParams();
    if (query.regime !== undefined) params.set("regime", query.regime);
    if (query.since !== undefined) params.set("since", query.since);
    const search = params.size === 0 ? "" : `?${params.toString()}`;
    const response = await this.call("GET", `/v1/evaluation${search}`);
    // The evaluation's shape is the worker's own function's return type; only its envelope is checked.
    const value = await this.json(response, "evaluation");
    if (typeof value !== "object" || value === null || !("production" in value) || !("counts" in value)) {
      throw new CalybrisClientError(`evaluation: the answer is not an evaluation (HTTP ${response.status})`);
    }
    return value as Evaluation;
  }

  /** Credited, committed, reserved and available money (GET /v1/budget). */
  async budget(): Promise<Budget> {
    return this.answer(await this.call("GET", "/v1/budget"), BudgetResponse, "budget");
  }

  private call(method: string, path: string, body?: string, extra: Record<string, string> = {}): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.apiKey}`, accept: "application/json", ...extra };
    if (body !== undefined) headers["content-type"] = "application/json";
    return this.send(new Request(`${this.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) }));
  }

  private async json(response: Response, what: string): Promise<unknown> {
    const text = await response.text();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new CalybrisClientError(`${what}: HTTP ${response.status} with a body that is not JSON`);
    }
    if (!response.ok) {
      const problem = Problem.safeParse(value);
      if (problem.success) throw new CalybrisProblemError(problem.data);
      throw new CalybrisClientError(`${what}: HTTP ${response.status} without a problem body`);
    }
    return value;
  }

  private async answer<T extends z.ZodType>(response: Response, schema: T, what: string): Promise<z.infer<T>> {
    const parsed = schema.safeParse(await this.json(response, what));
    if (!parsed.success) throw new CalybrisClientError(`${what}: the answer does not match its schema: ${firstIssue(parsed.error)}`);
    return parsed.data;
  }
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue === undefined ? "invalid" : `${issue.path.join(".") || "body"}: ${issue.message}`;
}

/** The body as the worker would read it, or a thrown error naming the first problem. */
function checked<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new CalybrisClientError(`${what}: ${firstIssue(parsed.error)}`);
  return parsed.data;
}
