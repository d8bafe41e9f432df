// `calybris replay` and `calybris pilot` (src/cli/replay-command.ts, pilot-command.ts) called
// in-process with a fake Output: usage errors exit 2 with a message, a pilot routing table is
// replayed and reported (with report.json and four charts when asked), a malformed one names
// file:line, and a real replay (routerbench_subset, 300 records) is byte-for-byte repeatable and
// its chain export verifies with `calybris verify`.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runPilot } from "../../../src/cli/pilot-command.ts";
import { runReplay } from "../../../src/cli/replay-command.ts";
import { runVerify, type Output } from "../../../src/cli/verify-command.ts";
import { ROUTERBENCH_FILES } from "../../../src/replay/datasets/routerbench_subset/routerbench.ts";
import { useSha256 } from "../../../src/ledger/sha256.ts";
import { drawUnit } from "../../../src/replay/draws.ts";
import type { DatasetReport } from "../../../src/replay/run-dataset.ts";
import { describeRealData } from "../support/real-data.ts";

interface Captured extends Output {
  readonly out: string[];
  readonly err: string[];
}

function capture(): Captured {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (text) => void out.push(text), stderr: (text) => void err.push(text) };
}

let dir = "";
let pilotFile = "";

/** A routing table of 300 records: two regimes, three models; the dear model pays off in "hard". */
function pilotTable(): string {
  const lines: string[] = [];
  for (let i = 0; i < 300; i++) {
    const hard = drawUnit(4, i, 1) < 0.5;
    const u = drawUnit(4, i, 0);
    const correct = (p: number): boolean => u < p;
    lines.push(
      JSON.stringify({
        id: `req-${i}`,
        regime: hard ? "hard" : "easy",
        options: {
          "model-small": { correct: correct(hard ? 0.3 : 0.9), cost_microcents: 9_000 },
          "model-mid": { correct: correct(hard ? 0.6 : 0.92), cost_microcents: 60_000 },
          "model-large": { quality_bps: correct(hard ? 0.95 : 0.95) ? 9_500 : 2_000, cost_microcents: 250_000 },
        },
      }),
    );
  }
  return `${lines.join("\n")}\n`;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "calybris-replay-cli-"));
  pilotFile = join(dir, "routing.jsonl");
  writeFileSync(pilotFile, pilotTable());
});

afterAll(() => {
  useSha256();
  rmSync(dir, { recursive: true, force: true });
});

describe("calybris replay: usage", () => {
  test("--help prints the usage and exits 0", async () => {
    const output = capture();
    expect(await runReplay(["--help"], output)).toBe(0);
    expect(output.out.join("")).toMatch(/^Usage: calybris replay <dataset \| all>/);
    expect(output.out.join("")).toContain("routerbench_subset");
  });

  test.each([
    ["no data set", [], "name one data set, or all"],
    ["two data sets", ["routerbench_subset", "covertype"], "name one data set, or all"],
    ["an unknown data set", ["nope"], 'unknown data set "nope"'],
    ["--limit 0", ["routerbench_subset", "--limit", "0"], '--limit expects an integer in [1, 9007199254740991], got "0"'],
    ["--limit abc", ["routerbench_subset", "--limit", "abc"], '--limit expects an integer in [1, 9007199254740991], got "abc"'],
    ["--limit 1.5", ["routerbench_subset", "--limit", "1.5"], "--limit expects an integer"],
    ["--seed -1", ["routerbench_subset", "--seed=-1"], '--seed expects an integer in [0, 2147483647], got "-1"'],
    ["--seed 2^31", ["routerbench_subset", "--seed", "2147483648"], "--seed expects an integer in [0, 2147483647]"],
    ["an unknown policy", ["routerbench_subset", "--policy", "adaptive", "--policy", "greedy"], 'unknown policy "greedy"'],
    ["--chain with all", ["all", "--chain", "chain.jsonl"], "--chain needs a single data set"],
    ["an unknown option", ["routerbench_subset", "--fast"], "Unknown option '--fast'"],
  ])("%s exits 2 with a message", async (_, argv, message) => {
    const output = capture();
    expect(await runReplay(argv, output)).toBe(2);
    const err = output.err.join("");
    expect(err.startsWith("calybris replay: ")).toBe(true);
    expect(err).toContain(message);
    expect(output.out).toEqual([]);
  });
});

