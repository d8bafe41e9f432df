// The decision kernel: eleven fail-closed gates, option filtering, utility in exact integers and
// Thompson tier choice from the policy's posterior sample bank. decide() allocates nothing on the
// success path: it writes into preallocated typed arrays and a reused DecisionResult.

import { Xoshiro128StarStar } from "./prng.ts";
import { popcount32, uniformBelowTrusted } from "./beta-sampler.ts";
import type { KernelCatalog } from "./catalog.ts";
import type { DecisionInput } from "./decision-input.ts";
import * as results from "./decision-result.ts";
import type { DecisionResult } from "./decision-result.ts";
import { validateKernelPolicy, type KernelPolicy } from "./policy.ts";
import { PolicyTables } from "./policy-tables.ts";
import { requestInBounds } from "./request.ts";
import { catalogBounds, ScanLimits, type CatalogBounds } from "./scan-limits.ts";
import { TOP_SLOTS, TopFour } from "./top-four.ts";
import * as codes from "./result-codes.ts";
import * as units from "./units.ts";

// The constants this module uses, as its own consts: V8 folds a module's own const into the code
// it compiles, but reads an imported binding through its live cell on every use and cannot fold
// it. A division by an imported BPS_SCALE compiled to a hardware division, by this copy to a
// multiplication; an imported DecisionCode cost a load and a map check per option in the scan.
const { BPS_SCALE, MASK_ALL, RANKED_MAX, REGIMES_MAX, RISK_CEILING_BPS, TOKENS_PER_PRICE_UNIT, UNSET } = units;
const { DecisionCode, FIRST_OPTION_GATE, FloorSource, GATE_COUNT, Verdict } = codes;
const { TERM_COST, TERM_LATENCY_PENALTY, TERM_QUALITY_ADJUSTED_VALUE, TERM_RISK_PENALTY, utilityOfTerms } = results;

export class Kernel {
  readonly catalog: KernelCatalog;
  private readonly rng = new Xoshiro128StarStar();
  // Per-option scratch, valid after the last successful decide(): the worst-case cost of every
  // option that passed gates 5-8 (UNSET for one that did not) and its latency penalty.
  private readonly costMicros: Float64Array;
  private readonly latencyPenaltyMicros: Float64Array;
  /** The cost cap and floor the last scan judged: feasible = priced, cost <= cap, quality >= floor. */
  private judgedCostCapMicros = 0;
  private judgedFloorBps = 0;
  private feasibleCount = 0;
  /** Whether an option that passes every other filter fell short of the judged floor. */
  private shortOfFloor = false;
  // Feasible tiers as bits, and (computed only when needed) each tier's best option: the lowest
  // cost + latency penalty. Theta is shared within a tier, so no other option of it can win.
  private tierMask = 0;
  private tierBestsValid = false;
  private readonly tierBest: Int32Array;
  // Per-arm wins over the K samples and the plausibly best arms, valid while winsValid.
  private readonly armWins: Int32Array;
  private readonly armPlausible: Uint8Array;
  private plausibleCount = 0;
  private winsValid = false;
  private plausibleValid = false;
  // Per-sample scratch of propensity(): each sample's running winner, its utility and cost.
  private sampleWinner = new Int32Array(0);
  private sampleUtility = new Float64Array(0);
  private sampleCost = new Float64Array(0);
  // Per regime: the last request's value and risk (key), the policy and the terms they gave.
  private readonly termsCache: Float64Array[] = [];
  private readonly termsKey = new Float64Array(2 * REGIMES_MAX);
  private readonly termsPolicy: (KernelPolicy | null)[] = [];
  // Top-ranked options by (utility desc, cost asc, index asc): the running best four of a scan,
  // and the indexes it ended with.
  private readonly top = new TopFour();
  private readonly topIndex = new Int32Array(TOP_SLOTS);
  private topCount = 0;
  // The adopted policy and what it implies for this catalog.
  private policy: KernelPolicy | null = null;
  /**
   * Per snapshot, validated once, the tables derived from it: a worker serving many tenants
   * switches policies often, and the lookup happens on a switch, never per decision.
   */
  private readonly tablesOf = new WeakMap<KernelPolicy, PolicyTables>();
  private tables: PolicyTables | null = null;
  private readonly latencyBps: Int32Array;
  /** Bounds of the catalog that tell when an option filter cannot bind (scanOptions). */
  private readonly bounds: CatalogBounds;
  private readonly limits = new ScanLimits();
  /** 32 - log2(K): shifting a uint32 right by it leaves a uniform index below K. */
  private sampleShift = 32;
  // Request values shared by the option loop, the terms and propensity().
  // The request's value split as mulBps splits it: value = valueHigh * 10^4 + valueLow.
  private valueHigh = 0;
  private valueLow = 0;
  // value * risk split the same way: the risk penalty is mulBps of it by (1 - theta).
  private riskHigh = 0;
  private riskLow = 0;
  private regime = 0;
  private regimeBase = 0;
  /** Where the thetas of sample k in the request's regime start in the bank. */
  private thetaBase = 0;

