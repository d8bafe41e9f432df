// A Chat Completions request read as a decision: the model names the regime (calybris/auto or
// calybris/<regime>), the Calybris-* headers carry the terms /v1/decide takes in its body, and
// the messages give the input estimate and the output bound. The result is a /v1/decide body,
// checked by the same schema, so the proxy decides on exactly what /v1/decide would.

import { LLM_PROXY_DEFAULTS } from "../domain/llm/pack.ts";
import type { ChatMessage, ChatRequest } from "../providers/chat.ts";
import { estimateInputTokens, type Mapped } from "./request-mapping.ts";
import { DecideRequest, type ChatCompletionRequest } from "./schemas.ts";

/** The headers that carry a decision's terms, by the /v1/decide field they fill. */
export const TERM_HEADERS = {
  regime: "Calybris-Regime",
  value_micros: "Calybris-Value-Micros",
  risk_bps: "Calybris-Risk-Bps",
  quality_floor_bps: "Calybris-Quality-Floor-Bps",
  max_cost_micros: "Calybris-Max-Cost-Micros",
  max_latency_ms: "Calybris-Max-Latency-Ms",
  capabilities: "Calybris-Capabilities",
  providers_allow: "Calybris-Providers-Allow",
  providers_deny: "Calybris-Providers-Deny",
  tenant_choice: "Calybris-Tenant-Choice",
  request_id: "Calybris-Request-Id",
} as const;
/** Shortens (never lengthens) the deployment's PROVIDER_TIMEOUT_MS for this request's attempts. */
export const ATTEMPT_TIMEOUT_HEADER = "Calybris-Attempt-Timeout-Ms";
/** Every request header proxy mode reads, lower-case (the CORS allow list). */
export const PROXY_REQUEST_HEADERS: readonly string[] = [...Object.values(TERM_HEADERS), ATTEMPT_TIMEOUT_HEADER].map((name) =>
  name.toLowerCase(),
);

/**
 * Chat Completions parameters OpenAI defines that the proxy does not translate to every provider.
 * They are refused by name instead of silently dropped: a client that asks for tools or a JSON
 * schema must not get an answer made without them.
 */
export const UNSUPPORTED_PARAMETERS = [
  "tools",
  "tool_choice",
  "functions",
  "function_call",
  "parallel_tool_calls",
  "response_format",
  "logprobs",
  "top_logprobs",
  "logit_bias",
  "presence_penalty",
  "frequency_penalty",
  "seed",
  "audio",
  "modalities",
  "prediction",
  "store",
  "metadata",
  "service_tier",
  "reasoning_effort",
  "web_search_options",
  "verbosity",
] as const;

/** The first unsupported parameter or message feature the raw body uses, named; null when none. */
export function unsupportedParameter(raw: unknown): string | null {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
  const body = raw as Record<string, unknown>;
  for (const name of UNSUPPORTED_PARAMETERS) if (Object.hasOwn(body, name) && body[name] !== null) return name;
  if (typeof body.n === "number" && body.n !== 1) return "n (only one choice is supported)";
  if (!Array.isArray(body.messages)) return null;
  for (const [index, message] of body.messages.entries()) {
    if (typeof message !== "object" || message === null) continue;
    const m = message as Record<string, unknown>;
    if (m.role === "tool" || m.role === "function") return `messages.${index}.role ${JSON.stringify(m.role)} (tool calls)`;
    if (Object.hasOwn(m, "tool_calls") || Object.hasOwn(m, "function_call")) return `messages.${index}.tool_calls`;
    if (Array.isArray(m.content)) {
      for (const part of m.content) {
        const type = typeof part === "object" && part !== null ? (part as Record<string, unknown>).type : undefined;
        if (type !== "text") return `messages.${index}.content part of type ${JSON.stringify(type)} (text only)`;
      }
    }
  }
  return null;
}

function contentText(content: ChatCompletionRequest["messages"][number]["content"]): string {
  return typeof content === "string" ? content : content.map((part) => part.text).join("");
}

