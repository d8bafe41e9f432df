// The option catalog as the kernel reads it: parallel typed arrays, built once and validated
// here, so the hot path never checks a price or a context window again. Knows options, tiers,
// providers and capabilities as indexes and bits, never model names.

import { isIntegerIn, splitPrice } from "./exact-math.ts";
import {
  BPS_SCALE,
  CAPABILITY_BITS_MAX,
  INPUT_TOKENS_MAX,
  LATENCY_MS_MAX,
  OPTIONS_MAX,
  OUTPUT_TOKENS_MAX,
  PRICE_MICROS_PER_MTOK_MAX,
  PROVIDER_BITS_MAX,
  TIERS_MAX,
} from "./units.ts";

/** One option in kernel form. Indexes refer to the domain's fixed provider and tier orders. */
export interface KernelOptionSpec {
  readonly providerIndex: number;
  readonly tierIndex: number;
  readonly qualityBps: number;
  readonly latencyMsP50: number;
  readonly contextTokens: number;
  readonly maxOutputTokens: number;
  readonly capabilityMask: number;
  readonly inputPriceMicrosPerMTok: number;
  readonly outputPriceMicrosPerMTok: number;
}

export interface KernelCatalog {
  readonly optionCount: number;
  readonly tierCount: number;
  readonly providerBit: Int32Array;
  readonly tier: Int32Array;
  readonly qualityBps: Int32Array;
  readonly latencyMsP50: Int32Array;
  readonly contextTokens: Int32Array;
  readonly maxOutputTokens: Int32Array;
  readonly capabilityMask: Int32Array;
  /** Prices split into whole microcents per token (high) and millionths of one (low). */
  readonly inputPriceHigh: Float64Array;
  readonly inputPriceLow: Float64Array;
  readonly outputPriceHigh: Float64Array;
  readonly outputPriceLow: Float64Array;
}

function field(index: number, name: string, value: unknown, min: number, max: number): number {
  if (!isIntegerIn(value, min, max)) {
    throw new RangeError(`option ${index}: "${name}" expected integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

/** Builds and validates a catalog; every tier index in [0, tierCount) must be used. */
export function buildKernelCatalog(specs: readonly KernelOptionSpec[], tierCount: number): KernelCatalog {
  if (specs.length < 1 || specs.length > OPTIONS_MAX) {
    throw new RangeError(`"specs" expected 1..${OPTIONS_MAX} options, got ${specs.length}`);
  }
  field(-1, "tierCount", tierCount, 1, TIERS_MAX);
  const n = specs.length;
  const catalog: KernelCatalog = {
    optionCount: n,
    tierCount,
    providerBit: new Int32Array(n),
    tier: new Int32Array(n),
    qualityBps: new Int32Array(n),
    latencyMsP50: new Int32Array(n),
    contextTokens: new Int32Array(n),
    maxOutputTokens: new Int32Array(n),
    capabilityMask: new Int32Array(n),
    inputPriceHigh: new Float64Array(n),
    inputPriceLow: new Float64Array(n),
    outputPriceHigh: new Float64Array(n),
    outputPriceLow: new Float64Array(n),
  };
  specs.forEach((spec, i) => {
    catalog.providerBit[i] = 1 << field(i, "providerIndex", spec.providerIndex, 0, PROVIDER_BITS_MAX - 1);
    catalog.tier[i] = field(i, "tierIndex", spec.tierIndex, 0, tierCount - 1);
    catalog.qualityBps[i] = field(i, "qualityBps", spec.qualityBps, 0, BPS_SCALE);
    catalog.latencyMsP50[i] = field(i, "latencyMsP50", spec.latencyMsP50, 1, LATENCY_MS_MAX);
    const context = field(i, "contextTokens", spec.contextTokens, 1, INPUT_TOKENS_MAX + OUTPUT_TOKENS_MAX);
    catalog.contextTokens[i] = context;
    catalog.maxOutputTokens[i] = field(i, "maxOutputTokens", spec.maxOutputTokens, 1, Math.min(context, OUTPUT_TOKENS_MAX));
    catalog.capabilityMask[i] = field(i, "capabilityMask", spec.capabilityMask, 0, (1 << CAPABILITY_BITS_MAX) - 1);
    const [inHigh, inLow] = splitPrice(field(i, "inputPriceMicrosPerMTok", spec.inputPriceMicrosPerMTok, 0, PRICE_MICROS_PER_MTOK_MAX));
    const [outHigh, outLow] = splitPrice(field(i, "outputPriceMicrosPerMTok", spec.outputPriceMicrosPerMTok, 0, PRICE_MICROS_PER_MTOK_MAX));
    catalog.inputPriceHigh[i] = inHigh;
    catalog.inputPriceLow[i] = inLow;
    catalog.outputPriceHigh[i] = outHigh;
    catalog.outputPriceLow[i] = outLow;
  });
  for (let t = 0; t < tierCount; t++) {
    if (!catalog.tier.includes(t)) throw new RangeError(`tier ${t} has no option`);
  }
  return catalog;
}
