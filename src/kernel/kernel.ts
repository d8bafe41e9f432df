// The decision kernel: eleven fail-closed gates, option filtering, utility in exact integers and
// Thompson tier choice from the policy's posterior sample bank. decide() allocates nothing on the
// success path: it writes into preallocated typed arrays and a reused DecisionResult.

import { Xoshiro128StarStar } from "./prng.ts";
import { uniformBelow } from "./beta-sampler.ts";
import type { KernelCatalog } from "./catalog.ts";
import type { DecisionInput } from "./decision-input.ts";
import { DecisionResult, TERM_COST, TERM_LATENCY_PENALTY, TERM_QUALITY_ADJUSTED_VALUE, TERM_RISK_PENALTY } from "./decision-result.ts";
import { mulBps, worstCaseCostMicros } from "./exact-math.ts";
import { validateKernelPolicy, type KernelPolicy } from "./policy.ts";
import { firstFieldOutOfBounds } from "./request.ts";
import { DecisionCode, FloorSource, GATE_COUNT, Verdict } from "./result-codes.ts";
import { BPS_SCALE, COST_MICROS_MAX, MASK_ALL, RANKED_MAX, RISK_CEILING_BPS, UNSET } from "./units.ts";

/** The first gate that filters options; gates before it look at the request alone. */
const FIRST_OPTION_GATE = DecisionCode.context_window_exceeded;

export class Kernel {
  readonly catalog: KernelCatalog;
  private readonly rng = new Xoshiro128StarStar();
  // Per-option scratch, valid after the last successful decide(): cost, latency penalty, feasibility.
  private readonly costMicros: Float64Array;
  private readonly latencyPenaltyMicros: Float64Array;
  private feasibleCount = 0;
  // Feasible tiers and each tier's best option (lowest cost + latency penalty): theta is shared
  // within a tier, so no other option of the tier can win under any sample.
  private readonly feasibleTiers: Int32Array;
  private feasibleTierCount = 0;
  // Per-tier scratch for the sample k that decide() read.
  private readonly tierValueMicros: Float64Array;
  private readonly tierRiskMicros: Float64Array;
  private readonly tierBest: Int32Array;
  // Top-ranked options by (utility desc, cost asc, index asc).
  private readonly topIndex = new Int32Array(RANKED_MAX);
  private readonly topUtility = new Float64Array(RANKED_MAX);
  private topCount = 0;
  // The adopted policy and what it implies for this catalog.
  private policy: KernelPolicy | null = null;
  private readonly latencyBps: Int32Array;
  /** 32 - log2(K): shifting a uint32 right by it leaves a uniform index below K. */
  private sampleShift = 32;
  // Request values shared by the option loop and propensity().
  private valueMicros = 0;
  private valueRiskMicros = 0;
  private regimeBase = 0;

  constructor(catalog: KernelCatalog) {
    this.catalog = catalog;
    const n = catalog.optionCount;
    this.costMicros = new Float64Array(n);
    this.latencyPenaltyMicros = new Float64Array(n);
    this.feasibleTiers = new Int32Array(catalog.tierCount);
    this.latencyBps = new Int32Array(n);
    this.tierValueMicros = new Float64Array(catalog.tierCount);
    this.tierRiskMicros = new Float64Array(catalog.tierCount);
    this.tierBest = new Int32Array(catalog.tierCount);
  }

