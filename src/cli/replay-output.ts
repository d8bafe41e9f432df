// How the replay talks: a progress line on stderr, a table of every policy on stdout (and a
// candidate's verdict beside the truth), and the report and its charts written into the output folder.

import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CandidateReport } from "../replay/candidate-replay.ts";
import { datasetCharts } from "../replay/charts.ts";
import type { DatasetReport, PolicyName } from "../replay/run-dataset.ts";

export function usd(micros: number | null): string {
  if (micros === null) return "-";
  const dollars = micros / 100_000_000;
  if (Math.abs(dollars) >= 100) return `$${Math.round(dollars).toLocaleString("en-US")}`;
  // Below a thousandth of a cent, microcents read better than a dollar exponent.
  if (Math.abs(dollars) < 0.00001) return `${micros.toLocaleString("en-US")} µ¢`;
  return `$${Number(dollars.toPrecision(3)).toString()}`;
}

function pct(bps: number): string {
  return `${(bps / 100).toFixed(2)}%`;
}

/** The per-policy table of one data set, as plain text. */
export function formatReport(report: DatasetReport): string {
  const lines = [
    `${report.dataset} (${report.industry}): ${report.records.toLocaleString("en-US")} records, seed ${report.seed}; misses = ${report.miss_label}`,
    `  ${"policy".padEnd(10)} ${"errors".padStart(6)} ${"cost".padStart(12)} ${"quality".padStart(8)} ${"misses".padStart(8)} ${"event miss".padStart(10)} ${"cost/success".padStart(12)} ${"learning".padStart(9)}`,
  ];
  for (const [name, m] of Object.entries(report.policies) as [PolicyName, NonNullable<DatasetReport["policies"][PolicyName]>][]) {
    lines.push(
      `  ${name.padEnd(10)} ${String(m.errors).padStart(6)} ${usd(m.cost_micros).padStart(12)} ${pct(m.quality_bps).padStart(8)} ${m.misses.toLocaleString("en-US").padStart(8)} ${(m.events === 0 ? "-" : pct(m.event_miss_rate_bps)).padStart(10)} ${usd(m.cost_per_success_micros).padStart(12)} ${`${m.learning_bps >= 0 ? "+" : ""}${(m.learning_bps / 100).toFixed(2)}pp`.padStart(9)}`,
    );
  }
  const a = report.adaptive;
  if (a !== null) {
    lines.push(
      `  adaptive: regret vs hindsight ${usd(a.regret_vs_hindsight_micros)}, explored ${pct(a.explored_bps)}, ${a.snapshots} snapshots, ${a.ledger.entries.toLocaleString("en-US")} chain entries, budget ${a.ledger.budget_holds ? "settled exactly" : "MISMATCH"}`,
    );
    if (a.gap_to_hindsight !== null) {
      const { first_quarter: first, last_quarter: last } = a.gap_to_hindsight;
      lines.push(
        `  gap to hindsight per record: first quarter ${usd(first.net_value_per_record_micros)} (${pct(first.success_bps)} success), last quarter ${usd(last.net_value_per_record_micros)} (${pct(last.success_bps)} success)`,
      );
    }
  }
  for (const [level, v] of Object.entries(report.value_levels ?? {})) {
    lines.push(
      `  value ${level} (${usd(v.value_micros)} per correct answer): ${pct(v.share_of_best_quality_bps)} of always-best's quality at ${pct(v.share_of_best_cost_bps)} of its cost; regret vs hindsight ${usd(v.regret_vs_hindsight_micros)}`,
    );
  }
  if (report.candidate !== undefined) lines.push(...formatCandidate(report.candidate));
  return `${lines.join("\n")}\n`;
}

function signedUsd(micros: number): string {
  return micros > 0 ? `+${usd(micros)}` : micros < 0 ? `-${usd(-micros)}` : usd(0);
}

/** The gate's verdict, criterion by criterion, beside the truth the replay knows. */
export function formatCandidate(c: CandidateReport): string[] {
  const { truth, estimate, shadow, verdict } = c;
  const changed = c.changes.length === 0 ? "no change" : c.changes.join("; ");
  const lines = [
    `  candidate ${c.config_hash.slice(0, 12)} (${changed}): shadowed ${shadow.decisions.toLocaleString("en-US")} decisions, chose otherwise in ${pct(Math.round((shadow.mismatchShare ?? 0) * 10_000))}`,
    `  gate: ${verdict.promotable ? "PROMOTE" : "REFUSE"}`,
    ...verdict.criteria.map((criterion) => `    ${criterion.name.padEnd(16)} ${criterion.pass ? "pass" : "FAIL"}  ${criterion.detail}`),
    `  truth (the candidate run as production, same seed), net value per decision: production ${usd(truth.production_per_decision_micros)}, candidate ${usd(truth.candidate_per_decision_micros)}, difference ${signedUsd(truth.difference_micros)}`,
    estimate === null
      ? "  the gate's estimate: none (fewer than 2 paired decisions)"
      : `  the gate's estimate: ${signedUsd(Math.round(estimate.estimate))} per decision, 95% interval [${signedUsd(Math.round(estimate.ci95[0]))}, ${signedUsd(Math.round(estimate.ci95[1]))}] over ${estimate.n.toLocaleString("en-US")}; what it estimates (the shadow's exact value): ${truth.shadow_difference_micros === null ? "-" : signedUsd(truth.shadow_difference_micros)}`,
    `  verdict ${c.verdict_right ? "right" : "WRONG"}: the candidate is truly ${c.truly_better ? "better" : "not better"} and the gate ${verdict.promotable ? "promotes" : "refuses"} it`,
  ];
  return lines;
}

/** Writes report.json and the charts into dir/<dataset>/; returns the files written. */
export async function writeReport(dir: string, report: DatasetReport): Promise<string[]> {
  const folder = join(dir, report.dataset);
  await mkdir(folder, { recursive: true });
  const written = [join(folder, "report.json")];
  await writeFile(written[0]!, `${JSON.stringify(report, null, 1)}\n`);
  for (const [name, svg] of Object.entries(datasetCharts(report))) {
    const file = join(folder, `${name}.svg`);
    await writeFile(file, svg);
    written.push(file);
  }
  return written;
}

/** A progress line on stderr, rewritten at most a few times a second. */
export function progressLine(write: (text: string) => void): (label: string, done: number, total: number) => void {
  let last = 0;
  let started = performance.now();
  let current = "";
  return (label, done, total) => {
    const now = performance.now();
    if (label !== current) {
      current = label;
      started = now;
    }
    if (done < total && now - last < 250) return;
    last = now;
    const rate = done / Math.max(0.001, (now - started) / 1000);
    write(
      `\r${label}: ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} (${Math.floor((done * 100) / Math.max(1, total))}%) ${Math.round(rate).toLocaleString("en-US")} records/s   ${done >= total ? "\n" : ""}`,
    );
  };
}
