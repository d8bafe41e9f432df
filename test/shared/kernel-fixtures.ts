// Shared fixtures for the kernel tests: a realistic 22-option catalog, policy and request
// builders, and an independent BigInt reference model of the option filters and the utility.
// Runs in Node and in workerd, so it must import nothing but kernel files (no node:* modules).

import type { PolicyContent } from "../../src/learning/policy-snapshot.ts";
import { buildKernelCatalog, type KernelCatalog, type KernelOptionSpec } from "../../src/kernel/catalog.ts";
import type { DecisionInput, KernelTenant } from "../../src/kernel/decision-input.ts";
import type { DecisionResult } from "../../src/kernel/decision-result.ts";
import type { KernelPolicy } from "../../src/kernel/policy.ts";
import type { KernelRequest } from "../../src/kernel/request.ts";
import { buildSampleBank } from "../../src/kernel/sample-bank.ts";

/** Capability bits of the fixture catalog (the LLM domain's order; the kernel only sees bits). */
export const CAPABILITY = { tools: 1, json: 2, vision: 4, reasoning: 8, long_context: 16, code: 32 } as const;
/** Provider indexes: openai 0, anthropic 1, google 2, deepseek 3, meta 4, mistral 5. */
export const PROVIDER_COUNT = 6;
/** Tier indexes: economy 0, standard 1, premium 2, frontier 3. */
export const LLM_TIER_COUNT = 4;

export interface LabelledOptionSpec extends KernelOptionSpec {
  readonly label: string;
}

type Row = [
  label: string,
  provider: number,
  tier: number,
  quality: number,
  latencyMs: number,
  context: number,
  maxOutput: number,
  capabilities: number,
  inputPrice: number,
  outputPrice: number,
];

// List prices in microcents per million tokens ($0.10 = 10,000,000), copied from docs/catalog.md
// so that the kernel tests do not depend on src/domain.
const LLM_ROWS: readonly Row[] = [
  ["gpt-4.1-nano", 0, 0, 7_870, 3_464, 1_047_576, 32_768, 23, 10_000_000, 40_000_000],
  ["gpt-4o-mini", 0, 0, 7_880, 4_347, 128_000, 16_384, 7, 15_000_000, 60_000_000],
  ["gpt-4.1-mini", 0, 1, 8_360, 4_538, 1_047_576, 32_768, 23, 40_000_000, 160_000_000],
  ["gpt-4.1", 0, 2, 8_800, 5_942, 1_047_576, 32_768, 55, 200_000_000, 800_000_000],
  ["o3", 0, 3, 9_280, 9_534, 200_000, 100_000, 63, 200_000_000, 800_000_000],
  ["claude-3-5-haiku", 1, 1, 7_550, 3_997, 200_000, 8_192, 17, 80_000_000, 400_000_000],
  ["claude-3-7-sonnet", 1, 2, 8_010, 6_731, 200_000, 64_000, 61, 300_000_000, 1_500_000_000],
  ["claude-sonnet-4", 1, 2, 8_380, 6_731, 200_000, 64_000, 61, 300_000_000, 1_500_000_000],
  ["claude-opus-4", 1, 3, 8_660, 10_500, 200_000, 32_000, 61, 1_500_000_000, 7_500_000_000],
  ["gemini-2.0-flash-lite", 2, 0, 8_300, 2_878, 1_048_576, 8_192, 23, 7_500_000, 30_000_000],
  ["gemini-2.0-flash", 2, 0, 8_620, 3_245, 1_048_576, 8_192, 23, 10_000_000, 40_000_000],
  ["gemini-2.5-flash", 2, 1, 9_110, 3_245, 1_048_576, 65_536, 31, 30_000_000, 250_000_000],
  ["gemini-2.5-pro", 2, 3, 9_700, 7_543, 200_000, 65_536, 63, 125_000_000, 1_000_000_000],
  ["deepseek-chat", 3, 1, 8_760, 6_103, 128_000, 8_192, 35, 56_000_000, 168_000_000],
  ["deepseek-reasoner", 3, 3, 9_270, 12_912, 128_000, 65_536, 10, 56_000_000, 168_000_000],
  ["llama-3.1-8b", 4, 0, 6_930, 3_484, 131_072, 8_192, 3, 18_000_000, 18_000_000],
  ["llama-4-maverick", 4, 0, 7_920, 5_806, 524_288, 8_192, 23, 27_000_000, 85_000_000],
  ["llama-3.3-70b", 4, 1, 7_750, 5_806, 131_072, 8_192, 3, 88_000_000, 88_000_000],
  ["mistral-small", 5, 0, 8_350, 4_327, 131_072, 8_192, 7, 10_000_000, 30_000_000],
  ["codestral", 5, 0, 7_380, 4_327, 262_144, 8_192, 50, 30_000_000, 90_000_000],
  ["mistral-medium", 5, 1, 8_700, 6_947, 131_072, 8_192, 39, 40_000_000, 200_000_000],
  ["mistral-large", 5, 2, 7_680, 6_947, 131_072, 8_192, 3, 200_000_000, 600_000_000],
];

