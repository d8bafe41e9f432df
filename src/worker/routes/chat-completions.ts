// POST /v1/chat/completions: proxy mode (issue 14). An OpenAI Chat Completions request is decided
// through the same path as /v1/decide (../decision-call.ts: the kernel, then the ledger's
// reservation of max_tokens at the chosen model's price), sent to the chosen provider through its
// adapter, falling back down the kernel's ranking on 429, 5xx and timeouts, and answered in
// OpenAI's format with the decision's fingerprint in Calybris-Decision. Every attempt is sealed
// as an `execution` entry, the last one settling the reservation from the usage reported.

import type { AppContext } from "../app-env.ts";
import { z } from "zod";
import { attemptPlan, executionInput, fallsBack, usageOf, type AttemptReport } from "../../decision/execution-step.ts";
import type { DomainPack } from "../../domain/domain-pack.ts";
import { LLM_PACK } from "../../domain/llm/pack.ts";
import type { ChatRequest } from "../../providers/chat.ts";
import { completionBody, type CompletionMeta } from "../../providers/openai-format.ts";
import { readJson, schemaProblem } from "../body.ts";
import { makeDecision, servedOrProblem, withServedDecision, type DecisionMade } from "../decision-call.ts";
import { PROXY_BODY_LIMIT_BYTES } from "../limits.ts";
import { problem, providerProblem } from "../problem.ts";
import { proxyAccess, type ProxyAccess } from "../proxy-providers.ts";
import { proxyStream, type StreamEnd } from "../proxy-stream.ts";
import { ATTEMPT_TIMEOUT_HEADER, chatOf, decideBodyOf, regimeOf, TERM_HEADERS, unsupportedParameter } from "../proxy-terms.ts";
import { ChatCompletionRequest, type DecideRequest } from "../schemas.ts";
import { authenticate, type TenantContext } from "../tenant-access.ts";
import { queueSettlement } from "../settlement-batch.ts";
import { attempt, type AttemptResult } from "../upstream.ts";

const PROVIDER_TIMEOUT_MS_DEFAULT = 30_000;

/** The deployment's attempt deadline, shortened (never lengthened) by the request's header. */
function timeoutMs(c: AppContext): number | Response {
  const configured = Number(c.env.PROVIDER_TIMEOUT_MS);
  const deployment = Number.isSafeInteger(configured) && configured > 0 ? configured : PROVIDER_TIMEOUT_MS_DEFAULT;
  const asked = c.req.header(ATTEMPT_TIMEOUT_HEADER);
  if (asked === undefined) return deployment;
  if (!/^[1-9][0-9]{0,8}$/.test(asked))
    return problem(c, "request_malformed", `${ATTEMPT_TIMEOUT_HEADER} must be a positive integer of milliseconds`);
  return Math.min(Number(asked), deployment);
}

interface Proxied {
  readonly tenant: TenantContext;
  readonly made: DecisionMade;
  readonly fingerprint: string;
  readonly modelId: string;
  readonly estimatedInputTokens: number;
}

/** A proxied request as read: the chat, its decision terms, its deadline and the tenant's providers. */
interface ChatCall {
  readonly tenant: TenantContext;
  readonly request: ChatCompletionRequest;
  readonly rawText: string;
  readonly chat: ChatRequest;
  readonly terms: DecideRequest;
  readonly deadlineMs: number;
  readonly providers: ProxyAccess;
}

export async function chatCompletionsRoute(c: AppContext): Promise<Response> {
  const call = await readChatCall(c);
  if (call instanceof Response) return call;
  const made = await makeDecision(c, call.tenant, { body: call.terms, digestText: call.rawText, idempotencyKey: null });
  if (made instanceof Response) return made;
  const served = servedOrProblem(c, made);
  if (served instanceof Response) return served;
  const proxied: Proxied = {
    tenant: call.tenant,
    made,
    fingerprint: served.result.fingerprint,
    modelId: served.modelId,
    estimatedInputTokens: call.terms.input_tokens ?? 0,
  };
  const plan = attemptPlan(made.record, served.result.servedRank);
  const stream = call.request.stream === true;
  const run = await runAttempts(call.providers, made.pack, plan, { chat: call.chat, stream, timeoutMs: call.deadlineMs });
  const meta: CompletionMeta = { id: `chatcmpl-${served.result.decisionId}`, created: Math.floor(Date.now() / 1000), model: run.option };
  if (run.answered === null) return failed(c, proxied, run);
  if (run.answered.kind === "answer") {
    const answer = run.answered.answer;
    const usage = usageOf(
      { inputTokens: answer.usage?.inputTokens ?? null, outputTokens: answer.usage?.outputTokens ?? null },
      proxied.estimatedInputTokens,
      answer.content.length,
      true,
    );
    run.reports.push({ ...run.last!, usage, finishReason: answer.finishReason });
    // The decision and its reservation are durable already; the settlement's commit need not hold
    // the answer (a second storage round trip would halve what a tenant's ledger serves).
    // waitUntil keeps an invocation alive for it; if it is lost, the reservation expires.
    settle(c, proxied, run.reports);
    return decided(c.json(completionBody(meta, answer, usage), 200), proxied, run.option);
  }
  const target = call.providers.targets.get(run.last!.provider)!;
  const body = proxyStream(run.answered.body, {
    meta,
    adapter: target.adapter,
    provider: target.provider,
    includeUsage: call.request.stream_options?.include_usage === true,
    idleTimeoutMs: call.deadlineMs,
    estimatedInputTokens: proxied.estimatedInputTokens,
    onEnd: (end: StreamEnd) => {
      run.reports.push({ ...run.last!, status: end.status, usage: end.usage, finishReason: end.finishReason });
      settle(c, proxied, run.reports);
    },
  });
  const headers = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" };
  return decided(new Response(body, { status: 200, headers }), proxied, run.option);
}