describe("calybris replay --candidate: usage", () => {
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  test.each([
    ["a missing file", () => join(dir, "nowhere.json"), "--candidate: no such file"],
    ["a folder", () => dir, "is not a file"],
    ["a file that is not JSON", () => file("bad.json", "{exploration_bps: 0}"), "is not JSON"],
    ["a JSON array", () => file("array.json", "[1]"), "policy configuration expected a JSON object, got array"],
    ["an unknown field", () => file("field.json", '{"explore": 0}'), '"explore" is not a policy configuration field'],
    [
      "a value out of range",
      () => file("range.json", '{"exploration_bps": 5001}'),
      '"exploration_bps" expected integer in [0, 5000], got 5001',
    ],
    ["a decay window", () => file("decay.json", '{"decay_window": 1000}'), '"decay_window" expected 500 in a replay'],
    [
      "another catalog",
      () => file("catalog.json", `{"catalog_version": "llm:${"a".repeat(64)}"}`),
      '"catalog_version" expected routerbench_subset:',
    ],
    ["an unknown regime", () => file("regime.json", '{"floor_overrides": {"chess": 9000}}'), 'names regime "chess"'],
  ])("%s exits 2 naming the file and the problem", async (_, path, message) => {
    const output = capture();
    const given = path();
    expect(await runReplay(["routerbench_subset", "--candidate", given, "--out", join(dir, "never")], output)).toBe(2);
    const err = output.err.join("");
    expect(err.startsWith("calybris replay: ")).toBe(true);
    expect(err).toContain(message);
    expect(output.out).toEqual([]);
    expect(existsSync(join(dir, "never"))).toBe(false);
  });

  test("--candidate without the adaptive policy exits 2", async () => {
    const output = capture();
    const path = file("fine.json", '{"sharpening": 2}');
    expect(await runReplay(["routerbench_subset", "--candidate", path, "--policy", "random"], output)).toBe(2);
    expect(output.err.join("")).toContain("--candidate needs the adaptive policy");
  });

  test("with all, the first data set the candidate does not fit is named before anything replays", async () => {
    const output = capture();
    const path = file("bench-only.json", '{"floor_overrides": {"mbpp": 9000}}');
    expect(await runReplay(["all", "--candidate", path, "--out", join(dir, "never")], output)).toBe(2);
    expect(output.err.join("")).toMatch(/for routellm_gpt4_vs_mixtral: "floor_overrides" names regime "mbpp"/);
  });
});

