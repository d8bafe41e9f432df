// The learning loop exactly as production runs it, without the ledger: prepareDecision on the
// current snapshot, an outcome drawn from a known true success rate, applyOutcome, and a new
// snapshot (buildSnapshot -> toKernelPolicy) every N outcomes; and the 11-option oracle world.
// Shared by the oracle tests. It never uses Math.random: the kernel's seeds and the world's
// outcomes come from seeded streams of their own (bandit-simulation.ts), so every run replays.

import { prepareDecision, type KernelRun, type PolicyEntry } from "../../../src/decision/decide-step.ts";
import type { TenantView } from "../../../src/decision/tenant-view.ts";
import type { DomainPack } from "../../../src/domain/domain-pack.ts";
import { tierCostMicros, tierPack, WORK_UNITS_PER_RECORD } from "../../../src/domain/tier-pack.ts";
import { betaU32 } from "../../../src/kernel/beta-sampler.ts";
import { DecisionResult } from "../../../src/kernel/decision-result.ts";
import { Kernel } from "../../../src/kernel/kernel.ts";
import type { KernelRequest } from "../../../src/kernel/request.ts";
import { DecisionCode } from "../../../src/kernel/result-codes.ts";
import { MASK_ALL, UNSET } from "../../../src/kernel/units.ts";
import { applyOutcome, initialLearnerState, type LearnerState } from "../../../src/learning/learner-state.ts";
import { optionCostMicros } from "../../../src/learning/option-cost.ts";
import { buildSnapshot, toKernelPolicy, type PolicyContent } from "../../../src/learning/policy-snapshot.ts";
import { updateBeta } from "../../../src/learning/thompson.ts";
import { chooserFor, pull, worldFor } from "./bandit-simulation.ts";

const BPS_SCALE = 10_000;

export const TENANT: TenantView = {
  tenantId: "oracle",
  name: "Oracle tenant",
  status: "active",
  mode: "live",
  pack: "oracle",
  allowedProviderMask: MASK_ALL,
  rateLimitPerMinute: 0,
  costCapMicros: UNSET,
  apiKeyId: "oracle",
};

/** One standard record (WORK_UNITS_PER_RECORD units, one output unit) of a tier pack, risk 0. */
export function tierRequest(regimeIndex: number, valueMicros: number): KernelRequest {
  return {
    regimeIndex,
    inputTokens: WORK_UNITS_PER_RECORD,
    maxOutputTokens: 1,
    valueMicros,
    riskBps: 0,
    clientFloorBps: UNSET,
    maxLatencyMs: UNSET,
    maxCostMicros: UNSET,
    requiredCapabilityMask: 0,
    providerAllowMask: MASK_ALL,
    providerDenyMask: 0,
  };
}

/**
 * The true expected net value of every option on a standard record, in microcents x 10^4:
 * value x successBps - cost x 10^4, so the comparison is exact in integers. Computed from the
 * truth and the pack's prices (tierCostMicros), never from a posterior or the kernel's terms.
 */
export function trueNetValues(pack: DomainPack, successBps: readonly number[], valueMicros: number): number[] {
  return successBps.map((p, o) => valueMicros * p - tierCostMicros(pack, o, WORK_UNITS_PER_RECORD) * BPS_SCALE);
}

/** The index of the strictly largest value; throws when the best is tied (the oracle needs one answer). */
export function strictBest(values: readonly number[]): number {
  const most = Math.max(...values);
  const at = values.indexOf(most);
  if (values.lastIndexOf(most) !== at) throw new Error(`the best value ${most} is tied`);
  return at;
}

export interface LoopWorld {
  readonly pack: DomainPack;
  /** True success rate of every option, bps, in pack order. */
  readonly successBps: readonly number[];
  readonly request: KernelRequest;
  /** Outcomes between two published snapshots. */
  readonly publishEvery: number;
}

export interface LoopRun {
  /** The option served in each round (the kernel's first-ranked choice). */
  readonly choices: Int32Array;
  readonly explored: Uint8Array;
  /** The regime's floor each decision was made under (the learned floor moves with outcomes). */
  readonly floorBps: Int32Array;
  readonly learner: LearnerState;
  readonly snapshots: number;
}

