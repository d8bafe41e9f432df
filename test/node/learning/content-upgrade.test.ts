// upgradeContent (src/learning/content-upgrade.ts): a Learner state stored before per-option arms
// (one arm per tier, no neutral / priorStrength / pooling / holdoutBps) becomes one arm per option,
// each option starting from its tier's counts. Expected cells come from the model list's tiers as
// counted by hand (8 economy, 6 standard, 4 premium, 4 frontier models), not from the upgrade.

import { describe, expect, it } from "vitest";
import { LLM_PACK } from "../../../src/domain/llm/pack.ts";
import { tierPack } from "../../../src/domain/tier-pack.ts";
import { DecisionResult } from "../../../src/kernel/decision-result.ts";
import { Kernel } from "../../../src/kernel/kernel.ts";
import { DecisionCode } from "../../../src/kernel/result-codes.ts";
import { MASK_ALL, UNSET } from "../../../src/kernel/units.ts";
import { upgradeContent } from "../../../src/learning/content-upgrade.ts";
import { bankParameters } from "../../../src/learning/pooled-prior.ts";
import { buildSnapshot, contentHash, toKernelPolicy, type PolicyContent } from "../../../src/learning/policy-snapshot.ts";
import { warmStartContent } from "../../../src/learning/warm-start.ts";

type LegacyContent = Omit<PolicyContent, "neutral" | "priorStrength" | "pooling" | "holdoutBps" | "sharpening" | "sharpenedCells">;

const REGIMES = 8;
const TIERS = 4;
const OPTIONS = 22;

/** Distinct, recognisable counts per regime x tier: alpha = 600 + 10 r + t, beta = 400 - 10 r - t. */
function legacyAlpha(regime: number, tier: number): number {
  return 600 + 10 * regime + tier;
}
function legacyBeta(regime: number, tier: number): number {
  return 400 - 10 * regime - tier;
}

/** A content as the per-tier code stored it for the LLM pack: 8 regimes x 4 tiers, the old fields only. */
function legacyLlmContent(): LegacyContent {
  const warm = warmStartContent(LLM_PACK);
  const cells = Array.from({ length: REGIMES * TIERS }, (_, cell) => cell);
  return {
    regimeCount: warm.regimeCount,
    tierCount: TIERS,
    sampleCount: warm.sampleCount,
    floorBps: warm.floorBps.map((floor, r) => floor + r),
    floorSource: warm.floorSource,
    alpha: cells.map((cell) => legacyAlpha(Math.floor(cell / TIERS), cell % TIERS)),
    beta: cells.map((cell) => legacyBeta(Math.floor(cell / TIERS), cell % TIERS)),
    explorationBps: 500,
    latencyBpsPerSecond: warm.latencyBpsPerSecond,
    stats: warm.stats,
  };
}

/** Tier index of some models, read by hand from src/domain/llm/models.ts (economy 0 ... frontier 3). */
const HAND_TIERS: readonly [string, number][] = [
  ["gpt-4.1-nano", 0],
  ["gpt-4.1-mini", 1],
  ["gpt-4.1", 2],
  ["o3", 3],
  ["claude-3-5-haiku-20241022", 1],
  ["claude-opus-4-20250514", 3],
  ["gemini-2.0-flash-lite", 0],
  ["deepseek-reasoner", 3],
  ["mistral-large-2411", 2],
  ["codestral-2501", 0],
];

