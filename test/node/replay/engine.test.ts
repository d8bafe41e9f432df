// The replay engine end to end (src/replay/run-dataset.ts, run-adaptive.ts) on the synthetic
// three-tier data set of synthetic-dataset.ts: the ledger settles exactly and its streamed chain
// verifies, the same seed gives the same bytes, the adaptive policy learns which tier pays per
// regime, the sealed propensities are calibrated, doubly robust estimates land near the truth,
// and the chain head does not depend on which SHA-256 implementation sealed it.

import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { nodeSha256 } from "../../../src/cli/node-sha256.ts";
import { ChainVerifier } from "../../../src/ledger/chain-verifier.ts";
import { useSha256 } from "../../../src/ledger/sha256.ts";
import type { EntryRow } from "../../../src/ledger/store.ts";
import { hindsightChoices, randomChoices } from "../../../src/replay/baselines.ts";
import { policyMetrics } from "../../../src/replay/metrics.ts";
import type { RecordTable } from "../../../src/replay/record-table.ts";
import { runAdaptive, type AdaptiveRun } from "../../../src/replay/run-adaptive.ts";
import { POLICIES, replayDataset, type DatasetReport } from "../../../src/replay/run-dataset.ts";
import { SYNTHETIC_REGIMES, SYNTHETIC_TIERS, syntheticDataset, syntheticTable } from "./synthetic-dataset.ts";

const RECORDS = 2_000;
const TABLE_SEED = 7;
const HARD = SYNTHETIC_REGIMES.findIndex((regime) => regime.id === "hard");
const DEEP = SYNTHETIC_TIERS.findIndex((tier) => tier.id === "deep");

let table: RecordTable;
let first: DatasetReport;
let again: DatasetReport;
let otherSeed: DatasetReport;
let run: AdaptiveRun;
const lines: string[] = [];

beforeAll(async () => {
  table = syntheticTable({ records: RECORDS, seed: TABLE_SEED });
  const dataset = syntheticDataset(table);
  first = await replayDataset(dataset, table, { seed: 1, onEntry: (row: EntryRow) => void lines.push(row.line) });
  again = await replayDataset(dataset, table, { seed: 1 });
  otherSeed = await replayDataset(dataset, table, { seed: 2 });
  run = await runAdaptive(dataset, table, { seed: 1 });
}, 30_000);

afterEach(() => {
  useSha256();
});

/** Brute force of run-adaptive's default budget: twice the dearest option per record, plus $10. */
function expectedBudget(t: RecordTable): number {
  let total = 0;
  for (let i = 0; i < t.count; i++) total += Math.max(...Array.from(t.costMicros.subarray(i * t.optionCount, (i + 1) * t.optionCount)));
  return 2 * total + 1_000_000_000;
}

