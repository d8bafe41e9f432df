// POST /v1/outcomes: an outcome comes back as a Standard Webhooks request, signed with the
// tenant's webhook secret. The tenant's ledger applies its rate limit, checks the signature and
// the timestamp, answers a repeated webhook-id with its first result (or refuses it when the body
// differs), settles the reservation and queues the outcome for the Learner, in one transaction.
// For a decision the proxy executed (its cost already settled) an outcome without `execution` is
// its quality feedback, as POST /v1/feedback takes it with the API key alone.

import type { AppContext } from "../app-env.ts";
import { feedbackRecord, prepareOutcome } from "../../decision/outcome-step.ts";
import { readJson } from "../body.ts";
import { problem } from "../problem.ts";
import { withRateHeaders } from "../rate-headers.ts";
import { OutcomeRequest } from "../schemas.ts";
import { authenticate } from "../tenant-access.ts";
import type { OutcomeResult } from "../../ledger/commands.ts";

/** A settled outcome as both /v1/outcomes and /v1/feedback answer it (OutcomeResponse). */
export function outcomeJson(answer: Extract<OutcomeResult, { ok: true }>) {
  return {
    outcome_fingerprint: answer.fingerprint,
    seq: answer.seq,
    decision_fingerprint: answer.decisionFingerprint,
    committed_micros: answer.committedMicros,
    released_micros: answer.releasedMicros,
    uncollected_micros: answer.uncollectedMicros,
    replayed: answer.replayed,
  };
}

export async function outcomesRoute(c: AppContext): Promise<Response> {
  const tenant = await authenticate(c);
  if (tenant instanceof Response) return tenant;
  const body = await readJson(c, OutcomeRequest);
  if (!body.ok) return body.response;
  const { decision_fingerprint, execution, outcome } = body.value;
  const result = {
    success: outcome.success ?? null,
    qualityBps: outcome.quality_bps ?? null,
    businessOutcomeMicros: outcome.business_outcome_micros ?? null,
  };
  // Without execution, the outcome is quality feedback on a decision the proxy executed and settled.
  const prepared =
    execution === undefined
      ? { feedback: feedbackRecord(result) }
      : prepareOutcome(
          {
            model: execution.model,
            inputTokens: execution.input_tokens,
            outputTokens: execution.output_tokens,
            latencyMs: execution.latency_ms,
            actualCostMicros: execution.actual_cost_micros,
          },
          result,
        );
  const { result: answer, rate } = await tenant.ledger.outcome(tenant.key.secretHashHex, {
    headers: {
      id: c.req.header("webhook-id") ?? null,
      timestamp: c.req.header("webhook-timestamp") ?? null,
      signature: c.req.header("webhook-signature") ?? null,
    },
    body: body.text,
    decisionFingerprint: decision_fingerprint,
    ...prepared,
  });
  if (!answer.ok) return withRateHeaders(problem(c, answer.code, answer.detail), rate);
  return withRateHeaders(c.json(outcomeJson(answer)), rate);
}

/**
 * POST /v1/decisions/:id/release: the client will not run this decision; its reservation goes
 * back to the available budget now instead of at expiry. Idempotent; refused once settled.
 */
export async function releaseRoute(c: AppContext): Promise<Response> {
  const tenant = await authenticate(c);
  if (tenant instanceof Response) return tenant;
  const id = c.req.param("id") ?? "";
  if (!/^[0-9a-f-]{36}$/.test(id)) return problem(c, "reservation_unknown", "no reservation with this decision id");
  const { result: answer, rate } = await tenant.ledger.release(tenant.key.secretHashHex, id);
  if (!answer.ok) return withRateHeaders(problem(c, answer.code, answer.detail), rate);
  return withRateHeaders(
    c.json({
      decision_id: id,
      fingerprint: answer.fingerprint,
      seq: answer.seq,
      released_micros: answer.releasedMicros,
      replayed: answer.replayed,
    }),
    rate,
  );
}
