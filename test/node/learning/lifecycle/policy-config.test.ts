// The policy configuration (src/learning/lifecycle/policy-config.ts): parsing with its messages,
// bounds and refusals, defaults, and the hash, whose golden value is recomputed here by a second
// implementation (node:crypto over a canonical text written out by hand).

import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { LLM_PACK } from "../../../../src/domain/llm/pack.ts";
import { MODELS } from "../../../../src/domain/llm/models.ts";
import { CAPABILITIES } from "../../../../src/domain/llm/types.ts";
import { PACKS } from "../../../../src/domain/packs.ts";
import { catalogVersion } from "../../../../src/learning/lifecycle/catalog-version.ts";
import {
  BANK_WEIGHT_MAX,
  configHash,
  configOfContent,
  defaultPolicyConfig,
  parsePolicyConfig,
  type PolicyConfig,
} from "../../../../src/learning/lifecycle/policy-config.ts";
import { warmStartContent } from "../../../../src/learning/warm-start.ts";
import { HOSTILE_NUMBERS, LLM_DEFAULT, llmConfig } from "./fixtures.ts";

const sha256Hex = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/** The configuration as a JSON object with some fields left out. */
function without(config: PolicyConfig, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([name]) => !names.includes(name)));
}

function problemOf(value: unknown, base?: PolicyConfig): string {
  const parsed = parsePolicyConfig(value, base);
  if (parsed.ok) throw new Error("expected a refusal");
  return parsed.problem;
}

/**
 * The catalog version, computed apart from catalog-version.ts: from the models' own spec (list
 * prices as written, capability names to bits by hand), keys written in code-unit order.
 */
function independentCatalogVersion(): string {
  const options = MODELS.map((m) => {
    const mask = m.capabilities.reduce((bits, name) => bits | (1 << CAPABILITIES.indexOf(name)), 0);
    return (
      `{"capability_mask":${mask},"context_tokens":${m.contextTokens},"id":${JSON.stringify(m.id)},` +
      `"input_price_micros_per_mtok":${m.inputPriceMicrosPerMTok},"latency_ms_p50":${m.latencyMsP50},` +
      `"max_output_tokens":${m.maxOutputTokens},"output_price_micros_per_mtok":${m.outputPriceMicrosPerMTok},` +
      `"provider":${JSON.stringify(m.provider)},"quality_bps":${m.qualityBps},"tier":${JSON.stringify(m.tier)}}`
    );
  });
  return `llm:${sha256Hex(`{"options":[${options.join(",")}],"pack":"llm","v":1}`)}`;
}

describe("the catalog version", () => {
  it("is the hash of the LLM catalog as a second implementation writes it", () => {
    expect(catalogVersion(LLM_PACK)).toBe(independentCatalogVersion());
    expect(catalogVersion(LLM_PACK)).toBe("llm:6b67113809286565052b35d71992c58342520e0c7c7a514d34cbfd3da8b43f4d");
  });

  it("differs between packs and changes with one price", () => {
    const versions = Object.values(PACKS).map(catalogVersion);
    expect(new Set(versions).size).toBe(versions.length);
    const catalog = {
      ...LLM_PACK.catalog,
      inputPriceLow: Float64Array.from(LLM_PACK.catalog.inputPriceLow, (low, i) => (i === 3 ? low + 1 : low)),
    };
    expect(catalogVersion({ ...LLM_PACK, catalog })).not.toBe(catalogVersion(LLM_PACK));
  });
});

