// A candidate configuration judged in a replay (src/replay/candidate-replay.ts, candidate-shadow.ts)
// on the synthetic three-tier data set: a clearly better candidate is promoted and a clearly worse
// one refused, each verdict is right, the truth equals separate production runs scored here by
// hand (runs that take the settings path of runAdaptive, not the configuration path the truth
// run takes), and the shadow never changes what production serves.

import { beforeAll, describe, expect, test } from "vitest";
import { parsePolicyConfig, type PolicyConfig } from "../../../src/learning/lifecycle/policy-config.ts";
import type { CandidateReport } from "../../../src/replay/candidate-replay.ts";
import type { RecordTable } from "../../../src/replay/record-table.ts";
import { parseReplayCandidate, productionConfig, replayConfigProblem } from "../../../src/replay/replay-config.ts";
import { runAdaptive } from "../../../src/replay/run-adaptive.ts";
import { replayDataset } from "../../../src/replay/run-dataset.ts";
import { SYNTHETIC_VALUE_MICROS, syntheticDataset, syntheticTable } from "./synthetic-dataset.ts";

const RECORDS = 2_000;
const table: RecordTable = syntheticTable({ records: RECORDS, seed: 7 });
const dataset = syntheticDataset(table);
/** Production explores half its decisions here, so that pure Thompson sampling is clearly better. */
const EXPLORING = { explorationBps: 5_000 } as const;

function candidateOver(changes: object, settings: { explorationBps?: number } = {}): PolicyConfig {
  const parsed = parseReplayCandidate(changes, productionConfig(dataset, settings), dataset.pack);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.config;
}

/** Net value per record of a run's choices, by hand: value x success - cost (every quality is 0 or 10,000 bps). */
function netPerRecord(choices: Int32Array): number {
  let total = 0;
  for (let i = 0; i < table.count; i++) {
    const o = choices[i]!;
    if (o < 0) continue;
    const cell = i * table.optionCount + o;
    total += (table.success[cell] === 1 ? SYNTHETIC_VALUE_MICROS : 0) - table.costMicros[cell]!;
  }
  return total / table.count;
}

async function judged(candidate: PolicyConfig, settings: { readonly explorationBps?: number } = {}): Promise<CandidateReport> {
  const report = await replayDataset(dataset, table, { seed: 1, policies: ["adaptive"], candidate, ...settings });
  return report.candidate!;
}

let better: CandidateReport;
let worse: CandidateReport;
let same: CandidateReport;

beforeAll(async () => {
  better = await judged(candidateOver({ exploration_bps: 0 }, EXPLORING), EXPLORING);
  worse = await judged(candidateOver({ exploration_bps: 5_000 }));
  same = await judged(candidateOver({}));
}, 60_000);

describe("the gate beside the truth on the synthetic data set", () => {
  test("a clearly better candidate (no exploration against half) is promoted, and rightly", () => {
    expect(better.truth.difference_micros).toBeGreaterThan(5_000);
    expect(better.verdict.promotable).toBe(true);
    expect(better.verdict.criteria.every((criterion) => criterion.pass)).toBe(true);
    expect(better.estimate!.ci95[0]).toBeGreaterThan(0);
    expect(better.estimate!.n).toBe(RECORDS);
    expect(better).toMatchObject({ truly_better: true, verdict_right: true, changes: ["exploration_bps: 5000 -> 0"] });
  });

  test("a clearly worse candidate (half the decisions explored) is refused on improvement, and rightly", () => {
    expect(worse.truth.difference_micros).toBeLessThan(-5_000);
    expect(worse.verdict.promotable).toBe(false);
    const failed = worse.verdict.criteria.filter((criterion) => !criterion.pass).map((criterion) => criterion.name);
    expect(failed).toEqual(["improvement"]);
    expect(worse.estimate!.ci95[1]).toBeLessThan(0);
    expect(worse).toMatchObject({ truly_better: false, verdict_right: true });
  });

  test("the estimate's interval covers the exact value it estimates, for both", () => {
    for (const report of [better, worse]) {
      const value = report.truth.shadow_difference_micros!;
      expect(report.truth.shadow_decisions).toBe(RECORDS);
      expect(report.estimate!.ci95[0]).toBeLessThanOrEqual(value);
      expect(report.estimate!.ci95[1]).toBeGreaterThanOrEqual(value);
    }
  });

  test("production's own configuration as the candidate: the same choices, a paired difference of exactly 0, refused", () => {
    expect(same.changes).toEqual([]);
    expect(same.config_hash).toBe(same.production_config_hash);
    expect(same.shadow).toMatchObject({ decisions: RECORDS, mismatches: 0, extraRefusals: 0 });
    // Same snapshot, same seed, weight 1: each paired term is q + (r - q) - r, zero up to the
    // rounding of doubles (about 1e-13 micros).
    expect(same.estimate!.n).toBe(RECORDS);
    for (const bound of [same.estimate!.estimate, ...same.estimate!.ci95]) expect(Math.abs(bound)).toBeLessThan(1e-6);
    expect(same.truth.difference_micros).toBe(0);
    expect(same).toMatchObject({ truly_better: false, verdict_right: true });
    expect(same.verdict.criteria.find((criterion) => criterion.name === "improvement")!.pass).toBe(false);
  });

  test("the truth equals separate production runs of both configurations, scored by hand", async () => {
    const production = await runAdaptive(dataset, table, { seed: 1, ...EXPLORING });
    const candidate = await runAdaptive(dataset, table, { seed: 1, explorationBps: 0 });
    expect(better.truth.production_per_decision_micros).toBe(Math.round(netPerRecord(production.choices)));
    expect(better.truth.candidate_per_decision_micros).toBe(Math.round(netPerRecord(candidate.choices)));
    expect(better.truth.difference_micros).toBe(Math.round(netPerRecord(candidate.choices) - netPerRecord(production.choices)));
  }, 30_000);

  test("the shadow changes nothing production serves, and the configuration path equals the settings path", async () => {
    const plain = await runAdaptive(dataset, table, { seed: 1 });
    const shadowed = await runAdaptive(dataset, table, { seed: 1, candidate: candidateOver({ exploration_bps: 5_000 }) });
    expect(shadowed.choices).toEqual(plain.choices);
    expect(shadowed.learner.content).toEqual(plain.learner.content);
    expect(plain.shadow).toBeNull();
    // The ledger's count (what the gate reads) equals one made here from the two choices per record.
    const shadow = shadowed.shadow!;
    let mismatches = 0;
    for (let i = 0; i < RECORDS; i++) if (shadow.choices[i] !== shadowed.choices[i]) mismatches++;
    expect(mismatches).toBeGreaterThan(0);
    expect(shadow.tally.decisions.reduce((a, b) => a + b, 0)).toBe(RECORDS);
    expect(shadow.tally.mismatches.reduce((a, b) => a + b, 0)).toBe(mismatches);
    expect(shadow.tally.extraRefusals.every((count) => count === 0)).toBe(true);
    const configured = await runAdaptive(dataset, table, { seed: 1, config: candidateOver({ sharpening: 2 }) });
    const set = await runAdaptive(dataset, table, { seed: 1, sharpening: 2 });
    expect(configured.choices).toEqual(set.choices);
  }, 30_000);
});