describe("upgradeContent of a legacy LLM content (8 regimes x 4 tiers)", () => {
  const legacy = legacyLlmContent();
  const upgraded = upgradeContent(legacy, LLM_PACK);

  it("becomes one arm per option: 22 arms, 8 x 22 cells", () => {
    expect(LLM_PACK.regimes).toHaveLength(REGIMES);
    expect(LLM_PACK.options).toHaveLength(OPTIONS);
    expect(upgraded.tierCount).toBe(OPTIONS);
    expect(upgraded.regimeCount).toBe(REGIMES);
    expect(upgraded.alpha).toHaveLength(REGIMES * OPTIONS);
    expect(upgraded.beta).toHaveLength(REGIMES * OPTIONS);
    expect(upgraded.neutral).toHaveLength(REGIMES * OPTIONS);
  });

  it("gives each option its tier's counts in every regime (models checked by hand)", () => {
    for (const [id, tier] of HAND_TIERS) {
      const option = LLM_PACK.options.findIndex((candidate) => candidate.id === id);
      expect(option, id).toBeGreaterThanOrEqual(0);
      for (let r = 0; r < REGIMES; r++) {
        expect([upgraded.alpha[r * OPTIONS + option], upgraded.beta[r * OPTIONS + option]], `${id} in regime ${r}`).toEqual([
          legacyAlpha(r, tier),
          legacyBeta(r, tier),
        ]);
      }
    }
  });

  it("copies every tier's counts to exactly its models: 8 economy, 6 standard, 4 premium, 4 frontier per regime", () => {
    for (let r = 0; r < REGIMES; r++) {
      const row = upgraded.alpha.slice(r * OPTIONS, (r + 1) * OPTIONS);
      const perTier = [0, 1, 2, 3].map((t) => row.filter((value) => value === legacyAlpha(r, t)).length);
      expect(perTier, `regime ${r}`).toEqual([8, 6, 4, 4]);
    }
  });

  it("takes the values the per-tier code behaved by: holdout 2,000, strength 100, no pooling, nothing neutral", () => {
    expect(upgraded.holdoutBps).toBe(2_000);
    expect(upgraded.priorStrength).toBe(100);
    expect(upgraded.pooling).toBe(false);
    expect(upgraded.neutral.every((flag) => flag === 0)).toBe(true);
  });

  it("keeps everything else: floors, floor sources, exploration, latency price, K, statistics", () => {
    expect(upgraded.floorBps).toEqual(legacy.floorBps);
    expect(upgraded.floorSource).toEqual(legacy.floorSource);
    expect(upgraded.explorationBps).toBe(legacy.explorationBps);
    expect(upgraded.latencyBpsPerSecond).toBe(legacy.latencyBpsPerSecond);
    expect(upgraded.sampleCount).toBe(legacy.sampleCount);
    expect(upgraded.stats).toEqual(legacy.stats);
  });

  it("does not mutate the stored content", () => {
    const again = legacyLlmContent();
    upgradeContent(again, LLM_PACK);
    expect(again).toEqual(legacyLlmContent());
  });

  it("is done once: upgrading the upgraded content returns the same object", () => {
    expect(upgradeContent(upgraded, LLM_PACK)).toBe(upgraded);
  });

  it("keeps a new field the stored content already has (a holdout set before the upgrade)", () => {
    const withHoldout = upgradeContent({ ...legacy, holdoutBps: 700 }, LLM_PACK);
    expect(withHoldout.holdoutBps).toBe(700);
    expect(withHoldout.tierCount).toBe(OPTIONS);
  });

  it("builds a snapshot the kernel accepts and decides with", () => {
    const snapshot = buildSnapshot(upgraded, 7);
    expect(snapshot.version).toBe(7);
    expect(snapshot.hash).toBe(contentHash(upgraded));
    expect(snapshot.thetaBps).toHaveLength(REGIMES * upgraded.sampleCount * OPTIONS);
    const kernel = new Kernel(LLM_PACK.catalog);
    const out = new DecisionResult();
    const code = kernel.decide(
      {
        request: {
          regimeIndex: 0,
          inputTokens: 1_000,
          maxOutputTokens: 500,
          valueMicros: 10_000_000,
          riskBps: 0,
          clientFloorBps: UNSET,
          maxLatencyMs: UNSET,
          maxCostMicros: UNSET,
          requiredCapabilityMask: 0,
          providerAllowMask: MASK_ALL,
          providerDenyMask: 0,
        },
        tenant: { suspended: false, allowedProviderMask: MASK_ALL, costCapMicros: UNSET },
        policy: toKernelPolicy(snapshot),
        seedWords: Uint32Array.of(1, 2, 3, 4),
        floorRaiseBps: 0,
      },
      out,
    );
    expect(code).toBe(DecisionCode.ok);
  });

  it("draws each option's bank samples from its tier's counts (mean within 4 standard errors)", () => {
    // Pooling is off, so the bank's parameters are the counts themselves.
    expect(Array.from(bankParameters(upgraded).alpha)).toEqual(upgraded.alpha);
    const snapshot = buildSnapshot(upgraded, 1);
    const K = upgraded.sampleCount;
    for (const [id, tier] of HAND_TIERS) {
      const option = LLM_PACK.options.findIndex((candidate) => candidate.id === id);
      for (const r of [0, REGIMES - 1]) {
        let sum = 0;
        for (let k = 0; k < K; k++) sum += snapshot.thetaBps[(r * K + k) * OPTIONS + option]!;
        const a = legacyAlpha(r, tier);
        const b = legacyBeta(r, tier);
        const mean = a / (a + b);
        const sd = Math.sqrt((mean * (1 - mean)) / (a + b + 1));
        expect(Math.abs(sum / K / 10_000 - mean), `${id} in regime ${r}`).toBeLessThanOrEqual(4 * (sd / Math.sqrt(K)) + 1e-4);
      }
    }
  });
});

