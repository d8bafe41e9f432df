// `calybris keygen` (src/cli/keygen-command.ts) and the pure key pair it prints
// (src/ledger/note-key-pair.ts): the published golang.org/x/mod keys derived again from their
// seeds, the CLI as a child process (printed keys parse, sign and verify; fresh keys each run),
// bad names refused with exit 2, and the name rule held to signed-note.ts's own check.

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { decodeBase64 } from "../../../src/ledger/base64.ts";
import { keyNameProblem, noteKeyPair } from "../../../src/ledger/note-key-pair.ts";
import { generateSignerKey, openNote, parseSignerKey, parseVerifierKey, signNote } from "../../../src/ledger/signed-note.ts";
import { runKeygen } from "../../../src/cli/keygen-command.ts";
import vectors from "../../vectors/signed-note.json" with { type: "json" };

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CLI = join(ROOT, "src/cli/calybris.ts");
const NAME = "calybris.example.com/ledger";

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const child = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8", timeout: 20_000 });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

/** Runs the command in this process with a fixed random source. */
async function keygen(argv: string[], seed = new Uint8Array(32).fill(7)): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const status = await runKeygen(argv, { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) }, () => seed);
  return { status, stdout, stderr };
}

/** The 32-byte seed inside `PRIVATE+KEY+<name>+<id>+<base64>`, less the algorithm byte; base64 may hold '+'. */
function seedOf(signerKey: string): Uint8Array {
  return decodeBase64(signerKey.split("+").slice(4).join("+"))!.subarray(1);
}

// Names every rule of signed-note "Format" refuses, and the other characters signed-note.ts refuses.
const BAD_NAMES: readonly [string, string][] = [
  ["", "empty"],
  ["origin+tenant", "'+'"],
  ["calybris example", "white space"],
  ["a\tb", "white space"],
  ["a\nb", "white space"],
  ["a\u00a0b", "white space"],
  ["a\u2028b", "white space"],
  ["a\u3000b", "white space"],
  ["a\ud800b", "lone surrogate"],
  ["a\u0001b", "control"],
];

describe("noteKeyPair", () => {
  // golang.org/x/mod and transparency-dev print these keys; the seed is read back out of the
  // published signer key, so the expected texts come from another implementation, not this one.
  test.each(vectors.signerKeys)("derives the published keys of $name from their seed", (vector) => {
    const pair = noteKeyPair(vector.name, seedOf(vector.signerKey));
    expect(pair).toEqual({ ok: true, signerKey: vector.signerKey, verifierKey: vector.verifierKey });
  });

  test.each(BAD_NAMES)("refuses the name %j (%s)", (name, reason) => {
    const pair = noteKeyPair(name, new Uint8Array(32));
    expect(pair.ok).toBe(false);
    if (!pair.ok) expect(pair.detail).toContain(reason);
  });

  test("keyNameProblem agrees with signed-note.ts on every name", () => {
    const accepts = (name: string): boolean => {
      try {
        generateSignerKey(name, new Uint8Array(32));
        return true;
      } catch {
        return false;
      }
    };
    const names = fc.oneof(
      fc.string({ unit: "binary", maxLength: 8 }),
      fc.constantFrom(...BAD_NAMES.map(([name]) => name), "a\u007fb", "\u{1F600}", "x.y/z"),
    );
    fc.assert(
      fc.property(names, (name) => (keyNameProblem(name) === null) === accepts(name)),
      { numRuns: 2_000 },
    );
  });
});

describe("calybris keygen", () => {
  test("prints a signer key that signs a note and a verifier key that verifies it", () => {
    const run = cli("keygen", "--name", NAME);
    expect(run.status).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe("");
    const signer = parseSignerKey(lines[0]!);
    const verifier = parseVerifierKey(lines[1]!);
    if (!signer.ok || !verifier.ok) throw new Error(`printed keys do not parse: ${run.stdout}`);
    expect(lines[0]).toMatch(/^PRIVATE\+KEY\+calybris\.example\.com\/ledger\+[0-9a-f]{8}\+/);
    expect(signer.key.name).toBe(NAME);
    expect(verifier.key.keyId).toBe(signer.key.keyId);
    const note = signNote(`${NAME}/acme\n3\n${"A".repeat(43)}=\n`, signer.key);
    expect(openNote(note, [verifier.key])).toMatchObject({ ok: true, verifiedBy: [lines[1]!.split("+").slice(0, 2).join("+")] });
    expect(run.stderr).toContain("keep it secret");
  });

  test("draws a fresh key on every run", () => {
    const first = cli("keygen", "--name", NAME).stdout;
    const second = cli("keygen", "--name", NAME).stdout;
    expect(first).not.toBe(second);
  });

  test.each(BAD_NAMES)("refuses --name %j with exit 2 and the reason", async (name, reason) => {
    const run = await keygen(["--name", name]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("--name is not a valid key name");
    expect(run.stderr).toContain(reason);
  });

  test("refuses a bad name from the shell with exit 2", () => {
    const run = cli("keygen", "--name", "my origin");
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^calybris keygen: --name is not a valid key name: the key name contains a space/);
  });

  test.each([
    [[], "--name is required"],
    [["--name"], "argument missing"],
    [["--name", NAME, "extra"], "Unexpected argument"],
    [["--nmae", NAME], "Unknown option"],
    [["--name", "calybris-dev"], "public development key"],
  ])("refuses %j with exit 2", async (argv, message) => {
    const run = await keygen(argv);
    expect(run).toMatchObject({ status: 2, stdout: "" });
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain("Usage: calybris keygen");
  });

  test("--help prints the usage to stdout", async () => {
    const run = await keygen(["--help"]);
    expect(run).toMatchObject({ status: 0, stderr: "" });
    expect(run.stdout).toContain("Usage: calybris keygen --name <name>");
  });

  test("the top-level usage names keygen", () => {
    expect(cli("--help").stdout).toContain("keygen --name <name>");
  });
});