  constructor(catalog: KernelCatalog) {
    this.catalog = catalog;
    const n = catalog.optionCount;
    this.costMicros = new Float64Array(n);
    this.latencyPenaltyMicros = new Float64Array(n);
    this.latencyBps = new Int32Array(n);
    this.tierBest = new Int32Array(catalog.tierCount);
    this.armWins = new Int32Array(catalog.tierCount);
    this.armPlausible = new Uint8Array(catalog.tierCount);
    this.bounds = catalogBounds(catalog);
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
    this.seed(seed);
    // The high bits: multiplication carries every low bit of the state into them.
    rng.step();
    const k = policy.sampleCount === 1 ? 0 : rng.output[0]! >>> this.sampleShift;
    out.sampleIndex = k;
    this.valueHigh = Math.floor(request.valueMicros / BPS_SCALE);
    this.valueLow = request.valueMicros - this.valueHigh * BPS_SCALE;
    // mulBps(value, risk) written out: a double returned by a call the JIT did not inline is boxed.
    const valueRisk = this.valueHigh * request.riskBps + (((this.valueLow * request.riskBps) / BPS_SCALE) | 0);
    this.riskHigh = Math.floor(valueRisk / BPS_SCALE);
    this.riskLow = valueRisk - this.riskHigh * BPS_SCALE;
    this.regime = request.regimeIndex;
    this.regimeBase = request.regimeIndex * policy.sampleCount;
    this.thetaBase = (this.regimeBase + k) * this.catalog.tierCount;
    const firstFail = this.judgeOptions(input, out);
    if (firstFail <= DecisionCode.cost_cap_exceeded) return this.fail(out, firstFail);
    for (let g = FIRST_OPTION_GATE; g <= DecisionCode.cost_cap_exceeded; g++) out.gateVerdicts[g - 1] = Verdict.pass;
    // The ledger settles the budget gate atomically when it reserves.
    out.gateVerdicts[DecisionCode.budget_exhausted - 1] = Verdict.deferred;
    out.feasibleCount = this.feasibleCount;
    out.feasibleTierCount = popcount32(this.tierMask >>> 0);
    // Exploration spends only on the plausibly best arms, each served by its best option (countPlausible):
    // as the posterior concentrates that set shrinks to the winner and exploration stops costing.
    const roll = uniformBelowTrusted(this.rng, BPS_SCALE);
    out.explored = roll < policy.explorationBps;
    let chosen = this.topIndex[0]!;
    if (out.explored) chosen = this.exploredChoice(uniformBelowTrusted(this.rng, this.countPlausible()));
    this.rank(chosen, out);
    out.code = DecisionCode.ok;
    return DecisionCode.ok;
  }

