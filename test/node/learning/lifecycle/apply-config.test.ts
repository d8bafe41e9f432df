// Applying a configuration to the policy content (src/learning/lifecycle/apply-config.ts): the
// configured fields change and every learned value stays; overrides reach only what is
// published; the pack check; and the value weight's exact arithmetic, against BigInt.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { LLM_PACK } from "../../../../src/domain/llm/pack.ts";
import { PACKS } from "../../../../src/domain/packs.ts";
import { VALUE_MICROS_MAX } from "../../../../src/kernel/units.ts";
import { applyOutcome, initialLearnerState, type LearnerState } from "../../../../src/learning/learner-state.ts";
import {
  applyConfig,
  configProblemFor,
  floorOverridesByRegime,
  withFloorOverrides,
} from "../../../../src/learning/lifecycle/apply-config.ts";
import { configOfContent, defaultPolicyConfig } from "../../../../src/learning/lifecycle/policy-config.ts";
import { weightedValueMicros } from "../../../../src/learning/lifecycle/value-weight.ts";
import { buildSnapshot, contentHash } from "../../../../src/learning/policy-snapshot.ts";
import type { OutcomePayload } from "../../../../src/learning/learner-input.ts";
import { llmConfig } from "./fixtures.ts";

/** A learner that has seen some outcomes in coding (regime 1), so its posteriors and floor moved. */
function learnedState(): LearnerState {
  let state = initialLearnerState(LLM_PACK);
  for (let i = 0; i < 40; i++) {
    const payload: OutcomePayload = {
      outcomeId: `o${i}`,
      servedOption: LLM_PACK.options[i % 3]!.id,
      context: { regime_index: 1, input_tokens: 1_000 + i, value_micros: 500_000, risk_bps: 100, mode: "live" },
      outcome: { success: i % 4 !== 0, quality_bps: null },
    };
    state = applyOutcome(state, LLM_PACK, payload, () => null);
  }
  return state;
}

describe("applyConfig", () => {
  const learned = learnedState().content;

  it("sets the configured fields and keeps every learned value", () => {
    const config = llmConfig({ exploration_bps: 0, holdout_bps: 2_000, prior_strength: 20, sharpening: 2, latency_bps_per_second: 0 });
    const applied = applyConfig(learned, config);
    expect(applied).toStrictEqual({
      ...learned,
      explorationBps: 0,
      holdoutBps: 2_000,
      priorStrength: 20,
      sharpening: 2,
      latencyBpsPerSecond: 0,
    });
    for (const kept of ["alpha", "beta", "floorBps", "floorSource", "stats", "neutral", "pooling", "sampleCount"] as const) {
      expect(applied[kept]).toBe(learned[kept]);
    }
    expect(learned.alpha).not.toStrictEqual(initialLearnerState(LLM_PACK).content.alpha);
  });

  it("returns the content itself when nothing changes: no new snapshot version for a no-op", () => {
    expect(applyConfig(learned, configOfContent(learned, LLM_PACK))).toBe(learned);
    // Fields the content does not hold change nothing in it (they are wired elsewhere).
    const elsewhere = llmConfig({ decay_window: 100, value_weight_bps: 20_000, floor_overrides: { coding: 9_000 } });
    expect(applyConfig(learned, elsewhere)).toBe(learned);
  });
});

describe("floor overrides", () => {
  const learned = learnedState().content;
  const config = llmConfig({ floor_overrides: { coding: 9_000, support: 1_000 } });

  it("are listed by regime index, null where the learned floor stands", () => {
    const overrides = floorOverridesByRegime(config, LLM_PACK);
    expect(overrides).toHaveLength(LLM_PACK.regimes.length);
    expect(overrides[0]).toBe(1_000);
    expect(overrides[1]).toBe(9_000);
    expect(overrides.slice(2).every((bps) => bps === null)).toBe(true);
  });

  it("replace only the overridden floors in the published content, sources and posteriors untouched", () => {
    const published = withFloorOverrides(learned, floorOverridesByRegime(config, LLM_PACK));
    expect(published.floorBps).toStrictEqual([1_000, 9_000, ...learned.floorBps.slice(2)]);
    expect(published.floorSource).toBe(learned.floorSource);
    expect(published.alpha).toBe(learned.alpha);
    expect(contentHash(published)).not.toBe(contentHash(learned));
    // The published content builds a snapshot like any other: a sealed decision reproduces from it.
    expect(buildSnapshot(published, 7).floorBps).toStrictEqual(published.floorBps);
  });

  it("leave the content as it is without overrides, and refuse a list of the wrong length", () => {
    expect(withFloorOverrides(learned, floorOverridesByRegime(llmConfig(), LLM_PACK))).toBe(learned);
    expect(() => withFloorOverrides(learned, [null])).toThrow(RangeError);
  });
});

describe("configProblemFor", () => {
  it("accepts each pack's default configuration", () => {
    for (const pack of Object.values(PACKS)) expect(configProblemFor(defaultPolicyConfig(pack), pack)).toBeNull();
  });

  it("refuses another pack's catalog and regimes the pack does not have", () => {
    expect(configProblemFor(defaultPolicyConfig(PACKS.security), LLM_PACK)).toMatch(
      /^"catalog_version" expected llm:[0-9a-f]{64} \(the tenant's catalog\), got security:/,
    );
    expect(configProblemFor(llmConfig({ floor_overrides: { "tcp/http": 5_000 } }), LLM_PACK)).toBe(
      '"floor_overrides" names regime "tcp/http", which pack llm does not have',
    );
  });
});

describe("weightedValueMicros", () => {
  const reference = (value: number, weight: number): number => {
    const exact = (BigInt(value) * BigInt(weight)) / 10_000n;
    return Number(exact < BigInt(VALUE_MICROS_MAX) ? exact : BigInt(VALUE_MICROS_MAX));
  };

  it("is floor(value x weight / 10,000), saturated at VALUE_MICROS_MAX, as BigInt computes it", () => {
    const value = fc.oneof(
      fc.integer({ min: 0, max: VALUE_MICROS_MAX }),
      fc.constantFrom(0, 1, 9_999, VALUE_MICROS_MAX, VALUE_MICROS_MAX - 1),
    );
    const weight = fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom(0, 1, 9_999, 10_000, 10_001, 19_999, 20_000, 100_000));
    fc.assert(
      fc.property(value, weight, (v, w) => {
        expect(weightedValueMicros(v, w)).toBe(reference(v, w));
      }),
    );
  });

  it("keeps the value at weight 10,000 and refuses values outside the kernel's bounds", () => {
    expect(weightedValueMicros(123_456_789, 10_000)).toBe(123_456_789);
    for (const bad of [-1, -0, 0.5, NaN, VALUE_MICROS_MAX + 1]) expect(() => weightedValueMicros(bad, 10_000)).toThrow(RangeError);
    for (const bad of [-1, 100_001, 1.5]) expect(() => weightedValueMicros(1, bad)).toThrow(RangeError);
  });
});
