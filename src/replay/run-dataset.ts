// One data set, every policy, one report. The adaptive policy runs through kernel, ledger and
// Learner (run-adaptive.ts); the baselines are choices over the same table; every policy is
// scored by the same metrics. The report holds no clock readings: the same data, limit and seed
// give the same bytes.

import { type AdaptiveRun, runAdaptive } from "./run-adaptive.ts";
import { bestChoices, cheapestChoices, hindsightChoices, oracleChoices, randomChoices } from "./baselines.ts";
import { curve, policyMetrics, quarterFigures, type CurvePoint, type PolicyMetrics, type QuarterFigures } from "./metrics.ts";
import { doublyRobust, netValueReward, successReward, trueValue } from "./off-policy.ts";
import type { RecordTable } from "./record-table.ts";
import type { ReplayDataset } from "./replay-dataset.ts";
import type { EntryRow } from "../ledger/store.ts";
import { DEFAULT_EXPLORATION_BPS } from "../learning/warm-start.ts";

export const POLICIES = ["adaptive", "random", "cheapest", "best", "hindsight", "oracle"] as const;
export type PolicyName = (typeof POLICIES)[number];
export const CURVE_BUCKETS = 40;

export interface DatasetRunOptions {
  readonly seed: number;
  readonly limit?: number;
  /** Policies to run; all by default (the oracle only where a data set has real per-record outcomes of every option). */
  readonly policies?: readonly PolicyName[];
  readonly onProgress?: (stage: string, done: number, total: number) => void;
  readonly onEntry?: (row: EntryRow) => void;
  /** Counts a chain line's UTF-8 bytes (the Node shells pass Buffer.byteLength). */
  readonly byteLength?: (text: string) => number;
  /** Overrides the policy's exploration share (bps) for every adaptive run. */
  readonly explorationBps?: number;
  /** Overrides the prior strength S of every adaptive run (the sensitivity table of npm run results). */
  readonly priorStrength?: number;
  /** The bank's sharpening d (policy-snapshot.ts); the production default when absent. */
  readonly sharpening?: number;
  /**
   * Runs the whole report (the adaptive run, the baselines, their metrics and the off-policy
   * check) at this one business value per record instead of the data set's middle value level,
   * and leaves value_levels out (null): a caller that wants every figure at every level runs one
   * report per level (bench/learning.ts). Absent, the report is what it always was.
   */
  readonly valueMicros?: number;
}

export interface OffPolicyCheck {
  readonly dr_success_bps: number;
  readonly true_success_bps: number;
  readonly dr_net_value_per_record_micros: number;
  readonly true_net_value_per_record_micros: number;
}

export interface ValueLevelResult {
  readonly value_micros: number;
  readonly adaptive: PolicyMetrics;
  readonly best: PolicyMetrics;
  readonly hindsight: PolicyMetrics;
  /** The adaptive policy's accuracy and cost as shares of always-best's (GPT-4's), bps. */
  readonly share_of_best_quality_bps: number;
  readonly share_of_best_cost_bps: number;
  readonly regret_vs_hindsight_micros: number;
}

export interface DatasetReport {
  readonly dataset: string;
  readonly industry: string;
  readonly title: string;
  readonly seed: number;
  readonly limit: number | null;
  /** The adaptive policy's exploration share, bps. */
  readonly exploration_bps: number;
  readonly records: number;
  readonly miss_label: string;
  readonly provenance: { readonly real: string; readonly modelled: string };
  readonly options: readonly string[];
  readonly regimes: readonly string[];
  readonly policies: Partial<Record<PolicyName, PolicyMetrics>>;
  readonly adaptive: AdaptiveSummary | null;
  readonly value_levels: Record<string, ValueLevelResult> | null;
  readonly curves: Partial<Record<PolicyName, readonly CurvePoint[]>>;
}