  /** Gates 1-4 and the floor; returns the failing gate's code or ok. */
  private requestGates(input: DecisionInput, out: DecisionResult): number {
    const { request, tenant, policy } = input;
    const seedOk = input.seedWords instanceof Uint32Array && input.seedWords.length === 4;
    const tenantOk =
      Number.isSafeInteger(tenant.allowedProviderMask) &&
      tenant.allowedProviderMask >= 0 &&
      tenant.allowedProviderMask <= MASK_ALL &&
      (tenant.costCapMicros === UNSET || (Number.isSafeInteger(tenant.costCapMicros) && tenant.costCapMicros >= 0));
    const raiseOk = Number.isSafeInteger(input.floorRaiseBps) && input.floorRaiseBps >= 0 && input.floorRaiseBps <= BPS_SCALE;
    if (!requestInBounds(request) || !seedOk || !tenantOk || !raiseOk) return DecisionCode.request_out_of_bounds;
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

  /**
   * Gates 5-10 and the ranking: one scan under the floor the request starts with. A learned or
   * warm-start floor can then yield to an option that falls short of it (yieldFloor); only when
   * it does is the catalog scanned again under the lowered floor. Returns the first gate that
   * leaves no option, or 11 when some option passes them all.
   */
  private judgeOptions(input: DecisionInput, out: DecisionResult): number {
    const furthest = this.scanOptions(input, out.floorBps);
    // The option a floor yields to passes every other filter, so with none short of the floor there is nothing to yield to.
    if (!this.shortOfFloor || out.floorSource === FloorSource.client || !this.yieldFloor(input, out)) return furthest;
    return this.scanOptions(input, out.floorBps);
  }

  /**
   * One pass over the catalog judges gates 5-10 under `floorBps`. Each option stops at the first
   * filter it fails (context, providers, capabilities, latency, floor, cost cap); the largest such
   * stop over all options is the first gate that leaves no option, or 11 when some option passes
   * all. Options past gates 5-8 are priced (worst-case cost, latency penalty); those past all six
   * get their utility under sample k and are offered to the best four. Values are read into
   * locals once, so the loop touches only typed arrays, and its arithmetic is written out: a
   * double returned by a call the JIT did not inline is boxed, an allocation per option.
   */
  private scanOptions(input: DecisionInput, floorBps: number): number {
    const limits = this.limits;
    limits.set(input, floorBps, this.bounds, this.tables!.qualityMinBps[this.regime]!);
    const { inputTokens, outputTokens, costCapMicros: costCap, checkFloor } = limits;
    const { inputPriceHigh, inputPriceLow, outputPriceHigh, outputPriceLow, tier } = this.catalog;
    const { costMicros, latencyPenaltyMicros, latencyBps, top } = this;
    const { valueHigh, valueLow, riskHigh, riskLow, thetaBase } = this;
    const quality = this.tables!.optionQualityBps;
    const qualityBase = this.regime * this.catalog.optionCount;
    const armPerOption = this.bounds.armPerOption;
    const thetaBps = this.policy!.thetaBps;
    let furthest = 0;
    let feasibleCount = 0;
    let tierMask = 0;
    let shortOfFloor = false;
    top.clear();
    for (let o = 0; o < this.catalog.optionCount; o++) {
      const stop = limits.filterStop(this.catalog, o);
      if (stop !== 0) {
        costMicros[o] = UNSET;
        if (stop > furthest) furthest = stop;
        continue;
      }
      // Worst-case cost, ceil((in * inPrice + out * outPrice) / 10^6), inlined from exact-math.ts:
      // whole microcents, plus the ceiling of the fraction when prices are not whole (rare).
      let cost = inputTokens * inputPriceHigh[o]! + outputTokens * outputPriceHigh[o]!;
      const fraction = inputTokens * inputPriceLow[o]! + outputTokens * outputPriceLow[o]!;
      if (fraction !== 0) {
        // ceil(fraction / 10^6) without a division: fraction * 1e-6 is within 2^-52 relative of the
        // quotient (fraction < 2^45), so its floor is off by at most one; exact products fix it.
        let micros = Math.floor(fraction * 1e-6);
        if (micros * TOKENS_PER_PRICE_UNIT > fraction) micros -= 1;
        else if ((micros + 1) * TOKENS_PER_PRICE_UNIT <= fraction) micros += 1;
        if (micros * TOKENS_PER_PRICE_UNIT !== fraction) micros += 1;
        cost += micros;
      }
      // mulBps(value, share) with the value split once per request.
      const share = latencyBps[o]!;
      const latencyPenalty = valueHigh * share + (((valueLow * share) / BPS_SCALE) | 0);
      costMicros[o] = cost;
      latencyPenaltyMicros[o] = latencyPenalty;
      const capped = cost > costCap;
      if (checkFloor && quality[qualityBase + o]! < floorBps) {
        if (furthest < DecisionCode.quality_floor_unreachable) furthest = DecisionCode.quality_floor_unreachable;
        shortOfFloor ||= !capped;
      } else if (capped) {
        if (furthest < DecisionCode.cost_cap_exceeded) furthest = DecisionCode.cost_cap_exceeded;
      } else {
        furthest = DecisionCode.budget_exhausted;
        feasibleCount++;
        const t = armPerOption ? o : tier[o]!;
        tierMask |= 1 << t;
        // Value x theta minus the risk penalty x (1 - theta) under sample k, as terms() computes
        // them: the low parts are below 10^4, so the products stay int32 and dividing by the
        // constant is a multiplication.
        const theta = thetaBps[thetaBase + t]!;
        const miss = BPS_SCALE - theta;
        const value = valueHigh * theta + (((valueLow * theta) / BPS_SCALE) | 0);
        top.offer(o, value - (riskHigh * miss + (((riskLow * miss) / BPS_SCALE) | 0)) - cost - latencyPenalty, cost);
      }
    }
    this.settle(limits, feasibleCount, tierMask, shortOfFloor);
    return furthest;
  }

  /** Records what the scan under `limits` judged, and drops what was derived from the last one. */
  private settle(limits: ScanLimits, feasibleCount: number, tierMask: number, shortOfFloor: boolean): void {
    this.judgedCostCapMicros = limits.costCapMicros;
    this.judgedFloorBps = limits.floorBps;
    this.feasibleCount = feasibleCount;
    this.top.writeTo(this.topIndex);
    this.topCount = feasibleCount < TOP_SLOTS ? feasibleCount : TOP_SLOTS;
    this.tierMask = tierMask;
    this.shortOfFloor = shortOfFloor;
    this.tierBestsValid = false;
    this.winsValid = false;
    this.plausibleValid = false;
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
    const terms = out.chosenTerms;
    this.terms(chosen, terms);
    out.chosenUtilityMicros = utilityOfTerms(terms);
    out.chosenThetaBps = this.policy!.thetaBps[this.thetaBase + this.catalog.tier[chosen]!]!;
    if (count > 1) {
      out.runnerUp = out.ranked[1]!;
      const runnerUp = out.runnerUpTerms;
      this.terms(out.runnerUp, runnerUp);
      out.runnerUpUtilityMicros = utilityOfTerms(runnerUp);
    }
  }

  /**
   * The four utility terms of the option at `rank` of the last decide() into `into`, and returns
   * its utility. Off the hot path: the decision record keeps every ranked option's terms, so an
   * answer can explain whichever option the ledger served (a fallback when the budget is short).
   */
  rankedTerms(out: DecisionResult, rank: number, into: Float64Array): number {
    if (out.code !== DecisionCode.ok || !(rank >= 0 && rank < out.rankedCount))
      throw new RangeError(`"rank" expected a ranked position of an ok decision, got ${rank}`);
    this.terms(out.ranked[rank]!, into);
    return utilityOfTerms(into);
  }

  /**
   * The four utility terms of option o under the last decision's sample k, as scanOptions computed
   * them: value x theta and the risk penalty x (1 - theta) of its tier, its cost and latency
   * penalty. Value minus the other three, in that order, is the utility the scan ranked by.
   */
  private terms(o: number, into: Float64Array): void {
    const theta = this.policy!.thetaBps[this.thetaBase + this.catalog.tier[o]!]!;
    const miss = BPS_SCALE - theta;
    into[TERM_QUALITY_ADJUSTED_VALUE] = this.valueHigh * theta + (((this.valueLow * theta) / BPS_SCALE) | 0);
    into[TERM_RISK_PENALTY] = this.riskHigh * miss + (((this.riskLow * miss) / BPS_SCALE) | 0);
    into[TERM_COST] = this.costMicros[o]!;
    into[TERM_LATENCY_PENALTY] = this.latencyPenaltyMicros[o]!;
  }

  private fail(out: DecisionResult, gate: number): number {
    out.code = gate;
    out.failedGate = gate;
    for (let g = 1; g < gate; g++) out.gateVerdicts[g - 1] = Verdict.pass;
    out.gateVerdicts[gate - 1] = Verdict.fail;
    for (let g = gate + 1; g <= GATE_COUNT; g++) out.gateVerdicts[g - 1] = Verdict.not_evaluated;
    return gate;
  }

  /**
   * Seeds xoshiro128** from the request's 128 seed bits. Seeds are SHA-256 words in production,
   * but a weak seed (small integers in a test) would leave the first outputs nearly constant, as
   * the first output reads only state word 1. So the words are chained through a bijective
   * mixer and word 1 gets the one that saw all four. Values move through typed arrays only.
   */
  private seed(seed: Uint32Array): void {
    const state = this.rng.state;
    let previous = 0;
    for (let i = 0; i < 4; i++) {
      // MurmurHash3's 32-bit finaliser on word ^ previous ^ salt: a bijection of the word, inlined
      // so no 32-bit value crosses a call (above 2^30 it would be boxed where Smis are 31 bits).
      let h = seed[i]! ^ previous ^ SEED_SALTS[i]!;
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      h ^= h >>> 16;
      state[SEED_SLOTS[i]!] = h;
      previous = h;
    }
    // The all-zero state is xoshiro's fixed point; the mixer is a bijection, so one seed maps there.
    if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) this.rng.seedWords(0, 0, 0, 0);
  }

