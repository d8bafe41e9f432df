// The deployment check behind /health (src/worker/deployment-check.ts, routes/health.ts): a
// table of settings ending in the expected problem, its bounds held to what the code that reads
// each setting accepts (isAdmin, ledgerConfig), no secret in any detail, and one log line per
// change of the configuration.

import fc from "fast-check";
import { describe, expect, test, vi } from "vitest";
import { DURATION_MS_MAX, durationMs, ledgerConfig } from "../../../src/durable-objects/ledger-config.ts";
import { isAdmin } from "../../../src/worker/api-keys.ts";
import {
  ADMIN_TOKEN_LENGTH_MIN,
  API_KEY_PEPPER_LENGTH_MIN,
  CHECKED_SETTINGS,
  deploymentProblems,
  type DeploymentEnv,
  type SettingCode,
} from "../../../src/worker/deployment-check.ts";
import { deploymentStatus } from "../../../src/worker/routes/health.ts";

// The public development values of .dev.vars.example and wrangler.toml: a valid configuration.
const GOOD: DeploymentEnv = {
  ADMIN_TOKEN: "dev-admin-token-change-me",
  API_KEY_PEPPER: "dev-api-key-pepper-0123456789abcdef",
  CHECKPOINT_SIGNING_KEY: "PRIVATE+KEY+calybris-dev+aa25f12c+AbN+I7UFf1A9xxTk5F+E77hbtPViUFwrH2hXMhKhBJVX",
  CHECKPOINT_ORIGIN_PREFIX: "calybris.local/ledger",
  RESERVATION_TTL_MS: "600000",
  CHECKPOINT_INTERVAL_MS: "10000",
};
const DEV_KEY = GOOD.CHECKPOINT_SIGNING_KEY!;

type Case = readonly [string, Partial<Record<keyof DeploymentEnv, string | undefined>>, keyof DeploymentEnv | null, SettingCode | null];