export const LLM_OPTION_SPECS: readonly LabelledOptionSpec[] = LLM_ROWS.map(
  ([
    label,
    providerIndex,
    tierIndex,
    qualityBps,
    latencyMsP50,
    contextTokens,
    maxOutputTokens,
    capabilityMask,
    inputPriceMicrosPerMTok,
    outputPriceMicrosPerMTok,
  ]) => ({
    label,
    providerIndex,
    tierIndex,
    qualityBps,
    latencyMsP50,
    contextTokens,
    maxOutputTokens,
    capabilityMask,
    inputPriceMicrosPerMTok,
    outputPriceMicrosPerMTok,
  }),
);

/** Everything buildSampleBank and the policy need, as plain JSON-able numbers: a policy's content
 * without statistics, plus the bank seed as a decimal string (JSON has no BigInt). */
export type PolicyParameters = Omit<
  PolicyContent,
  "stats" | "neutral" | "priorStrength" | "pooling" | "holdoutBps" | "sharpening" | "sharpenedCells"
> & {
  readonly seed: string;
};

/**
 * Five regimes: support (warm start 5,500), coding (learned 7,200), compliance (warm start
 * 9,200), general (learned 0) and a cold regime with flat Beta(1, 1) priors (warm start 6,000).
 */
export const LLM_POLICY_PARAMETERS: PolicyParameters = {
  regimeCount: 5,
  tierCount: LLM_TIER_COUNT,
  sampleCount: 256,
  floorBps: [5_500, 7_200, 9_200, 0, 6_000],
  floorSource: [2, 1, 2, 1, 2],
  alpha: [80, 85, 88, 90, 30, 40, 60, 70, 50, 60, 75, 90, 8, 9, 10, 12, 1, 1, 1, 1],
  beta: [20, 15, 12, 10, 20, 15, 12, 10, 50, 40, 25, 10, 4, 3, 3, 2, 1, 1, 1, 1],
  seed: "12297829382473034410",
  explorationBps: 1_000,
  latencyBpsPerSecond: 50,
};

export function buildPolicy(p: PolicyParameters): KernelPolicy {
  return {
    regimeCount: p.regimeCount,
    tierCount: p.tierCount,
    sampleCount: p.sampleCount,
    floorBps: Int32Array.from(p.floorBps),
    floorSource: Uint8Array.from(p.floorSource),
    thetaBps: buildSampleBank({
      regimeCount: p.regimeCount,
      tierCount: p.tierCount,
      sampleCount: p.sampleCount,
      alpha: Int32Array.from(p.alpha),
      beta: Int32Array.from(p.beta),
      seed: BigInt(p.seed),
    }),
    explorationBps: p.explorationBps,
    latencyBpsPerSecond: p.latencyBpsPerSecond,
  };
}

/** The same policy with another bank, exploration or latency share (banks are shared, not copied). */
export function withPolicy(policy: KernelPolicy, changes: Partial<KernelPolicy>): KernelPolicy {
  return { ...policy, ...changes };
}

export function buildLlmCatalog(): KernelCatalog {
  return buildKernelCatalog(LLM_OPTION_SPECS, LLM_TIER_COUNT);
}