export interface LoopOptions {
  readonly rounds: number;
  /** Stops the run after the round for which it returns true (the round's index is given). */
  readonly stop?: (round: number, choice: number) => boolean;
}

function publish(content: PolicyContent, version: number): PolicyEntry {
  const snapshot = buildSnapshot(content, version);
  return { snapshot, policy: toKernelPolicy(snapshot) };
}

/** The kernel's 128-bit seed of one decision, from the run's decision stream. */
function nextSeed(stream: ReturnType<typeof chooserFor>): { words: Uint32Array; hex: string } {
  const words = Uint32Array.from({ length: 4 }, () => stream.nextU32());
  return { words, hex: Array.from(words, (w) => w.toString(16).padStart(8, "0")).join("") };
}

/**
 * Runs `rounds` decisions of one seed. The kernel, its result and the learner are fresh per run.
 * Every round must decide (code ok): a refusal would mean the world is built wrong, so it throws.
 */
export function runLoop(world: LoopWorld, start: LearnerState, seed: number, options: LoopOptions): LoopRun {
  const { pack, successBps, request, publishEvery } = world;
  const run: KernelRun = { kernel: new Kernel(pack.catalog), out: new DecisionResult() };
  const decisions = chooserFor(seed);
  const outcomes = worldFor(seed);
  const costOf = (option: string, inputTokens: number, outputTokens: number): number | null =>
    optionCostMicros(pack, option, inputTokens, outputTokens);
  const regime = pack.regimes[request.regimeIndex]!.id;
  const choices = new Int32Array(options.rounds).fill(-1);
  const explored = new Uint8Array(options.rounds);
  const floorBps = new Int32Array(options.rounds);
  let learner = start;
  let version = 0;
  let entry = publish(learner.content, version);
  let round = 0;
  for (; round < options.rounds; round++) {
    const seedWords = nextSeed(decisions);
    const prepared = prepareDecision({
      pack,
      run,
      tenant: TENANT,
      learned: entry,
      baseline: null,
      holdout: false,
      regime,
      request,
      requestId: null,
      tenantChoice: null,
      seedOf: () => seedWords,
    });
    const result = prepared.record.result;
    if (result.code !== DecisionCode.ok) throw new Error(`round ${round} refused: ${result.code_name}`);
    const served = prepared.candidates[0]!.option;
    const arm = pack.options.findIndex((option) => option.id === served);
    choices[round] = arm;
    explored[round] = result.explored ? 1 : 0;
    floorBps[round] = entry.snapshot.floorBps[request.regimeIndex]!;
    const success = pull(outcomes, successBps[arm]!);
    learner = applyOutcome(
      learner,
      pack,
      {
        outcomeId: `o-${round}`,
        servedOption: served,
        context: prepared.learnerContext,
        outcome: { success, quality_bps: null },
      },
      costOf,
    );
    if ((round + 1) % publishEvery === 0) entry = publish(learner.content, ++version);
    if (options.stop?.(round, arm) === true) {
      round++;
      break;
    }
  }
  return {
    choices: choices.subarray(0, round),
    explored: explored.subarray(0, round),
    floorBps: floorBps.subarray(0, round),
    learner,
    snapshots: version + 1,
  };
}

/** Rounds of `choices[from..]` that chose `option`, as a share. */
export function shareOf(choices: Int32Array, option: number, from: number): number {
  let hits = 0;
  for (let i = from; i < choices.length; i++) if (choices[i] === option) hits++;
  return hits / (choices.length - from);
}

/** The q-quantile (0..1) of numbers, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

// --- The 11-option oracle world (bandit-oracle.test.ts and bandit-oracle.slow.test.ts) -------------

/** What a successful record is worth: 0.10 USD. */
export const ORACLE_VALUE_MICROS = 10_000_000;
/** True success rates, 50 % to 90 %. */
export const ORACLE_SUCCESS_BPS = [5_000, 5_500, 6_000, 6_400, 6_800, 7_200, 7_600, 8_400, 8_600, 8_800, 9_000] as const;
/**
 * Cost of a standard record. The first eight options cost the same, so among them quality decides;
 * the three most accurate cost 10, 14 and 20 % of the value more, which makes option 7 (84 %) the
 * best buy: net 8,200,000 against 7,400,000 for the runners-up (options 6 and 8), 8 % of the value.
 */
