// Data checks for the LLM domain pack: the 22-model catalog, its provenance, and the 8 regimes.
// Each derived number (quality bps, latency, tier) is recomputed here from the raw source values
// by an independent rule, so a hand edit that breaks a documented rule fails the build.
import { describe, expect, it } from "vitest";
import { MODELS } from "../../../src/domain/llm/models.ts";
import { REGIMES } from "../../../src/domain/llm/regimes.ts";
import { CAPABILITIES, PROVIDERS, TIERS, type FactSource, type ModelSpec, type RegimeSpec } from "../../../src/domain/llm/types.ts";

const models: readonly ModelSpec[] = MODELS;
const regimes: readonly RegimeSpec[] = REGIMES;

const BPS_MAX = 10_000;
const LONG_CONTEXT_TOKENS_MIN = 200_000;
/** Tier price bands on the 3:1 blended price (3 input + 1 output) / 4, microcents per MTok. */
const ECONOMY_BLENDED_MICROS_BELOW = 50_000_000; // $0.50
const STANDARD_BLENDED_MICROS_BELOW = 250_000_000; // $2.50

function blendedTimesFour(model: ModelSpec): number {
  return 3 * model.inputPriceMicrosPerMTok + model.outputPriceMicrosPerMTok;
}

function expectedTier(model: ModelSpec): string {
  if (model.tier === "frontier") return "frontier"; // frontier is the flagship-reasoning rule, below
  const blended4 = blendedTimesFour(model);
  if (blended4 < 4 * ECONOMY_BLENDED_MICROS_BELOW) return "economy";
  if (blended4 < 4 * STANDARD_BLENDED_MICROS_BELOW) return "standard";
  return "premium";
}

function isValidIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  return new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
}

function allSources(model: ModelSpec): [string, FactSource][] {
  return Object.entries(model.sources);
}

describe("fixed tuples (their order is a stored format)", () => {
  it("pins providers, capabilities and tiers in their bit and index order", () => {
    expect(PROVIDERS).toEqual(["openai", "anthropic", "google", "deepseek", "meta", "mistral"]);
    expect(CAPABILITIES).toEqual(["tools", "json", "vision", "reasoning", "long_context", "code"]);
    expect(TIERS).toEqual(["economy", "standard", "premium", "frontier"]);
  });
});

describe("catalog shape", () => {
  it("lists exactly 22 models with unique ids", () => {
    expect(models).toHaveLength(22);
    expect(new Set(models.map((m) => m.id)).size).toBe(22);
  });

  it("uses exactly the six providers, each with at least two models", () => {
    expect(new Set(models.map((m) => m.provider))).toEqual(new Set(PROVIDERS));
    for (const provider of PROVIDERS) {
      expect(models.filter((m) => m.provider === provider).length, provider).toBeGreaterThanOrEqual(2);
    }
  });

  it("fills every tier with at least three models", () => {
    for (const tier of TIERS) {
      expect(models.filter((m) => m.tier === tier).length, tier).toBeGreaterThanOrEqual(3);
    }
  });
});

describe("numbers", () => {
  it.each(models.map((m) => [m.id, m] as const))("%s: prices are positive safe integers, output >= input", (_, m) => {
    for (const price of [m.inputPriceMicrosPerMTok, m.outputPriceMicrosPerMTok]) {
      expect(Number.isSafeInteger(price) && price > 0).toBe(true);
    }
    // Holds for every model listed today (several open-weight hosts charge output = input).
    // If a real model ever breaks it, keep the real price and exempt that id here, with a comment.
    expect(m.outputPriceMicrosPerMTok).toBeGreaterThanOrEqual(m.inputPriceMicrosPerMTok);
  });

  it.each(models.map((m) => [m.id, m] as const))("%s: quality, latency and limits are in range", (_, m) => {
    expect(Number.isInteger(m.qualityBps) && m.qualityBps >= 0 && m.qualityBps <= BPS_MAX).toBe(true);
    expect(Number.isInteger(m.latencyMsP50) && m.latencyMsP50 > 0).toBe(true);
    expect(Number.isInteger(m.maxOutputTokens) && m.maxOutputTokens > 0).toBe(true);
    expect(Number.isInteger(m.contextTokens)).toBe(true);
    expect(m.contextTokens).toBeGreaterThanOrEqual(m.maxOutputTokens);
  });

  it.each(models.map((m) => [m.id, m] as const))("%s: qualityBps follows the arena mapping", (_, m) => {
    const score = m.sources.quality.arenaScore;
    expect(Number.isInteger(score)).toBe(true);
    expect(m.qualityBps).toBe(Math.min(BPS_MAX, Math.max(0, 10 * (score - 500))));
  });

  it.each(models.map((m) => [m.id, m] as const))("%s: latencyMsP50 follows the TTFT + 500 tokens rule", (_, m) => {
    const { timeToFirstTokenMs: ttft, outputTokensPerSecond: speed } = m.sources.latency;
    expect(Number.isInteger(ttft) && Number.isInteger(speed) && speed > 0).toBe(true);
    const streamMs = Math.floor((500_000 + speed - 1) / speed); // ceil(500 tokens / speed) in ms
    expect(m.latencyMsP50).toBe(ttft + streamMs);
  });
});

