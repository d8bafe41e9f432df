// RFC 9457 problem details: every error the API answers, one table mapping each stable code to
// its status and title. The table is typed against all code names, so a code without a mapping
// fails the type check. Answers never carry a stack trace or internal detail.

import type { Context } from "hono";
import { GATE_RULES, type DecisionCodeName } from "../kernel/result-codes.ts";
import type { LedgerCodeName } from "../ledger/ledger-codes.ts";
import type { ApiCodeName } from "./api-codes.ts";

export type ProblemCode = Exclude<DecisionCodeName, "ok"> | LedgerCodeName | ApiCodeName;

interface ProblemSpec {
  readonly status: 400 | 401 | 402 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 500 | 502 | 503;
  readonly title: string;
}

export const PROBLEM_TYPE_BASE = "https://calybris.dev/problems/";

export const PROBLEMS = {
  // Kernel gates: the request was understood and refused by a rule (the refusal is sealed too).
  request_out_of_bounds: { status: 422, title: GATE_RULES.request_out_of_bounds },
  risk_above_ceiling: { status: 422, title: GATE_RULES.risk_above_ceiling },
  tenant_suspended: { status: 403, title: GATE_RULES.tenant_suspended },
  regime_unknown: { status: 422, title: GATE_RULES.regime_unknown },
  context_window_exceeded: { status: 422, title: GATE_RULES.context_window_exceeded },
  provider_rules_exclude_all: { status: 422, title: GATE_RULES.provider_rules_exclude_all },
  capabilities_unavailable: { status: 422, title: GATE_RULES.capabilities_unavailable },
  latency_budget_unreachable: { status: 422, title: GATE_RULES.latency_budget_unreachable },
  quality_floor_unreachable: { status: 422, title: GATE_RULES.quality_floor_unreachable },
  cost_cap_exceeded: { status: 422, title: GATE_RULES.cost_cap_exceeded },
  budget_exhausted: { status: 402, title: GATE_RULES.budget_exhausted },
  // Ledger.
  amount_invalid: { status: 400, title: "Amounts are integer microcents between 0 and 2^53 - 1." },
  balance_limit_exceeded: { status: 422, title: "A balance above 2^53 - 1 microcents (about 90 million USD) cannot be held exactly." },
  reservation_unknown: { status: 404, title: "No reservation has this id." },
  reservation_already_resolved: { status: 409, title: "This reservation was already committed, released or expired." },
  idempotency_key_reused: { status: 422, title: "This idempotency key was already used with a different request." },
  decision_unknown: { status: 404, title: "No decision with this fingerprint exists in this tenant's chain." },
  decision_not_reserved: { status: 409, title: "This decision was refused, so it cannot have an outcome." },
  tenant_unknown: { status: 404, title: "No such tenant." },
  tenant_exists: { status: 409, title: "A tenant with this id already exists." },
  ledger_integrity_failed: {
    status: 503,
    title: "The ledger found damage in its committed history and serves nothing until it is repaired.",
  },
  storage_unavailable: { status: 503, title: "The ledger could not commit; nothing was recorded. Retry." },
  record_invalid: { status: 400, title: "The record has no canonical form." },
  outcome_already_recorded: { status: 409, title: "This decision already has an outcome." },
  webhook_id_reused: { status: 422, title: "This webhook-id was already used with a different body." },
  outcome_model_not_offered: { status: 422, title: "execution.model is neither the decision's served option nor one of its fallbacks." },
  decision_not_executed: {
    status: 409,
    title: "The proxy did not execute this decision (or no provider answered), so it takes no feedback; report an outcome with execution.",
  },
  // API.
  request_malformed: { status: 400, title: "The request does not match the documented schema." },
  body_too_large: { status: 413, title: "The body is larger than the documented limit." },
  content_type_unsupported: { status: 415, title: "The body must be application/json." },
  body_not_utf8: { status: 400, title: "The body is not valid UTF-8." },
  unauthorized: { status: 401, title: "Missing or invalid API key." },
  admin_unauthorized: { status: 401, title: "Missing or invalid admin token." },
  rate_limited: { status: 429, title: "Too many requests for this tenant; retry after the given delay." },
  not_found: { status: 404, title: "No such route." },
  method_not_allowed: { status: 405, title: "This route does not accept this method." },
  webhook_headers_missing: { status: 400, title: "webhook-id, webhook-timestamp and webhook-signature are required." },
  webhook_timestamp_stale: { status: 401, title: "webhook-timestamp is outside the 5 minute tolerance." },
  webhook_signature_invalid: { status: 401, title: "No webhook-signature matches this payload." },
  entry_not_found: { status: 404, title: "The chain has no entry with this sequence number." },
  checkpoint_not_found: { status: 404, title: "No checkpoint has been signed yet." },
  signing_key_missing: { status: 503, title: "No checkpoint signing key is configured." },
  internal_error: { status: 500, title: "Internal error; the request id identifies it in the logs." },
  policy_unavailable: { status: 503, title: "The tenant's policy snapshot could not be loaded; retry." },
  configuration_invalid: { status: 503, title: "The deployment's secrets or variables are missing or invalid; reasons names each." },
  candidate_already_staged: { status: 409, title: "A candidate is already staged: one at a time; discard or promote it first." },
  candidate_same_as_current: { status: 409, title: "The candidate is the configuration already running." },
  no_candidate_staged: { status: 404, title: "No candidate configuration is staged." },
  verdict_for_another_candidate: { status: 409, title: "The gate's verdict was made for another candidate." },
  force_reason_missing: { status: 400, title: "A forced promotion needs a reason, and the reason is sealed." },
  force_reason_malformed: { status: 400, title: "The reason must be well-formed text of at most 1,000 characters." },
  gate_not_passed: {
    status: 409,
    title: "The promotion gate does not pass; failing names the criteria (force with a reason to override).",
  },
  candidate_still_staged: { status: 409, title: "A candidate is staged against this production: discard it before a rollback." },
  no_previous_configuration: { status: 409, title: "There is no previous configuration to return to." },
  lifecycle_active: { status: 409, title: "This tenant's configuration changes only through the candidates lifecycle now." },
  // Proxy mode (POST /v1/chat/completions).
  parameter_unsupported: {
    status: 400,
    title: "The request uses a Chat Completions parameter the proxy does not support; detail names it.",
  },
  model_unknown: { status: 400, title: "model must be calybris/auto or calybris/<regime>." },
  provider_unknown: { status: 404, title: "The tenant's pack has no provider with this name." },
  provider_error: {
    status: 502,
    title: "Every provider attempt failed; the answer keeps the last provider's status (upstream_status) and names it.",
  },
} as const satisfies Record<ProblemCode, ProblemSpec>;