describe("calybris pilot", () => {
  test("--help prints the usage and exits 0", async () => {
    const output = capture();
    expect(await runPilot(["-h"], output)).toBe(0);
    expect(output.out.join("")).toMatch(/^Usage: calybris pilot <file\.jsonl>/);
  });

  test.each([
    ["no file", [], "name one routing-table file"],
    ["--value not a number", ["x.jsonl", "--value", "lots"], '--value expects a dollar amount, got "lots"'],
    ["--success-bps out of range", ["x.jsonl", "--success-bps", "10001"], "--success-bps expects an integer in [0, 10000]"],
    ["--seed negative", ["x.jsonl", "--seed=-3"], "--seed expects an integer in [0, 2^31-1]"],
  ])("%s exits 2 with a message", async (_, argv, message) => {
    const output = capture();
    expect(await runPilot(argv, output)).toBe(2);
    expect(output.err.join("")).toContain(message);
  });

  test("a missing file exits 2: no such file", async () => {
    const output = capture();
    const missing = join(dir, "missing.jsonl");
    expect(await runPilot([missing], output)).toBe(2);
    expect(output.err.join("")).toContain(`no such file ${JSON.stringify(missing)}`);
  });

  test("a malformed routing table exits 2 naming file:line", async () => {
    const bad = join(dir, "bad.jsonl");
    const good = pilotTable().split("\n");
    writeFileSync(
      bad,
      `${good[0]}\n${good[1]}\n{"id": "r3", "regime": "easy", "options": {"model-small": {"correct": 1, "cost_microcents": 5}}}\n`,
    );
    const output = capture();
    expect(await runPilot([bad], output)).toBe(2);
    expect(output.err.join("")).toContain(`calybris pilot: ${bad}:3: options.model-small.correct: expected true or false`);
    expect(output.out).toEqual([]);
  });

  test("replays a routing table: the policy table and what Calybris would have spent", async () => {
    const output = capture();
    expect(await runPilot([pilotFile, "--value", "0.01"], output)).toBe(0);
    const out = output.out.join("");
    expect(out).toContain("pilot (llm_routing): 300 records, seed 1; misses = failed answers");
    for (const policy of ["adaptive", "random", "cheapest", "best", "hindsight", "oracle"])
      expect(out).toMatch(new RegExp(`^  ${policy} +0 `, "m"));
    expect(out).toMatch(/budget settled exactly/);
    expect(out).toMatch(
      /\nCalybris would have spent \$\S+ instead of \$\S+ \(always the most accurate model\): (saving|spending) \$\S+ \(\d+\.\d%\) at \d+\.\d% of its quality\.\n/,
    );
  });

  test("--out writes report.json and the four charts", async () => {
    const out = join(dir, "pilot-out");
    const output = capture();
    expect(await runPilot([pilotFile, "--out", out, "--seed", "3"], output)).toBe(0);
    const folder = join(out, "pilot");
    expect(readdirSync(folder).sort()).toEqual([
      "cumulative-cost.svg",
      "cumulative-quality.svg",
      "floors.svg",
      "learning-curve.svg",
      "report.json",
    ]);
    const report = JSON.parse(readFileSync(join(folder, "report.json"), "utf8")) as DatasetReport;
    expect(report).toMatchObject({
      dataset: "pilot",
      records: 300,
      seed: 3,
      options: ["model-small", "model-mid", "model-large"],
      regimes: expect.any(Array) as unknown,
    });
    expect(report.policies.adaptive!.errors).toBe(0);
    expect(report.adaptive!.ledger.budget_holds).toBe(true);
    for (const chart of ["cumulative-cost", "cumulative-quality", "floors", "learning-curve"]) {
      expect(readFileSync(join(folder, `${chart}.svg`), "utf8")).toMatch(/^<svg /);
    }
    expect(output.err.join("")).toContain(`wrote ${join(folder, "report.json")}`);
  });
});

describe("calybris replay: a data error", () => {
  test("a malformed data file exits 2 naming the file and the line", async () => {
    // Every file the pack reads exists (a missing .gz file hangs the reader today; see
    // test/node/replay/gzip-data-reader.test.ts), and the first one has a header it refuses.
    const data = join(dir, "bad-data");
    mkdirSync(join(data, "routerbench_subset"), { recursive: true });
    for (const { stem } of ROUTERBENCH_FILES)
      writeFileSync(join(data, "routerbench_subset", `${stem}.csv.gz`), gzipSync("not,the,header\n1,2,3\n"));
    const saved = process.env.CALYBRIS_DATA;
    process.env.CALYBRIS_DATA = data;
    const output = capture();
    try {
      expect(await runReplay(["routerbench_subset", "--limit", "10", "--out", join(dir, "never")], output)).toBe(2);
    } finally {
      if (saved === undefined) delete process.env.CALYBRIS_DATA;
      else process.env.CALYBRIS_DATA = saved;
    }
    expect(output.err.join("")).toMatch(/calybris replay: routerbench_subset: routerbench_subset\/arc_challenge_train\.csv\.gz:1: /);
    expect(existsSync(join(dir, "never"))).toBe(false);
  });
});

