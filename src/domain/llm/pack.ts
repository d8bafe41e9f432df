// The LLM domain pack: the 22-model catalog and eight regimes mapped to kernel form.

import { buildPack, type DomainPack } from "../domain-pack.ts";
import { MODELS } from "./models.ts";
import { REGIMES } from "./regimes.ts";
import { CAPABILITIES, PROVIDERS, TIERS } from "./types.ts";

export const LLM_PACK: DomainPack = buildPack({
  id: "llm",
  providers: PROVIDERS,
  tiers: TIERS,
  capabilities: CAPABILITIES,
  regimes: REGIMES,
  options: MODELS,
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