  /**
   * A learned or warm-start floor never stops the learner from choosing the option that the data
   * show is best for the value at stake: among the options that pass every other filter, the one
   * with the highest utility at its gate quality (value x q - risk x (1 - q) - cost - latency,
   * ties to the lower cost, then index) passes the floor, which is lowered to its quality when
   * needed. Only a client's own floor is absolute. Options that fail it keep failing it.
   * Returns whether the floor was lowered.
   */
  private yieldFloor(input: DecisionInput, out: DecisionResult): boolean {
    const { costMicros, latencyPenaltyMicros } = this;
    const costCap = this.judgedCostCapMicros;
    const quality = this.tables!.optionQualityBps;
    const qualityBase = this.regime * this.catalog.optionCount;
    const { valueHigh, valueLow, riskHigh, riskLow } = this;
    let best = UNSET;
    let bestUtility = 0;
    for (let o = 0; o < this.catalog.optionCount; o++) {
      // Only options priced and within the cost cap: UNSET marks one that gates 5-8 kept out.
      if (costMicros[o]! === UNSET || costMicros[o]! > costCap) continue;
      const q = quality[qualityBase + o]!;
      const miss = BPS_SCALE - q;
      const utility =
        valueHigh * q +
        (((valueLow * q) / BPS_SCALE) | 0) -
        (riskHigh * miss + (((riskLow * miss) / BPS_SCALE) | 0)) -
        costMicros[o]! -
        latencyPenaltyMicros[o]!;
      if (best === UNSET || utility > bestUtility || (utility === bestUtility && costMicros[o]! < costMicros[best]!)) {
        best = o;
        bestUtility = utility;
      }
    }
    if (best === UNSET || quality[qualityBase + best]! >= out.floorBps) return false;
    out.floorBps = quality[qualityBase + best]!;
    out.floorRaisedBps = Math.max(0, out.floorBps - input.policy.floorBps[input.request.regimeIndex]!);
    return true;
  }