const CASES: readonly Case[] = [
  ["the development configuration", {}, null, null],
  [
    "no variables at all (the ledger's defaults apply)",
    { CHECKPOINT_ORIGIN_PREFIX: undefined, RESERVATION_TTL_MS: undefined, CHECKPOINT_INTERVAL_MS: undefined },
    null,
    null,
  ],
  ["no ADMIN_TOKEN", { ADMIN_TOKEN: undefined }, "ADMIN_TOKEN", "setting_missing"],
  ["an empty ADMIN_TOKEN", { ADMIN_TOKEN: "" }, "ADMIN_TOKEN", "setting_missing"],
  ["a 15-character ADMIN_TOKEN", { ADMIN_TOKEN: "x".repeat(15) }, "ADMIN_TOKEN", "setting_too_short"],
  ["a 16-character ADMIN_TOKEN", { ADMIN_TOKEN: "x".repeat(16) }, null, null],
  ["no API_KEY_PEPPER", { API_KEY_PEPPER: undefined }, "API_KEY_PEPPER", "setting_missing"],
  ["a 31-character API_KEY_PEPPER", { API_KEY_PEPPER: "p".repeat(31) }, "API_KEY_PEPPER", "setting_too_short"],
  ["a 32-character API_KEY_PEPPER", { API_KEY_PEPPER: "p".repeat(32) }, null, null],
  ["no CHECKPOINT_SIGNING_KEY", { CHECKPOINT_SIGNING_KEY: undefined }, "CHECKPOINT_SIGNING_KEY", "setting_missing"],
  ["an empty CHECKPOINT_SIGNING_KEY", { CHECKPOINT_SIGNING_KEY: "" }, "CHECKPOINT_SIGNING_KEY", "setting_missing"],
  [
    "the verifier key in place of the signer key",
    { CHECKPOINT_SIGNING_KEY: "calybris-dev+aa25f12c+AbERWinwN80ibphf4Xo7GtD4prrbuEvV9GXHkIBMM0Hg" },
    "CHECKPOINT_SIGNING_KEY",
    "setting_malformed",
  ],
  [
    "a signer key with a wrong key id",
    { CHECKPOINT_SIGNING_KEY: DEV_KEY.replace("aa25f12c", "aa25f12d") },
    "CHECKPOINT_SIGNING_KEY",
    "setting_malformed",
  ],
  ["a truncated signer key", { CHECKPOINT_SIGNING_KEY: DEV_KEY.slice(0, -4) }, "CHECKPOINT_SIGNING_KEY", "setting_malformed"],
  ["a signer key with a trailing newline", { CHECKPOINT_SIGNING_KEY: `${DEV_KEY}\n` }, "CHECKPOINT_SIGNING_KEY", "setting_malformed"],
  [
    "an origin prefix with a space",
    { CHECKPOINT_ORIGIN_PREFIX: "calybris example/ledger" },
    "CHECKPOINT_ORIGIN_PREFIX",
    "setting_malformed",
  ],
  ["an origin prefix with '+'", { CHECKPOINT_ORIGIN_PREFIX: "calybris+example/ledger" }, "CHECKPOINT_ORIGIN_PREFIX", "setting_malformed"],
  ["an empty origin prefix", { CHECKPOINT_ORIGIN_PREFIX: "" }, "CHECKPOINT_ORIGIN_PREFIX", "setting_malformed"],
  ["a TTL of 0", { RESERVATION_TTL_MS: "0" }, "RESERVATION_TTL_MS", "setting_out_of_range"],
  ["a TTL in seconds notation", { RESERVATION_TTL_MS: "6e5" }, "RESERVATION_TTL_MS", "setting_out_of_range"],
  ["a TTL of one year", { RESERVATION_TTL_MS: String(DURATION_MS_MAX) }, null, null],
  ["a TTL just over one year", { RESERVATION_TTL_MS: String(DURATION_MS_MAX + 1) }, "RESERVATION_TTL_MS", "setting_out_of_range"],
  ["a negative checkpoint interval", { CHECKPOINT_INTERVAL_MS: "-10000" }, "CHECKPOINT_INTERVAL_MS", "setting_out_of_range"],
  ["a checkpoint interval with a unit", { CHECKPOINT_INTERVAL_MS: "10s" }, "CHECKPOINT_INTERVAL_MS", "setting_out_of_range"],
];

describe("deploymentProblems", () => {
  test.each(CASES)("%s", (_name, change, setting, code) => {
    const problems = deploymentProblems({ ...GOOD, ...change });
    expect(problems.map(({ setting: name, code: found }) => [name, found])).toEqual(setting === null ? [] : [[setting, code]]);
  });

  test("lists every problem at once, in the order of CHECKED_SETTINGS", () => {
    const problems = deploymentProblems({ RESERVATION_TTL_MS: "x", CHECKPOINT_INTERVAL_MS: "0", CHECKPOINT_ORIGIN_PREFIX: " " });
    expect(problems.map((problem) => problem.setting)).toEqual(CHECKED_SETTINGS);
  });

  test("never repeats a secret, or a key's text, in a detail", () => {
    const secret = fc.string({ minLength: 1, maxLength: 40 }).map((text) => `S3CRET${text}`);
    fc.assert(
      fc.property(secret, secret, secret, (admin, pepper, key) => {
        const problems = deploymentProblems({
          ...GOOD,
          ADMIN_TOKEN: admin.slice(0, 15),
          API_KEY_PEPPER: pepper.slice(0, 31),
          CHECKPOINT_SIGNING_KEY: `PRIVATE+KEY+${key}`,
        });
        expect(problems).toHaveLength(3);
        for (const { detail } of problems) expect(detail).not.toContain("S3CRET");
      }),
    );
  });
});