/** A plain request that passes every gate on the LLM catalog with any policy above. */
export function makeRequest(changes: Partial<KernelRequest> = {}): KernelRequest {
  return {
    regimeIndex: 0,
    inputTokens: 2_000,
    maxOutputTokens: 500,
    valueMicros: 500_000_000,
    riskBps: 1_000,
    clientFloorBps: -1,
    maxLatencyMs: -1,
    maxCostMicros: -1,
    requiredCapabilityMask: 0,
    providerAllowMask: 0xffff,
    providerDenyMask: 0,
    ...changes,
  };
}

export function makeTenant(changes: Partial<KernelTenant> = {}): KernelTenant {
  return { suspended: false, allowedProviderMask: 0xffff, costCapMicros: -1, ...changes };
}

export interface InputParts {
  request?: Partial<KernelRequest>;
  tenant?: Partial<KernelTenant>;
  seedWords?: readonly number[];
  floorRaiseBps?: number;
}

export function makeInput(policy: KernelPolicy, parts: InputParts = {}): DecisionInput {
  return {
    request: makeRequest(parts.request),
    tenant: makeTenant(parts.tenant),
    policy,
    seedWords: Uint32Array.from(parts.seedWords ?? [1, 2, 3, 4]),
    floorRaiseBps: parts.floorRaiseBps ?? 0,
  };
}

/** The verdict vector as one digit per gate: 0 not evaluated, 1 pass, 2 fail, 3 deferred. */
export function verdictString(out: DecisionResult): string {
  return Array.from(out.gateVerdicts).join("");
}

/** A plain, JSON-able copy of every field of a DecisionResult (typed arrays become arrays). */
export function snapshotResult(out: DecisionResult): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(out)) {
    copy[key] = ArrayBuffer.isView(value) ? Array.from(value as unknown as ArrayLike<number>) : value;
  }
  return copy;
}

// ---- The reference model: obviously correct, BigInt, no shortcuts ---------------------------

const BPS = 10_000n;
const MILLION = 1_000_000n;

/** The four utility terms and their sum, microcents, as BigInt. */
export interface ReferenceTerms {
  qualityAdjustedValue: bigint;
  riskPenalty: bigint;
  cost: bigint;
  latencyPenalty: bigint;
  utility: bigint;
}

export function referenceCostMicros(spec: KernelOptionSpec, inputTokens: number, outputTokens: number): bigint {
  const numerator =
    BigInt(inputTokens) * BigInt(spec.inputPriceMicrosPerMTok) + BigInt(outputTokens) * BigInt(spec.outputPriceMicrosPerMTok);
  return (numerator + MILLION - 1n) / MILLION;
}

export function referenceTerms(spec: KernelOptionSpec, request: KernelRequest, policy: KernelPolicy, thetaBps: number): ReferenceTerms {
  const value = BigInt(request.valueMicros);
  const theta = BigInt(thetaBps);
  const qualityAdjustedValue = (value * theta) / BPS;
  const riskPenalty = (((value * BigInt(request.riskBps)) / BPS) * (BPS - theta)) / BPS;
  const cost = referenceCostMicros(spec, request.inputTokens, request.maxOutputTokens);
  let latencyShare = (BigInt(spec.latencyMsP50) * BigInt(policy.latencyBpsPerSecond)) / 1000n;
  if (latencyShare > BPS) latencyShare = BPS;
  const latencyPenalty = (value * latencyShare) / BPS;
  const utility = qualityAdjustedValue - riskPenalty - cost - latencyPenalty;
  return { qualityAdjustedValue, riskPenalty, cost, latencyPenalty, utility };
}