  /** Runs one decision into `out` and returns its code (DecisionCode). Never throws for request data. */
  decide(input: DecisionInput, out: DecisionResult): number {
    out.reset();
    if (input.policy !== this.policy) this.adopt(input.policy);
    const gate = this.requestGates(input, out);
    if (gate !== DecisionCode.ok) return this.fail(out, gate);
    const policy = input.policy;
    const request = input.request;
    const rng = this.rng;
    const seed = input.seedWords;
    // Seeds are SHA-256 words in production, but a weak seed (small integers in a test) would
    // leave xoshiro's first outputs nearly constant: its first output reads only state word 1.
    // So the words are chained through a bijective mixer and word 1 gets the one that saw all four.
    const a = mixSeedWord(seed[0]!, 0x9e3779b9);
    const b = mixSeedWord(seed[1]! ^ a, 0x3c6ef372);
    const c = mixSeedWord(seed[2]! ^ b, 0xdaa66d2b);
    const d = mixSeedWord(seed[3]! ^ c, 0x78dde6e4);
    rng.seedWords(a, d, b, c);
    // The high bits: multiplication carries every low bit of the state into them.
    const k = policy.sampleCount === 1 ? 0 : rng.nextU32() >>> this.sampleShift;
    out.sampleIndex = k;
    this.valueMicros = request.valueMicros;
    this.valueRiskMicros = mulBps(request.valueMicros, request.riskBps);
    this.regimeBase = request.regimeIndex * policy.sampleCount;
    this.readTierTerms(k);
    const firstFail = this.scanOptions(input, out.floorBps);
    if (firstFail <= DecisionCode.cost_cap_exceeded) return this.fail(out, firstFail);
    for (let g = FIRST_OPTION_GATE; g <= DecisionCode.cost_cap_exceeded; g++) out.gateVerdicts[g - 1] = Verdict.pass;
    // The ledger settles the budget gate atomically when it reserves.
    out.gateVerdicts[DecisionCode.budget_exhausted - 1] = Verdict.deferred;
    out.feasibleCount = this.feasibleCount;
    this.collectFeasibleTiers();
    out.feasibleTierCount = this.feasibleTierCount;
    // Exploration is uniform over feasible tiers, each served by its best option: exploring an
    // option its own tier dominates teaches nothing, and with at most four tiers an exploration
    // share of 20 % keeps every logged propensity at or above 5 % (DESIGN.md's weight cap of 20).
    const roll = uniformBelow(rng, BPS_SCALE);
    out.explored = roll < policy.explorationBps;
    const chosen = out.explored
      ? this.tierBest[this.feasibleTiers[uniformBelow(rng, this.feasibleTierCount)]!]!
      : this.topIndex[0]!;
    this.rank(chosen, out);
    return DecisionCode.ok;
  }

  /** Gates 1-4 and the floor; returns the failing gate's code or ok. */
  private requestGates(input: DecisionInput, out: DecisionResult): number {
    const { request, tenant, policy } = input;
    const seedOk = input.seedWords.length === 4;
    const tenantOk =
      Number.isSafeInteger(tenant.allowedProviderMask) && tenant.allowedProviderMask >= 0 &&
      tenant.allowedProviderMask <= MASK_ALL &&
      (tenant.costCapMicros === UNSET || (Number.isSafeInteger(tenant.costCapMicros) && tenant.costCapMicros >= 0));
    const raiseOk = Number.isSafeInteger(input.floorRaiseBps) && input.floorRaiseBps >= 0 && input.floorRaiseBps <= BPS_SCALE;
    if (firstFieldOutOfBounds(request) >= 0 || !seedOk || !tenantOk || !raiseOk) return DecisionCode.request_out_of_bounds;
    out.gateVerdicts[0] = Verdict.pass;
    if (request.riskBps >= RISK_CEILING_BPS) return DecisionCode.risk_above_ceiling;
    out.gateVerdicts[1] = Verdict.pass;
    // Anything but an explicit false counts as suspended: fail closed.
    if (tenant.suspended !== false) return DecisionCode.tenant_suspended;
    out.gateVerdicts[2] = Verdict.pass;
    if (request.regimeIndex < 0 || request.regimeIndex >= policy.regimeCount) return DecisionCode.regime_unknown;
    out.gateVerdicts[3] = Verdict.pass;
    if (request.clientFloorBps !== UNSET) {
      out.floorBps = request.clientFloorBps;
      out.floorSource = FloorSource.client;
    } else {
      const raised = policy.floorBps[request.regimeIndex]! + input.floorRaiseBps;
      out.floorBps = raised > BPS_SCALE ? BPS_SCALE : raised;
      out.floorRaisedBps = out.floorBps - policy.floorBps[request.regimeIndex]!;
      out.floorSource = policy.floorSource[request.regimeIndex]!;
    }
    return DecisionCode.ok;
  }

  /** Per-tier value and risk terms under sample k: they depend on theta, which is shared by a tier. */
  private readTierTerms(k: number): void {
    const policy = this.policy!;
    const tiers = this.catalog.tierCount;
    const base = (this.regimeBase + k) * tiers;
    for (let t = 0; t < tiers; t++) {
      const theta = policy.thetaBps[base + t]!;
      this.tierValueMicros[t] = mulBps(this.valueMicros, theta);
      this.tierRiskMicros[t] = mulBps(this.valueRiskMicros, BPS_SCALE - theta);
    }
  }

