// The gate's section of docs/results.md (src/replay/gate-markdown.ts) from hand-made candidate
// reports: one row per candidate, a wrong verdict marked and explained by which number disagrees,
// the counts of right verdicts and covered values, and nothing at all without candidates.

import { describe, expect, test } from "vitest";
import type { CandidateReport } from "../../../src/replay/candidate-replay.ts";
import { gateSection } from "../../../src/replay/gate-markdown.ts";
import { productionConfig } from "../../../src/replay/replay-config.ts";
import { syntheticDataset, syntheticTable } from "./synthetic-dataset.ts";

const production = productionConfig(syntheticDataset(syntheticTable({ records: 1, seed: 1 })), {});

/** A report whose truth, estimate and verdict are as given; the rest is filler the section does not read. */
function reportOf(x: { difference: number; shadow: number; estimate: [number, number, number]; promotable: boolean }): CandidateReport {
  return {
    config: { ...production, sharpening: 2 },
    config_hash: "c".repeat(64),
    production_config: production,
    production_config_hash: "p".repeat(64),
    changes: ["sharpening: 1 -> 2"],
    shadow: { decisions: 600, mismatches: 100, mismatchShare: 1 / 6, extraRefusals: 0, byRegime: [] },
    estimate: { estimate: x.estimate[0], ci95: [x.estimate[1], x.estimate[2]], n: 600 },
    verdict: {
      candidateHash: "c".repeat(64),
      promotable: x.promotable,
      criteria: [
        { name: "decisions", pass: true, detail: "" },
        { name: "improvement", pass: x.promotable, detail: "" },
        { name: "no_new_refusals", pass: true, detail: "" },
        { name: "calibration", pass: true, detail: "" },
      ],
    },
    truth: {
      production_per_decision_micros: 2_000_000,
      candidate_per_decision_micros: 2_000_000 + x.difference,
      difference_micros: x.difference,
      shadow_difference_micros: x.shadow,
      shadow_decisions: 600,
    },
    truly_better: x.difference > 0,
    verdict_right: x.promotable === x.difference > 0,
  };
}

describe("gateSection", () => {
  test("no candidates, no section", () => {
    expect(gateSection([])).toEqual([]);
  });

  test("rows, counts, and each wrong verdict explained by the number that disagrees", () => {
    const text = gateSection([
      { dataset: "a", report: reportOf({ difference: 50_000, shadow: 40_000, estimate: [45_000, 20_000, 70_000], promotable: true }) },
      // Promoted, but the truth is worse while the shadow's own value is better: the shadow cannot see it.
      { dataset: "b", report: reportOf({ difference: -4_000, shadow: 12_000, estimate: [10_000, 3_000, 17_000], promotable: true }) },
      // Refused although better; the shadow agrees with the truth but the interval missed it.
      { dataset: "c", report: reportOf({ difference: 7_000, shadow: 9_000, estimate: [-20_000, -30_000, -10_000], promotable: false }) },
      // Refused although better; the interval covers the value and is too wide.
      { dataset: "d", report: reportOf({ difference: 3_000, shadow: 2_000, estimate: [1_000, -3_000, 5_000], promotable: false }) },
    ]).join("\n");
    expect(text).toContain("## Policy lifecycle: the gate on real data");
    expect(text).toContain(
      "| a | sharpening 1 → 2 | $0.02000 → $0.02050 | +$0.000500 | +$0.000450 [+$0.000200, +$0.000700] | +$0.000400 | none | promote | yes |",
    );
    expect(text).toContain("| b | sharpening 1 → 2 | $0.02000 → $0.01996 | −$0.0000400 |");
    expect(text).toMatch(/\| c \|.*\| improvement \| refuse \| \*\*no\*\* \|/);
    expect(text).toContain("The verdict was right in 1 of 4 cases; the interval covered the exact value it estimates in 3 of 4.");
    expect(text).toMatch(/^- b, .*promoted although truly worse .*a shadow cannot show that difference/m);
    expect(text).toMatch(/^- c, .*refused although truly better .*the estimate missed the value it estimates/m);
    expect(text).toMatch(/^- d, .*refused although truly better .*too wide for a difference this small/m);
    expect(text).not.toMatch(/^- a, /m);
  });
});
