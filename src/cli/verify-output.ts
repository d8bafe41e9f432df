// What `calybris verify` prints: the human report and the --json object, and the verdict with its
// exit status. The JSON object holds the VerifyReport's fields unchanged, beside location and timing.

import type { VerifyReport } from "../ledger/chain-verifier.ts";
import type { VerifierKey } from "../ledger/signed-note.ts";
import type { FileVerdict } from "./verify-file.ts";

export type VerdictName = "verified" | "torn_tail" | "damaged" | "empty";

export interface Written {
  readonly path: string;
  readonly bytes: number;
  readonly entries: number;
}

/**
 * Damage fails; so does an export with no complete entry, since it proves nothing (deleting a
 * whole export must not read as success). A torn tail is an interrupted write: the complete
 * entries before it verify, so it passes, reported.
 */
export function verdictOf(report: VerifyReport): { readonly verdict: VerdictName; readonly exitCode: 0 | 1 } {
  if (report.damage !== null) return { verdict: "damaged", exitCode: 1 };
  if (report.entries === 0) return { verdict: "empty", exitCode: 1 };
  if (report.tornTail !== null) return { verdict: "torn_tail", exitCode: 0 };
  return { verdict: "verified", exitCode: 0 };
}

export function verdictJson(file: string, verdict: FileVerdict, written: Written | null): Record<string, unknown> {
  const { verdict: name, exitCode } = verdictOf(verdict.report);
  const seconds = verdict.elapsedMs / 1000;
  return {
    ...verdict.report,
    verdict: name,
    exitCode,
    file,
    location: verdict.location,
    written,
    elapsedMs: Math.round(verdict.elapsedMs * 1000) / 1000,
    entriesPerSec: seconds > 0 ? Math.round(verdict.report.entries / seconds) : null,
    cpuMs: Math.round(verdict.cpuMs),
    threads: verdict.threads,
  };
}

const count = (n: number): string => n.toLocaleString("en-US");

export function formatVerdict(
  file: string,
  verdict: FileVerdict,
  key: VerifierKey | null,
  written: Written | null,
  truncateAsked: boolean,
): string {
  const { report, location } = verdict;
  const { verdict: name } = verdictOf(report);
  const lines: string[] = [];
  if (name === "damaged") {
    const at = location === null ? "" : ` (line ${count(location.line)}, byte offset ${count(location.byteOffset)})`;
    lines.push(`DAMAGED: ${file}`, `first bad entry: seq ${count(report.damage!.seq)}${at}: ${report.damage!.reason}`);
    lines.push(`committed history is damaged: nothing was truncated; the ${count(report.entries)} entries before it verify`);
  } else if (name === "empty") {
    const torn = report.tornTail === null ? "" : ` (only a torn line of ${count(report.tornTail.bytes)} bytes)`;
    lines.push(`NOT VERIFIED: ${file}`, `no complete entry${torn}: nothing is verified`);
  } else if (name === "torn_tail") {
    const { seq, bytes } = report.tornTail!;
    lines.push(`VERIFIED WITH A TORN TAIL: ${file}`);
    lines.push(
      `torn tail at seq ${count(seq)}: ${count(bytes)} bytes of an interrupted write; the export is verified up to seq ${count(seq - 1)}`,
    );
  } else {
    lines.push(`VERIFIED: ${file}`);
  }
  if (report.entries > 0) lines.push(...summary(report, key));
  if (written !== null)
    lines.push(`wrote the ${count(written.entries)} complete entries (${count(written.bytes)} bytes) to ${written.path}`);
  else if (name === "torn_tail" && !truncateAsked) lines.push("to keep the complete entries in a file: --write-truncated <out>");
  else if (name === "verified" && truncateAsked) lines.push("no torn tail: --write-truncated wrote nothing");
  const seconds = verdict.elapsedMs / 1000;
  const rate = seconds > 0 ? `, ${count(Math.round(report.entries / seconds))} entries/s` : "";
  const threads = verdict.threads === 0 ? "main thread" : `${verdict.threads} worker threads`;
  lines.push(`  time:         ${seconds.toFixed(3)} s${rate} (${threads})`);
  return `${lines.join("\n")}\n`;
}

function summary(report: VerifyReport, key: VerifierKey | null): string[] {
  const last = report.entries - 1;
  const signatures =
    key === null
      ? "signatures not checked (no --key)"
      : `${count(report.checkpointsVerified)} signatures verified with ${key.name}+${key.keyId.toString(16).padStart(8, "0")}`;
  const lines = [
    `  entries:      ${count(report.entries)} (seq 0..${count(last)})`,
    `  tenant:       ${report.tenantId ?? "(unknown)"}`,
    `  head:         ${report.headHex || "(none)"}`,
    `  merkle root:  ${report.rootHex}`,
    `  checkpoints:  ${count(report.checkpoints)} found, ${signatures}`,
  ];
  if (key !== null && report.checkpoints === 0) lines.push("  note:         the export holds no checkpoint, so --key checked nothing");
  return lines;
}
