// Standard Webhooks verification (src/ledger/webhook-signature.ts) over the webhook-timestamp text
// exactly as sent: a signature over "1767225600" must not also vouch for "01767225600", "+1767225600"
// or any other spelling of the same number, and only canonical decimal text is accepted at all.

import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { describe, expect, test } from "vitest";
import { signWebhook, verifyWebhook, webhookSecretBytes } from "../../../src/ledger/webhook-signature.ts";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW = 1_767_225_600;
const BODY = '{"decision_fingerprint":"ab"}';

/** The signature over any timestamp text, computed here without the module's signing code. */
function signText(id: string, timestampText: string, body: string): string {
  return `v1,${btoa(String.fromCharCode(...hmac(sha256, webhookSecretBytes(SECRET)!, utf8ToBytes(`${id}.${timestampText}.${body}`))))}`;
}

const verify = (timestamp: string, signature: string) => verifyWebhook(SECRET, { id: "msg_1", timestamp, signature }, BODY, NOW);

describe("webhook-timestamp", () => {
  test("the canonical text, signed by the sender's helper or independently, verifies", () => {
    expect(signWebhook(SECRET, "msg_1", NOW, BODY)).toBe(signText("msg_1", String(NOW), BODY));
    expect(verify(String(NOW), signText("msg_1", String(NOW), BODY))).toEqual({ ok: true });
  });

  test.each([
    `0${NOW}`,
    `00${NOW}`,
    `+${NOW}`,
    `${NOW}.0`,
    `${NOW}.`,
    `${NOW} `,
    ` ${NOW}`,
    `${NOW}\t`,
    `${NOW}e0`,
    "1.767225600e9",
    `0x${NOW.toString(16)}`,
    `\uff11${String(NOW).slice(1)}`,
    "",
    "-0",
    "00",
  ])("%j is refused even when the signature covers the canonical text", (timestamp) => {
    expect(verify(timestamp, signText("msg_1", String(NOW), BODY))).toMatchObject({ ok: false, code: "webhook_timestamp_stale" });
  });

  test.each([`0${NOW}`, `+${NOW}`])("%j is refused even when the signature covers that very text", (timestamp) => {
    expect(verify(timestamp, signText("msg_1", timestamp, BODY))).toMatchObject({ ok: false, code: "webhook_timestamp_stale" });
  });

  test("the signature covers the timestamp: one second off is another message", () => {
    expect(verify(String(NOW + 1), signText("msg_1", String(NOW), BODY))).toMatchObject({ ok: false, code: "webhook_signature_invalid" });
  });

  test("signWebhook refuses a timestamp that has no canonical text", () => {
    for (const bad of [1.5, -1, Number.NaN, 2 ** 53]) expect(() => signWebhook(SECRET, "msg_1", bad, BODY)).toThrow(RangeError);
  });
});
