// The sharpened bank (policy-snapshot.ts): Beta(d^2 alpha, d^2 beta) keeps each arm's mean and
// narrows its spread by about d, while the bounds the floor gate and the plausible set read are
// stretched back to the posterior's own; d = 1 is exactly the bank and the hash of before. Today's
// rule sharpens only the cells of unknown quality; content stored under the older rule (every cell)
// keeps its hash and its bank.

import { describe, expect, it } from "vitest";
import { LLM_PACK } from "../../../src/domain/llm/pack.ts";
import {
  buildSnapshot,
  contentHash,
  SHARPENED_REGIME_OUTCOMES,
  type PolicyContent,
  type SharpenedCells,
} from "../../../src/learning/policy-snapshot.ts";
import { bankParameters } from "../../../src/learning/pooled-prior.ts";
import { warmStartContent } from "../../../src/learning/warm-start.ts";

/** Every other cell of the mixed content is of unknown quality (the LLM catalog knows them all). */
const isNeutral = (cell: number): boolean => cell % 2 === 1;

/**
 * The LLM warm start with learned counts of every size, from a handful of outcomes to hundreds,
 * under one rule; `mixed` marks every other cell neutral, so both kinds of cell are in one bank.
 */
function learnedContent(sharpening: number, sharpenedCells: SharpenedCells, mixed = false): PolicyContent {
  const warm = warmStartContent(LLM_PACK, { sharpening });
  const alpha = warm.alpha.map((a, cell) => a + ((cell * 37) % 300));
  const beta = warm.beta.map((b, cell) => b + ((cell * 11) % 90));
  const neutral = mixed ? warm.neutral.map((_, cell) => (isNeutral(cell) ? 1 : 0)) : warm.neutral;
  return { ...warm, alpha, beta, neutral, sharpenedCells };
}

function columnStats(thetaBps: Uint16Array, content: PolicyContent, cell: number): { mean: number; sd: number } {
  const { tierCount: arms, sampleCount: K } = content;
  const regime = Math.floor(cell / arms);
  const arm = cell % arms;
  let sum = 0;
  let squares = 0;
  for (let k = 0; k < K; k++) {
    const theta = thetaBps[(regime * K + k) * arms + arm]!;
    sum += theta;
    squares += theta * theta;
  }
  const mean = sum / K;
  return { mean, sd: Math.sqrt(Math.max(0, squares / K - mean * mean)) };
}

/** Sharpened over plain standard deviation of one cell's K samples. */
function spreadRatio(
  plain: PolicyContent & { thetaBps: Uint16Array },
  sharp: PolicyContent & { thetaBps: Uint16Array },
  cell: number,
): number {
  return columnStats(sharp.thetaBps, sharp, cell).sd / columnStats(plain.thetaBps, plain, cell).sd;
}

/** The mixed content with each regime's statistics at the outcomes it has learned (outcomesOf). */
function withOutcomes(sharpening: number, outcomesOf: (regime: number) => number): PolicyContent {
  const content = learnedContent(sharpening, "neutral", true);
  const stats = content.stats.map((regime, r) => ({ ...regime, input_tokens: { ...regime.input_tokens, n: String(outcomesOf(r)) } }));
  return { ...content, stats };
}

const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

