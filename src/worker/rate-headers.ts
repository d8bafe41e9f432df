// Rate limit headers (draft-ietf-httpapi-ratelimit-headers, the widely deployed
// RateLimit-Limit / -Remaining / -Reset form) and Retry-After on a refusal (RFC 9110 10.2.3).

import type { RateDecision } from "../durable-objects/rate-limit.ts";

export function rateHeaders(rate: RateDecision): Record<string, string> {
  const headers: Record<string, string> = {
    "ratelimit-limit": String(rate.limit),
    "ratelimit-remaining": String(rate.remaining),
    "ratelimit-reset": String(rate.resetSeconds),
    "ratelimit-policy": `${rate.limit};w=60`,
  };
  if (!rate.ok) headers["retry-after"] = String(rate.retryAfterSeconds);
  return headers;
}

/** The response with the rate headers of the limiter's decision, when the limiter ran. */
export function withRateHeaders(response: Response, rate: RateDecision | null): Response {
  if (rate !== null) for (const [name, value] of Object.entries(rateHeaders(rate))) response.headers.set(name, value);
  return response;
}