describeRealData("calybris replay routerbench_subset --limit 300", () => {
  test("replays, writes report.json, repeats byte for byte, and its chain verifies", async () => {
    const reports: string[] = [];
    for (const run of [1, 2]) {
      const out = join(dir, `replay-${run}`);
      const chain = join(dir, `chain-${run}.jsonl`);
      const output = capture();
      expect(await runReplay(["routerbench_subset", "--limit", "300", "--out", out, "--chain", chain], output), output.err.join("")).toBe(
        0,
      );
      reports.push(readFileSync(join(out, "routerbench_subset", "report.json"), "utf8"));
      expect(output.out.join("")).toMatch(/^routerbench_subset \(llm_routing\): 300 records, seed 1/);
    }
    expect(reports[1]).toBe(reports[0]);
    const report = JSON.parse(reports[0]!) as DatasetReport;
    expect(report.records).toBe(300);
    expect(report.limit).toBe(300);
    expect(report.policies.adaptive!.errors).toBe(0);
    expect(report.adaptive!.ledger.entries).toBe(601);
    expect(report.adaptive!.ledger.budget_holds).toBe(true);
    expect(Object.keys(report.value_levels ?? {})).toEqual(["low", "middle", "high"]);

    const chain = readFileSync(join(dir, "chain-1.jsonl"), "utf8");
    expect(chain).toBe(readFileSync(join(dir, "chain-2.jsonl"), "utf8"));
    expect(chain.split("\n").length - 1).toBe(601);
    const verify = capture();
    expect(await runVerify([join(dir, "chain-1.jsonl"), "--json", "--tenant", "replay-routerbench_subset"], verify)).toBe(0);
    const verdict = JSON.parse(verify.out.join("")) as { verdict: string; entries: number; headHex: string; tenantId: string };
    expect(verdict).toMatchObject({
      verdict: "verified",
      entries: 601,
      headHex: report.adaptive!.ledger.head,
      tenantId: "replay-routerbench_subset",
    });
  }, 30_000);
});

describeRealData("calybris replay routerbench_subset --limit 600 --candidate", () => {
  test("prints the gate's verdict beside the truth and writes both into report.json", async () => {
    const candidate = join(dir, "candidate.json");
    writeFileSync(candidate, '{"exploration_bps": 0, "sharpening": 2}');
    const out = join(dir, "candidate-out");
    const output = capture();
    expect(
      await runReplay(["routerbench_subset", "--limit", "600", "--candidate", candidate, "--out", out], output),
      output.err.join(""),
    ).toBe(0);
    const text = output.out.join("");
    expect(text).toMatch(/\n {2}candidate [0-9a-f]{12} \(exploration_bps: 500 -> 0; sharpening: 1 -> 2\): shadowed 600 decisions/);
    expect(text).toMatch(/\n {2}gate: (PROMOTE|REFUSE)\n {4}decisions +pass {2}600 shadowed decisions/);
    expect(text).toMatch(
      /\n {2}truth \(the candidate run as production, same seed\), net value per decision: production \S+, candidate \S+, difference \S+\n/,
    );
    expect(text).toMatch(/\n {2}verdict (right|WRONG): the candidate is truly (better|not better) and the gate (promotes|refuses) it\n$/);
    const report = JSON.parse(readFileSync(join(out, "routerbench_subset", "report.json"), "utf8")) as DatasetReport;
    const judged = report.candidate!;
    expect(judged.config).toMatchObject({ exploration_bps: 0, sharpening: 2, decay_window: 500, latency_bps_per_second: 0 });
    expect(judged.config.catalog_version).toMatch(/^routerbench_subset:[0-9a-f]{64}$/);
    expect(judged.verdict.criteria.map((criterion) => criterion.name)).toEqual([
      "decisions",
      "improvement",
      "no_new_refusals",
      "calibration",
    ]);
    expect(judged.verdict_right).toBe(judged.verdict.promotable === judged.truth.difference_micros > 0);
    // The shadow leaves production as it was: the adaptive policy's row is the one without a candidate.
    const plain = capture();
    expect(await runReplay(["routerbench_subset", "--limit", "600", "--policy", "adaptive", "--out", join(dir, "plain-out")], plain)).toBe(
      0,
    );
    const plainReport = JSON.parse(readFileSync(join(dir, "plain-out", "routerbench_subset", "report.json"), "utf8")) as DatasetReport;
    expect(report.policies.adaptive).toEqual(plainReport.policies.adaptive);
  }, 60_000);
});