/** The effective floor for a request that passed gates 1-4. */
export function referenceFloor(
  input: DecisionInput,
  specs: readonly KernelOptionSpec[] = LLM_OPTION_SPECS,
): { floorBps: number; source: number; raisedBps: number } {
  const { request, policy } = input;
  if (request.clientFloorBps !== -1) return { floorBps: request.clientFloorBps, source: 0, raisedBps: 0 };
  const learned = policy.floorBps[request.regimeIndex]!;
  let floorBps = Math.min(10_000, learned + input.floorRaiseBps);
  // A learned or warm-start floor yields to the option best for the value at its gate quality,
  // among those that pass every other filter (context, providers, capabilities, latency, cost cap).
  let best: { utility: bigint; cost: bigint; quality: number } | null = null;
  for (const spec of specs) {
    const passes = referenceFilters(spec, input, 0);
    if (!(passes[0] && passes[1] && passes[2] && passes[3] && passes[5])) continue;
    const quality = referenceQuality(spec, input);
    const terms = referenceTerms(spec, request, policy, quality);
    if (best === null || terms.utility > best.utility || (terms.utility === best.utility && terms.cost < best.cost)) {
      best = { utility: terms.utility, cost: terms.cost, quality };
    }
  }
  if (best !== null && best.quality < floorBps) floorBps = best.quality;
  return { floorBps, source: policy.floorSource[request.regimeIndex]!, raisedBps: Math.max(0, floorBps - learned) };
}

/** The quality the floor gate judges an option by: its arm's learned quality when the policy has it, else the catalog's. */
export function referenceQuality(spec: KernelOptionSpec, input: DecisionInput): number {
  const learned = input.policy.armQualityBps?.[input.request.regimeIndex * input.policy.tierCount + spec.tierIndex];
  return learned ?? spec.qualityBps;
}

/**
 * Which of the option filters (gates 5-10) an option passes, as a list of six booleans in gate
 * order. Each is checked on its own, straight from the documented rule.
 */
export function referenceFilters(spec: KernelOptionSpec, input: DecisionInput, floorBps: number): boolean[] {
  const { request, tenant } = input;
  const bit = 1 << spec.providerIndex;
  const clientCap = request.maxCostMicros === -1 ? Infinity : request.maxCostMicros;
  const tenantCap = tenant.costCapMicros === -1 ? Infinity : tenant.costCapMicros;
  const cost = Number(referenceCostMicros(spec, request.inputTokens, request.maxOutputTokens));
  return [
    request.inputTokens + request.maxOutputTokens <= spec.contextTokens && request.maxOutputTokens <= spec.maxOutputTokens,
    (tenant.allowedProviderMask & bit) !== 0 && (request.providerAllowMask & bit) !== 0 && (request.providerDenyMask & bit) === 0,
    (spec.capabilityMask & request.requiredCapabilityMask) === request.requiredCapabilityMask,
    request.maxLatencyMs === -1 || spec.latencyMsP50 <= request.maxLatencyMs,
    referenceQuality(spec, input) >= floorBps,
    cost <= clientCap && cost <= tenantCap,
  ];
}

/** The first gate in 5..10 that no option survives (counting filters 5..g), or 0 if some option passes all. */
export function referenceFailedOptionGate(specs: readonly KernelOptionSpec[], input: DecisionInput, floorBps: number): number {
  const passes = specs.map((spec) => referenceFilters(spec, input, floorBps));
  for (let g = 5; g <= 10; g++) {
    if (!passes.some((row) => row.slice(0, g - 4).every(Boolean))) return g;
  }
  return 0;
}

export function referenceFeasible(specs: readonly KernelOptionSpec[], input: DecisionInput, floorBps: number): number[] {
  const feasible: number[] = [];
  specs.forEach((spec, o) => {
    if (referenceFilters(spec, input, floorBps).every(Boolean)) feasible.push(o);
  });
  return feasible;
}

export function thetaOf(policy: KernelPolicy, regime: number, k: number, tier: number): number {
  return policy.thetaBps[(regime * policy.sampleCount + k) * policy.tierCount + tier]!;
}