/** Authentication, the body (unsupported parameters named first, then the schema), the deadline and the terms. */
async function readChatCall(c: AppContext): Promise<ChatCall | Response> {
  const tenant = await authenticate(c);
  if (tenant instanceof Response) return tenant;
  if (tenant.view.pack !== LLM_PACK.id) {
    return problem(c, "request_malformed", `proxy mode serves tenants of the llm pack, not ${tenant.view.pack}`);
  }
  const raw = await readJson(c, z.unknown(), PROXY_BODY_LIMIT_BYTES);
  if (!raw.ok) return raw.response;
  const unsupported = unsupportedParameter(raw.value);
  if (unsupported !== null) {
    return problem(c, "parameter_unsupported", `${unsupported} is not supported by the proxy`, { parameter: unsupported });
  }
  const parsed = ChatCompletionRequest.safeParse(raw.value);
  if (!parsed.success) return schemaProblem(c, parsed.error);
  const deadlineMs = timeoutMs(c);
  if (deadlineMs instanceof Response) return deadlineMs;
  const providers = await proxyAccess(c.env, tenant, LLM_PACK.providers);
  if (!providers.ok) return problem(c, providers.code, providers.detail);
  const regime = regimeOf(parsed.data.model, c.req.header(TERM_HEADERS.regime), providers.defaultRegime);
  if (!regime.ok) return problem(c, "model_unknown", regime.detail);
  const chat = chatOf(parsed.data);
  const terms = decideBodyOf({
    regime: regime.value,
    header: (name) => c.req.header(name),
    chat,
    unavailable: LLM_PACK.providers.filter((provider) => !providers.targets.has(provider)),
  });
  if (!terms.ok) return problem(c, "request_malformed", terms.detail);
  return { tenant, request: parsed.data, rawText: raw.text, chat, terms: terms.value, deadlineMs, providers };
}

/** Every attempt failed: settle (release) and pass the last provider's status on, naming it. */
function failed(c: AppContext, proxied: Proxied, run: Run): Response {
  settle(c, proxied, run.reports);
  const last = run.reports.at(-1);
  const status = last?.status === "timeout" ? 504 : (last?.httpStatus ?? 502);
  const detail = `${last?.provider ?? "no provider"} ${last === undefined ? "could be called" : `failed (${last.status})`} after ${run.reports.length} attempt(s)`;
  return decided(providerProblem(c, detail, last?.provider ?? "none", status), proxied, proxied.modelId);
}

interface Run {
  readonly reports: AttemptReport[];
  readonly answered: AttemptResult["answered"];
  /** The answering attempt's report, before its usage is known. */
  readonly last: AttemptResult["report"] | null;
  readonly option: string;
}

/** Tries the plan in order until an attempt answers, fails without fallback, or the plan ends. */
async function runAttempts(
  access: ProxyAccess,
  pack: DomainPack,
  plan: readonly string[],
  call: { readonly chat: ChatRequest; readonly stream: boolean; readonly timeoutMs: number },
): Promise<Run> {
  const reports: AttemptReport[] = [];
  for (const option of plan) {
    const provider = pack.options.find((candidate) => candidate.id === option)?.provider ?? "unknown";
    const target = access.targets.get(provider);
    if (target === undefined) {
      // Only an apprentice's own choice can name a provider the proxy cannot call.
      reports.push({ option, provider, status: "refused", httpStatus: null, latencyMs: 0, usage: null, finishReason: null });
      break;
    }
    const result = await attempt(target, option, call);
    if (result.answered !== null) return { reports, answered: result.answered, last: result.report, option };
    reports.push({ ...result.report, usage: null, finishReason: null });
    if (!fallsBack(result.report.status)) break;
  }
  return { reports, answered: null, last: null, option: plan[0] ?? "none" };
}

/**
 * Seals the attempts and settles the reservation, batched with other requests' settlements
 * (../settlement-batch.ts); a refusal or a failure is logged, and the reservation then expires.
 */
function settle(c: AppContext, proxied: Proxied, reports: readonly AttemptReport[]): void {
  if (reports.length === 0) return;
  const requestId = c.get("requestId");
  const input = executionInput(proxied.made.pack, proxied.fingerprint, reports);
  const sending = queueSettlement(c.env, proxied.tenant.view.tenantId, proxied.tenant.key.secretHashHex, input, (answer) => {
    if (!answer.ok) console.error(JSON.stringify({ requestId, proxy: "settlement_refused", code: answer.code, detail: answer.detail }));
  });
  if (sending !== null) c.executionCtx.waitUntil(sending);
}

/** Every proxied answer, a failure's too, names its decision like /v1/decide's. */
function decided(response: Response, proxied: Proxied, model: string): Response {
  return withServedDecision(response, proxied.made, model, proxied.fingerprint);
}
