// Units and hard limits of the kernel. Money is integer microcents, shares are integer basis
// points; every limit here is chosen so that no product the kernel forms can leave 2^53 - 1.
// Nothing in this file may depend on the clock, randomness or floating-point rounding.

/** 1 USD = 100 cents = 100,000,000 microcents. */
export const MICROS_PER_USD = 100_000_000;
/** Basis points: 10,000 bps = 100 %. */
export const BPS_SCALE = 10_000;
/** Catalog prices are microcents per million tokens, so sub-microcent token prices stay integer. */
export const TOKENS_PER_PRICE_UNIT = 1_000_000;

/** A request may never ask for more tokens than this: above every context window we list. */
export const INPUT_TOKENS_MAX = 10_000_000;
export const OUTPUT_TOKENS_MAX = 1_000_000;
/** Business value of one request, at most 10 million USD. */
export const VALUE_MICROS_MAX = 10_000_000 * MICROS_PER_USD;
/** A cost cap larger than this cannot bind: the costliest request we can price is below it. */
export const COST_MICROS_MAX = Number.MAX_SAFE_INTEGER;
export const LATENCY_MS_MAX = 3_600_000;
/** Catalog price ceiling: 10,000 USD per million tokens. */
export const PRICE_MICROS_PER_MTOK_MAX = 10_000 * MICROS_PER_USD;

/** Risk at or above this always blocks, whatever else the request says (fail closed). */
export const RISK_CEILING_BPS = 9_700;

/** Providers and capabilities are bit masks over at most 16 entries. */
export const PROVIDER_BITS_MAX = 16;
export const CAPABILITY_BITS_MAX = 16;
export const MASK_ALL = 0xffff;

/** Options a kernel can hold; the catalog ships 22. */
export const OPTIONS_MAX = 64;
/**
 * Learning arms ("tiers" in the kernel: options that share one theta). Packs give every option its
 * own arm, so this bounds the options a pack may learn separately; masks over arms are 32 bits.
 */
export const TIERS_MAX = 32;
/** Exploration draws among the plausibly best options: those winning at least 1/20 of the bank's samples. */
export const PLAUSIBLE_SHARE_DENOMINATOR = 20;
export const REGIMES_MAX = 64;
/** Ranked output: the chosen option and up to three fallbacks. */
export const RANKED_MAX = 4;

/** Sentinel for "the client did not set this field". */
export const UNSET = -1;
