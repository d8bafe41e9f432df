// A token bucket per tenant and write route, held in the TenantLedger's memory: exact because one
// object serves one tenant. Losing it on eviction only refills the bucket early, which is the safe
// direction for availability and bounded by one minute's allowance. Pure: time is passed in.

export interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

export type RateDecision =
  | { readonly ok: true; readonly limit: number; readonly remaining: number; readonly resetSeconds: number }
  | {
      readonly ok: false;
      readonly limit: number;
      readonly remaining: 0;
      readonly resetSeconds: number;
      readonly retryAfterSeconds: number;
    };

/** The routes that write, each with its own bucket (see TenantLedger.rate for why). */
export type WriteRoute = "decide" | "outcome" | "release";

export function newBucket(): Bucket {
  return { tokens: Number.POSITIVE_INFINITY, updatedAtMs: 0 };
}

/** Refills the bucket up to now: it holds a minute's allowance and refills evenly. */
function refill(bucket: Bucket, perMinute: number, nowMs: number): void {
  const elapsedMs = Math.max(0, nowMs - bucket.updatedAtMs);
  bucket.tokens = Math.min(perMinute, bucket.tokens + (elapsedMs * perMinute) / 60_000);
  bucket.updatedAtMs = nowMs;
}

function granted(bucket: Bucket, perMinute: number): RateDecision {
  const resetSeconds = Math.ceil(((perMinute - bucket.tokens) * 60) / perMinute);
  return { ok: true, limit: perMinute, remaining: Math.floor(bucket.tokens), resetSeconds: Math.max(resetSeconds, 1) };
}

/** Takes one token if there is one. */
export function takeToken(bucket: Bucket, perMinute: number, nowMs: number): RateDecision {
  refill(bucket, perMinute, nowMs);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return granted(bucket, perMinute);
  }
  const resetSeconds = Math.ceil(((perMinute - bucket.tokens) * 60) / perMinute);
  const retryAfterSeconds = Math.max(1, Math.ceil(((1 - bucket.tokens) * 60) / perMinute));
  return { ok: false, limit: perMinute, remaining: 0, resetSeconds: Math.max(resetSeconds, 1), retryAfterSeconds };
}

/**
 * The bucket's state without taking a token: for requests that write nothing (an idempotent
 * replay answers from storage), so that a client's retries never eat its allowance.
 */
export function peekTokens(bucket: Bucket, perMinute: number, nowMs: number): RateDecision {
  refill(bucket, perMinute, nowMs);
  return granted(bucket, perMinute);
}
