// The same policy written the straightforward way: objects, arrays, closures and floating point
// per decision. It exists only so the benchmark can report how far the integer kernel is ahead.

import type { KernelCatalog } from "../src/kernel/catalog.ts";
import type { DecisionInput } from "../src/kernel/decision-input.ts";
import { RISK_CEILING_BPS, UNSET } from "../src/kernel/units.ts";

interface Scored {
  index: number;
  tier: number;
  cost: number;
  utility: number;
}

export interface NaiveResult {
  chosen: number;
  ranked: number[];
}

export function naiveDecide(catalog: KernelCatalog, input: DecisionInput): NaiveResult | null {
  const { request: r, tenant, policy } = input;
  if (r.riskBps >= RISK_CEILING_BPS || tenant.suspended || r.regimeIndex < 0 || r.regimeIndex >= policy.regimeCount) return null;
  const floor = r.clientFloorBps !== UNSET ? r.clientFloorBps : Math.min(10_000, policy.floorBps[r.regimeIndex]! + input.floorRaiseBps);
  const cap = Math.min(
    r.maxCostMicros === UNSET ? Infinity : r.maxCostMicros,
    tenant.costCapMicros === UNSET ? Infinity : tenant.costCapMicros,
  );
  const k = input.seedWords[0]! % policy.sampleCount;
  const theta = (tier: number): number => policy.thetaBps[(r.regimeIndex * policy.sampleCount + k) * policy.tierCount + tier]! / 10_000;
  const options = Array.from({ length: catalog.optionCount }, (_, i) => ({
    index: i,
    tier: catalog.tier[i]!,
    provider: catalog.providerBit[i]!,
    quality: catalog.qualityBps[i]!,
    latency: catalog.latencyMsP50[i]!,
    context: catalog.contextTokens[i]!,
    maxOutput: catalog.maxOutputTokens[i]!,
    capabilities: catalog.capabilityMask[i]!,
    inputPrice: (catalog.inputPriceHigh[i]! * 1e6 + catalog.inputPriceLow[i]!) / 1e6,
    outputPrice: (catalog.outputPriceHigh[i]! * 1e6 + catalog.outputPriceLow[i]!) / 1e6,
  }));
  const allowed = r.providerAllowMask & tenant.allowedProviderMask & ~r.providerDenyMask;
  const scored: Scored[] = options
    .filter((o) => r.inputTokens + r.maxOutputTokens <= o.context && r.maxOutputTokens <= o.maxOutput)
    .filter((o) => (o.provider & allowed) !== 0)
    .filter((o) => (o.capabilities & r.requiredCapabilityMask) === r.requiredCapabilityMask)
    .filter((o) => r.maxLatencyMs === UNSET || o.latency <= r.maxLatencyMs)
    .filter((o) => o.quality >= floor)
    .map((o) => {
      const cost = Math.ceil(r.inputTokens * o.inputPrice + r.maxOutputTokens * o.outputPrice);
      const p = theta(o.tier);
      const value = r.valueMicros * p;
      const risk = r.valueMicros * (r.riskBps / 10_000) * (1 - p);
      const latency = r.valueMicros * Math.min(1, (o.latency / 1000) * (policy.latencyBpsPerSecond / 10_000));
      return { index: o.index, tier: o.tier, cost, utility: value - risk - cost - latency };
    })
    .filter((s) => s.cost <= cap)
    .sort((a, b) => b.utility - a.utility || a.cost - b.cost || a.index - b.index);
  if (scored.length === 0) return null;
  return { chosen: scored[0]!.index, ranked: scored.slice(0, 4).map((s) => s.index) };
}