describe("tiers and capabilities", () => {
  it.each(models.map((m) => [m.id, m] as const))("%s: tier follows the price bands; frontier reasons", (_, m) => {
    expect(m.tier).toBe(expectedTier(m));
    if (m.tier === "frontier") expect(m.capabilities).toContain("reasoning");
  });

  it("never prices a higher tier below a lower one within a provider", () => {
    for (const provider of PROVIDERS) {
      const own = models.filter((m) => m.provider === provider);
      for (const a of own) {
        for (const b of own) {
          if (TIERS.indexOf(a.tier) < TIERS.indexOf(b.tier)) {
            expect(blendedTimesFour(a), `${a.id} vs ${b.id}`).toBeLessThanOrEqual(blendedTimesFour(b));
          }
        }
      }
    }
  });

  it.each(models.map((m) => [m.id, m] as const))("%s: capabilities are canonical", (_, m) => {
    const indexes = m.capabilities.map((c) => CAPABILITIES.indexOf(c));
    expect(indexes.every((i) => i >= 0)).toBe(true);
    expect(indexes).toEqual([...indexes].sort((x, y) => x - y));
    expect(new Set(indexes).size).toBe(indexes.length);
    expect(m.capabilities.includes("long_context")).toBe(m.contextTokens >= LONG_CONTEXT_TOKENS_MIN);
  });
});

describe("provenance", () => {
  it.each(models.map((m) => [m.id, m] as const))("%s: every fact has a dated source", (_, m) => {
    expect(Object.keys(m.sources).sort()).toEqual(["capabilities", "latency", "limits", "price", "quality"]);
    for (const [name, source] of allSources(m)) {
      expect(isValidIsoDate(source.retrieved), `${name}.retrieved`).toBe(true);
      expect(source.url !== undefined || source.rule !== undefined, `${name}: url or rule`).toBe(true);
      if (source.url !== undefined) expect(source.url, `${name}.url`).toMatch(/^https:\/\/[^\s]+$/);
      if (source.estimated === true) expect(source.rule, `${name}: an estimate says its rule`).toBeTruthy();
    }
    expect(m.sources.price.url).toMatch(/^https:\/\//);
    expect(m.sources.quality.benchmark).toBe(models[0]!.sources.quality.benchmark); // one benchmark
  });
});

describe("regimes", () => {
  it("lists eight regimes with unique snake_case ids", () => {
    expect(regimes).toHaveLength(8);
    expect(new Set(regimes.map((r) => r.id)).size).toBe(8);
    for (const r of regimes) expect(r.id).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it("puts the four design regimes first, with their fixed floors", () => {
    expect(regimes.slice(0, 4).map((r) => [r.id, r.warmStartFloorBps])).toEqual([
      ["support", 5_500],
      ["coding", 7_200],
      ["compliance", 9_200],
      ["security", 9_200],
    ]);
  });

  it.each(regimes.map((r) => [r.id, r] as const))("%s: floor gives a whole-count Beta prior", (_, r) => {
    expect(Number.isInteger(r.warmStartFloorBps) && r.warmStartFloorBps > 0 && r.warmStartFloorBps < BPS_MAX).toBe(true);
    expect(r.warmStartFloorBps % 100).toBe(0);
    expect(r.name.length * r.description.length * r.justification.length).toBeGreaterThan(0);
  });

  it.each(regimes.map((r) => [r.id, r] as const))("%s: at least two providers clear the warm-start floor", (_, r) => {
    const providers = new Set(models.filter((m) => m.qualityBps >= r.warmStartFloorBps).map((m) => m.provider));
    expect(providers.size).toBeGreaterThanOrEqual(2);
  });
});