describe("bounds match the code that reads each setting", () => {
  test("ADMIN_TOKEN_LENGTH_MIN is where isAdmin starts accepting a token", () => {
    for (const length of [ADMIN_TOKEN_LENGTH_MIN - 1, ADMIN_TOKEN_LENGTH_MIN]) {
      const token = "t".repeat(length);
      expect(isAdmin(token, `Bearer ${token}`), `length ${length}`).toBe(length >= ADMIN_TOKEN_LENGTH_MIN);
    }
    expect(API_KEY_PEPPER_LENGTH_MIN).toBe(32);
  });

  test("a duration the check accepts is the one ledgerConfig uses; one it refuses falls back to the default", () => {
    const text = fc.oneof(
      fc.integer({ min: -2, max: DURATION_MS_MAX + 2 }).map(String),
      fc.constantFrom("", " 10", "10 ", "1e3", "0x10", "010", "+5", "1.0", "9007199254740993", "NaN", "Infinity", String(2 ** 53)),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(text, (value) => {
        const problems = deploymentProblems({ RESERVATION_TTL_MS: value, CHECKPOINT_INTERVAL_MS: value });
        const accepted = !problems.some(({ setting }) => setting === "RESERVATION_TTL_MS" || setting === "CHECKPOINT_INTERVAL_MS");
        const config = ledgerConfig({ RESERVATION_TTL_MS: value, CHECKPOINT_INTERVAL_MS: value });
        expect(accepted).toBe(durationMs(value) !== null);
        if (accepted) expect([config.reservationTtlMs, config.checkpointIntervalMs]).toEqual([Number(value), Number(value)]);
        else expect([config.reservationTtlMs, config.checkpointIntervalMs]).toEqual([600_000, 10_000]);
      }),
      { numRuns: 2_000 },
    );
  });

  test("a signing key the check accepts is the one ledgerConfig signs with; one it refuses turns signing off", () => {
    expect(ledgerConfig({ CHECKPOINT_SIGNING_KEY: DEV_KEY }).signer?.name).toBe("calybris-dev");
    for (const [, change, setting] of CASES.filter(([, , name]) => name === "CHECKPOINT_SIGNING_KEY")) {
      expect(setting).toBe("CHECKPOINT_SIGNING_KEY");
      expect(ledgerConfig({ CHECKPOINT_SIGNING_KEY: change.CHECKPOINT_SIGNING_KEY }).signer).toBeNull();
    }
  });
});

describe("deploymentStatus", () => {
  test("logs a configuration's problems once, and again only when they change", () => {
    const log = vi.fn();
    expect(deploymentStatus(GOOD, log)).toEqual([]);
    const bad = { ...GOOD, CHECKPOINT_SIGNING_KEY: "PRIVATE+KEY+nope" };
    for (let request = 0; request < 3; request++) expect(deploymentStatus({ ...bad }, log)).toHaveLength(1);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]![0]).toEqual([expect.objectContaining({ setting: "CHECKPOINT_SIGNING_KEY", code: "setting_malformed" })]);
    deploymentStatus({ ...bad, ADMIN_TOKEN: "short" }, log);
    expect(log).toHaveBeenCalledTimes(2);
    expect(deploymentStatus(GOOD, log)).toEqual([]);
    expect(log).toHaveBeenCalledTimes(2);
  });

  test("logs one JSON line to console.error by default", () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      deploymentStatus(GOOD);
      deploymentStatus({ ...GOOD, API_KEY_PEPPER: undefined });
      deploymentStatus({ ...GOOD, API_KEY_PEPPER: undefined });
      expect(spy).toHaveBeenCalledTimes(1);
      const line = spy.mock.calls[0]![0] as string;
      expect(JSON.parse(line)).toMatchObject({
        level: "error",
        event: "configuration_invalid",
        problems: [{ setting: "API_KEY_PEPPER", code: "setting_missing" }],
      });
      expect(line).not.toContain("\n");
    } finally {
      spy.mockRestore();
    }
  });
});
