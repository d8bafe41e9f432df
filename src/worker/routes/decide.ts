// POST /v1/decide: authenticate, validate, run the kernel on the tenant's policy snapshot, seal
// the decision (and its reservation) in the tenant's ledger, answer. The answer leaves only after
// the ledger's transaction committed. A refusal by a gate is sealed and answered as a problem,
// except a suspended tenant's: the ledger writes nothing for it, but still answers a retry of a
// decision it already sealed (same Idempotency-Key).

import type { AppContext } from "../app-env.ts";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { LLM_PACK } from "../../domain/llm/pack.ts";
import { DecisionResult } from "../../kernel/decision-result.ts";
import { Kernel } from "../../kernel/kernel.ts";
import { anomalyOf, candidatesOf, learnerContext, runDecision } from "../../decision/decide-step.ts";
import { toKernelPolicy } from "../../learning/policy-snapshot.ts";
import { warmStartSnapshot } from "../../learning/warm-start.ts";
import type { DecideAnswer } from "../../durable-objects/ledger-rpc.ts";
import { readJson } from "../body.ts";
import { IDEMPOTENCY_KEY } from "../limits.ts";
import { decideResponse, gateList, recordOfLine, type DecisionRecord } from "../../decision/decision-record.ts";
import { problem } from "../problem.ts";
import { rateHeaders } from "../rate-headers.ts";
import { toKernelRequest } from "../request-mapping.ts";
import { DecideRequest } from "../schemas.ts";
import { decisionSeed, isHoldout } from "../../decision/seed.ts";
import { authenticate, policyFor, type PolicyEntry } from "../tenant-access.ts";



// One kernel and one reusable result per isolate: decide() is synchronous, and the result is
// copied into the record before the first await, so concurrent requests cannot mix.
const kernel = new Kernel(LLM_PACK.catalog);
const out = new DecisionResult();
let baseline: PolicyEntry | null = null;

/** The holdout's baseline policy: the warm start, fixed, so it measures what learning adds. */
function baselinePolicy(): PolicyEntry {
  if (baseline === null) {
    const snapshot = warmStartSnapshot(LLM_PACK);
    baseline = { snapshot, policy: toKernelPolicy(snapshot) };
  }
  return baseline;
}

export async function decideRoute(c: AppContext): Promise<Response> {
  const tenant = await authenticate(c);
  if (tenant instanceof Response) return tenant;
  const body = await readJson(c, DecideRequest);
  if (!body.ok) return body.response;
  const idempotencyKey = c.req.header("idempotency-key") ?? null;
  if (idempotencyKey !== null && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    return problem(c, "request_malformed", "Idempotency-Key must be 1-255 visible ASCII characters");
  }
  const apprentice = tenant.view.mode === "apprentice";
  const choice = body.value.tenant_choice;
  if (apprentice && (choice === undefined || !LLM_PACK.options.some((option) => option.id === choice))) {
    return problem(c, "request_malformed", "in apprentice mode tenant_choice must name a catalog model: the one your own routing chose");
  }
  const decisionId = crypto.randomUUID();
  const key = idempotencyKey ?? decisionId;
  const holdout = isHoldout(tenant.view.tenantId, key);
  let learned: PolicyEntry;
  try {
    learned = await policyFor(c.env, tenant.view.tenantId);
  } catch {
    return problem(c, "policy_unavailable", "the tenant's policy snapshot could not be loaded");
  }
  // The holdout decides with the baseline policy but is checked for anomalies like everyone else.
  const entry = holdout ? baselinePolicy() : learned;
  const request = toKernelRequest(body.value, LLM_PACK);
  const view = tenant.view;
  const record = runDecision({
    pack: LLM_PACK, kernel, out, tenant: view, entry, regime: body.value.regime, request,
    requestId: body.value.request_id ?? null, tenantChoice: body.value.tenant_choice ?? null,
    seed: decisionSeed(view.tenantId, key, entry.snapshot.hash), holdout, anomaly: anomalyOf(LLM_PACK, learned.snapshot, request),
  });
  const answer = await tenant.ledger.decide(tenant.key.secretHashHex, {
    decisionId,
    idempotencyKey,
    requestDigestHex: bytesToHex(sha256(utf8ToBytes(body.text))),
    candidates: candidatesOf(LLM_PACK, record, apprentice),
    record: record as never,
    learnerContext: learnerContext(LLM_PACK, record) as never,
  });
  return answerOf(c, answer, record);
}

function answerOf(c: AppContext, answer: DecideAnswer, fresh: DecisionRecord): Response {
  const headers = answer.rate === null ? {} : rateHeaders(answer.rate);
  const result = answer.result;
  if (!result.ok) {
    const response = problem(c, result.code, result.detail);
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  }
  const line = "line" in answer ? answer.line : undefined;
  const record = line === undefined ? fresh : recordOfLine(line);
  const sealed = { decision_id: result.decisionId, fingerprint: result.fingerprint, seq: result.seq, gates: gateList(record, result) };
  const served = result.servedRank >= 0;
  let response: Response;
  if (!served && result.budgetVerdict !== "fail") {
    response = problem(c, record.result.code_name as never, `refused by gate ${record.result.code}: ${record.result.code_name}`, sealed);
  } else if (result.budgetVerdict === "fail") {
    response = problem(c, "budget_exhausted", "no ranked option's worst-case cost fits the available budget", sealed);
  } else {
    const payload = decideResponse(LLM_PACK, record, result);
    response = c.json(payload, 200);
    response.headers.set("calybris-decision", `model=${(payload.model as { id: string }).id}; fp=${result.fingerprint}`);
  }
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}