export type ProblemExtensions = Record<string, unknown>;

/** The problem+json body for a code. */
export function problemBody(
  code: ProblemCode,
  detail: string,
  requestId: string,
  extensions: ProblemExtensions = {},
): Record<string, unknown> {
  const spec = PROBLEMS[code];
  return {
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title: spec.title,
    status: spec.status,
    detail,
    instance: `urn:calybris:request:${requestId}`,
    code,
    ...extensions,
  };
}

export function problem(c: Context, code: ProblemCode, detail: string, extensions: ProblemExtensions = {}): Response {
  const requestId = (c.var as { readonly requestId?: string }).requestId ?? "unknown";
  const body = problemBody(code, detail, requestId, extensions);
  return c.body(JSON.stringify(body), PROBLEMS[code].status, { "content-type": "application/problem+json" });
}

/**
 * A provider's failure passed through: the problem names the provider and keeps its HTTP status
 * (RFC 9457 lets a problem's status mirror the origin's), so a client retries a 429 or a 503 as
 * it would have retried the provider itself. Statuses outside 400-599 become 502.
 */
export function providerProblem(c: Context, detail: string, provider: string, upstreamStatus: number): Response {
  const requestId = (c.var as { readonly requestId?: string }).requestId ?? "unknown";
  const status = upstreamStatus >= 400 && upstreamStatus <= 599 ? upstreamStatus : PROBLEMS.provider_error.status;
  const body = { ...problemBody("provider_error", detail, requestId, { provider, upstream_status: upstreamStatus }), status };
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/problem+json" } });
}

export function isProblemCode(code: string): code is ProblemCode {
  return Object.hasOwn(PROBLEMS, code);
}
