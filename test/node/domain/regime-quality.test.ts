// Data checks for the per-regime quality table: every figure names a catalog model and a regime,
// its bps follows from its raw LMArena rating by the catalog's formula (recomputed here by an
// independent rule), no cell appears twice, and a missing cell falls back to the overall quality.
import { describe, expect, it } from "vitest";
import { MODELS } from "../../../src/domain/llm/models.ts";
import {
  REGIME_CATEGORIES,
  REGIME_QUALITY,
  REGIME_QUALITY_ROWS,
  REGIME_QUALITY_SOURCE,
  regimeQualityBps,
  type RegimeQualityEntry,
} from "../../../src/domain/llm/regime-quality.ts";
import { REGIMES, type RegimeId } from "../../../src/domain/llm/regimes.ts";
import type { ModelSpec } from "../../../src/domain/llm/types.ts";

const models: readonly ModelSpec[] = MODELS;
const regimeIds: readonly string[] = REGIMES.map((regime) => regime.id);
const BPS_MAX = 10_000;
/**
 * The export is about four months newer than the overall snapshot; its overall ("full") rating of
 * a row may drift from the catalog's arenaScore, o3 most (-18 points). A gap above this bound
 * means the row belongs to another model.
 */
const DRIFT_POINTS_MAX = 25;

/** The catalog's mapping, written out again: one arena point is 10 bps, clamped to [0, 10,000]. */
function expectedBps(arenaScore: number): number {
  const bps = (arenaScore - 500) * 10;
  if (bps < 0) return 0;
  if (bps > BPS_MAX) return BPS_MAX;
  return bps;
}

function modelById(id: string): ModelSpec {
  const model = models.find((candidate) => candidate.id === id);
  if (model === undefined) throw new Error(`no catalog model ${id}`);
  return model;
}

describe("regime quality rows", () => {
  it("names a catalog model in every row, each model once", () => {
    for (const row of REGIME_QUALITY_ROWS)
      expect(
        models.map((model) => model.id),
        row.modelId,
      ).toContain(row.modelId);
    expect(new Set(REGIME_QUALITY_ROWS.map((row) => row.modelId)).size).toBe(REGIME_QUALITY_ROWS.length);
  });

  it("holds one integer rating and one bps per regime, in REGIMES order", () => {
    for (const row of REGIME_QUALITY_ROWS) {
      expect(row.arenaScore, row.modelId).toHaveLength(REGIMES.length);
      expect(row.bps, row.modelId).toHaveLength(REGIMES.length);
      for (const value of [...row.arenaScore, ...row.bps, row.overallArenaScore]) expect(Number.isSafeInteger(value)).toBe(true);
    }
  });

  it("keeps each row within the drift bound of the model's catalog arenaScore", () => {
    for (const row of REGIME_QUALITY_ROWS) {
      const gap = Math.abs(row.overallArenaScore - modelById(row.modelId).sources.quality.arenaScore);
      expect(gap, row.modelId).toBeLessThanOrEqual(DRIFT_POINTS_MAX);
    }
  });

  it("marks a row estimated exactly when the catalog's overall quality is estimated", () => {
    for (const row of REGIME_QUALITY_ROWS) {
      expect(row.estimated !== undefined, row.modelId).toBe(modelById(row.modelId).sources.quality.estimated === true);
    }
  });
});

describe("regime quality entries", () => {
  it("names a known model, a known regime, its category and its snapshot in every entry", () => {
    for (const entry of REGIME_QUALITY) {
      expect(models.some((model) => model.id === entry.modelId)).toBe(true);
      expect(regimeIds).toContain(entry.regimeId);
      expect(entry.category).toBe(REGIME_CATEGORIES[entry.regimeId].category);
      expect(entry.source.benchmark).toMatch(/^LMArena text leaderboard/);
      expect(entry.source.asOf.length).toBeGreaterThan(0);
    }
  });

  it("keeps every bps in [0, 10000] and reproduces it from the raw rating", () => {
    for (const entry of REGIME_QUALITY) {
      const label = `${entry.modelId} / ${entry.regimeId}`;
      expect(entry.bps, label).toBeGreaterThanOrEqual(0);
      expect(entry.bps, label).toBeLessThanOrEqual(BPS_MAX);
      expect(entry.bps, label).toBe(expectedBps(entry.arenaScore));
    }
  });

  it("never lists a (model, regime) cell twice", () => {
    const keys = REGIME_QUALITY.map((entry) => `${entry.modelId}|${entry.regimeId}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(REGIME_QUALITY).toHaveLength(REGIME_QUALITY_ROWS.length * REGIMES.length);
  });

  it("clamps at both ends of the scale, as the catalog mapping does", () => {
    expect([expectedBps(400), expectedBps(500), expectedBps(1_300), expectedBps(1_500), expectedBps(1_600)]).toEqual([
      0, 0, 8_000, 10_000, 10_000,
    ]);
  });
});

describe("source", () => {
  it("points to one pinned snapshot and says when it was read", () => {
    expect(REGIME_QUALITY_SOURCE.url).toMatch(/^https:\/\/github\.com\/lmarena\/arena-catalog\/blob\/[0-9a-f]{40}\//);
    expect(REGIME_QUALITY_SOURCE.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(new Set(Object.values(REGIME_CATEGORIES).map((category) => category.category)).size).toBe(REGIMES.length);
  });
});

describe("regimeQualityBps", () => {
  it("returns the regime's figure and names its category", () => {
    const entry = REGIME_QUALITY.find((candidate) => candidate.modelId === "o3" && candidate.regimeId === "coding")!;
    expect(regimeQualityBps("o3", "coding")).toEqual({ bps: entry.bps, source: "lmarena:coding" });
  });

  it("answers every catalog model in every regime, from the table while it is complete", () => {
    for (const model of models) {
      for (const regime of REGIMES)
        expect(regimeQualityBps(model.id, regime.id).source).toBe(`lmarena:${REGIME_CATEGORIES[regime.id].category}`);
    }
  });

  it("falls back to the model's overall quality when the table has no figure", () => {
    const withoutO3Coding: readonly RegimeQualityEntry[] = REGIME_QUALITY.filter(
      (entry) => !(entry.modelId === "o3" && entry.regimeId === "coding"),
    );
    expect(regimeQualityBps("o3", "coding", withoutO3Coding)).toEqual({ bps: modelById("o3").qualityBps, source: "overall" });
    expect(regimeQualityBps("o3", "support", withoutO3Coding).source).toBe("lmarena:multiturn");
    for (const model of models) expect(regimeQualityBps(model.id, "analysis", [])).toEqual({ bps: model.qualityBps, source: "overall" });
  });

  it("refuses an id the catalog does not know", () => {
    for (const id of ["", "gpt-5", "O3", " o3", "constructor", "__proto__"]) {
      expect(() => regimeQualityBps(id, "coding"), JSON.stringify(id)).toThrow(RangeError);
    }
    for (const id of ["", "legal", "Coding", "toString"]) {
      expect(() => regimeQualityBps("o3", id as RegimeId), JSON.stringify(id)).toThrow(RangeError);
    }
  });
});