export interface AdaptiveSummary {
  readonly regret_vs_hindsight_micros: number | null;
  /**
   * The gap to the hindsight policy in the first and the last quarter of the records: success rate
   * (bps) and net value per record. Unlike raw learning_bps, it is blind to drift in the data
   * itself (KDD's attack mix changes along the file), so its shrinking is what learning did.
   */
  readonly gap_to_hindsight: {
    readonly first_quarter: { readonly success_bps: number; readonly net_value_per_record_micros: number };
    readonly last_quarter: { readonly success_bps: number; readonly net_value_per_record_micros: number };
  } | null;
  readonly explored_bps: number;
  readonly snapshots: number;
  readonly outcomes_learned: number;
  readonly served_share_bps: Record<string, number>;
  readonly final_floors_bps: Record<string, number>;
  readonly floors: readonly { readonly record: number; readonly floor_bps: readonly number[] }[];
  readonly ledger: AdaptiveRun["ledger"] & { readonly budget_holds: boolean };
  readonly errors: AdaptiveRun["errors"];
  readonly off_policy: Partial<Record<PolicyName, OffPolicyCheck>>;
}

function ratioBps(a: number, b: number): number {
  return b === 0 ? 0 : Math.round((a * 10_000) / b);
}

function sharesOf(run: AdaptiveRun, dataset: ReplayDataset): Record<string, number> {
  const counts = new Float64Array(dataset.pack.options.length);
  for (const o of run.choices) if (o >= 0) counts[o]! += 1;
  return Object.fromEntries(dataset.pack.options.map((option, o) => [option.id, ratioBps(counts[o]!, run.choices.length)]));
}

function baselineChoices(
  name: Exclude<PolicyName, "adaptive">,
  dataset: ReplayDataset,
  table: RecordTable,
  seed: number,
  value?: number,
): Int32Array {
  switch (name) {
    case "random":
      return randomChoices(table, seed);
    case "cheapest":
      return cheapestChoices(table, dataset.pack);
    case "best":
      return bestChoices(table);
    case "hindsight":
      return hindsightChoices(table, dataset.pack.regimes.length, value);
    case "oracle":
      return oracleChoices(table);
  }
}

export async function replayDataset(dataset: ReplayDataset, table: RecordTable, options: DatasetRunOptions): Promise<DatasetReport> {
  const wanted = new Set<PolicyName>(options.policies ?? POLICIES.filter((p) => p !== "oracle" || dataset.industry === "llm_routing"));
  const regimeCount = dataset.pack.regimes.length;
  const value = options.valueMicros;
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
    throw new RangeError(`"valueMicros" expected a safe integer >= 0, got ${String(value)}`);
  }
  const middle = value ?? dataset.valueLevels?.middle;
  const floorSamples = Array.from({ length: CURVE_BUCKETS + 1 }, (_, b) => Math.round((b * table.count) / CURVE_BUCKETS));
  const choices: Partial<Record<PolicyName, Int32Array>> = {};
  let run: AdaptiveRun | null = null;
  if (wanted.has("adaptive")) {
    run = await runAdaptive(dataset, table, {
      seed: options.seed,
      valueMicros: middle,
      floorSamples,
      onEntry: options.onEntry,
      explorationBps: options.explorationBps,
      priorStrength: options.priorStrength,
      sharpening: options.sharpening,
      byteLength: options.byteLength,
      onProgress: (done) => options.onProgress?.("adaptive", done, table.count),
    });
    choices.adaptive = run.choices;
  }
  for (const name of POLICIES) {
    if (name !== "adaptive" && wanted.has(name)) choices[name] = baselineChoices(name, dataset, table, options.seed, middle);
  }
  const policies: Partial<Record<PolicyName, PolicyMetrics>> = {};
  const curves: Partial<Record<PolicyName, readonly CurvePoint[]>> = {};
  for (const name of POLICIES) {
    const chosen = choices[name];
    if (chosen === undefined) continue;
    policies[name] = policyMetrics(table, chosen, middle);
    curves[name] = curve(table, chosen, CURVE_BUCKETS);
  }
  let adaptive: AdaptiveSummary | null = null;
  if (run !== null) {
    const off: Partial<Record<PolicyName, OffPolicyCheck>> = {};
    const net = netValueReward(middle);
    for (const name of POLICIES) {
      const target = choices[name];
      if (name === "adaptive" || target === undefined) continue;
      off[name] = {
        dr_success_bps: Math.round(doublyRobust(table, run, target, regimeCount, successReward) * 10_000),
        true_success_bps: Math.round(trueValue(table, target, successReward) * 10_000),
        dr_net_value_per_record_micros: Math.round(doublyRobust(table, run, target, regimeCount, net)),
        true_net_value_per_record_micros: Math.round(trueValue(table, target, net)),
      };
    }
    const hindsight = policies.hindsight;
    const ledger = run.ledger;
    let gap: AdaptiveSummary["gap_to_hindsight"] = null;
    if (choices.hindsight !== undefined) {
      const ours = quarterFigures(table, run.choices, middle);
      const theirs = quarterFigures(table, choices.hindsight, middle);
      const diff = (a: QuarterFigures, b: QuarterFigures) => ({
        success_bps: b.success_bps - a.success_bps,
        net_value_per_record_micros: b.net_value_per_record_micros - a.net_value_per_record_micros,
      });
      gap = { first_quarter: diff(ours.first, theirs.first), last_quarter: diff(ours.last, theirs.last) };
    }
    adaptive = {
      regret_vs_hindsight_micros: hindsight === undefined ? null : hindsight.net_value_micros - policies.adaptive!.net_value_micros,
      gap_to_hindsight: gap,
      explored_bps: ratioBps(
        run.explored.reduce((s, e) => s + e, 0),
        table.count,
      ),
      snapshots: run.snapshots,
      outcomes_learned: run.learner.outcomes,
      served_share_bps: sharesOf(run, dataset),
      final_floors_bps: Object.fromEntries(dataset.pack.regimes.map((regime, r) => [regime.id, run!.learner.content.floorBps[r]!])),
      floors: run.floorsAt.map((sample) => ({ record: sample.record, floor_bps: sample.floorBps })),
      ledger: {
        ...ledger,
        budget_holds:
          ledger.reservedMicros === 0 &&
          ledger.committedMicros === policies.adaptive!.cost_micros &&
          ledger.committedMicros <= ledger.creditedMicros,
      },
      errors: run.errors.slice(0, 20),
      off_policy: off,
    };
  }
  return {
    dataset: dataset.id,
    industry: dataset.industry,
    title: dataset.title,
    seed: options.seed,
    limit: options.limit ?? null,
    exploration_bps: options.explorationBps ?? dataset.warmStart.explorationBps ?? DEFAULT_EXPLORATION_BPS,
    records: table.count,
    miss_label: dataset.missLabel,
    provenance: dataset.provenance,
    options: dataset.pack.options.map((option) => option.id),
    regimes: dataset.pack.regimes.map((regime) => regime.id),
    policies,
    adaptive,
    value_levels: value === undefined ? await valueLevels(dataset, table, options, policies) : null,
    curves,
  };
}

