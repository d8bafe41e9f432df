// npm run example:outcome -- --secret <whsec_...> --fingerprint <decision fp> [--model m]
//   [--cost micros] [--success true|false] [--api-key cal_live_...] [--url http://localhost:8787]
//   [--send]
// Builds an outcome body, signs it the Standard Webhooks way, prints a ready curl command, and
// with --send posts it and prints the answer.

import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { signWebhook, webhookSecretBytes } from "../src/ledger/webhook-signature.ts";

const { values } = parseArgs({
  options: {
    secret: { type: "string" },
    fingerprint: { type: "string" },
    model: { type: "string", default: "gpt-4o-mini" },
    cost: { type: "string", default: "1500" },
    success: { type: "string", default: "true" },
    "input-tokens": { type: "string", default: "1200" },
    "output-tokens": { type: "string", default: "400" },
    "latency-ms": { type: "string", default: "900" },
    "api-key": { type: "string", default: process.env.CALYBRIS_API_KEY ?? "" },
    url: { type: "string", default: "http://localhost:8787" },
    send: { type: "boolean", default: false },
  },
});

function fail(message: string): never {
  console.error(`example:outcome: ${message}`);
  process.exit(2);
}

const secret = values.secret ?? process.env.CALYBRIS_WEBHOOK_SECRET ?? "";
if (webhookSecretBytes(secret) === null) fail("--secret must be the tenant's webhook secret (whsec_...)");
if (!/^[0-9a-f]{64}$/.test(values.fingerprint ?? "")) fail("--fingerprint must be the decision's 64-hex fingerprint");

const body = JSON.stringify({
  decision_fingerprint: values.fingerprint,
  execution: {
    model: values.model,
    input_tokens: Number(values["input-tokens"]),
    output_tokens: Number(values["output-tokens"]),
    latency_ms: Number(values["latency-ms"]),
    actual_cost_micros: Number(values.cost),
  },
  outcome: { success: values.success === "true" },
});
const id = `msg_${randomUUID()}`;
const timestamp = Math.floor(Date.now() / 1000);
const signature = signWebhook(secret, id, timestamp, body);
const headers: Record<string, string> = {
  "content-type": "application/json",
  authorization: `Bearer ${values["api-key"]}`,
  "webhook-id": id,
  "webhook-timestamp": String(timestamp),
  "webhook-signature": signature,
};

const quote = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`;
console.log(
  [
    "curl -sS -X POST",
    quote(`${values.url}/v1/outcomes`),
    ...Object.entries(headers).map(([k, v]) => `-H ${quote(`${k}: ${v}`)}`),
    `--data ${quote(body)}`,
  ].join(" \\\n  "),
);
if (values.send) {
  const response = await fetch(`${values.url}/v1/outcomes`, { method: "POST", headers, body });
  console.log(response.status, await response.text());
}