describe("replayDataset on the synthetic data set", () => {
  test("the adaptive policy serves every record", () => {
    expect(first.records).toBe(RECORDS);
    expect(first.policies.adaptive!.errors).toBe(0);
    expect(first.adaptive!.errors).toEqual([]);
    // Not an LLM routing set: the oracle is left out by default.
    expect(Object.keys(first.policies)).toEqual(POLICIES.filter((p) => p !== "oracle"));
    expect(first.value_levels).toBeNull();
  });

  test("the ledger: a tenant entry, then a decision and an outcome per record, settled exactly", () => {
    const ledger = first.adaptive!.ledger;
    expect(ledger.entries).toBe(1 + 2 * RECORDS);
    expect(ledger.reservedMicros).toBe(0);
    expect(ledger.committedMicros).toBe(first.policies.adaptive!.cost_micros);
    expect(ledger.creditedMicros).toBe(expectedBudget(table));
    expect(ledger.budget_holds).toBe(true);
    expect(first.adaptive!.outcomes_learned).toBe(RECORDS);
  });

  test("the streamed chain verifies, ends at the reported head and is as long as reported", () => {
    expect(lines.length).toBe(1 + 2 * RECORDS);
    const verifier = new ChainVerifier({ sha256: nodeSha256, tenantId: "replay-synthetic" });
    const encoder = new TextEncoder();
    let bytes = 0;
    for (const line of lines) {
      const encoded = encoder.encode(line);
      bytes += encoded.length + 1;
      expect(verifier.push(encoded)).toBe(true);
    }
    const report = verifier.report(null);
    expect(report.ok).toBe(true);
    expect(report.damage).toBeNull();
    expect(report.entries).toBe(1 + 2 * RECORDS);
    expect(report.headHex).toBe(first.adaptive!.ledger.head);
    expect(bytes).toBe(first.adaptive!.ledger.bytes);
    const kinds = lines.map((line) => (JSON.parse(line) as { kind: string }).kind);
    expect(kinds[0]).toBe("budget");
    expect(kinds.filter((kind) => kind === "decision").length).toBe(RECORDS);
    expect(kinds.filter((kind) => kind === "outcome").length).toBe(RECORDS);
  });

  test("a tampered line is caught at its seq", () => {
    const verifier = new ChainVerifier({ sha256: nodeSha256 });
    const encoder = new TextEncoder();
    const at = 1_001;
    const tamper = (line: string): string => line.replace(/"ts":(\d+)/, (_, ts: string) => `"ts":${Number(ts) + 1}`);
    const pushed = lines.map((line, seq) => verifier.push(encoder.encode(seq === at ? tamper(line) : line)));
    expect(tamper(lines[at]!)).not.toBe(lines[at]);
    expect(pushed.indexOf(false)).toBe(at);
    expect(verifier.report(null).damage?.seq).toBe(at);
  });

  test("the same seed gives byte-identical reports; another seed other adaptive choices", () => {
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    expect(otherSeed.policies.adaptive).not.toEqual(first.policies.adaptive);
    expect(otherSeed.adaptive!.ledger.head).not.toBe(first.adaptive!.ledger.head);
    // The baselines that do not draw are the same for every seed; random draws from the seed.
    expect(otherSeed.policies.cheapest).toEqual(first.policies.cheapest);
    expect(otherSeed.policies.hindsight).toEqual(first.policies.hindsight);
    expect(otherSeed.policies.random).not.toEqual(first.policies.random);
  });

  test("runAdaptive alone is the run replayDataset reports", () => {
    expect(run.ledger.head).toBe(first.adaptive!.ledger.head);
    expect(policyMetrics(table, run.choices)).toEqual(first.policies.adaptive);
  });
});

describe("the adaptive policy learns", () => {
  /** Share of regime r's records in [start, end) served with option o. */
  function share(r: number, o: number, start: number, end: number): number {
    let inRegime = 0;
    let served = 0;
    for (let i = start; i < end; i++) {
      if (table.regime[i] !== r) continue;
      inRegime++;
      if (run.choices[i] === o) served++;
    }
    return served / inRegime;
  }

  test("in the hard regime the deep tier, which the prior already favours, serves most records and more by the end", () => {
    // Priors are centred on each tier's known quality (deep 9,500), so deep leads from the start.
    const early = share(HARD, DEEP, 0, RECORDS / 4);
    const late = share(HARD, DEEP, (3 * RECORDS) / 4, RECORDS);
    expect(early).toBeGreaterThan(0.5);
    expect(late).toBeGreaterThan(0.8);
    expect(late).toBeGreaterThanOrEqual(early);
  });

  test("in the last quarter every clear-cut regime is served mostly with its hindsight option", () => {
    // In "mixed" the two cheaper tiers are 20,000 microcents (2 % of the value) apart: about 500
    // outcomes cannot tell them apart at two standard errors. There the clearly worse deep tier
    // (110,000 behind) must be rare instead.
    const hindsight = hindsightChoices(table, SYNTHETIC_REGIMES.length);
    SYNTHETIC_REGIMES.forEach((regime, r) => {
      const shares = SYNTHETIC_TIERS.map((__, o) => share(r, o, (3 * RECORDS) / 4, RECORDS));
      if (regime.id === "mixed") {
        expect(shares[DEEP]!, `regime mixed: shares ${shares.join(", ")}`).toBeLessThan(0.1);
        return;
      }
      const best = hindsight[table.regime.indexOf(r)]!;
      expect(shares.indexOf(Math.max(...shares)), `regime ${regime.id}: shares ${shares.join(", ")}`).toBe(best);
    });
  });

  test("regret per record against hindsight is below random's shortfall, and success improves", () => {
    const hindsight = first.policies.hindsight!.net_value_micros;
    const regret = (hindsight - first.policies.adaptive!.net_value_micros) / RECORDS;
    const randomShortfall = (hindsight - first.policies.random!.net_value_micros) / RECORDS;
    expect(first.adaptive!.regret_vs_hindsight_micros).toBe(hindsight - first.policies.adaptive!.net_value_micros);
    expect(regret).toBeGreaterThan(0);
    expect(regret).toBeLessThan(randomShortfall * 0.5);
    // Priors centred on the tiers' known qualities start it well, so it has less left to learn.
    expect(first.policies.adaptive!.learning_bps).toBeGreaterThan(0);
  });

  test("the sealed propensities are calibrated: in the hard regime, sum of 1/p over records served deep is about its record count", () => {
    // Exploration spends only on plausibly best options, so a tier's serving probability can be 0
    // on some records (docs/design-notes.md): the identity E[sum 1{served a} / p_i(a)] = n needs
    // p_i(a) > 0 on every record. In the hard regime deep, the best tier, wins a large share of
    // every snapshot's samples from the first record on, so it holds there.
    expect(Math.min(...run.propensityPpm)).toBeGreaterThan(0);
    let sum = 0;
    let records = 0;
    for (let i = 0; i < RECORDS; i++) {
      if (table.regime[i] !== HARD) continue;
      records++;
      if (run.choices[i] === DEEP) sum += 1_000_000 / run.propensityPpm[i]!;
    }
    expect(Math.abs(sum - records)).toBeLessThan(0.15 * records);
  });
});