  /** Validates a new snapshot once, derives its tables once and precomputes its latency penalty shares. */
  private adopt(policy: KernelPolicy): void {
    let tables = this.tablesOf.get(policy);
    if (tables === undefined) {
      validateKernelPolicy(policy, this.catalog.tierCount);
      tables = new PolicyTables(policy, this.catalog);
      this.tablesOf.set(policy, tables);
    }
    this.tables = tables;
    for (let o = 0; o < this.catalog.optionCount; o++) {
      const bps = Math.floor((this.catalog.latencyMsP50[o]! * policy.latencyBpsPerSecond) / 1000);
      this.latencyBps[o] = bps > BPS_SCALE ? BPS_SCALE : bps;
    }
    this.sampleShift = 32 - (31 - Math.clz32(policy.sampleCount));
    this.policy = policy;
  }

  /**
   * Exact propensity of the last successful decision's choice (DESIGN.md "Exploration"):
   * eps * [chosen in P] / |P| + (1 - eps) * wins / K, with P the plausibly best arms (countPlausible)
   * and wins the samples k under which the greedy rule picks the chosen option. Within an arm
   * theta is shared, so each arm's best option is fixed by cost + latency penalty and only
   * K x arms comparisons are needed; an option that is not its arm's best has propensity 0 and is
   * never chosen. Call right after decide().
   */
  propensity(out: DecisionResult): void {
    if (out.code !== DecisionCode.ok) return;
    const policy = this.policy!;
    const plausible = this.plausibleValid ? this.plausibleCount : this.countPlausible();
    if (!this.winsValid) this.countWins(policy);
    const t = this.catalog.tier[out.chosen]!;
    const isBest = this.tierBest[t] === out.chosen;
    const wins = isBest ? this.armWins[t]! : 0;
    const inPlausible = isBest && this.armPlausible[t] === 1 ? 1 : 0;
    const eps = policy.explorationBps;
    out.thompsonWins = wins;
    out.propensityNumerator = eps * policy.sampleCount * inPlausible + (BPS_SCALE - eps) * wins * plausible;
    out.propensityDenominator = BPS_SCALE * policy.sampleCount * plausible;
    out.propensityPpm = Math.floor(
      (out.propensityNumerator * 1_000_000 + Math.floor(out.propensityDenominator / 2)) / out.propensityDenominator,
    );
  }

