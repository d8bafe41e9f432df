// `calybris verify`: checks a JSONL chain export offline and says whether it verifies, where the
// first bad entry is, or that the last line is torn. Exit status: 0 verified (a torn tail is
// reported, not an error), 1 damaged or nothing to verify, 2 usage or I/O error. It never
// truncates damage; it writes the complete prefix of a torn export only when asked to.

import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import type { VerifierKey } from "../ledger/signed-note.ts";
import { verifierKeyArg } from "./verifier-key-arg.ts";
import { verifyExportFile, type FileVerdict, type VerifyFileOptions } from "./verify-file.ts";
import { formatVerdict, verdictJson, verdictOf, type Written } from "./verify-output.ts";

export const VERIFY_USAGE = `Usage: calybris verify <file> [options]

Verifies a JSONL chain export offline: framing, seq order, prev links, every fingerprint, the
RFC 6962 Merkle root at each checkpoint, each policy lifecycle event's shape and continuity, each
proxy execution entry's envelope (docs/chain-format.md) and, with --key, each checkpoint's
Ed25519 signature.

Options:
  --key <key | file>       verifier key text (<name>+<key id>+<base64>) or a file holding it;
                           without it, checkpoint signatures are parsed but not checked
  --tenant <id>            require the chain to be this tenant's
  --json                   print one JSON object instead of the report
  --write-truncated <out>  after a torn tail, write the complete entries to <out>
  --threads <n>            worker threads for fingerprints (default: one per CPU for files
                           of 8 MiB or more, else none; 0 = main thread only)
  -h, --help               show this help

Exit status: 0 the export verifies (a torn tail is reported, not an error),
             1 damaged, or no complete entry to verify, 2 usage or I/O error.
`;

const THREADS_MAX = 64;

export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

interface VerifyArgs {
  readonly file: string;
  readonly key: VerifierKey | null;
  readonly tenant: string | undefined;
  readonly json: boolean;
  readonly writeTruncated: string | undefined;
  readonly threads: number | undefined;
}

type Parsed = { readonly ok: true; readonly args: VerifyArgs } | { readonly ok: false; readonly message: string | null };

export async function runVerify(argv: readonly string[], output: Output): Promise<number> {
  const parsed = parseVerifyArgs(argv);
  if (!parsed.ok) {
    if (parsed.message === null) {
      output.stdout(VERIFY_USAGE);
      return 0;
    }
    output.stderr(`calybris verify: ${parsed.message}\n\n${VERIFY_USAGE}`);
    return 2;
  }
  const { args } = parsed;
  let verdict: FileVerdict;
  try {
    verdict = await verifyExportFile(args.file, fileOptions(args));
  } catch (error) {
    const what = isIoError(error) ? `cannot read ${args.file}` : "internal error (a bug: please report it)";
    output.stderr(`calybris verify: ${what}: ${ioMessage(error)}\n`);
    return 2;
  }
  let written: Written | null = null;
  const outcome = verdictOf(verdict.report);
  if (args.writeTruncated !== undefined && outcome.verdict === "torn_tail") {
    try {
      written = await writePrefix(args, verdict);
    } catch (error) {
      output.stderr(`calybris verify: cannot write ${args.writeTruncated}: ${ioMessage(error)}\n`);
      return 2;
    }
  }
  if (args.json) output.stdout(`${JSON.stringify(verdictJson(args.file, verdict, written))}\n`);
  else output.stdout(formatVerdict(args.file, verdict, args.key, written, args.writeTruncated !== undefined));
  return outcome.exitCode;
}

function fileOptions(args: VerifyArgs): VerifyFileOptions {
  return {
    verifierKey: args.key,
    ...(args.tenant === undefined ? {} : { tenantId: args.tenant }),
    ...(args.threads === undefined ? {} : { threads: args.threads }),
  };
}

function parseVerifyArgs(argv: readonly string[]): Parsed {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        key: { type: "string" },
        tenant: { type: "string" },
        json: { type: "boolean" },
        "write-truncated": { type: "string" },
        threads: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help === true) return { ok: false, message: null };
  if (positionals.length !== 1) return { ok: false, message: positionals.length === 0 ? "missing <file>" : "expected exactly one <file>" };
  const file = positionals[0]!;
  const key = typeof values.key === "string" ? verifierKeyArg(values.key) : null;
  if (key !== null && !key.ok) return { ok: false, message: key.message };
  const threads = typeof values.threads === "string" ? Number(values.threads) : undefined;
  if (threads !== undefined && (!/^[0-9]+$/.test(String(values.threads)) || threads > THREADS_MAX)) {
    return { ok: false, message: `--threads expects an integer from 0 to ${THREADS_MAX}` };
  }
  const tenant = typeof values.tenant === "string" ? values.tenant : undefined;
  if (tenant === "") return { ok: false, message: "--tenant expects a tenant id" };
  const out = typeof values["write-truncated"] === "string" ? values["write-truncated"] : undefined;
  if (out !== undefined && resolve(out) === resolve(file))
    return { ok: false, message: "--write-truncated must name another file than the export" };
  return { ok: true, args: { file, key: key?.key ?? null, tenant, json: values.json === true, writeTruncated: out, threads } };
}

/**
 * Copies the complete lines to a temporary file beside <out>, verifies that copy, and only then
 * renames it into place: so <out> always holds a prefix that verifies, even if the export changed
 * between the two reads.
 */
async function writePrefix(args: VerifyArgs, verdict: FileVerdict): Promise<Written> {
  const out = args.writeTruncated!;
  const temporary = `${out}.${process.pid}.partial`;
  try {
    await pipeline(
      createReadStream(args.file, { start: 0, end: verdict.completeBytes - 1 }),
      createWriteStream(temporary, { flags: "wx" }),
    );
    const copy = await verifyExportFile(temporary, fileOptions(args));
    const expected = verdict.report;
    if (
      !copy.report.ok ||
      copy.report.tornTail !== null ||
      copy.report.entries !== expected.entries ||
      copy.report.headHex !== expected.headHex
    ) {
      throw new Error("the export changed while it was read; nothing was written");
    }
    await rename(temporary, out);
    return { path: out, bytes: verdict.completeBytes, entries: expected.entries };
  } finally {
    await rm(temporary, { force: true });
  }
}

function isIoError(error: unknown): boolean {
  return error instanceof Error && "code" in error && typeof error.code === "string" && error.code.startsWith("E");
}

function ioMessage(error: unknown): string {
  if (error instanceof Error && "code" in error && typeof error.code === "string") return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