  /**
   * One pass over the catalog. Each option stops at the first filter it fails; the largest such
   * stop over all options is the first gate that leaves no option (or 11 when some option passes
   * all filters). Survivors are scored and the best four kept.
   */
  private scanOptions(input: DecisionInput, floorBps: number): number {
    const c = this.catalog;
    const request = input.request;
    const inputTokens = request.inputTokens;
    const outputTokens = request.maxOutputTokens;
    const totalTokens = inputTokens + outputTokens;
    const allowed = request.providerAllowMask & input.tenant.allowedProviderMask & ~request.providerDenyMask;
    const required = request.requiredCapabilityMask;
    const latencyMax = request.maxLatencyMs === UNSET ? COST_MICROS_MAX : request.maxLatencyMs;
    const costCap = effectiveCostCap(request.maxCostMicros, input.tenant.costCapMicros);
    let furthest = 0;
    this.feasibleCount = 0;
    this.topCount = 0;
    this.tierBest.fill(UNSET);
    for (let o = 0; o < c.optionCount; o++) {
      let stop: number;
      if (totalTokens > c.contextTokens[o]! || outputTokens > c.maxOutputTokens[o]!) stop = DecisionCode.context_window_exceeded;
      else if ((c.providerBit[o]! & allowed) === 0) stop = DecisionCode.provider_rules_exclude_all;
      else if ((c.capabilityMask[o]! & required) !== required) stop = DecisionCode.capabilities_unavailable;
      else if (c.latencyMsP50[o]! > latencyMax) stop = DecisionCode.latency_budget_unreachable;
      else if (c.qualityBps[o]! < floorBps) stop = DecisionCode.quality_floor_unreachable;
      else {
        const cost = worstCaseCostMicros(inputTokens, outputTokens, c.inputPriceHigh[o]!, c.inputPriceLow[o]!, c.outputPriceHigh[o]!, c.outputPriceLow[o]!);
        if (cost > costCap) stop = DecisionCode.cost_cap_exceeded;
        else {
          stop = DecisionCode.budget_exhausted;
          this.admit(o, cost);
        }
      }
      if (stop > furthest) furthest = stop;
    }
    return furthest;
  }

  /** Scores a feasible option and keeps it if it ranks in the top four. */
  private admit(o: number, cost: number): void {
    const latencyPenalty = mulBps(this.valueMicros, this.latencyBps[o]!);
    this.costMicros[o] = cost;
    this.latencyPenaltyMicros[o] = latencyPenalty;
    this.feasibleCount++;
    const t = this.catalog.tier[o]!;
    this.keepTierBest(o, t, cost + latencyPenalty, cost);
    const utility = this.tierValueMicros[t]! - this.tierRiskMicros[t]! - cost - latencyPenalty;
    let slot = this.topCount;
    // Strictly better only: among equals the earlier (lower-index) option keeps its place.
    while (slot > 0 && this.outranks(utility, cost, slot - 1)) slot--;
    if (slot >= RANKED_MAX) return;
    const last = this.topCount < RANKED_MAX ? this.topCount : RANKED_MAX - 1;
    for (let s = last; s > slot; s--) {
      this.topIndex[s] = this.topIndex[s - 1]!;
      this.topUtility[s] = this.topUtility[s - 1]!;
    }
    this.topIndex[slot] = o;
    this.topUtility[slot] = utility;
    if (this.topCount < RANKED_MAX) this.topCount++;
  }

  private outranks(utility: number, cost: number, slot: number): boolean {
    const other = this.topUtility[slot]!;
    return utility > other || (utility === other && cost < this.costMicros[this.topIndex[slot]!]!);
  }

  /** Writes the ranking: the chosen option, then the best others (explored choices may rank low). */
  private rank(chosen: number, out: DecisionResult): void {
    out.chosen = chosen;
    out.ranked[0] = chosen;
    out.rankedCostMicros[0] = this.costMicros[chosen]!;
    let count = 1;
    for (let s = 0; s < this.topCount && count < RANKED_MAX; s++) {
      const o = this.topIndex[s]!;
      if (o === chosen) continue;
      out.ranked[count] = o;
      out.rankedCostMicros[count] = this.costMicros[o]!;
      count++;
    }
    out.rankedCount = count;
    out.chosenUtilityMicros = this.terms(chosen, out.chosenTerms);
    const t = this.catalog.tier[chosen]!;
    out.chosenThetaBps = this.policy!.thetaBps[(this.regimeBase + out.sampleIndex) * this.catalog.tierCount + t]!;
    if (count > 1) {
      out.runnerUp = out.ranked[1]!;
      out.runnerUpUtilityMicros = this.terms(out.runnerUp, out.runnerUpTerms);
    }
  }

  private terms(o: number, into: Float64Array): number {
    const t = this.catalog.tier[o]!;
    into[TERM_QUALITY_ADJUSTED_VALUE] = this.tierValueMicros[t]!;
    into[TERM_RISK_PENALTY] = this.tierRiskMicros[t]!;
    into[TERM_COST] = this.costMicros[o]!;
    into[TERM_LATENCY_PENALTY] = this.latencyPenaltyMicros[o]!;
    return this.tierValueMicros[t]! - this.tierRiskMicros[t]! - this.costMicros[o]! - this.latencyPenaltyMicros[o]!;
  }

