// The one decision path of the HTTP API, shared by POST /v1/decide and the proxy's
// POST /v1/chat/completions: map the validated body into the tenant's pack, take its policy
// snapshot, prepare the decision (src/decision) and seal it, with its reservation, in the tenant's
// ledger. The answer leaves only after the ledger's transaction committed. Nothing here forks it.

import type { AppContext } from "./app-env.ts";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { decisionAnswer, type SealedDecision } from "../decision/decision-answer.ts";
import { recordOfLine, type DecisionRecord } from "../decision/decision-record.ts";
import { prepareDecision } from "../decision/decide-step.ts";
import { decisionSeed, isHoldout } from "../decision/seed.ts";
import type { DomainPack } from "../domain/domain-pack.ts";
import type { DecideAnswer } from "../durable-objects/ledger-rpc.ts";
import { packRuntime } from "./pack-runtime.ts";
import { problem } from "./problem.ts";
import { rateHeaders } from "./rate-headers.ts";
import { takeSettlements } from "./settlement-batch.ts";
import { toKernelRequest } from "./request-mapping.ts";
import type { DecideRequest } from "./schemas.ts";
import { policyFor, type TenantContext, type TenantPolicies } from "./tenant-access.ts";

export interface DecisionCall {
  readonly body: DecideRequest;
  /** The bytes the request digest covers (an Idempotency-Key retry must send the same). */
  readonly digestText: string;
  readonly idempotencyKey: string | null;
}

/** A decision the ledger sealed: its answer (served or refused) and the ledger's result. */
export interface DecisionMade {
  readonly pack: DomainPack;
  readonly answer: DecideAnswer;
  /** The sealed record (a replayed decision's own, never this request's). */
  readonly record: DecisionRecord;
}

export async function makeDecision(c: AppContext, tenant: TenantContext, call: DecisionCall): Promise<DecisionMade | Response> {
  const view = tenant.view;
  const runtime = packRuntime(view);
  const choice = call.body.tenant_choice;
  if (view.mode === "apprentice" && (choice === undefined || !runtime.pack.options.some((option) => option.id === choice))) {
    return problem(c, "request_malformed", "in apprentice mode tenant_choice must name a catalog option: the one your own routing chose");
  }
  const request = toKernelRequest(call.body, runtime.pack);
  if (!request.ok) return problem(c, "request_malformed", request.detail);
  let policies: TenantPolicies;
  try {
    policies = await policyFor(c.env, view);
  } catch {
    return problem(c, "policy_unavailable", "the tenant's policy snapshot could not be loaded");
  }
  const learned = policies.learned;
  const decisionId = crypto.randomUUID();
  const key = call.idempotencyKey ?? decisionId;
  const prepared = prepareDecision({
    pack: runtime.pack,
    run: runtime.run,
    tenant: view,
    learned,
    baseline: runtime.baseline(learned.snapshot.explorationBps),
    holdout: isHoldout(view.tenantId, key, learned.snapshot.holdoutBps),
    regime: call.body.regime,
    request: request.value,
    requestId: call.body.request_id ?? null,
    tenantChoice: choice ?? null,
    seedOf: (policyHash) => decisionSeed(view.tenantId, key, policyHash),
    shadow: policies.shadow,
    valueWeightBps: policies.lifecycle?.current.config.value_weight_bps,
  });
  // The proxy's settlements waiting in this isolate ride along: one ledger commit for both.
  const carried = takeSettlements(view.tenantId, tenant.key.secretHashHex);
  let answer: DecideAnswer;
  try {
    answer = await tenant.ledger.decide(
      tenant.key.secretHashHex,
      { decisionId, idempotencyKey: call.idempotencyKey, requestDigestHex: bytesToHex(sha256(utf8ToBytes(call.digestText))), ...prepared },
      carried?.inputs ?? [],
    );
  } catch (error) {
    carried?.answer(undefined, error);
    throw error;
  }
  carried?.answer(answer.executions);
  // A replayed decision is answered from its sealed line, never from this request's record.
  const record = "line" in answer && answer.line !== undefined ? recordOfLine(answer.line) : prepared.record;
  return { pack: runtime.pack, answer, record };
}

/** A served decision: the ledger's result and the /v1/decide answer's body. */
export interface Served {
  readonly result: SealedDecision;
  readonly body: Record<string, unknown>;
  readonly modelId: string;
}

/**
 * The served decision, or the problem that answers a refusal (a gate's is sealed and names its
 * entry; the ledger's wrote nothing), with the decide bucket's RateLimit headers.
 */
export function servedOrProblem(c: AppContext, made: DecisionMade): Served | Response {
  const result = made.answer.result;
  if (!result.ok) return withDecisionRate(problem(c, result.code, result.detail), made);
  const decided = decisionAnswer(made.pack, made.record, result);
  if (!decided.served) return withDecisionRate(problem(c, decided.code, decided.detail, decided.sealed), made);
  return { result, body: decided.body, modelId: decided.modelId };
}

/**
 * A served answer names its decision, model = the option that answered (for the proxy, perhaps a
 * fallback), and carries the decide bucket's rate headers.
 */
export function withServedDecision(response: Response, made: DecisionMade, model: string, fingerprint: string): Response {
  response.headers.set("calybris-decision", `model=${model}; fp=${fingerprint}`);
  return withDecisionRate(response, made);
}

/** Sets the RateLimit headers of the decide bucket on an answer. */
function withDecisionRate(response: Response, made: DecisionMade): Response {
  const rate = made.answer.rate;
  if (rate !== null) for (const [name, value] of Object.entries(rateHeaders(rate))) response.headers.set(name, value);
  return response;
}
