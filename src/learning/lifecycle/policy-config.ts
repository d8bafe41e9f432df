// A tenant's policy configuration (issue 12): the knobs a human changes through the lifecycle,
// as one versioned, content-hashed value. The learned posteriors are not part of it: they keep
// learning inside whichever configuration is promoted. Parsing never throws on client data.

import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { DomainPack } from "../../domain/domain-pack.ts";
import { BPS_SCALE, REGIMES_MAX } from "../../kernel/units.ts";
import { canonicalJson } from "../../ledger/canonical.ts";
import { SETTING_BPS_MAX } from "../policy-settings.ts";
import { SHARPENING_MAX, type PolicyContent } from "../policy-snapshot.ts";
import { DECAY_WINDOW } from "../thompson.ts";
import {
  DEFAULT_EXPLORATION_BPS,
  DEFAULT_HOLDOUT_BPS,
  DEFAULT_LATENCY_BPS_PER_SECOND,
  DEFAULT_PRIOR_STRENGTH,
  DEFAULT_SHARPENING,
  PRIOR_STRENGTH_MAX,
} from "../warm-start.ts";
import { CATALOG_VERSION_PATTERN, catalogVersion } from "./catalog-version.ts";
import { checkedInteger, describeValue, plainEntries } from "./field-check.ts";

/**
 * The configuration, field names as they are sealed in `policy` chain entries and posted to the
 * admin routes (snake_case, like a decision record's settings): one spelling, no mapping.
 * A type alias, not an interface, so that it is a CanonicalValue as it stands.
 */
export type PolicyConfig = {
  /** Share of decisions chosen among the plausibly best options (policy-settings.ts). */
  readonly exploration_bps: number;
  /** Share of decisions served by the warm-start baseline, by request hash. */
  readonly holdout_bps: number;
  /** Pseudo-outcomes behind a known or pooled prior (warm-start.ts). */
  readonly prior_strength: number;
  /** W of thompson.ts: a posterior holds the weight of between W and 2W outcomes of its arm. */
  readonly decay_window: number;
  /** d of policy-snapshot.ts: the bank draws from Beta(d^2 alpha, d^2 beta). */
  readonly sharpening: number;
  /** Per regime id, a quality floor in bps that replaces the learned one; absent regimes keep theirs. */
  readonly floor_overrides: Readonly<Record<string, number>>;
  /** The weight of the request's value against cost and risk, bps of it (10,000: as given). */
  readonly value_weight_bps: number;
  /** Latency penalty: this share of the request's value per second of typical latency. */
  readonly latency_bps_per_second: number;
  /** The option catalog the configuration was judged on (catalog-version.ts). */
  readonly catalog_version: string;
};

export const DECAY_WINDOW_MIN = 50;
/**
 * A bank draw costs time in proportion to the counts it draws from, at most 2 W d^2 per arm, and
 * the Learner rebuilds its bank after every learned batch (0.17 s for the LLM pack at today's
 * W = 500, d = 1; 0.8 s at W = 10,000, measured). No configuration may cost more than today's
 * sharpest bank, W = 500 at d = 4: W d^2 is at most 8,000, so W alone is at most 8,000.
 */
export const BANK_WEIGHT_MAX = DECAY_WINDOW * SHARPENING_MAX * SHARPENING_MAX;
/** Up to ten times the request's value; 0 is refused: a request worth nothing is not a policy. */
export const VALUE_WEIGHT_BPS_MIN = 1;
export const VALUE_WEIGHT_BPS_MAX = 10 * BPS_SCALE;
export const DEFAULT_VALUE_WEIGHT_BPS = BPS_SCALE;
/** Regime ids as the packs spell them ("coding", "tcp/http", "rawah/under_2700m"). */
export const REGIME_ID_PATTERN = /^[A-Za-z0-9_./-]{1,64}$/;

/** Bumped if the hashed form ever changes; it is hashed beside the fields, never stored in them. */
export const CONFIG_FORMAT = 1;

type IntegerField = Exclude<keyof PolicyConfig, "floor_overrides" | "catalog_version">;

/** Bounds of each integer field, and its value when a configuration leaves it out (null: required). */
const INTEGER_FIELDS: { readonly [K in IntegerField]: { readonly min: number; readonly max: number; readonly fallback: number | null } } = {
  exploration_bps: { min: 0, max: SETTING_BPS_MAX, fallback: null },
  holdout_bps: { min: 0, max: SETTING_BPS_MAX, fallback: null },
  prior_strength: { min: 2, max: PRIOR_STRENGTH_MAX, fallback: null },
  decay_window: { min: DECAY_WINDOW_MIN, max: BANK_WEIGHT_MAX, fallback: DECAY_WINDOW },
  sharpening: { min: 1, max: SHARPENING_MAX, fallback: DEFAULT_SHARPENING },
  value_weight_bps: { min: VALUE_WEIGHT_BPS_MIN, max: VALUE_WEIGHT_BPS_MAX, fallback: DEFAULT_VALUE_WEIGHT_BPS },
  latency_bps_per_second: { min: 0, max: BPS_SCALE, fallback: null },
};

const FIELD_NAMES: readonly (keyof PolicyConfig)[] = [
  ...(Object.keys(INTEGER_FIELDS) as IntegerField[]),
  "floor_overrides",
  "catalog_version",
];

export type ConfigParse = { readonly ok: true; readonly config: PolicyConfig } | { readonly ok: false; readonly problem: string };