/** LLM routing at three business values per correct answer: shares of GPT-4's quality and cost. */
async function valueLevels(
  dataset: ReplayDataset,
  table: RecordTable,
  options: DatasetRunOptions,
  atMiddle: Partial<Record<PolicyName, PolicyMetrics>>,
): Promise<Record<string, ValueLevelResult> | null> {
  const levels = dataset.valueLevels;
  if (levels === undefined || atMiddle.adaptive === undefined) return null;
  // Always-best's choices do not depend on the value; only its net value does.
  const bestChosen = bestChoices(table);
  const result: Record<string, ValueLevelResult> = {};
  for (const [name, value] of Object.entries(levels) as [string, number][]) {
    let adaptive = atMiddle.adaptive;
    if (value !== levels.middle) {
      const run = await runAdaptive(dataset, table, {
        seed: options.seed,
        valueMicros: value,
        explorationBps: options.explorationBps,
        priorStrength: options.priorStrength,
        sharpening: options.sharpening,
        byteLength: options.byteLength,
        onProgress: (done) => options.onProgress?.(`adaptive@${name}`, done, table.count),
      });
      adaptive = policyMetrics(table, run.choices, value);
    }
    const hindsight = policyMetrics(table, hindsightChoices(table, dataset.pack.regimes.length, value), value);
    const best = policyMetrics(table, bestChosen, value);
    result[name] = {
      value_micros: value,
      adaptive,
      best,
      hindsight,
      share_of_best_quality_bps: ratioBps(adaptive.quality_bps, best.quality_bps),
      share_of_best_cost_bps: ratioBps(adaptive.cost_micros, best.cost_micros),
      regret_vs_hindsight_micros: hindsight.net_value_micros - adaptive.net_value_micros,
    };
  }
  return result;
}