describe("a value weight", () => {
  test("reaches the shadow's kernel and the truth run's: the candidate pays for quality it would not buy unweighted", async () => {
    const weighted = await judged(candidateOver({ value_weight_bps: 30_000 }));
    expect(weighted.changes).toEqual(["value_weight_bps: 10000 -> 30000"]);
    // Each shadow decision was decided twice (shadow-step, then candidate-shadow for its
    // probabilities) and asserted equal: both saw the weighted value.
    expect(weighted.shadow.decisions).toBe(RECORDS);
    expect(weighted.shadow.mismatches).toBeGreaterThan(0);
    const truth = await runAdaptive(dataset, table, { seed: 1, config: weighted.config });
    const plain = await runAdaptive(dataset, table, { seed: 1 });
    expect(truth.choices).not.toEqual(plain.choices);
    expect(weighted.truth.candidate_per_decision_micros).toBe(Math.round(netPerRecord(truth.choices)));
  }, 60_000);
});

describe("configurations a replay cannot honour", () => {
  const base = productionConfig(dataset, {});

  test.each([
    ["decay_window", { decay_window: 1_000 }, '"decay_window" expected 500 in a replay'],
    ["another pack's catalog", { catalog_version: `llm:${"0".repeat(64)}` }, '"catalog_version" expected synthetic:'],
    ["an unknown regime", { floor_overrides: { nowhere: 5_000 } }, 'names regime "nowhere"'],
    ["an unknown field", { explore: 1 }, '"explore" is not a policy configuration field'],
    ["an out-of-range value", { exploration_bps: 5_001 }, '"exploration_bps" expected integer in [0, 5000], got 5001'],
  ])("%s is refused with a message", (_, changes, message) => {
    const parsed = parseReplayCandidate(changes, base, dataset.pack);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? "" : parsed.problem).toContain(message);
  });

  test("a partial candidate keeps production's values, and production's own configuration fits", () => {
    expect(replayConfigProblem(base, dataset.pack)).toBeNull();
    const parsed = parseReplayCandidate({ sharpening: 3 }, base, dataset.pack);
    expect(parsed).toEqual({ ok: true, config: { ...base, sharpening: 3 } });
  });

  test("runAdaptive refuses a configuration beside single settings, and one it cannot honour", async () => {
    await expect(runAdaptive(dataset, table, { seed: 1, config: base, explorationBps: 0 })).rejects.toThrow(
      '"config" excludes "explorationBps"',
    );
    const windowed = parsePolicyConfig({ decay_window: 1_000 }, base);
    if (!windowed.ok) throw new Error(windowed.problem);
    await expect(runAdaptive(dataset, table, { seed: 1, config: windowed.config })).rejects.toThrow('"decay_window" expected 500');
    await expect(runAdaptive(dataset, table, { seed: 1, candidate: windowed.config })).rejects.toThrow('"decay_window" expected 500');
  });
});