/** Feasible options under sample k, best first: utility descending, then cost, then index. */
export function referenceRanking(
  specs: readonly KernelOptionSpec[],
  feasible: readonly number[],
  input: DecisionInput,
  k: number,
): { index: number; terms: ReferenceTerms }[] {
  const { request, policy } = input;
  const scored = feasible.map((index) => {
    const spec = specs[index]!;
    return { index, terms: referenceTerms(spec, request, policy, thetaOf(policy, request.regimeIndex, k, spec.tierIndex)) };
  });
  return scored.sort((a, b) => {
    if (a.terms.utility !== b.terms.utility) return a.terms.utility > b.terms.utility ? -1 : 1;
    if (a.terms.cost !== b.terms.cost) return a.terms.cost < b.terms.cost ? -1 : 1;
    return a.index - b.index;
  });
}

/** wins[o]: the number of samples k under which option o is the greedy choice. */
export function referenceWins(specs: readonly KernelOptionSpec[], feasible: readonly number[], input: DecisionInput): Map<number, number> {
  const wins = new Map<number, number>(feasible.map((o) => [o, 0]));
  for (let k = 0; k < input.policy.sampleCount; k++) {
    const winner = referenceRanking(specs, feasible, input, k)[0]!.index;
    wins.set(winner, wins.get(winner)! + 1);
  }
  return wins;
}

/**
 * The options exploration draws from: of each feasible arm (tier) its best option (the first of
 * its arm in the ranking: within an arm theta is shared, so cost + latency decide), kept when its
 * utility at its arm's upper 1/20 theta quantile reaches the best utility any arm has at its lower
 * quantile (the (floor(K/20) + 1)-th smallest and largest of the arm's K bank samples).
 */
export function referencePlausible(specs: readonly KernelOptionSpec[], feasible: readonly number[], input: DecisionInput): number[] {
  const { request, policy } = input;
  const ranking = referenceRanking(specs, feasible, input, 0);
  const best = new Map<number, number>();
  for (const { index } of ranking) {
    const tier = specs[index]!.tierIndex;
    if (!best.has(tier)) best.set(tier, index);
  }
  const K = policy.sampleCount;
  const q = Math.floor(K / 20);
  const quantiles = (tier: number): [number, number] => {
    const cell = request.regimeIndex * policy.tierCount + tier;
    if (policy.armLowBps !== undefined && policy.armQualityBps !== undefined) return [policy.armLowBps[cell]!, policy.armQualityBps[cell]!];
    const thetas = Array.from({ length: K }, (_, k) => thetaOf(policy, request.regimeIndex, k, tier)).sort((a, b) => a - b);
    return [thetas[q]!, thetas[K - 1 - q]!];
  };
  const bounds = [...best.entries()].map(([tier, o]) => {
    const [low, high] = quantiles(tier);
    return {
      o,
      low: referenceTerms(specs[o]!, request, policy, low).utility,
      high: referenceTerms(specs[o]!, request, policy, high).utility,
    };
  });
  const bestLow = bounds.reduce((most, b) => (b.low > most ? b.low : most), bounds[0]!.low);
  return bounds
    .filter((b) => b.high >= bestLow)
    .map((b) => b.o)
    .sort((a, b) => a - b);
}

/** The exact propensity of option o as an unreduced BigInt fraction [numerator, denominator]. */
export function referencePropensity(
  o: number,
  support: readonly number[],
  wins: ReadonlyMap<number, number>,
  policy: KernelPolicy,
): [bigint, bigint] {
  const eps = BigInt(policy.explorationBps);
  const k = BigInt(policy.sampleCount);
  const size = BigInt(support.length);
  const explore = support.includes(o) ? eps * k : 0n;
  return [explore + (10_000n - eps) * BigInt(wins.get(o) ?? 0) * size, 10_000n * k * size];
}

/** A sum and two position-weighted sums pin every theta without a hash function. */
export function bankChecksum(theta: Uint16Array): Record<string, unknown> {
  let sum = 0;
  let weightedSum = 0;
  let alternatingSum = 0;
  for (let i = 0; i < theta.length; i++) {
    sum += theta[i]!;
    weightedSum += (i + 1) * theta[i]!;
    alternatingSum += (i % 2 === 0 ? 1 : -1) * theta[i]!;
  }
  return {
    length: theta.length,
    sum,
    weightedSum,
    alternatingSum,
    first16: Array.from(theta.subarray(0, 16)),
    last16: Array.from(theta.subarray(theta.length - 16)),
  };
}