/**
 * Reads a configuration from JSON. Every field is checked, unknown keys are refused, and the
 * first problem is named. A field left out takes its value from `base` when one is given (a
 * partial update of the current configuration), else its default if it has one; exploration,
 * holdout, prior strength, latency and the catalog version have no pack-free default and are
 * then required. The result always holds every field, so leaving a default out or writing it
 * gives the same hash.
 */
export function parsePolicyConfig(value: unknown, base?: PolicyConfig): ConfigParse {
  const entries = plainEntries(value);
  if (entries === null) return refuse(`policy configuration expected a JSON object, got ${describeValue(value)}`);
  const given = new Map(entries);
  for (const key of given.keys()) {
    if (!(FIELD_NAMES as readonly string[]).includes(key)) {
      const shown = JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}...` : key);
      return refuse(`${shown} is not a policy configuration field (expected ${FIELD_NAMES.join(", ")})`);
    }
  }
  const integers: Partial<Record<IntegerField, number>> = {};
  for (const name of Object.keys(INTEGER_FIELDS) as IntegerField[]) {
    const { min, max, fallback } = INTEGER_FIELDS[name];
    const field = given.has(name) ? given.get(name) : (base?.[name] ?? fallback ?? undefined);
    const checked = checkedInteger(name, field, min, max);
    if (typeof checked === "string") return refuse(checked);
    integers[name] = checked;
  }
  const weight = integers.decay_window! * integers.sharpening! * integers.sharpening!;
  if (weight > BANK_WEIGHT_MAX) {
    return refuse(`"decay_window" x "sharpening"^2 expected at most ${BANK_WEIGHT_MAX}, got ${weight} (the bank's cost grows with it)`);
  }
  const overrides = parseFloorOverrides(given.has("floor_overrides") ? given.get("floor_overrides") : (base?.floor_overrides ?? {}));
  if (typeof overrides === "string") return refuse(overrides);
  const catalog = given.has("catalog_version") ? given.get("catalog_version") : base?.catalog_version;
  if (typeof catalog !== "string" || !CATALOG_VERSION_PATTERN.test(catalog)) {
    return refuse(`"catalog_version" expected "<pack id>:<64 lowercase hex digits>", got ${describeValue(catalog)}`);
  }
  return {
    ok: true,
    config: {
      exploration_bps: integers.exploration_bps!,
      holdout_bps: integers.holdout_bps!,
      prior_strength: integers.prior_strength!,
      decay_window: integers.decay_window!,
      sharpening: integers.sharpening!,
      floor_overrides: overrides,
      value_weight_bps: integers.value_weight_bps!,
      latency_bps_per_second: integers.latency_bps_per_second!,
      catalog_version: catalog,
    },
  };
}

function refuse(problem: string): ConfigParse {
  return { ok: false, problem };
}

/** The overrides with keys in code-unit order, or the problem. Which ids a pack has is checked later (apply-config.ts). */
function parseFloorOverrides(value: unknown): Readonly<Record<string, number>> | string {
  const entries = plainEntries(value);
  if (entries === null) return `"floor_overrides" expected an object of regime id to bps, got ${describeValue(value)}`;
  if (entries.length > REGIMES_MAX) return `"floor_overrides" expected at most ${REGIMES_MAX} regimes, got ${entries.length}`;
  const overrides: [string, number][] = [];
  for (const [regime, value] of entries) {
    if (!REGIME_ID_PATTERN.test(regime)) {
      return `"floor_overrides" key ${JSON.stringify(regime)} expected a regime id (1 to 64 of A-Z a-z 0-9 _ . / -)`;
    }
    const bps = checkedInteger(`floor_overrides.${regime}`, value, 0, BPS_SCALE);
    if (typeof bps === "string") return bps;
    overrides.push([regime, bps]);
  }
  // fromEntries defines own properties, so even a key "__proto__" could never set a prototype.
  return Object.fromEntries(overrides.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The configuration a new tenant of the pack starts with: the warm start's settings, no overrides. */
export function defaultPolicyConfig(pack: DomainPack): PolicyConfig {
  return {
    exploration_bps: DEFAULT_EXPLORATION_BPS,
    holdout_bps: DEFAULT_HOLDOUT_BPS,
    prior_strength: DEFAULT_PRIOR_STRENGTH,
    decay_window: DECAY_WINDOW,
    sharpening: DEFAULT_SHARPENING,
    floor_overrides: {},
    value_weight_bps: DEFAULT_VALUE_WEIGHT_BPS,
    latency_bps_per_second: pack.latencyBpsPerSecond ?? DEFAULT_LATENCY_BPS_PER_SECOND,
    catalog_version: catalogVersion(pack),
  };
}

/**
 * The configuration a tenant's live content already runs under: for a tenant from before the
 * lifecycle, its first configuration. applyConfig(content, configOfContent(content, pack))
 * returns content itself.
 */
export function configOfContent(content: PolicyContent, pack: DomainPack): PolicyConfig {
  return {
    ...defaultPolicyConfig(pack),
    exploration_bps: content.explorationBps,
    holdout_bps: content.holdoutBps,
    prior_strength: content.priorStrength,
    sharpening: content.sharpening,
    latency_bps_per_second: content.latencyBpsPerSecond,
  };
}

/** The exact text configHash hashes: the fields and the format version, in JCS (RFC 8785) form. */
export function configCanonical(config: PolicyConfig): string {
  return canonicalJson({ ...config, v: CONFIG_FORMAT });
}

/** SHA-256 of the canonical text, lowercase hex: the configuration's identity in the chain. */
export function configHash(config: PolicyConfig): string {
  return bytesToHex(sha256(utf8ToBytes(configCanonical(config))));
}
