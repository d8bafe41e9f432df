// POST /v1/decide: authenticate, validate, then the shared decision path (../decision-call.ts):
// prepare the decision on the tenant's policy snapshot, seal it (and its reservation) in the
// tenant's ledger, answer. The answer leaves only after the ledger's transaction committed. A
// refusal by a gate is sealed and answered as a problem, except a suspended tenant's: the ledger
// writes nothing for it, but still answers a retry of a decision it already sealed (same
// Idempotency-Key).

import type { AppContext } from "../app-env.ts";
import { readJson } from "../body.ts";
import { makeDecision, servedOrProblem, withServedDecision } from "../decision-call.ts";
import { IDEMPOTENCY_KEY } from "../limits.ts";
import { problem } from "../problem.ts";
import { DecideRequest } from "../schemas.ts";
import { authenticate } from "../tenant-access.ts";

export async function decideRoute(c: AppContext): Promise<Response> {
  const tenant = await authenticate(c);
  if (tenant instanceof Response) return tenant;
  const body = await readJson(c, DecideRequest);
  if (!body.ok) return body.response;
  const idempotencyKey = c.req.header("idempotency-key") ?? null;
  if (idempotencyKey !== null && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    return problem(c, "request_malformed", "Idempotency-Key must be 1-255 visible ASCII characters");
  }
  const made = await makeDecision(c, tenant, { body: body.value, digestText: body.text, idempotencyKey });
  if (made instanceof Response) return made;
  const served = servedOrProblem(c, made);
  if (served instanceof Response) return served;
  return withServedDecision(c.json(served.body, 200), made, served.modelId, served.result.fingerprint);
}
