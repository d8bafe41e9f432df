// The human-readable shapes of the LLM domain pack: providers, tiers, capabilities, model specs,
// regimes, and the provenance record that every catalog fact carries (where it was read, when,
// and whether it is an estimate). It holds types and three ordered tuples, nothing else.
// It must never reorder or remove a tuple entry: positions are a stored format (see below).

/*
 * The three tuples below are part of the decision format, not just lists. The kernel turns a
 * provider or a capability into a bit (1 << index) and a tier into an index, and decision records
 * sealed in the chain store those bits and indexes. Reordering an entry, or deleting one, would
 * make an old record name a different provider, capability or tier on replay. So: append only,
 * never reorder, never delete; a retired entry keeps its slot.
 */

/** Model makers, in their fixed bit order (bit = 1 << index). Append only. */
export const PROVIDERS = ["openai", "anthropic", "google", "deepseek", "meta", "mistral"] as const;
export type Provider = (typeof PROVIDERS)[number];

/** Capabilities, in their fixed bit order (bit = 1 << index). Append only. */
export const CAPABILITIES = ["tools", "json", "vision", "reasoning", "long_context", "code"] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** Tiers from cheapest to most capable, in their fixed index order. Append only. */
export const TIERS = ["economy", "standard", "premium", "frontier"] as const;
export type Tier = (typeof TIERS)[number];

/** A calendar day, YYYY-MM-DD (the test checks the digits; the type only checks the dashes). */
export type IsoDate = `${number}-${number}-${number}`;

/**
 * Where one fact came from. `url` is the page the value was read from; it is absent only for an
 * estimate that has no page behind it, and then `rule` says how the value was derived. A URL is
 * never made up: no page, no URL.
 */
export interface FactSource {
  /** The page the value was read from (the stored copy searched for this catalog). */
  readonly url?: string;
  /** How the value was derived from the page, or how it was estimated, in one sentence. */
  readonly rule?: string;
  /** The day the page was read for this catalog. */
  readonly retrieved: IsoDate;
  /** The page's own date or "as of" statement, quoted or paraphrased, when it has one. */
  readonly asOf?: string;
  /** True when the value is not read directly from a page for this exact model. */
  readonly estimated?: boolean;
  /** Anything a reader needs to use the value correctly. */
  readonly note?: string;
}

/** List price source: always a page. */
export interface PriceSource extends FactSource {
  readonly url: string;
}

/**
 * Quality source. `benchmark` names the one public benchmark behind qualityBps; `entry` is the
 * row read from it and `arenaScore` its value, so the bps mapping can be checked mechanically.
 */
export interface QualitySource extends FactSource {
  readonly benchmark: string;
  readonly entry: string;
  readonly arenaScore: number;
}

/**
 * Latency source. latencyMsP50 = timeToFirstTokenMs + ceil(500 x 1000 / outputTokensPerSecond):
 * the time to first token plus the time to stream 500 output tokens. `entry` is the table row used.
 */
export interface LatencySource extends FactSource {
  readonly entry: string;
  readonly timeToFirstTokenMs: number;
  readonly outputTokensPerSecond: number;
}

export interface ModelSources {
  readonly price: PriceSource;
  readonly quality: QualitySource;
  readonly latency: LatencySource;
  /** Context window and output cap. */
  readonly limits: FactSource;
  /** The capability list. */
  readonly capabilities: FactSource;
}

/** One model as the catalog lists it. Units are in the names; money is integer microcents. */
export interface ModelSpec {
  /** The id to send to the host's API. */
  readonly id: string;
  /** Who made the model. */
  readonly provider: Provider;
  /** Who sells the API the price refers to (the maker, except for open-weight models). */
  readonly host: string;
  readonly displayName: string;
  readonly tier: Tier;
  /** List price per million input tokens, integer microcents (1 USD = 100,000,000). */
  readonly inputPriceMicrosPerMTok: number;
  /** List price per million output tokens (reasoning tokens are billed as output). */
  readonly outputPriceMicrosPerMTok: number;
  /** Quality in basis points, 0..10,000, mapped from the one benchmark named in the sources. */
  readonly qualityBps: number;
  /** Typical time to first token plus 500 output tokens, integer milliseconds. */
  readonly latencyMsP50: number;
  /** Largest prompt plus completion the catalog lets a request use at the listed price. */
  readonly contextTokens: number;
  readonly maxOutputTokens: number;
  /** Subset of CAPABILITIES, in CAPABILITIES order. */
  readonly capabilities: readonly Capability[];
  readonly sources: ModelSources;
}

/** A class of requests that learns its own quality floor. */
export interface RegimeSpec {
  /** snake_case, stable: records store the regime's index, reports its id. */
  readonly id: string;
  readonly name: string;
  /** The floor a regime starts from before it has outcomes (bps, a multiple of 100). */
  readonly warmStartFloorBps: number;
  readonly description: string;
  /** Why the floor sits where it does, in one or two sentences. */
  readonly justification: string;
}