  private fail(out: DecisionResult, gate: number): number {
    out.code = gate;
    out.failedGate = gate;
    for (let g = 1; g < gate; g++) out.gateVerdicts[g - 1] = Verdict.pass;
    out.gateVerdicts[gate - 1] = Verdict.fail;
    for (let g = gate + 1; g <= GATE_COUNT; g++) out.gateVerdicts[g - 1] = Verdict.not_evaluated;
    return gate;
  }

  /** Validates a new snapshot once and precomputes its per-option latency penalty shares. */
  private adopt(policy: KernelPolicy): void {
    validateKernelPolicy(policy, this.catalog.tierCount);
    for (let o = 0; o < this.catalog.optionCount; o++) {
      const bps = Math.floor((this.catalog.latencyMsP50[o]! * policy.latencyBpsPerSecond) / 1000);
      this.latencyBps[o] = bps > BPS_SCALE ? BPS_SCALE : bps;
    }
    this.sampleShift = 32 - (31 - Math.clz32(policy.sampleCount));
    this.policy = policy;
  }

  /**
   * Exact propensity of the last successful decision's choice (DESIGN.md "Exploration"):
   * eps/|T| + (1 - eps) * wins/K, with T the feasible tiers and wins the samples k under which
   * the greedy rule picks the chosen option. Within a tier theta is shared, so each tier's best
   * option is fixed by cost + latency penalty and only K x tiers comparisons are needed; an
   * option that is not its tier's best has propensity 0 and is never chosen. Call right after decide().
   */
  propensity(out: DecisionResult): void {
    if (out.code !== DecisionCode.ok) return;
    const policy = this.policy!;
    const tiers = this.catalog.tierCount;
    let wins = 0;
    for (let k = 0; k < policy.sampleCount; k++) {
      if (this.greedyUnder(k, tiers) === out.chosen) wins++;
    }
    const f = this.feasibleTierCount;
    const eps = policy.explorationBps;
    out.thompsonWins = wins;
    out.propensityNumerator = eps * policy.sampleCount + (BPS_SCALE - eps) * wins * f;
    out.propensityDenominator = BPS_SCALE * policy.sampleCount * f;
    out.propensityPpm = Math.floor((out.propensityNumerator * 1_000_000 + Math.floor(out.propensityDenominator / 2)) / out.propensityDenominator);
  }

  private keepTierBest(o: number, t: number, load: number, cost: number): void {
    const best = this.tierBest[t]!;
    if (best !== UNSET) {
      const bestLoad = this.costMicros[best]! + this.latencyPenaltyMicros[best]!;
      // Options arrive in index order, so among equal (load, cost) the earlier one stays.
      if (load > bestLoad || (load === bestLoad && cost >= this.costMicros[best]!)) return;
    }
    this.tierBest[t] = o;
  }

  private collectFeasibleTiers(): void {
    this.feasibleTierCount = 0;
    for (let t = 0; t < this.catalog.tierCount; t++) {
      if (this.tierBest[t] !== UNSET) this.feasibleTiers[this.feasibleTierCount++] = t;
    }
  }

  private greedyUnder(k: number, tiers: number): number {
    const policy = this.policy!;
    const base = (this.regimeBase + k) * tiers;
    let winner = UNSET;
    let winnerUtility = 0;
    for (let t = 0; t < tiers; t++) {
      const o = this.tierBest[t]!;
      if (o === UNSET) continue;
      const theta = policy.thetaBps[base + t]!;
      const utility = mulBps(this.valueMicros, theta) - mulBps(this.valueRiskMicros, BPS_SCALE - theta) -
        this.costMicros[o]! - this.latencyPenaltyMicros[o]!;
      if (winner === UNSET || utility > winnerUtility ||
        (utility === winnerUtility && (this.costMicros[o]! < this.costMicros[winner]! ||
          (this.costMicros[o]! === this.costMicros[winner]! && o < winner)))) {
        winner = o;
        winnerUtility = utility;
      }
    }
    return winner;
  }
}

/** MurmurHash3's 32-bit finaliser on word ^ salt: a bijection, so distinct seeds stay distinct. */
function mixSeedWord(word: number, salt: number): number {
  let h = (word ^ salt) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function effectiveCostCap(clientCapMicros: number, tenantCapMicros: number): number {
  // Each cap can only lower the other: the client narrows the tenant's cap, never widens it.
  const client = clientCapMicros === UNSET ? COST_MICROS_MAX : clientCapMicros;
  const tenant = tenantCapMicros === UNSET ? COST_MICROS_MAX : tenantCapMicros;
  return client < tenant ? client : tenant;
}
