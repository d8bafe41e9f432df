// `calybris evaluate <chain export> [--json] [--regime <id>] [--since <date>]`: the evaluation of
// GET /v1/evaluation recomputed offline from a JSONL chain export alone (src/decision/
// evaluate-export.ts), so anyone who holds the chain can recompute the regret. Exit: 0, 1 when the
// export cannot be evaluated, 2 on usage.

import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { evaluateExport } from "../decision/evaluate-export.ts";
import type { EvaluationAnswerJson } from "../decision/evaluation-answer.ts";
import type { DomainPack } from "../domain/domain-pack.ts";
import { isPackId, PACKS } from "../domain/packs.ts";
import { DATASETS } from "../replay/datasets/registry.ts";
import type { Output } from "./verify-command.ts";

export const EVALUATE_USAGE = `Usage: calybris evaluate <export.jsonl> [--json] [--regime <id>] [--since <YYYY-MM-DD>]

Recomputes GET /v1/evaluation from a chain export (GET /v1/chain pages, concatenated): doubly
robust, IPS and SNIPS estimates of net value per decision with 95 % intervals for production, the
holdout baseline, every fixed option and a staged candidate, the regret against the best fixed
option, calibration and counts. With --json it prints the very JSON the API answers.
Check the export's integrity first with calybris verify.

Options:
  --json             print the JSON answer
  --regime <id>      only this regime
  --since <date>     only outcomes sealed on this UTC day or later
  -h, --help         show this help
`;

const DAY_MS = 86_400_000;

function micros(estimate: { estimate_micros: number; ci95_micros: [number, number] } | null): string {
  if (estimate === null) return "n/a (too few outcomes)";
  const usd = (x: number): string => `$${(x / 1e8).toFixed(6)}`;
  return `${usd(estimate.estimate_micros)} [${usd(estimate.ci95_micros[0])}, ${usd(estimate.ci95_micros[1])}]`;
}

function summary(answer: EvaluationAnswerJson): string {
  const c = answer.counts;
  const lines = [
    `pack ${answer.pack}${answer.regime === null ? "" : `, regime ${answer.regime}`}${answer.since === null ? "" : `, since ${answer.since}`}`,
    `decisions ${c.decisions} (${c.low_propensity_decisions} with a propensity under 5 %), outcomes ${c.outcomes}`,
    `net value per decision (DR, 95 % interval):`,
    `  production  ${micros(answer.production.dr)}`,
    `  holdout     ${micros(answer.holdout.dr)}`,
    `  candidate   ${micros(answer.candidate.dr)}`,
    `regret against the best fixed option: ${micros(answer.regret.overall)}`,
    ...answer.regret.by_regime.map((r) => `  ${r.regime}: best ${r.best ?? "n/a"}, regret ${micros(r.regret)}`),
    answer.calibration.warnings.length === 0
      ? "calibration holds"
      : `calibration warnings: ${answer.calibration.warnings.map((w) => `${w.regime}/${w.option} bias ${w.bias_bps} bps over ${w.n}`).join("; ")}`,
  ];
  return `${lines.join("\n")}\n`;
}

/** A deployment's packs, and the replays' (calybris replay --chain writes their exports). */
export function knownPack(id: string): DomainPack | null {
  return isPackId(id) ? PACKS[id] : (DATASETS.find((dataset) => dataset.pack.id === id)?.pack ?? null);
}

export async function runEvaluate(
  argv: readonly string[],
  output: Output,
  packOf: (id: string) => DomainPack | null = knownPack,
): Promise<number> {
  const usage = (message: string): number => {
    output.stderr(`calybris evaluate: ${message}\n\n${EVALUATE_USAGE}`);
    return 2;
  };
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { json: { type: "boolean" }, regime: { type: "string" }, since: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  if (args.values.help === true) {
    output.stdout(EVALUATE_USAGE);
    return 0;
  }
  if (args.positionals.length !== 1) return usage("one export file is required");
  let sinceDay: number | null = null;
  if (args.values.since !== undefined) {
    const ms = /^\d{4}-\d{2}-\d{2}$/.test(args.values.since) ? Date.parse(`${args.values.since}T00:00:00Z`) : Number.NaN;
    if (!Number.isFinite(ms)) return usage("--since expects a UTC date such as 2026-12-07");
    sinceDay = Math.floor(ms / DAY_MS);
  }
  const lines: string[] = [];
  try {
    for await (const line of createInterface({ input: createReadStream(args.positionals[0]!), crlfDelay: Infinity })) lines.push(line);
  } catch (error) {
    output.stderr(`calybris evaluate: ${(error as Error).message}\n`);
    return 1;
  }
  // The regime is named in the export's pack: found once the pack is known, so try each.
  const regimeText = args.values.regime;
  const first = evaluateExport(lines, { regime: null, sinceDay }, packOf);
  if (!first.ok) {
    output.stderr(`calybris evaluate: ${first.problem}\n`);
    return 1;
  }
  let answer = first.answer;
  if (regimeText !== undefined) {
    const pack = packOf(answer.pack)!;
    const regime = pack.regimes.findIndex((r) => r.id === regimeText);
    if (regime < 0) return usage(`--regime names no regime of the ${pack.id} pack (${pack.regimes.map((r) => r.id).join(", ")})`);
    const scoped = evaluateExport(lines, { regime, sinceDay }, packOf);
    if (!scoped.ok) {
      output.stderr(`calybris evaluate: ${scoped.problem}\n`);
      return 1;
    }
    answer = scoped.answer;
  }
  output.stdout(args.values.json === true ? `${JSON.stringify(answer)}\n` : summary(answer));
  return 0;
}
