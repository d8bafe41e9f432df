// The Authorization header (src/worker/api-keys.ts): one parser for API keys and the admin token,
// with the auth-scheme matched without regard to case (RFC 9110 section 11.1).

import { describe, expect, test } from "vitest";
import { API_KEY_RANDOM_BYTES, bearerToken, isAdmin, mintApiKey, parseApiKey } from "../../../src/worker/api-keys.ts";

const PEPPER = "pepper-for-this-test-0123456789";
const ADMIN_TOKEN = "an-admin-token-of-some-length";
const minted = mintApiKey(PEPPER, "acme", new Uint8Array(API_KEY_RANDOM_BYTES).fill(7));

describe("bearerToken", () => {
  test.each(["Bearer", "bearer", "BEARER", "bEaReR"])("reads the %s scheme", (scheme) => {
    expect(bearerToken(`${scheme} abc.def`)).toBe("abc.def");
    expect(bearerToken(`${scheme}   abc.def`)).toBe("abc.def");
  });

  test.each<[string | undefined, string]>([
    [undefined, "no header"],
    ["", "empty"],
    ["Bearer", "no token"],
    ["Bearer ", "no token after the space"],
    ["Basic abc", "another scheme"],
    ["Bearerabc", "no space"],
    ["Bearer\tabc", "a tab instead of a space"],
    ["Bearer abc def", "two tokens"],
    ["Bearer abc\u00e9", "a non-ASCII token"],
    [`Bearer ${"a".repeat(1_100)}`, "longer than any key"],
  ])("refuses %j (%s)", (header) => {
    expect(bearerToken(header)).toBeNull();
  });
});

describe("API key and admin token read the same header the same way", () => {
  test.each(["Bearer", "bearer", "BEARER"])("%s", (scheme) => {
    expect(parseApiKey(PEPPER, `${scheme} ${minted.key}`)?.tenantId).toBe("acme");
    expect(isAdmin(ADMIN_TOKEN, `${scheme} ${ADMIN_TOKEN}`)).toBe(true);
  });

  test.each(["Basic", "Token", "Bearer:"])("refuses the %s scheme for both", (scheme) => {
    expect(parseApiKey(PEPPER, `${scheme} ${minted.key}`)).toBeNull();
    expect(isAdmin(ADMIN_TOKEN, `${scheme} ${ADMIN_TOKEN}`)).toBe(false);
  });

  test("refuses a wrong token, and any token when the admin token is unset or short", () => {
    expect(isAdmin(ADMIN_TOKEN, `Bearer ${ADMIN_TOKEN}x`)).toBe(false);
    expect(isAdmin(undefined, "Bearer x")).toBe(false);
    expect(isAdmin("short", "Bearer short")).toBe(false);
  });
});
