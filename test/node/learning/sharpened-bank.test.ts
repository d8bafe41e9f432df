// The sharpened bank (policy-snapshot.ts): Beta(d^2 alpha, d^2 beta) keeps each arm's mean and
// narrows its spread by about d, while the bounds the floor gate and the plausible set read are
// stretched back to the posterior's own; d = 1 is exactly the bank and the hash of before.

import { describe, expect, it } from "vitest";
import { LLM_PACK } from "../../../src/domain/llm/pack.ts";
import { buildSnapshot, contentHash, type PolicyContent } from "../../../src/learning/policy-snapshot.ts";
import { bankParameters } from "../../../src/learning/pooled-prior.ts";
import { warmStartContent } from "../../../src/learning/warm-start.ts";

/** The LLM warm start with learned counts of every size, from a handful of outcomes to hundreds. */
function learnedContent(sharpening: number): PolicyContent {
  const warm = warmStartContent(LLM_PACK, { sharpening });
  const alpha = warm.alpha.map((a, cell) => a + ((cell * 37) % 300));
  const beta = warm.beta.map((b, cell) => b + ((cell * 11) % 90));
  return { ...warm, alpha, beta };
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

describe("a sharpened bank", () => {
  const plain = buildSnapshot(learnedContent(1), 1);
  const sharp = buildSnapshot(learnedContent(2), 1);
  const cells = plain.regimeCount * plain.tierCount;

  it("d = 1 hashes without the field: content from before sharpening keeps its hash, so its bank", () => {
    // Golden: contentHash of the same content computed by the code before sharpening (commit 1284507).
    expect(contentHash(learnedContent(1))).toBe("eb06a25211df613d23db65cdbcca0465eabd07c1f992440d159da08a369bd4da");
    expect(contentHash(warmStartContent(LLM_PACK))).toBe("f5f5458ed9c9cbccc299d2cfee2e1b7169cd8a1f09dd64c2f1b3aa4a18246a0e");
    expect(contentHash(learnedContent(2))).not.toBe(contentHash(learnedContent(1)));
  });

  it("keeps each arm's mean and halves its spread at d = 2", () => {
    const { alpha, beta } = bankParameters(plain);
    let ratioSum = 0;
    for (let cell = 0; cell < cells; cell++) {
      const posteriorMean = (alpha[cell]! * 10_000) / (alpha[cell]! + beta[cell]!);
      const a = columnStats(plain.thetaBps, plain, cell);
      const b = columnStats(sharp.thetaBps, sharp, cell);
      // K = 256 samples: the sharpened column's mean is within 5 of its standard errors of the posterior's.
      expect(Math.abs(b.mean - posteriorMean)).toBeLessThanOrEqual(5 * (b.sd / 16) + 1);
      ratioSum += b.sd / a.sd;
    }
    expect(ratioSum / cells).toBeGreaterThan(0.45);
    expect(ratioSum / cells).toBeLessThan(0.55);
  });

  it("stretches its quantiles back: the floor and plausibility bounds match the posterior's", () => {
    let gap = 0;
    for (let cell = 0; cell < cells; cell++) {
      expect(sharp.armLowBps[cell]!).toBeLessThanOrEqual(sharp.armQualityBps[cell]!);
      gap += Math.abs(sharp.armQualityBps[cell]! - plain.armQualityBps[cell]!) + Math.abs(sharp.armLowBps[cell]! - plain.armLowBps[cell]!);
    }
    // Two independent banks of 256 draws: their 1/20 quantiles differ by a few tens of bps.
    expect(gap / (2 * cells)).toBeLessThan(150);
  });

  it("refuses a sharpening outside 1 to 4", () => {
    for (const sharpening of [0, 5, 1.5, Number.NaN]) {
      expect(() => warmStartContent(LLM_PACK, { sharpening })).toThrow(/sharpening/);
    }
  });
});