describe("off-policy estimates on the adaptive run's log", () => {
  test("with 20 % exploration, doubly robust estimates land within 800 bps and 100,000 microcents per record of the truth", async () => {
    // Why these bounds: per estimate the importance-weighted correction has a standard error of
    // about 2-3 points (weights up to 15 on ~500 records per regime), and the in-sample direct
    // model inherits the negative bias of adaptively collected means for tiers the learner drops.
    // 100,000 microcents is 10 % of the 1,000,000 value per success (this run's worst is 82,150,
    // always-deep, whose deep tier the learner serves mostly in the hard regime). At the default 5 %,
    // spent only on plausibly best options, a policy that keeps choosing an option the learner has
    // rightly dropped (always-deep in the easy regimes) loses support: its estimate leans on the
    // direct model and was 1,946 bps off in this run; the policies that stay in the plausible set
    // (hindsight) stay within bounds (next test). docs/design-notes.md says what that costs.
    const explored = await replayDataset(syntheticDataset(table), table, { seed: 1, explorationBps: 2_000 });
    const off = explored.adaptive!.off_policy;
    expect(Object.keys(off)).toEqual(["random", "cheapest", "best", "hindsight"]);
    for (const check of Object.values(off)) {
      expect(Math.abs(check.dr_success_bps - check.true_success_bps)).toBeLessThan(800);
      expect(Math.abs(check.dr_net_value_per_record_micros - check.true_net_value_per_record_micros)).toBeLessThan(100_000);
    }
    expect(off.cheapest!.true_success_bps).toBe(first.policies.cheapest!.quality_bps);
  });

  test("at the default exploration, the hindsight policy (inside the plausible set) is estimated within the same bounds", () => {
    const check = first.adaptive!.off_policy.hindsight!;
    expect(Math.abs(check.dr_success_bps - check.true_success_bps)).toBeLessThan(800);
    expect(Math.abs(check.dr_net_value_per_record_micros - check.true_net_value_per_record_micros)).toBeLessThan(80_000);
  });

  test("the random baseline it checks is the one the report scores", () => {
    expect(policyMetrics(table, randomChoices(table, 1))).toEqual(first.policies.random);
  });
});

