// POST /v1/decide: authenticate, validate, prepare the decision on the tenant's policy snapshot
// (src/decision), seal it (and its reservation) in the tenant's ledger, answer. The answer leaves
// only after the ledger's transaction committed. A refusal by a gate is sealed and answered as a
// problem, except a suspended tenant's: the ledger writes nothing for it, but still answers a
// retry of a decision it already sealed (same Idempotency-Key).

import type { AppContext } from "../app-env.ts";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { decisionAnswer } from "../../decision/decision-answer.ts";
import { recordOfLine, type DecisionRecord } from "../../decision/decision-record.ts";
import { prepareDecision } from "../../decision/decide-step.ts";
import { decisionSeed, isHoldout } from "../../decision/seed.ts";
import type { DecideAnswer } from "../../durable-objects/ledger-rpc.ts";
import { readJson } from "../body.ts";
import { IDEMPOTENCY_KEY } from "../limits.ts";
import { packRuntime } from "../pack-runtime.ts";
import { problem } from "../problem.ts";
import { rateHeaders } from "../rate-headers.ts";
import { toKernelRequest } from "../request-mapping.ts";
import { DecideRequest } from "../schemas.ts";
import { authenticate, policyFor, type TenantPolicies } from "../tenant-access.ts";

export async function decideRoute(c: AppContext): Promise<Response> {
  const tenant = await authenticate(c);
  if (tenant instanceof Response) return tenant;
  const body = await readJson(c, DecideRequest);
  if (!body.ok) return body.response;
  const idempotencyKey = c.req.header("idempotency-key") ?? null;
  if (idempotencyKey !== null && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    return problem(c, "request_malformed", "Idempotency-Key must be 1-255 visible ASCII characters");
  }
  const view = tenant.view;
  const runtime = packRuntime(view);
  const choice = body.value.tenant_choice;
  if (view.mode === "apprentice" && (choice === undefined || !runtime.pack.options.some((option) => option.id === choice))) {
    return problem(c, "request_malformed", "in apprentice mode tenant_choice must name a catalog option: the one your own routing chose");
  }
  const request = toKernelRequest(body.value, runtime.pack);
  if (!request.ok) return problem(c, "request_malformed", request.detail);
  let policies: TenantPolicies;
  try {
    policies = await policyFor(c.env, view);
  } catch {
    return problem(c, "policy_unavailable", "the tenant's policy snapshot could not be loaded");
  }
  const learned = policies.learned;
  const decisionId = crypto.randomUUID();
  const key = idempotencyKey ?? decisionId;
  const prepared = prepareDecision({
    pack: runtime.pack,
    run: runtime.run,
    tenant: view,
    learned,
    baseline: runtime.baseline(learned.snapshot.explorationBps),
    holdout: isHoldout(view.tenantId, key, learned.snapshot.holdoutBps),
    regime: body.value.regime,
    request: request.value,
    requestId: body.value.request_id ?? null,
    tenantChoice: choice ?? null,
    seedOf: (policyHash) => decisionSeed(view.tenantId, key, policyHash),
    shadow: policies.shadow,
    valueWeightBps: policies.lifecycle?.current.config.value_weight_bps,
  });
  const answer = await tenant.ledger.decide(tenant.key.secretHashHex, {
    decisionId,
    idempotencyKey,
    requestDigestHex: bytesToHex(sha256(utf8ToBytes(body.text))),
    ...prepared,
  });
  return respond(c, runtime.pack, answer, prepared.record);
}

function respond(c: AppContext, pack: ReturnType<typeof packRuntime>["pack"], answer: DecideAnswer, fresh: DecisionRecord): Response {
  const result = answer.result;
  let response: Response;
  if (!result.ok) {
    response = problem(c, result.code, result.detail);
  } else {
    // A replayed decision is answered from its sealed line, never from this request's record.
    const record = "line" in answer && answer.line !== undefined ? recordOfLine(answer.line) : fresh;
    const decided = decisionAnswer(pack, record, result);
    if (decided.served) {
      response = c.json(decided.body, 200);
      response.headers.set("calybris-decision", `model=${decided.modelId}; fp=${result.fingerprint}`);
    } else {
      response = problem(c, decided.code, decided.detail, decided.sealed);
    }
  }
  if (answer.rate !== null) for (const [name, value] of Object.entries(rateHeaders(answer.rate))) response.headers.set(name, value);
  return response;
}
