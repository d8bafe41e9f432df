// A token bucket per tenant, held in the TenantLedger's memory: exact because one object serves
// one tenant. Losing it on eviction only refills the bucket early, which is the safe direction
// for availability and bounded by one minute's allowance. Pure: time is passed in.

export interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

export type RateDecision =
  | { readonly ok: true; readonly limit: number; readonly remaining: number; readonly resetSeconds: number }
  | { readonly ok: false; readonly limit: number; readonly remaining: 0; readonly resetSeconds: number; readonly retryAfterSeconds: number };

/** Takes one token if there is one; the bucket holds a minute's allowance and refills evenly. */
export function takeToken(bucket: Bucket, perMinute: number, nowMs: number): RateDecision {
  const elapsedMs = Math.max(0, nowMs - bucket.updatedAtMs);
  bucket.tokens = Math.min(perMinute, bucket.tokens + (elapsedMs * perMinute) / 60_000);
  bucket.updatedAtMs = nowMs;
  const resetSeconds = Math.ceil(((perMinute - bucket.tokens) * 60) / perMinute);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return { ok: true, limit: perMinute, remaining: Math.floor(bucket.tokens), resetSeconds: Math.max(resetSeconds, 1) };
  }
  const retryAfterSeconds = Math.max(1, Math.ceil(((1 - bucket.tokens) * 60) / perMinute));
  return { ok: false, limit: perMinute, remaining: 0, resetSeconds: Math.max(resetSeconds, 1), retryAfterSeconds };
}
