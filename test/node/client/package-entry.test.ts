// `calybris/client` as a consumer imports it: built by the package's own build (npm install runs
// it as `prepare`), resolved through package.json "exports" by a plain Node process, with its
// declarations beside it. A client that only worked inside this repository's tests would fail here.

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const tsc = `${root}node_modules/typescript/bin/tsc`;

describe("the calybris/client entry point", () => {
  test("builds, resolves by its name in plain Node, and exports the client and its errors", () => {
    execFileSync(process.execPath, [tsc, "-p", "tsconfig.client.json"], { cwd: root, stdio: "pipe" });
    for (const file of ["index.js", "index.d.ts", "client.d.ts"]) expect(existsSync(`${root}dist/package/client/${file}`)).toBe(true);
    const script = [
      'import { CalybrisClient, CalybrisClientError, CalybrisProblemError } from "calybris/client";',
      'const client = new CalybrisClient({ baseUrl: "https://calybris.example/", apiKey: "cal_live_x" });',
      'let refused = "";',
      'try { await client.decide({ regime: "support" }); } catch (error) { refused = error instanceof CalybrisClientError ? error.message : "wrong error"; }',
      "console.log(JSON.stringify({ base: client.baseUrl, problem: typeof CalybrisProblemError, refused }));",
    ].join("\n");
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    const seen = JSON.parse(out) as { base: string; problem: string; refused: string };
    expect(seen).toMatchObject({ base: "https://calybris.example", problem: "function" });
    // Refused by the worker's own schema before any request: no network here, so a sent request would throw another error.
    expect(seen.refused).toMatch(/^decide: /);
  }, 60_000);
});
