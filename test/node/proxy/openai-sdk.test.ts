// The official openai npm package pointed at Calybris: the worker runs under wrangler's
// unstable_dev (local workerd, offline), every provider's base URL points at a local node:http mock
// answering in that provider's wire format (bench/mock-upstream.ts), and the SDK completes a chat
// and a stream through each wire format, exactly as an application would.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { unstable_dev, type Unstable_DevWorker } from "wrangler";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { decisionFingerprint, openAiOptions } from "../../../src/client/index.ts";
import { startMockUpstream, type MockUpstream } from "../../../bench/mock-upstream.ts";

const ADMIN = "sdk-test-admin-token-0123456789";
const TEXT = "Open Settings, choose Security, then Reset password.";
let upstream: MockUpstream;
let worker: Unstable_DevWorker;
let persist: string;
let apiKey: string;

beforeAll(async () => {
  upstream = await startMockUpstream();
  persist = mkdtempSync(join(tmpdir(), "calybris-sdk-"));
  const keys = Object.fromEntries(
    ["OPENAI", "ANTHROPIC", "GOOGLE", "DEEPSEEK", "MISTRAL", "META"].map((p) => [`${p}_API_KEY`, `sdk-test-${p.toLowerCase()}-key`]),
  );
  worker = await unstable_dev("src/worker/index.ts", {
    config: "wrangler.toml",
    envFiles: [],
    ip: "127.0.0.1",
    persistTo: persist,
    logLevel: "error",
    vars: {
      ADMIN_TOKEN: ADMIN,
      API_KEY_PEPPER: "sdk-test-api-key-pepper-0123456789abcdef",
      CHECKPOINT_SIGNING_KEY: "PRIVATE+KEY+calybris-dev+aa25f12c+AbN+I7UFf1A9xxTk5F+E77hbtPViUFwrH2hXMhKhBJVX",
      PROVIDER_KEY_SECRET: "sdk-test-provider-key-secret-0123456789",
      ...keys,
      ...upstream.baseUrlVars(),
    },
    experimental: { disableExperimentalWarning: true, disableDevRegistry: true, showInteractiveDevSession: false, watch: false },
  });
  const created = await worker.fetch("/admin/tenants", {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "SDK test", initial_budget_micros: 100_000_000 }),
  });
  expect(created.status).toBe(201);
  apiKey = ((await created.json()) as { api_key: string }).api_key;
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await upstream?.close();
  if (persist !== undefined) rmSync(persist, { recursive: true, force: true });
});

function sdk(provider: string): OpenAI {
  const options = openAiOptions({
    baseUrl: `http://${worker.address}:${worker.port}`,
    apiKey,
    terms: { valueMicros: 5_000_000, riskBps: 1_000, providers: { allow: [provider] } },
  });
  return new OpenAI({ ...options, maxRetries: 0 });
}

describe("the openai package against the proxy", () => {
  for (const provider of ["openai", "anthropic", "google"]) {
    test(`${provider}: a chat completion`, { timeout: 60_000 }, async () => {
      const before = upstream.calls[provider] ?? 0;
      const { data, response } = await sdk(provider)
        .chat.completions.create({
          model: "calybris/auto",
          messages: [{ role: "user", content: "How do I reset my password?" }],
          max_tokens: 50,
        })
        .withResponse();
      expect(data.choices[0]!.message.content).toBe(TEXT);
      expect(data.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 11, total_tokens: 23 });
      expect(decisionFingerprint(response.headers.get("calybris-decision"))).toMatch(/^[0-9a-f]{64}$/);
      expect(upstream.calls[provider]).toBe(before + 1);
    });

    test(`${provider}: a stream`, { timeout: 60_000 }, async () => {
      const stream = await sdk(provider).chat.completions.create({
        model: "calybris/support",
        messages: [{ role: "user", content: "How do I reset my password?" }],
        max_tokens: 50,
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = "";
      let finish: string | null = null;
      let usage: unknown = null;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? "";
        finish = chunk.choices[0]?.finish_reason ?? finish;
        usage = chunk.usage ?? usage;
      }
      expect(text).toBe(TEXT);
      expect(finish).toBe("stop");
      expect(usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 11 });
    });
  }

  test("a refusal reaches the SDK as an APIError with the problem's status", { timeout: 60_000 }, async () => {
    await expect(
      sdk("openai").chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] }),
    ).rejects.toMatchObject({ status: 400 });
  });
});