export const ORACLE_COST_MICROS = [
  200_000, 200_000, 200_000, 200_000, 200_000, 200_000, 200_000, 200_000, 1_200_000, 1_600_000, 2_200_000,
] as const;

/*
 * The oracle's pack: tierPack with 11 options, one regime, every catalog quality 70 %, and every
 * prior quality unknown (null). Why: a null prior quality gives exactly the neutral Beta(1, 1)
 * flagged in content.neutral, as buildPack does for a model pack whose priorQuality returns null,
 * so the learner starts knowing nothing, and any success rate it reaches is learned. The catalog
 * qualities stay equal because the kernel's floor gate compares the learned floor with them: with
 * equal qualities the floor's ceiling is every option's quality, so the gate never separates the
 * options, and the oracle measures the bandit alone. With one regime pooling has nothing to pool.
 */
export function oraclePack(): DomainPack {
  const pack = tierPack("bandit-oracle", {
    provider: "ops",
    // No latency price: utility is value x theta - cost, exactly the net value defined above.
    latencyBpsPerSecond: 0,
    regimes: [{ id: "all", warmStartFloorBps: 5_000 }],
    tiers: ORACLE_COST_MICROS.map((cost, o) => ({ id: `option-${o}`, qualityBps: 7_000, latencyMsP50: 100, costPerRecordMicros: cost })),
  });
  return { ...pack, priorQualityBps: pack.priorQualityBps.map(() => null) };
}

export interface OracleFigures {
  readonly seeds: number;
  readonly rounds: number;
  /** Share of the best option in the last half, over all seeds' last halves together. */
  readonly aggregateShare: number;
  readonly worstSeed: number;
  readonly worstShare: number;
  /** Per seed, in seed order. */
  readonly shares: readonly number[];
}

/** Runs seeds 0 .. seeds - 1 of the oracle world through the production loop. */
export function runOracle(seeds: number, rounds: number, explorationBps: number): OracleFigures {
  const pack = oraclePack();
  const best = strictBest(trueNetValues(pack, ORACLE_SUCCESS_BPS, ORACLE_VALUE_MICROS));
  const world: LoopWorld = { pack, successBps: ORACLE_SUCCESS_BPS, request: tierRequest(0, ORACLE_VALUE_MICROS), publishEvery: 16 };
  const shares = Array.from({ length: seeds }, (_, seed) => {
    const run = runLoop(world, initialLearnerState(pack, { explorationBps }), seed, { rounds });
    return shareOf(run.choices, best, rounds / 2);
  });
  const worstShare = Math.min(...shares);
  return {
    seeds,
    rounds,
    aggregateShare: shares.reduce((sum, share) => sum + share, 0) / seeds,
    worstSeed: shares.indexOf(worstShare),
    worstShare,
    shares,
  };
}

/**
 * The yardstick: textbook Thompson sampling on the same world, with no snapshot, bank, floor or
 * kernel in between: every round one exact Beta draw per option from its counts (betaU32), the
 * largest value x theta - cost wins, and updateBeta learns the outcome. Returns the best option's
 * share of the last half per seed.
 */
export function referenceThompsonShares(seeds: number, rounds: number): number[] {
  const best = strictBest(trueNetValues(oraclePack(), ORACLE_SUCCESS_BPS, ORACLE_VALUE_MICROS));
  return Array.from({ length: seeds }, (_, seed) => {
    const chooser = chooserFor(seed);
    const outcomes = worldFor(seed);
    const arms = ORACLE_SUCCESS_BPS.map(() => ({ alpha: 1, beta: 1 }));
    let hits = 0;
    for (let round = 0; round < rounds; round++) {
      let chosen = 0;
      let most = Number.NEGATIVE_INFINITY;
      for (let o = 0; o < arms.length; o++) {
        const theta = betaU32(chooser, arms[o]!.alpha, arms[o]!.beta) / 2 ** 32;
        const net = ORACLE_VALUE_MICROS * theta - ORACLE_COST_MICROS[o]!;
        if (net > most) {
          most = net;
          chosen = o;
        }
      }
      arms[chosen] = updateBeta(arms[chosen]!, pull(outcomes, ORACLE_SUCCESS_BPS[chosen]!));
      if (round >= rounds / 2 && chosen === best) hits++;
    }
    return hits / (rounds / 2);
  });
}
