// POST /v1/feedback: quality feedback on a decision the proxy executed, with the API key alone
// (the proxy already settled its cost, so nothing here moves money). The ledger seals it as an
// outcome that carries the execution's settlement and queues it for the Learner; a repeat with
// the same body answers the first result, another body is a second outcome (409).

import type { AppContext } from "../app-env.ts";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { feedbackRecord } from "../../decision/outcome-step.ts";
import { readJson } from "../body.ts";
import { problem } from "../problem.ts";
import { withRateHeaders } from "../rate-headers.ts";
import { FeedbackRequest } from "../schemas.ts";
import { authenticate } from "../tenant-access.ts";
import { outcomeJson } from "./outcomes.ts";

export async function feedbackRoute(c: AppContext): Promise<Response> {
  const tenant = await authenticate(c);
  if (tenant instanceof Response) return tenant;
  const body = await readJson(c, FeedbackRequest);
  if (!body.ok) return body.response;
  const { decision_fingerprint, outcome } = body.value;
  const { result: answer, rate } = await tenant.ledger.feedback(tenant.key.secretHashHex, {
    decisionFingerprint: decision_fingerprint,
    requestDigestHex: bytesToHex(sha256(utf8ToBytes(body.text))),
    result: feedbackRecord({
      success: outcome.success ?? null,
      qualityBps: outcome.quality_bps ?? null,
      businessOutcomeMicros: outcome.business_outcome_micros ?? null,
    }),
  });
  if (!answer.ok) return withRateHeaders(problem(c, answer.code, answer.detail), rate);
  return withRateHeaders(c.json(outcomeJson(answer)), rate);
}
