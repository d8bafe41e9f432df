// Hand-written hostile bodies that generators rarely hit: raw JSON text (so -0, 1e400, __proto__
// and duplicate keys survive), invalid UTF-8, deep nesting, oversized and lying bodies, wrong
// content types. Each call builds fresh Requests, because a body stream can be read only once.

import { ORIGIN, decideBody, type Tenant } from "./helpers.ts";

export interface CorpusEntry {
  readonly request: Request;
  readonly kind?: "decide" | "outcome" | "other";
}

const BODY_LIMIT_BYTES = 64 * 1024;

/** A valid decide body as text with one field's raw value replaced. */
function withRaw(field: string, raw: string): string {
  const body = decideBody() as Record<string, unknown>;
  const parts = Object.entries(body)
    .filter(([key]) => key !== field)
    .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`);
  return `{${[...parts, `${JSON.stringify(field)}:${raw}`].join(",")}}`;
}

function nested(depth: number, open = "[", close = "]"): string {
  return `${open.repeat(depth)}${close.repeat(depth)}`;
}

function bytes(...values: number[]): Uint8Array {
  return new Uint8Array(values);
}

function concat(...parts: (string | Uint8Array)[]): Uint8Array {
  const encoded = parts.map((part) => (typeof part === "string" ? new TextEncoder().encode(part) : part));
  const out = new Uint8Array(encoded.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of encoded) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function streamOf(data: Uint8Array, chunk = 4096): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= data.length) return controller.close();
      controller.enqueue(data.slice(offset, offset + chunk));
      offset += chunk;
    },
  });
}

const NUMBERS = [
  "-0",
  "-0.0",
  "1e308",
  "1E400",
  "-1E400",
  "9007199254740992",
  "9007199254740993",
  "4294967295",
  "1.0",
  "1e2",
  "0x10",
  "NaN",
  "Infinity",
  "01",
  "+1",
  ".5",
];

export function rawCorpus(tenant: Tenant): CorpusEntry[] {
  const json = tenant.headers;
  const textBodies: string[] = [
    "",
    " ",
    "null",
    "true",
    "0",
    "-0",
    '"text"',
    "[]",
    "{}",
    "[{}]",
    '{"":""}',
    "{",
    "}",
    "{]",
    '{"regime":}',
    "\u0000",
    "\ufeff{}",
    `\ufeff${JSON.stringify(decideBody())}`,
    ...NUMBERS.flatMap((n) => [
      withRaw("input_tokens", n),
      withRaw("value_micros", n),
      withRaw("risk_bps", n),
      withRaw("max_cost_micros", n),
    ]),
    withRaw("max_output_tokens", "4294967295"),
    withRaw("max_output_tokens", "1e308"),
    nested(1_000),
    `${'{"a":'.repeat(1_000)}1${"}".repeat(1_000)}`,
    `{"regime":${nested(1_000)}}`,
    nested(20_000),
    nested(30_000).slice(0, 30_000),
    withRaw("providers", nested(1_000)),
    withRaw("messages", `[${nested(900)}]`),
    withRaw("__proto__", '{"regime":"support"}'),
    `{"__proto__":${JSON.stringify(decideBody())}}`,
    withRaw("constructor", '{"prototype":{"polluted":1}}'),
    withRaw("providers", '{"__proto__":{"allow":["openai"]}}'),
    withRaw("providers", '{"allow":[],"constructor":1}'),
    withRaw("messages", '[{"role":"user","content":"hi","__proto__":{"x":1}}]'),
    withRaw("capabilities", '["__proto__"]'),
    `${JSON.stringify(decideBody()).slice(0, -1)},"regime":"coding"}`,
    `${JSON.stringify(decideBody()).slice(0, -1)},"risk_bps":9999}`,
    withRaw("messages", "[]"),
    withRaw("messages", '[{"role":"user","content":""}]'),
    withRaw("messages", '[{"role":"user"}]'),
    `{"regime":"support","messages":[{"role":"user","content":"hi"}],"max_output_tokens":1,"value_micros":0,"risk_bps":0}`,
    `{"regime":"support","messages":${JSON.stringify(Array.from({ length: 257 }, () => ({ role: "user", content: "x" })))},"max_output_tokens":1,"value_micros":0,"risk_bps":0}`,
    `{"regime":"support","messages":[{"role":"user","content":${JSON.stringify("y".repeat(60_000))}}],"max_output_tokens":1,"value_micros":0,"risk_bps":0}`,
    withRaw("regime", '"\\ud800"'),
    withRaw("request_id", '"\\udfff\\ud800"'),
    withRaw("tenant_choice", '"\\ud83d"'),
    withRaw("regime", `"${"r".repeat(65)}"`),
    withRaw("unknown_field", "1"),
    withRaw("quality_floor_bps", "10001"),
    withRaw("max_latency_ms", "0"),
    `{"decision_fingerprint":"${"0".repeat(64)}","execution":{"model":"m","input_tokens":-0,"output_tokens":1,"latency_ms":1,"actual_cost_micros":1e400},"outcome":{"success":true}}`,
    `{"decision_fingerprint":"${"0".repeat(64)}","execution":{"model":"m","input_tokens":1,"output_tokens":1,"latency_ms":1,"actual_cost_micros":1},"outcome":{}}`,
  ];
  const entries: CorpusEntry[] = [];
  for (const body of textBodies) {
    entries.push({ request: new Request(`${ORIGIN}/v1/decide`, { method: "POST", headers: json, body }) });
    entries.push({
      request: new Request(`${ORIGIN}/v1/outcomes`, {
        method: "POST",
        headers: { ...json, "webhook-id": "raw", "webhook-timestamp": "0", "webhook-signature": "v1,AAAA" },
        body,
      }),
      kind: "outcome",
    });
  }
  const valid = JSON.stringify(decideBody());
  const binaryBodies: Uint8Array[] = [
    bytes(0xff, 0xfe),
    bytes(0xfe, 0xff, 0x00, 0x7b),
    concat('{"regime":"', bytes(0xff), '"}'),
    concat('{"regime":"', bytes(0xc0, 0xaf), '"}'),
    concat('{"regime":"', bytes(0xed, 0xa0, 0x80), '"}'),
    concat('{"regime":"', bytes(0xe2, 0x82), '"}'),
    concat(valid.slice(0, -1), ',"x":"', bytes(0xf8, 0x88, 0x80, 0x80, 0x80), '"}'),
    concat(valid, bytes(0x80)),
    bytes(0x00, 0x00, 0x00, 0x7b),
  ];
  for (const body of binaryBodies) entries.push({ request: new Request(`${ORIGIN}/v1/decide`, { method: "POST", headers: json, body }) });
  const big = concat('{"regime":"', "s".repeat(BODY_LIMIT_BYTES + 10), '"}');
  const exact = withRaw("request_id", JSON.stringify("q".repeat(BODY_LIMIT_BYTES))).slice(0, BODY_LIMIT_BYTES);
  entries.push(
    { request: new Request(`${ORIGIN}/v1/decide`, { method: "POST", headers: json, body: big }) },
    { request: new Request(`${ORIGIN}/v1/decide`, { method: "POST", headers: { ...json, "content-length": "10" }, body: big }) },
    { request: new Request(`${ORIGIN}/v1/decide`, { method: "POST", headers: json, body: streamOf(big) }) },
    {
      request: new Request(`${ORIGIN}/v1/decide`, {
        method: "POST",
        headers: { ...json, "content-length": "12" },
        body: streamOf(big, 60_000),
      }),
    },
    { request: new Request(`${ORIGIN}/v1/decide`, { method: "POST", headers: json, body: exact }) },
    { request: new Request(`${ORIGIN}/v1/outcomes`, { method: "POST", headers: json, body: big }), kind: "outcome" },
    {
      request: new Request(`${ORIGIN}/admin/tenants`, {
        method: "POST",
        headers: { authorization: "Bearer test-admin-token", "content-type": "application/json" },
        body: big,
      }),
      kind: "other",
    },
  );
  for (const type of [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/json-patch+json",
    "application/jsonx",
    "APPLICATION/JSON",
    "application/json; charset=latin1",
    "application/json;;;",
    " application/json ",
    "*/*",
    "application/problem+json",
  ]) {
    entries.push({
      request: new Request(`${ORIGIN}/v1/decide`, { method: "POST", headers: { ...json, "content-type": type }, body: valid }),
    });
  }
  entries.push({
    request: new Request(`${ORIGIN}/v1/decide`, { method: "POST", headers: { authorization: json.authorization! }, body: valid }),
  });
  // workerd sends a non-Latin-1 header value as UTF-8 bytes (with a warning): the key must be refused.
  entries.push({
    request: new Request(`${ORIGIN}/v1/decide`, { method: "POST", headers: { ...json, "idempotency-key": "\u00e9t\u00e9" }, body: valid }),
  });
  return entries;
}