describe("a sharpened bank", () => {
  const plain = buildSnapshot(learnedContent(1, "all"), 1);
  const sharp = buildSnapshot(learnedContent(2, "all"), 1);
  const cells = plain.regimeCount * plain.tierCount;

  it("d = 1 hashes without the field, under either rule: content from before sharpening keeps its hash, so its bank", () => {
    // Golden: contentHash of the same content computed by the code before sharpening (commit 1284507).
    expect(contentHash(learnedContent(1, "all"))).toBe("eb06a25211df613d23db65cdbcca0465eabd07c1f992440d159da08a369bd4da");
    expect(contentHash(learnedContent(1, "neutral"))).toBe("eb06a25211df613d23db65cdbcca0465eabd07c1f992440d159da08a369bd4da");
    expect(contentHash(warmStartContent(LLM_PACK, { sharpening: 1 }))).toBe(
      "f5f5458ed9c9cbccc299d2cfee2e1b7169cd8a1f09dd64c2f1b3aa4a18246a0e",
    );
    expect(contentHash(learnedContent(2, "all"))).not.toBe(contentHash(learnedContent(1, "all")));
  });

  it("the older rule (every cell) hashes as it did; today's rule names its cells, so the two never share a bank", () => {
    // Golden: contentHash of learnedContent(2) computed by the code before the known cells were spared (658700f).
    expect(contentHash(learnedContent(2, "all"))).toBe("cce495e040689a7055ca872f2a1c745b83b1b515f41ba2fe7d488b9a64403f66");
    expect(contentHash(learnedContent(2, "neutral", true))).not.toBe(contentHash(learnedContent(2, "all", true)));
    expect(contentHash(learnedContent(2, "neutral", true))).not.toBe(contentHash(learnedContent(1, "neutral", true)));
  });

  it("names d only when it changes the bank: content whose every cell is known keeps its hash at any d", () => {
    // The LLM catalog knows every cell, so its content at d = 2 is the content, hash and bank of d = 1.
    expect(contentHash(warmStartContent(LLM_PACK, { sharpening: 2 }))).toBe(
      "f5f5458ed9c9cbccc299d2cfee2e1b7169cd8a1f09dd64c2f1b3aa4a18246a0e",
    );
    expect(contentHash(learnedContent(2, "neutral"))).toBe(contentHash(learnedContent(1, "neutral")));
    expect(buildSnapshot(learnedContent(2, "neutral"), 1).thetaBps).toStrictEqual(plain.thetaBps);
  });

  it("keeps each arm's mean and halves its spread at d = 2", () => {
    const { alpha, beta } = bankParameters(plain);
    let ratioSum = 0;
    for (let cell = 0; cell < cells; cell++) {
      const posteriorMean = (alpha[cell]! * 10_000) / (alpha[cell]! + beta[cell]!);
      const b = columnStats(sharp.thetaBps, sharp, cell);
      // K = 256 samples: the sharpened column's mean is within 5 of its standard errors of the posterior's.
      expect(Math.abs(b.mean - posteriorMean)).toBeLessThanOrEqual(5 * (b.sd / 16) + 1);
      ratioSum += spreadRatio(plain, sharp, cell);
    }
    expect(ratioSum / cells).toBeGreaterThan(0.45);
    expect(ratioSum / cells).toBeLessThan(0.55);
  });

  it("today's rule halves only the spread of cells of unknown quality; a known cell draws from its posterior", () => {
    const mixedPlain = buildSnapshot(learnedContent(1, "neutral", true), 1);
    const mixedSharp = buildSnapshot(learnedContent(2, "neutral", true), 1);
    const neutralRatios: number[] = [];
    const knownRatios: number[] = [];
    for (let cell = 0; cell < cells; cell++)
      (isNeutral(cell) ? neutralRatios : knownRatios).push(spreadRatio(mixedPlain, mixedSharp, cell));
    expect(mean(neutralRatios)).toBeGreaterThan(0.45);
    expect(mean(neutralRatios)).toBeLessThan(0.55);
    // Two independent banks of 256 draws from the same Betas: their spreads agree within a few percent on average.
    expect(mean(knownRatios)).toBeGreaterThan(0.95);
    expect(mean(knownRatios)).toBeLessThan(1.05);
    // And the same content under the older rule halves the known cells too.
    const olderRule = buildSnapshot(learnedContent(2, "all", true), 1);
    const olderKnown = Array.from({ length: cells }, (_, cell) => cell).filter((cell) => !isNeutral(cell));
    expect(mean(olderKnown.map((cell) => spreadRatio(mixedPlain, olderRule, cell)))).toBeLessThan(0.55);
  });

  it("a regime that has learned 1,000 outcomes draws its unknown cells from the posterior again; a younger one does not", () => {
    expect(SHARPENED_REGIME_OUTCOMES).toBe(1_000);
    /** Regime 0 at `outcomes` learned outcomes, the other regimes at 0. */
    const aged = (sharpening: number, outcomes: number): PolicyContent => withOutcomes(sharpening, (r) => (r === 0 ? outcomes : 0));
    const arms = plain.tierCount;
    const regimeCells = (r: number): number[] => Array.from({ length: arms }, (_, arm) => r * arms + arm).filter(isNeutral);
    for (const [outcomes, expected] of [
      [SHARPENED_REGIME_OUTCOMES - 1, "sharpened"],
      [SHARPENED_REGIME_OUTCOMES, "posterior"],
    ] as const) {
      const sharp = buildSnapshot(aged(2, outcomes), 1);
      const reference = buildSnapshot(aged(1, outcomes), 1);
      const ratio = mean(regimeCells(0).map((cell) => spreadRatio(reference, sharp, cell)));
      if (expected === "sharpened") expect(ratio).toBeLessThan(0.6);
      else expect(ratio).toBeGreaterThan(0.9);
      // The other regimes are still young: their unknown cells stay sharpened either way.
      expect(mean(regimeCells(1).map((cell) => spreadRatio(reference, sharp, cell)))).toBeLessThan(0.6);
    }
    // When every regime is old, d changes no draw: the hash, and so the bank, is that of d = 1.
    const allOld = (sharpening: number): PolicyContent => withOutcomes(sharpening, () => 5_000);
    expect(contentHash(allOld(2))).toBe(contentHash(allOld(1)));
    // The older rule ("all") never anneals: its banks stay as they were sealed.
    const olderOld = { ...allOld(2), sharpenedCells: "all" as const };
    expect(contentHash(olderOld)).not.toBe(contentHash({ ...allOld(1), sharpenedCells: "all" as const }));
  });

  it("stretches its quantiles back: the floor and plausibility bounds match the posterior's", () => {
    const mixedPlain = buildSnapshot(learnedContent(1, "neutral", true), 1);
    const mixedSharp = buildSnapshot(learnedContent(2, "neutral", true), 1);
    for (const [p, q] of [
      [plain, sharp],
      [mixedPlain, mixedSharp],
    ] as const) {
      let gap = 0;
      for (let cell = 0; cell < cells; cell++) {
        expect(q.armLowBps[cell]!).toBeLessThanOrEqual(q.armQualityBps[cell]!);
        gap += Math.abs(q.armQualityBps[cell]! - p.armQualityBps[cell]!) + Math.abs(q.armLowBps[cell]! - p.armLowBps[cell]!);
      }
      // Two independent banks of 256 draws: their 1/20 quantiles differ by a few tens of bps.
      expect(gap / (2 * cells)).toBeLessThan(150);
    }
  });

  it("refuses a sharpening outside 1 to 4", () => {
    for (const sharpening of [0, 5, 1.5, Number.NaN]) {
      expect(() => warmStartContent(LLM_PACK, { sharpening })).toThrow(/sharpening/);
    }
  });
});