describe("upgradeContent of a current content", () => {
  it("returns the LLM warm start as the same object", () => {
    const current = warmStartContent(LLM_PACK);
    expect(upgradeContent(current, LLM_PACK)).toBe(current);
  });

  it("returns a current content with pooling, neutral cells and a zero holdout as the same object", () => {
    const current = { ...warmStartContent(LLM_PACK, { holdoutBps: 0, pooling: true }) };
    expect(upgradeContent(current, LLM_PACK)).toBe(current);
  });
});

describe("upgradeContent of a legacy tier-pack content (one option per tier already)", () => {
  const pack = tierPack("three", {
    provider: "ops",
    latencyBpsPerSecond: 0,
    regimes: [
      { id: "a", warmStartFloorBps: 5_000 },
      { id: "b", warmStartFloorBps: 6_000 },
    ],
    tiers: [
      { id: "quick", qualityBps: 6_000, latencyMsP50: 10, costPerRecordMicros: 100 },
      { id: "careful", qualityBps: 8_000, latencyMsP50: 100, costPerRecordMicros: 1_000 },
      { id: "expert", qualityBps: 9_500, latencyMsP50: 1_000, costPerRecordMicros: 10_000 },
    ],
  });

  it("keeps the counts cell for cell (tier i is option i) and adds the legacy fields", () => {
    const warm = warmStartContent(pack);
    const legacy: LegacyContent = {
      regimeCount: 2,
      tierCount: 3,
      sampleCount: warm.sampleCount,
      floorBps: warm.floorBps,
      floorSource: warm.floorSource,
      alpha: [11, 12, 13, 21, 22, 23],
      beta: [31, 32, 33, 41, 42, 43],
      explorationBps: 500,
      latencyBpsPerSecond: 0,
      stats: warm.stats,
    };
    const upgraded = upgradeContent(legacy, pack);
    expect(upgraded.tierCount).toBe(3);
    expect(upgraded.alpha).toEqual([11, 12, 13, 21, 22, 23]);
    expect(upgraded.beta).toEqual([31, 32, 33, 41, 42, 43]);
    expect(upgraded.neutral).toEqual([0, 0, 0, 0, 0, 0]);
    expect([upgraded.holdoutBps, upgraded.priorStrength, upgraded.pooling]).toEqual([2_000, 100, false]);
    expect(buildSnapshot(upgraded, 1).thetaBps).toHaveLength(2 * warm.sampleCount * 3);
  });
});
