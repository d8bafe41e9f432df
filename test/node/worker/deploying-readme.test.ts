// The README's "Deploying" checklist against the code it describes: it names every setting the
// deployment check reads, states the same bounds, and lists the same variables as wrangler.toml,
// whose committed values pass the check. A bound changed in code and not in the README fails here.

import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { DURATION_MS_MAX } from "../../../src/durable-objects/ledger-config.ts";
import { PROVIDER_ENV, PROVIDER_KEY_SECRET_LENGTH_MIN } from "../../../src/worker/provider-env.ts";
import {
  ADMIN_TOKEN_LENGTH_MIN,
  API_KEY_PEPPER_LENGTH_MIN,
  CHECKED_SETTINGS,
  deploymentProblems,
} from "../../../src/worker/deployment-check.ts";

const root = new URL("../../../", import.meta.url);
const readme = readFileSync(new URL("README.md", root), "utf8");
const deploying = readme.slice(readme.indexOf("## Deploying"), readme.indexOf("\n## ", readme.indexOf("## Deploying") + 1));
const wranglerToml = readFileSync(new URL("wrangler.toml", root), "utf8");
const SECRETS = ["ADMIN_TOKEN", "API_KEY_PEPPER", "CHECKPOINT_SIGNING_KEY"];
/** Proxy mode's settings: optional, listed in their own paragraph rather than the checked list. */
const PROXY_VARS = [...Object.values(PROVIDER_ENV).map((names) => names.baseUrl), "PROVIDER_TIMEOUT_MS"];
const PROXY_SECRETS = ["PROVIDER_KEY_SECRET", ...Object.values(PROVIDER_ENV).map((names) => names.apiKey)];

/** `NAME = "value"` lines of wrangler.toml's [vars] table. */
function tomlVars(): Record<string, string> {
  const table = wranglerToml.slice(wranglerToml.indexOf("[vars]"));
  return Object.fromEntries([...table.matchAll(/^([A-Z_]+) = "([^"]*)"$/gm)].map((match) => [match[1]!, match[2]!]));
}

describe("README, Deploying", () => {
  test("names every proxy mode variable (as wrangler.toml has it) and secret, with the secret's bound", () => {
    const vars = tomlVars();
    for (const name of PROXY_VARS) {
      expect(deploying, name).toContain(`\`${name}\``);
      expect(Object.keys(vars), name).toContain(name);
    }
    for (const name of PROXY_SECRETS) expect(deploying, name).toContain(`\`${name}\``);
    expect(deploying).toContain(`\`PROVIDER_TIMEOUT_MS\` (variable, default \`${vars.PROVIDER_TIMEOUT_MS}\`)`);
    expect(deploying).toContain(`(secret, ${PROVIDER_KEY_SECRET_LENGTH_MIN} characters or more)`);
  });

  test("has a checklist item for every setting the deployment check reads", () => {
    const items = [...deploying.matchAll(/^- \[ \] \*\*`([A-Z_]+)`\*\*/gm)].map((match) => match[1]);
    expect(items).toEqual([...CHECKED_SETTINGS]);
  });

  test("states the bounds the code enforces", () => {
    expect(deploying).toContain(`At least ${ADMIN_TOKEN_LENGTH_MIN} characters`);
    expect(deploying).toContain(`At least ${API_KEY_PEPPER_LENGTH_MIN} characters`);
    expect(deploying).toContain(`from 1 to ${DURATION_MS_MAX.toLocaleString("en-US")}`);
    expect(deploying).toContain("keygen --name");
  });

  test("lists the variables of wrangler.toml with their committed defaults, which pass the check", () => {
    const vars = tomlVars();
    expect(
      Object.keys(vars)
        .filter((name) => !(PROXY_VARS as string[]).includes(name))
        .sort(),
    ).toEqual(CHECKED_SETTINGS.filter((name) => !SECRETS.includes(name)).sort());
    expect(deploying).toContain(`\`${vars.RESERVATION_TTL_MS}\``);
    expect(deploying).toContain(`\`${vars.CHECKPOINT_INTERVAL_MS}\``);
    expect(deploying).toContain(`\`${vars.CHECKPOINT_ORIGIN_PREFIX}\``);
    const problems = deploymentProblems(vars).map((problem) => problem.setting);
    expect(problems.filter((setting) => !SECRETS.includes(setting))).toEqual([]);
  });
});
