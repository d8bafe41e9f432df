// GET /health inside workerd: ok through the deployed worker with the test bindings; 503
// configuration_invalid naming the reason when the app is given an environment with a missing or
// malformed secret, logged as one JSON line however many requests arrive; other routes still answer.

import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { buildApp } from "../../src/worker/app.ts";

const app = buildApp();

function withEnv(change: Partial<Record<keyof Env, string | undefined>>): Env {
  return { ...env, ...change } as unknown as Env;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("GET /health", () => {
  it("answers ok from inside workerd", async () => {
    const response = await exports.default.fetch("https://calybris.test/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("answers 503 naming a malformed CHECKPOINT_SIGNING_KEY, and logs it once", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    // The good configuration first, so that this isolate's last check is a known one.
    expect((await app.request("/health", {}, env)).status).toBe(200);
    // The verifier key where the signer key belongs: a mistake that used to turn signing off silently.
    const bad = withEnv({ CHECKPOINT_SIGNING_KEY: "calybris-dev+aa25f12c+AbERWinwN80ibphf4Xo7GtD4prrbuEvV9GXHkIBMM0Hg" });
    const first = await app.request("/health", {}, bad);
    const second = await app.request("/health", {}, bad);
    for (const response of [first, second]) {
      expect(response.status).toBe(503);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
    }
    const body = (await first.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: "https://calybris.dev/problems/configuration_invalid",
      status: 503,
      code: "configuration_invalid",
      reasons: [{ setting: "CHECKPOINT_SIGNING_KEY", code: "setting_malformed" }],
    });
    expect(body.detail).toContain("CHECKPOINT_SIGNING_KEY is not signer key text");
    const lines = log.mock.calls.map(([line]) => String(line)).filter((line) => line.includes("configuration_invalid"));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: "error",
      event: "configuration_invalid",
      problems: [{ setting: "CHECKPOINT_SIGNING_KEY" }],
    });
  });

  it("answers 503 for a missing signing key and a short admin token together, and still serves other routes", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const bad = withEnv({ CHECKPOINT_SIGNING_KEY: undefined, ADMIN_TOKEN: "too-short" });
    const response = await app.request("/health", {}, bad);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { reasons: { setting: string; code: string; detail: string }[] };
    expect(body.reasons.map(({ setting, code }) => [setting, code])).toEqual([
      ["ADMIN_TOKEN", "setting_too_short"],
      ["CHECKPOINT_SIGNING_KEY", "setting_missing"],
    ]);
    expect(JSON.stringify(body)).not.toContain("too-short");
    expect((await app.request("/openapi.json", {}, bad)).status).toBe(200);
  });
});