  /**
   * The exact probability, as an unreduced [numerator, denominator], that the last decision would
   * have chosen `option`: propensity()'s rule for any option, so a shadow policy can be asked how
   * likely it was to pick what production served (off-policy evaluation of a candidate). 0 when
   * the decision refused or the option was not its arm's best feasible one. Call right after decide().
   * Allocates its answer: it serves the shadow, not the hot path.
   */
  probabilityOf(out: DecisionResult, option: number): [numerator: number, denominator: number] {
    if (out.code !== DecisionCode.ok || !Number.isInteger(option) || option < 0 || option >= this.catalog.optionCount) return [0, 1];
    const policy = this.policy!;
    const plausible = this.plausibleValid ? this.plausibleCount : this.countPlausible();
    if (!this.winsValid) this.countWins(policy);
    const t = this.catalog.tier[option]!;
    if (this.tierBest[t] !== option) return [0, 1];
    const eps = policy.explorationBps;
    const inPlausible = this.armPlausible[t] === 1 ? 1 : 0;
    return [
      eps * policy.sampleCount * inPlausible + (BPS_SCALE - eps) * this.armWins[t]! * plausible,
      BPS_SCALE * policy.sampleCount * plausible,
    ];
  }

  /**
   * Wins of every arm over the K samples: the samples under which the greedy rule picks that arm's
   * best option. Arm by arm, then sample by sample: each sample's running winner is kept in typed
   * arrays, so the inner loop is a flat pass over K samples with no calls. Arms are visited in
   * order, so every sample sees the same comparisons, in the same order, as a per-sample scan would
   * make (greedyUnder, kept as the reference in the tests' model).
   */
  private countWins(policy: KernelPolicy): void {
    this.computeTierBests();
    const tiers = this.catalog.tierCount;
    const K = policy.sampleCount;
    if (this.sampleWinner.length < K) {
      this.sampleWinner = new Int32Array(K);
      this.sampleUtility = new Float64Array(K);
      this.sampleCost = new Float64Array(K);
    }
    const winner = this.sampleWinner;
    const best = this.sampleUtility;
    const bestCost = this.sampleCost;
    winner.fill(UNSET, 0, K);
    const terms = this.regimeTerms(policy, tiers);
    for (let t = 0; t < tiers; t++) {
      const o = this.tierBest[t]!;
      if (o === UNSET) continue;
      const cost = this.costMicros[o]!;
      const load = cost + this.latencyPenaltyMicros[o]!;
      for (let k = 0, at = t; k < K; k++, at += tiers) {
        const utility = terms[at]! - load;
        const w = winner[k]!;
        if (w === UNSET || utility > best[k]! || (utility === best[k]! && (cost < bestCost[k]! || (cost === bestCost[k]! && o < w)))) {
          winner[k] = o;
          best[k] = utility;
          bestCost[k] = cost;
        }
      }
    }
    const armWins = this.armWins;
    armWins.fill(0);
    const tier = this.catalog.tier;
    for (let k = 0; k < K; k++) armWins[tier[winner[k]!]!]!++;
    this.winsValid = true;
  }