/** The provider-neutral request: developer messages are system messages; the output is always bounded. */
export function chatOf(body: ChatCompletionRequest): ChatRequest {
  const messages: ChatMessage[] = body.messages.map((message) => ({
    role: message.role === "developer" ? "system" : message.role,
    content: contentText(message.content),
  }));
  return {
    messages,
    maxOutputTokens: body.max_tokens ?? body.max_completion_tokens ?? LLM_PROXY_DEFAULTS.maxOutputTokens,
    temperature: body.temperature ?? null,
    topP: body.top_p ?? null,
    stop: body.stop === undefined ? [] : typeof body.stop === "string" ? [body.stop] : body.stop,
  };
}

/** The regime a model names: calybris/auto takes the header, else the tenant's default, else the pack's. */
export function regimeOf(model: string, header: string | undefined, tenantDefault: string | null): Mapped<string> {
  if (model === "calybris/auto") return { ok: true, value: header ?? tenantDefault ?? LLM_PROXY_DEFAULTS.regime };
  const named = /^calybris\/([a-z0-9_]{1,64})$/.exec(model)?.[1];
  if (named === undefined)
    return { ok: false, detail: `model ${JSON.stringify(model.slice(0, 128))} is not calybris/auto or calybris/<regime>` };
  if (header !== undefined && header !== named) {
    return { ok: false, detail: `model names regime ${named} and ${TERM_HEADERS.regime} names ${JSON.stringify(header.slice(0, 64))}` };
  }
  return { ok: true, value: named };
}

const DECIMAL = /^(?:0|[1-9][0-9]{0,15})$/;

function names(text: string | undefined): string[] | undefined {
  return text === undefined
    ? undefined
    : text
        .split(",")
        .map((name) => name.trim())
        .filter((name) => name !== "");
}

export interface TermsInput {
  readonly regime: string;
  readonly header: (name: string) => string | undefined;
  readonly chat: ChatRequest;
  /** Providers the proxy cannot call for this tenant (no key, no adapter): denied to the kernel. */
  readonly unavailable: readonly string[];
}

/** The /v1/decide body of a proxied request, checked by /v1/decide's own schema; details name the header. */
export function decideBodyOf(input: TermsInput): Mapped<DecideRequest> {
  const body: Record<string, unknown> = {
    regime: input.regime,
    input_tokens: Math.max(1, estimateInputTokens(input.chat.messages)),
    max_output_tokens: input.chat.maxOutputTokens,
  };
  for (const field of ["value_micros", "risk_bps", "quality_floor_bps", "max_cost_micros", "max_latency_ms"] as const) {
    const text = input.header(TERM_HEADERS[field]);
    if (text === undefined) continue;
    if (!DECIMAL.test(text.trim())) return { ok: false, detail: `${TERM_HEADERS[field]} must be a decimal integer` };
    body[field] = Number(text.trim());
  }
  const capabilities = names(input.header(TERM_HEADERS.capabilities));
  if (capabilities !== undefined) body.capabilities = capabilities;
  const allow = names(input.header(TERM_HEADERS.providers_allow));
  const deny = [...new Set([...(names(input.header(TERM_HEADERS.providers_deny)) ?? []), ...input.unavailable])];
  if (allow !== undefined || deny.length > 0)
    body.providers = { ...(allow === undefined ? {} : { allow }), ...(deny.length === 0 ? {} : { deny }) };
  const choice = input.header(TERM_HEADERS.tenant_choice);
  if (choice !== undefined) body.tenant_choice = choice;
  const requestId = input.header(TERM_HEADERS.request_id);
  if (requestId !== undefined) body.request_id = requestId;
  const parsed = DecideRequest.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  const field = String(issue.path[0] ?? "");
  const header = field === "providers" ? "Calybris-Providers-Allow / -Deny" : (TERM_HEADERS as Record<string, string>)[field];
  const where = header ?? (field === "max_output_tokens" ? "max_tokens" : field === "input_tokens" ? "messages" : field);
  return {
    ok: false,
    detail: issue.code === "invalid_type" && header !== undefined ? `${header} is required` : `${where}: ${issue.message}`,
  };
}
