// The version of a pack's option catalog: its id and the SHA-256 of everything a decision reads
// of each option (prices, quality, latency, limits, capabilities), in canonical JSON. A policy
// configuration names it, so a configuration is never applied to prices it was not judged on.

import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { DomainPack } from "../../domain/domain-pack.ts";
import { TOKENS_PER_PRICE_UNIT } from "../../kernel/units.ts";
import { canonicalJson, type CanonicalValue } from "../../ledger/canonical.ts";

/** `<pack id>:<64 lowercase hex digits>`; pack ids are lowercase words (src/domain/packs.ts). */
export const CATALOG_VERSION_PATTERN = /^[a-z0-9_]{1,32}:[0-9a-f]{64}$/;

/** Bumped if the hashed fields ever change, so an old and a new catalog can never share a version. */
const CATALOG_FORMAT = 1;

/** The canonical text the catalog version hashes: one object per option, in catalog order. */
export function catalogCanonical(pack: DomainPack): string {
  const catalog = pack.catalog;
  const options: CanonicalValue[] = pack.options.map((option, i) => ({
    id: option.id,
    provider: option.provider,
    tier: option.tier,
    quality_bps: catalog.qualityBps[i]!,
    latency_ms_p50: catalog.latencyMsP50[i]!,
    context_tokens: catalog.contextTokens[i]!,
    max_output_tokens: catalog.maxOutputTokens[i]!,
    capability_mask: catalog.capabilityMask[i]!,
    // The catalog keeps prices split (src/kernel/exact-math.ts splitPrice); joined they are the list prices.
    input_price_micros_per_mtok: catalog.inputPriceHigh[i]! * TOKENS_PER_PRICE_UNIT + catalog.inputPriceLow[i]!,
    output_price_micros_per_mtok: catalog.outputPriceHigh[i]! * TOKENS_PER_PRICE_UNIT + catalog.outputPriceLow[i]!,
  }));
  return canonicalJson({ v: CATALOG_FORMAT, pack: pack.id, options });
}

/**
 * The pack's catalog version. Regimes, warm-start floors and prior qualities are left out: they
 * shape where learning starts, not what an option costs or offers, and the learned state
 * carries on across a catalog update.
 */
export function catalogVersion(pack: DomainPack): string {
  return `${pack.id}:${bytesToHex(sha256(utf8ToBytes(catalogCanonical(pack))))}`;
}
