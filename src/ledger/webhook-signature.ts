// Standard Webhooks signatures (https://www.standardwebhooks.com, spec "Verifying webhooks"):
// HMAC-SHA256 over "<webhook-id>.<webhook-timestamp>.<body>" with the secret's bytes
// ("whsec_" + base64), a bounded timestamp tolerance, constant-time comparison. The signed
// timestamp is the header's text exactly as sent, and only canonical decimal text is accepted,
// so that one signature can never stand for two different header values.

import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { decodeBase64, encodeBase64 } from "./base64.ts";

export const WEBHOOK_TOLERANCE_SECONDS = 300;
const SECRET_PREFIX = "whsec_";
/** Unix seconds in canonical decimal: no sign, no leading zero, no spaces, at most 12 digits. */
const CANONICAL_TIMESTAMP = /^(?:0|[1-9][0-9]{0,11})$/;

export type WebhookCheck =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly code: "webhook_signature_invalid" | "webhook_timestamp_stale" | "webhook_headers_missing";
      readonly detail: string;
    };

export function webhookSecretBytes(secret: string): Uint8Array | null {
  if (!secret.startsWith(SECRET_PREFIX)) return null;
  const bytes = decodeBase64(secret.slice(SECRET_PREFIX.length));
  return bytes === undefined || bytes.length < 16 ? null : bytes;
}

export function newWebhookSecret(random: Uint8Array): string {
  return SECRET_PREFIX + encodeBase64(random);
}

/** The "v1,<base64>" signature of a payload, as a sender puts it in webhook-signature. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new RangeError(`"timestampSeconds" expected safe integer >= 0, got ${timestampSeconds}`);
  }
  return signatureOver(secret, id, String(timestampSeconds), body);
}

/** The signature over the timestamp's text as given: what a sender signed is what was sent. */
function signatureOver(secret: string, id: string, timestampText: string, body: string): string {
  const key = webhookSecretBytes(secret);
  if (key === null) throw new RangeError('"secret" expected "whsec_" + base64 of at least 16 bytes');
  return `v1,${encodeBase64(hmac(sha256, key, utf8ToBytes(`${id}.${timestampText}.${body}`)))}`;
}

function constantTimeEqual(a: string, b: string): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) difference |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return difference === 0;
}

export interface WebhookHeaders {
  readonly id: string | null;
  readonly timestamp: string | null;
  readonly signature: string | null;
}

/** Checks headers and signature; `nowSeconds` is injected so tests control the clock. */
export function verifyWebhook(secret: string, headers: WebhookHeaders, body: string, nowSeconds: number): WebhookCheck {
  const { id, timestamp, signature } = headers;
  if (id === null || timestamp === null || signature === null || id.length === 0 || id.length > 256) {
    return { ok: false, code: "webhook_headers_missing", detail: "webhook-id, webhook-timestamp and webhook-signature are required" };
  }
  if (!CANONICAL_TIMESTAMP.test(timestamp)) {
    return {
      ok: false,
      code: "webhook_timestamp_stale",
      detail: "webhook-timestamp must be Unix seconds in decimal digits, without sign or leading zeros",
    };
  }
  if (Math.abs(nowSeconds - Number(timestamp)) > WEBHOOK_TOLERANCE_SECONDS) {
    return { ok: false, code: "webhook_timestamp_stale", detail: `webhook-timestamp is more than ${WEBHOOK_TOLERANCE_SECONDS} s from now` };
  }
  const expected = signatureOver(secret, id, timestamp, body);
  // The header may carry several space-separated signatures (key rotation); any valid v1 one counts.
  const valid = signature
    .split(" ")
    .slice(0, 8)
    .some((candidate) => constantTimeEqual(candidate, expected));
  return valid ? { ok: true } : { ok: false, code: "webhook_signature_invalid", detail: "no webhook-signature matches this payload" };
}