  /**
   * The plausibly best arms P, each served by its best option: an arm is plausible when its
   * utility at the high end of its posterior (the 1/20 upper quantile: the snapshot's own when it
   * gives one, else that of its K bank samples) reaches the best utility any arm has at the low end
   * of its own (the 1/20 lower quantile). The arm that is best at the low end is always in P; as
   * posteriors concentrate the quantiles meet and P shrinks to it. O(arms) per request: the
   * quantiles are read once per policy and regime (PolicyTables).
   * Returns |P|; armPlausible marks the members.
   */
  private countPlausible(): number {
    this.computeTierBests();
    const tiers = this.catalog.tierCount;
    const tables = this.tables!;
    tables.ensureThetaBounds(this.regime);
    const base = this.regime * tiers;
    const { valueHigh, valueLow, riskHigh, riskLow } = this;
    let bestLow = Number.NEGATIVE_INFINITY;
    for (let t = 0; t < tiers; t++) {
      const o = this.tierBest[t]!;
      if (o === UNSET) continue;
      const th = tables.thetaLowBps[base + t]!;
      const miss = BPS_SCALE - th;
      const low = valueHigh * th + (((valueLow * th) / BPS_SCALE) | 0) - (riskHigh * miss + (((riskLow * miss) / BPS_SCALE) | 0));
      const utility = low - this.costMicros[o]! - this.latencyPenaltyMicros[o]!;
      if (utility > bestLow) bestLow = utility;
    }
    let count = 0;
    for (let t = 0; t < tiers; t++) {
      const o = this.tierBest[t]!;
      let plausible = 0;
      if (o !== UNSET) {
        const th = tables.thetaHighBps[base + t]!;
        const miss = BPS_SCALE - th;
        const high = valueHigh * th + (((valueLow * th) / BPS_SCALE) | 0) - (riskHigh * miss + (((riskLow * miss) / BPS_SCALE) | 0));
        plausible = high - this.costMicros[o]! - this.latencyPenaltyMicros[o]! >= bestLow ? 1 : 0;
      }
      this.armPlausible[t] = plausible;
      count += plausible;
    }
    this.plausibleCount = count;
    this.plausibleValid = true;
    return count;
  }