describe("smaller runs", () => {
  const small = syntheticTable({ records: 300, seed: 3 });
  const dataset = syntheticDataset(small);

  test("a budget that runs out: refused records are errors, every decision is still sealed, the budget holds", async () => {
    const budgetMicros = 5_000_000;
    const tight = await runAdaptive(dataset, small, { seed: 1, budgetMicros });
    const served = tight.choices.filter((o) => o >= 0).length;
    expect(tight.errors.length).toBe(small.count - served);
    expect(tight.errors.length).toBeGreaterThan(100);
    for (const error of tight.errors) expect(error.reason).toMatch(/^refused: budget_exhausted$/);
    const errored = new Set(tight.errors.map((error) => error.record));
    small.ids.forEach((id, i) => expect(tight.choices[i]! < 0).toBe(errored.has(id)));
    expect(tight.ledger.entries).toBe(1 + small.count + served);
    expect(tight.ledger.reservedMicros).toBe(0);
    expect(tight.ledger.creditedMicros).toBe(budgetMicros);
    expect(tight.ledger.committedMicros).toBe(policyMetrics(small, tight.choices).cost_micros);
    expect(tight.ledger.committedMicros).toBeLessThanOrEqual(budgetMicros);
  });

  test("only the policies asked for: no adaptive run, no value levels", async () => {
    const report = await replayDataset(dataset, small, { seed: 1, policies: ["random", "oracle"] });
    expect(Object.keys(report.policies)).toEqual(["random", "oracle"]);
    expect(Object.keys(report.curves)).toEqual(["random", "oracle"]);
    expect(report.adaptive).toBeNull();
    expect(report.value_levels).toBeNull();
  });

  test("LLM routing: the oracle by default and three value levels, the middle one being the headline run", async () => {
    const levels = { low: 100_000, middle: 1_000_000, high: 10_000_000 };
    const report = await replayDataset({ ...dataset, industry: "llm_routing", valueLevels: levels }, small, { seed: 1 });
    expect(Object.keys(report.policies)).toEqual([...POLICIES]);
    const values = report.value_levels!;
    expect(Object.keys(values)).toEqual(["low", "middle", "high"]);
    expect(values.middle!.adaptive).toEqual(report.policies.adaptive);
    for (const [name, value] of Object.entries(levels)) {
      const level = values[name]!;
      expect(level.value_micros).toBe(value);
      expect(level.hindsight).toEqual(policyMetrics(small, hindsightChoices(small, SYNTHETIC_REGIMES.length, value), value));
      expect(level.regret_vs_hindsight_micros).toBe(level.hindsight.net_value_micros - level.adaptive.net_value_micros);
      expect(level.share_of_best_cost_bps).toBe(Math.round((level.adaptive.cost_micros * 10_000) / level.best.cost_micros));
    }
    // Worth ten times more, a success buys deeper tiers.
    expect(values.high!.adaptive.cost_micros).toBeGreaterThan(values.low!.adaptive.cost_micros);
  });

  test("one value per report (valueMicros): each level's figures as value_levels has them, and no value levels", async () => {
    const levels = { low: 100_000, middle: 1_000_000, high: 10_000_000 };
    const llm = { ...dataset, industry: "llm_routing" as const, valueLevels: levels };
    const all = (await replayDataset(llm, small, { seed: 1 })).value_levels!;
    for (const [name, valueMicros] of Object.entries(levels)) {
      const one = await replayDataset(llm, small, { seed: 1, valueMicros, policies: ["adaptive", "best", "hindsight"] });
      expect(one.value_levels).toBeNull();
      expect(one.policies).toEqual({ adaptive: all[name]!.adaptive, best: all[name]!.best, hindsight: all[name]!.hindsight });
      expect(one.adaptive!.regret_vs_hindsight_micros).toBe(all[name]!.regret_vs_hindsight_micros);
    }
    for (const bad of [-1, 1.5, Number.NaN]) {
      await expect(replayDataset(llm, small, { seed: 1, valueMicros: bad })).rejects.toThrow(
        `"valueMicros" expected a safe integer >= 0, got ${bad}`,
      );
    }
  });
});

describe("SHA-256 implementations", () => {
  test("noble (the default) and node:crypto seal the same chain head", async () => {
    const small = syntheticTable({ records: 300, seed: 3 });
    const dataset = syntheticDataset(small);
    const noble = await runAdaptive(dataset, small, { seed: 5 });
    useSha256(nodeSha256);
    let native: AdaptiveRun;
    try {
      native = await runAdaptive(dataset, small, { seed: 5 });
    } finally {
      useSha256();
    }
    expect(native.ledger.head).toBe(noble.ledger.head);
    expect(native.ledger.head).toMatch(/^[0-9a-f]{64}$/);
    expect(Array.from(native.choices)).toEqual(Array.from(noble.choices));
  });
});