describe("the default configuration and its hash", () => {
  // Written out by hand in JCS order (RFC 8785: keys by UTF-16 code units), v beside the fields.
  const canonical =
    `{"catalog_version":"${independentCatalogVersion()}","decay_window":500,"exploration_bps":500,"floor_overrides":{},` +
    `"holdout_bps":500,"latency_bps_per_second":100,"prior_strength":8,"sharpening":1,"v":1,"value_weight_bps":10000}`;

  it("golden: the default LLM configuration hashes as node:crypto hashes its canonical text", () => {
    expect(configHash(LLM_DEFAULT)).toBe(sha256Hex(canonical));
    expect(configHash(LLM_DEFAULT)).toBe("2a406c4aee9f38a77a41c7d8439126d46260dcda41c5a025603c03a9f59bedd5");
  });

  it("is the warm start's own configuration, for every pack", () => {
    for (const pack of Object.values(PACKS)) {
      expect(configOfContent(warmStartContent(pack), pack)).toStrictEqual(defaultPolicyConfig(pack));
      expect(parsePolicyConfig(defaultPolicyConfig(pack))).toStrictEqual({ ok: true, config: defaultPolicyConfig(pack) });
    }
  });

  it("does not depend on key order, in the fields or in the overrides", () => {
    const config = llmConfig({ floor_overrides: { coding: 8_000, analysis: 6_000, "tcp/http": 1 } });
    fc.assert(
      fc.property(fc.shuffledSubarray(Object.keys(config), { minLength: 9, maxLength: 9 }), fc.boolean(), (keys, flip) => {
        const overrides = Object.entries(config.floor_overrides);
        const shuffled = Object.fromEntries(keys.map((key) => [key, config[key as keyof PolicyConfig]]));
        shuffled.floor_overrides = Object.fromEntries(flip ? overrides.reverse() : overrides);
        const parsed = parsePolicyConfig(shuffled);
        expect(parsed.ok && configHash(parsed.config)).toBe(configHash(config));
      }),
    );
  });

  it("gives the same hash whether a defaulted field is written or left out", () => {
    const required = without(LLM_DEFAULT, ["decay_window", "sharpening", "value_weight_bps", "floor_overrides"]);
    const parsed = parsePolicyConfig(required);
    expect(parsed.ok && configHash(parsed.config)).toBe(configHash(LLM_DEFAULT));
  });

  it("changes with every field", () => {
    const hashes = [
      LLM_DEFAULT,
      llmConfig({ exploration_bps: 0 }),
      llmConfig({ holdout_bps: 0 }),
      llmConfig({ prior_strength: 9 }),
      llmConfig({ decay_window: 501 }),
      llmConfig({ sharpening: 2 }),
      llmConfig({ floor_overrides: { coding: 7_200 } }),
      llmConfig({ value_weight_bps: 9_999 }),
      llmConfig({ latency_bps_per_second: 0 }),
      llmConfig({ catalog_version: `llm:${"0".repeat(64)}` }),
    ].map(configHash);
    expect(new Set(hashes).size).toBe(hashes.length);
  });
});

