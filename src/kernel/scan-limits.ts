// What one scan of the catalog reads of a request, and which option filters (gates 5-8 and the
// floor) can bind at all. A filter no option can fail is skipped with the loads it would read:
// most requests set no limit that binds. Every skip must be exact, never a guess.

import type { KernelCatalog } from "./catalog.ts";
import type { DecisionInput } from "./decision-input.ts";
import * as codes from "./result-codes.ts";
import * as units from "./units.ts";

// Module consts, not imported bindings: the scan runs these per option, and V8 folds a module's
// own const into compiled code but reloads an import through its live cell on every use (kernel.ts).
const { COST_MICROS_MAX, UNSET } = units;
const { DecisionCode } = codes;

/**
 * What every option of a catalog allows: a request within all of these passes the filter in
 * question at every option (no option has a smaller context window or output limit, a provider
 * outside the mask, or a longer latency), so the scan need not test it option by option.
 */
export interface CatalogBounds {
  readonly contextTokensMin: number;
  readonly maxOutputTokensMin: number;
  readonly providerMask: number;
  readonly latencyMsMax: number;
  /** Whether option o is arm o for every o (packs give every option its own arm). */
  readonly armPerOption: boolean;
}

export function catalogBounds(catalog: KernelCatalog): CatalogBounds {
  let contextTokensMin = Number.MAX_SAFE_INTEGER;
  let maxOutputTokensMin = Number.MAX_SAFE_INTEGER;
  let providerMask = 0;
  let latencyMsMax = 0;
  let armPerOption = catalog.tierCount === catalog.optionCount;
  for (let o = 0; o < catalog.optionCount; o++) {
    contextTokensMin = Math.min(contextTokensMin, catalog.contextTokens[o]!);
    maxOutputTokensMin = Math.min(maxOutputTokensMin, catalog.maxOutputTokens[o]!);
    providerMask |= catalog.providerBit[o]!;
    latencyMsMax = Math.max(latencyMsMax, catalog.latencyMsP50[o]!);
    armPerOption &&= catalog.tier[o] === o;
  }
  return { contextTokensMin, maxOutputTokensMin, providerMask, latencyMsMax, armPerOption };
}

/** The request as one scan reads it: token counts, masks, caps, the floor, and which filters can bind. */
export class ScanLimits {
  inputTokens = 0;
  outputTokens = 0;
  totalTokens = 0;
  allowedProviders = 0;
  requiredCapabilities = 0;
  latencyMsMax = 0;
  costCapMicros = 0;
  floorBps = 0;
  checkContext = false;
  checkProviders = false;
  checkCapabilities = false;
  checkLatency = false;
  checkFloor = false;

  /**
   * Reads the request for a scan under `floorBps`. Each check is off only when no option can
   * fail it: a request within every option's context window and output limit, allowing every
   * provider of the catalog, requiring no capability, with no latency limit below the slowest
   * option, or a floor at or below the lowest quality any option is judged by (`qualityMinBps`).
   */
  set(input: DecisionInput, floorBps: number, bounds: CatalogBounds, qualityMinBps: number): void {
    const { request, tenant } = input;
    this.inputTokens = request.inputTokens;
    this.outputTokens = request.maxOutputTokens;
    this.totalTokens = request.inputTokens + request.maxOutputTokens;
    this.allowedProviders = request.providerAllowMask & tenant.allowedProviderMask & ~request.providerDenyMask;
    this.requiredCapabilities = request.requiredCapabilityMask;
    this.latencyMsMax = request.maxLatencyMs;
    // Each cap can only lower the other: the client narrows the tenant's cap, never widens it.
    const clientCap = request.maxCostMicros === UNSET ? COST_MICROS_MAX : request.maxCostMicros;
    const tenantCap = tenant.costCapMicros === UNSET ? COST_MICROS_MAX : tenant.costCapMicros;
    this.costCapMicros = Math.min(clientCap, tenantCap);
    this.floorBps = floorBps;
    this.checkContext = this.totalTokens > bounds.contextTokensMin || this.outputTokens > bounds.maxOutputTokensMin;
    this.checkProviders = (this.allowedProviders & bounds.providerMask) !== bounds.providerMask;
    this.checkCapabilities = this.requiredCapabilities !== 0;
    this.checkLatency = request.maxLatencyMs !== UNSET && request.maxLatencyMs < bounds.latencyMsMax;
    this.checkFloor = floorBps > qualityMinBps;
  }

  /** The gate of 5-8 that option o fails (the first in gate order), or 0 when it passes all four. */
  filterStop(catalog: KernelCatalog, o: number): number {
    if (this.checkContext && (this.totalTokens > catalog.contextTokens[o]! || this.outputTokens > catalog.maxOutputTokens[o]!)) {
      return DecisionCode.context_window_exceeded;
    }
    if (this.checkProviders && (catalog.providerBit[o]! & this.allowedProviders) === 0) return DecisionCode.provider_rules_exclude_all;
    const required = this.requiredCapabilities;
    if (this.checkCapabilities && (catalog.capabilityMask[o]! & required) !== required) return DecisionCode.capabilities_unavailable;
    if (this.checkLatency && catalog.latencyMsP50[o]! > this.latencyMsMax) return DecisionCode.latency_budget_unreachable;
    return 0;
  }
}
