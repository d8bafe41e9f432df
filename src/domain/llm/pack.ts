// The LLM domain pack: the 22-model catalog and eight regimes mapped to kernel form, each model
// its own learning arm with a prior centred on its quality in the regime.

import { buildPack, type DomainPack } from "../domain-pack.ts";
import { MODELS } from "./models.ts";
import { regimeQualityBps } from "./regime-quality.ts";
import { REGIMES, type RegimeId } from "./regimes.ts";

function regimeId(id: string): RegimeId {
  const spec = REGIMES.find((regime) => regime.id === id);
  if (spec === undefined) throw new RangeError(`unknown LLM regime ${JSON.stringify(id)}`);
  return spec.id;
}
import { CAPABILITIES, PROVIDERS, TIERS } from "./types.ts";

export const LLM_PACK: DomainPack = buildPack({
  id: "llm",
  providers: PROVIDERS,
  tiers: TIERS,
  capabilities: CAPABILITIES,
  regimes: REGIMES,
  options: MODELS,
  // Priors are centred on each model's LMArena category score for the regime (regime-quality.ts).
  priorQuality: (regime, model) => regimeQualityBps(model.id, regimeId(regime.id)).bps,
  toKernel: (model, pack) => ({
    providerIndex: pack.providerIndex(model.provider),
    tierIndex: pack.tierIndex(model.tier),
    qualityBps: model.qualityBps,
    latencyMsP50: model.latencyMsP50,
    contextTokens: model.contextTokens,
    maxOutputTokens: model.maxOutputTokens,
    capabilityMask: pack.capabilityMask(model.capabilities),
    inputPriceMicrosPerMTok: model.inputPriceMicrosPerMTok,
    outputPriceMicrosPerMTok: model.outputPriceMicrosPerMTok,
  }),
});

/**
 * Proxy mode's defaults for the LLM pack (docs/catalog.md, "Proxy defaults"). A Chat Completions
 * request without max_tokens is bounded at `maxOutputTokens`: the reservation must cover a worst
 * case, the provider is sent the same bound, so the answer can never cost more than reserved for
 * its output. 1,024 tokens is about 750 English words, a long chat answer; a client wanting more
 * says so. `regime` decides calybris/auto requests of a tenant that set no default regime.
 */
export const LLM_PROXY_DEFAULTS = { maxOutputTokens: 1_024, regime: "support" } as const;