  /**
   * value x theta - risk penalty for every sample and tier of the request's regime, the integer
   * terms of readTierTerms. They depend on the request only through its value and risk, which
   * repeat from request to request, so the last ones computed are kept per regime until the
   * value, the risk or the policy changes: a repeat costs one comparison instead of K x tiers.
   */
  private regimeTerms(policy: KernelPolicy, tiers: number): Float64Array {
    const regime = this.regime;
    const size = policy.sampleCount * tiers;
    let terms = this.termsCache[regime];
    const key = this.termsKey;
    if (
      terms !== undefined &&
      terms.length === size &&
      key[2 * regime] === this.valueHigh * BPS_SCALE + this.valueLow &&
      key[2 * regime + 1] === this.riskHigh * BPS_SCALE + this.riskLow &&
      this.termsPolicy[regime] === policy
    ) {
      return terms;
    }
    if (terms === undefined || terms.length !== size) {
      terms = new Float64Array(size);
      this.termsCache[regime] = terms;
    }
    const theta = policy.thetaBps;
    const { valueHigh, valueLow, riskHigh, riskLow } = this;
    const base = this.regimeBase * tiers;
    for (let i = 0; i < size; i++) {
      const th = theta[base + i]!;
      const miss = BPS_SCALE - th;
      terms[i] = valueHigh * th + (((valueLow * th) / BPS_SCALE) | 0) - (riskHigh * miss + (((riskLow * miss) / BPS_SCALE) | 0));
    }
    key[2 * regime] = valueHigh * BPS_SCALE + valueLow;
    key[2 * regime + 1] = riskHigh * BPS_SCALE + riskLow;
    this.termsPolicy[regime] = policy;
    return terms;
  }

  /** Fills tierBest from the feasible options, once per decision and only when asked. */
  private computeTierBests(): void {
    if (this.tierBestsValid) return;
    const { costMicros, latencyPenaltyMicros, tierBest } = this;
    const costCap = this.judgedCostCapMicros;
    const quality = this.tables!.optionQualityBps;
    const qualityBase = this.regime * this.catalog.optionCount;
    tierBest.fill(UNSET);
    for (let o = 0; o < this.catalog.optionCount; o++) {
      if (costMicros[o]! === UNSET || costMicros[o]! > costCap || quality[qualityBase + o]! < this.judgedFloorBps) continue;
      const t = this.catalog.tier[o]!;
      const best = tierBest[t]!;
      if (best !== UNSET) {
        const load = costMicros[o]! + latencyPenaltyMicros[o]!;
        const bestLoad = costMicros[best]! + latencyPenaltyMicros[best]!;
        // Options are visited in index order, so among equal (load, cost) the earlier one stays.
        if (load > bestLoad || (load === bestLoad && costMicros[o]! >= costMicros[best]!)) continue;
      }
      tierBest[t] = o;
    }
    this.tierBestsValid = true;
  }

  /** The best option of the j-th plausibly best arm in arm order (countPlausible ran first). */
  private exploredChoice(j: number): number {
    let seen = 0;
    for (let t = 0; t < this.catalog.tierCount; t++) {
      if (this.armPlausible[t] === 0) continue;
      if (seen === j) return this.tierBest[t]!;
      seen++;
    }
    throw new Error("exploredChoice: arm index out of range (kernel bug)");
  }
}

/** Salts of the four seed words, and the state slots they fill: slot 1 gets the word that saw all four. */
const SEED_SALTS = new Int32Array([0x9e3779b9, 0x3c6ef372, 0xdaa66d2b, 0x78dde6e4]);
const SEED_SLOTS = new Int32Array([0, 2, 3, 1]);