describe("parsing", () => {
  it("takes left-out fields from a base configuration: a partial update", () => {
    const base = llmConfig({ holdout_bps: 1_000, floor_overrides: { coding: 8_000 } });
    expect(parsePolicyConfig({ exploration_bps: 0 }, base)).toStrictEqual({ ok: true, config: { ...base, exploration_bps: 0 } });
    expect(parsePolicyConfig({ floor_overrides: {} }, base)).toStrictEqual({ ok: true, config: { ...base, floor_overrides: {} } });
  });

  it.each([
    [{ ...LLM_DEFAULT, exploration_bps: 5_001 }, '"exploration_bps" expected integer in [0, 5000], got 5001'],
    [{ ...LLM_DEFAULT, holdout_bps: -1 }, '"holdout_bps" expected integer in [0, 5000], got -1'],
    [{ ...LLM_DEFAULT, prior_strength: 1 }, '"prior_strength" expected integer in [2, 1000], got 1'],
    [{ ...LLM_DEFAULT, prior_strength: 1_001 }, '"prior_strength" expected integer in [2, 1000], got 1001'],
    [{ ...LLM_DEFAULT, decay_window: 49 }, '"decay_window" expected integer in [50, 8000], got 49'],
    [{ ...LLM_DEFAULT, decay_window: 8_001 }, '"decay_window" expected integer in [50, 8000], got 8001'],
    [{ ...LLM_DEFAULT, sharpening: 5 }, '"sharpening" expected integer in [1, 4], got 5'],
    [{ ...LLM_DEFAULT, value_weight_bps: 0 }, '"value_weight_bps" expected integer in [1, 100000], got 0'],
    [{ ...LLM_DEFAULT, latency_bps_per_second: 10_001 }, '"latency_bps_per_second" expected integer in [0, 10000], got 10001'],
    [{ ...LLM_DEFAULT, exploration_bps: "500" }, '"exploration_bps" expected integer in [0, 5000], got string "500"'],
    [{ ...LLM_DEFAULT, holdout_bps: -0 }, '"holdout_bps" expected integer in [0, 5000], got -0'],
    [{ ...LLM_DEFAULT, exploration_bps: undefined }, '"exploration_bps" expected integer in [0, 5000], got nothing'],
    [
      { ...LLM_DEFAULT, decay_window: 2_000, sharpening: 3 },
      `"decay_window" x "sharpening"^2 expected at most 8000, got 18000 (the bank's cost grows with it)`,
    ],
    [{ ...LLM_DEFAULT, floor_overrides: [] }, '"floor_overrides" expected an object of regime id to bps, got array'],
    [{ ...LLM_DEFAULT, floor_overrides: { coding: 10_001 } }, '"floor_overrides.coding" expected integer in [0, 10000], got 10001'],
    [
      { ...LLM_DEFAULT, floor_overrides: { "a b": 1 } },
      '"floor_overrides" key "a b" expected a regime id (1 to 64 of A-Z a-z 0-9 _ . / -)',
    ],
    [{ ...LLM_DEFAULT, floor_overrides: { "": 1 } }, '"floor_overrides" key "" expected a regime id (1 to 64 of A-Z a-z 0-9 _ . / -)'],
    [{ ...LLM_DEFAULT, catalog_version: "llm" }, '"catalog_version" expected "<pack id>:<64 lowercase hex digits>", got string "llm"'],
    [{ ...LLM_DEFAULT, catalog_version: 7 }, '"catalog_version" expected "<pack id>:<64 lowercase hex digits>", got 7'],
    [[], "policy configuration expected a JSON object, got array"],
    [null, "policy configuration expected a JSON object, got null"],
    ["{}", 'policy configuration expected a JSON object, got string "{}"'],
  ])("refuses %j: %s", (value, problem) => {
    expect(problemOf(value)).toBe(problem);
  });

  it("refuses unknown keys, naming the key and the fields", () => {
    expect(problemOf({ ...LLM_DEFAULT, exploration: 1 })).toBe(
      '"exploration" is not a policy configuration field (expected exploration_bps, holdout_bps, prior_strength, decay_window, ' +
        "sharpening, value_weight_bps, latency_bps_per_second, floor_overrides, catalog_version)",
    );
    expect(problemOf({ ...LLM_DEFAULT, v: 1 })).toMatch(/^"v" is not a policy configuration field/);
    expect(problemOf(JSON.parse(`{"__proto__": {"exploration_bps": 1}}`), LLM_DEFAULT)).toMatch(/^"__proto__" is not/);
  });

  it("requires the fields without a pack-free default", () => {
    for (const name of ["exploration_bps", "holdout_bps", "prior_strength", "latency_bps_per_second", "catalog_version"] as const) {
      expect(problemOf(without(LLM_DEFAULT, [name]))).toMatch(new RegExp(`^"${name}" expected .*, got nothing$`));
    }
  });

  it("accepts every bound and nothing past it", () => {
    for (const [name, min, max] of [
      ["exploration_bps", 0, 5_000],
      ["holdout_bps", 0, 5_000],
      ["prior_strength", 2, 1_000],
      ["decay_window", 50, BANK_WEIGHT_MAX],
      ["sharpening", 1, 4],
      ["value_weight_bps", 1, 100_000],
      ["latency_bps_per_second", 0, 10_000],
    ] as const) {
      // At the largest window only d = 1 fits the bank bound, and at d = 4 only W <= 500.
      const pair = name === "sharpening" ? { decay_window: 500 } : {};
      expect(parsePolicyConfig({ ...LLM_DEFAULT, ...pair, [name]: min }).ok).toBe(true);
      expect(parsePolicyConfig({ ...LLM_DEFAULT, ...pair, [name]: max }).ok).toBe(true);
      expect(parsePolicyConfig({ ...LLM_DEFAULT, ...pair, [name]: min - 1 }).ok).toBe(false);
      expect(parsePolicyConfig({ ...LLM_DEFAULT, ...pair, [name]: max + 1 }).ok).toBe(false);
    }
  });

  it.each(HOSTILE_NUMBERS.map((value) => [value]))("refuses %s in every integer field and as an override", (value) => {
    for (const name of [
      "exploration_bps",
      "holdout_bps",
      "prior_strength",
      "decay_window",
      "sharpening",
      "value_weight_bps",
      "latency_bps_per_second",
    ]) {
      expect(parsePolicyConfig({ ...LLM_DEFAULT, [name]: value }).ok).toBe(false);
    }
    expect(parsePolicyConfig({ ...LLM_DEFAULT, floor_overrides: { coding: value } }).ok).toBe(false);
  });

  it("refuses objects that are not plain JSON: accessors, class instances, symbol keys", () => {
    let reads = 0;
    const getter = Object.defineProperty({ ...LLM_DEFAULT }, "holdout_bps", { enumerable: true, get: () => (reads++ === 0 ? 100 : 1e9) });
    expect(parsePolicyConfig(getter).ok).toBe(false);
    expect(parsePolicyConfig(Object.assign(new (class Config {})(), LLM_DEFAULT)).ok).toBe(false);
    expect(parsePolicyConfig({ ...LLM_DEFAULT, [Symbol("x")]: 1 }).ok).toBe(false);
    expect(parsePolicyConfig(Object.assign(Object.create(null), LLM_DEFAULT)).ok).toBe(true);
  });

  it("never throws, and a parsed configuration parses to itself", () => {
    const field = fc.oneof(fc.integer({ min: -10, max: 200_000 }), fc.constantFrom(...HOSTILE_NUMBERS), fc.string());
    fc.assert(
      fc.property(
        fc.record(
          {
            exploration_bps: field,
            holdout_bps: field,
            prior_strength: field,
            decay_window: field,
            sharpening: field,
            value_weight_bps: field,
            latency_bps_per_second: field,
            floor_overrides: fc.oneof(fc.dictionary(fc.constantFrom("coding", "support", "x y"), field), field),
            catalog_version: fc.oneof(fc.constant(LLM_DEFAULT.catalog_version), fc.string()),
            extra: field,
          },
          { requiredKeys: [] },
        ),
        (value) => {
          const parsed = parsePolicyConfig(value);
          if (parsed.ok) expect(parsePolicyConfig(parsed.config)).toStrictEqual(parsed);
        },
      ),
    );
  });
});
