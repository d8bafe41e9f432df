// The Learner's state as a pure value and the one step that learns an outcome: Beta counts of the
// served option, the regime's floor (calibration), its feature statistics, and apprentice figures.
// applyOutcome returns a new state and never mutates its input.

import type { DomainPack } from "../domain/domain-pack.ts";
import { FloorSource } from "../kernel/result-codes.ts";
import { perFeature, type Feature, type RegimeFeatureSums } from "./anomaly.ts";
import { calibrateFloor, floorBounds } from "./calibration.ts";
import type { OutcomePayload } from "./learner-input.ts";
import { bankParameters } from "./pooled-prior.ts";
import type { PolicyContent, RegimeStatsText } from "./policy-snapshot.ts";
import { observe, sumsFromText, sumsToText } from "./regime-stats.ts";
import type { PolicyConfig } from "./lifecycle/policy-config.ts";
import { DECAY_WINDOW, updateBeta } from "./thompson.ts";
import { warmStartContent, type WarmStartOptions } from "./warm-start.ts";

export interface ApprenticeFigures {
  /** Apprentice decisions with an outcome, and those where Calybris would have chosen the same. */
  readonly decisions: number;
  readonly agreements: number;
  /** Sum over them of (actual cost - cost of Calybris's choice at the same tokens), microcents. */
  readonly savingsMicros: number;
}

/** Everything the Learner keeps: the policy content (floors, posteriors, statistics) and figures. */
export interface LearnerState {
  readonly content: PolicyContent;
  readonly outcomes: number;
  readonly apprentice: ApprenticeFigures;
  /**
   * The promoted configuration the posteriors learn inside (src/learning/lifecycle), or absent
   * before the tenant's first lifecycle event: then the defaults (decay window, no floor override).
   */
  readonly config?: PolicyConfig;
}

export function initialLearnerState(pack: DomainPack, options: WarmStartOptions = {}): LearnerState {
  return {
    content: warmStartContent(pack, options),
    outcomes: 0,
    apprentice: { decisions: 0, agreements: 0, savingsMicros: 0 },
  };
}

/** Success as the Learner counts it: the client's verdict, else a quality at or above the floor. */
export function isSuccess(outcome: OutcomePayload["outcome"], floorBps: number): boolean {
  if (outcome.success !== null) return outcome.success;
  return (outcome.quality_bps ?? 0) >= floorBps;
}

export type CostOf = (option: string, inputTokens: number, outputTokens: number) => number | null;

export function applyOutcome(state: LearnerState, pack: DomainPack, payload: OutcomePayload, costOf: CostOf): LearnerState {
  const regime = payload.context.regime_index;
  const arm = pack.options.findIndex((candidate) => candidate.id === payload.servedOption);
  if (!Number.isSafeInteger(regime) || regime < 0 || regime >= pack.regimes.length || arm < 0) return state;
  const content = state.content;
  // Every option is its own arm (src/domain/domain-pack.ts): the cell is regime x option.
  const cell = regime * content.tierCount + arm;
  const success = isSuccess(payload.outcome, content.floorBps[regime]!);
  const counts = updateBeta(
    { alpha: content.alpha[cell]!, beta: content.beta[cell]! },
    success,
    state.config?.decay_window ?? DECAY_WINDOW,
  );
  const alpha = content.alpha.map((value, i) => (i === cell ? counts.alpha : value));
  const beta = content.beta.map((value, i) => (i === cell ? counts.beta : value));
  // The ceiling is the best quality any option has, by the catalog or by what was learned so far
  // (this outcome included): the floor gate judges options by the better of the two.
  const ceiling = Math.max(bestQualityBps(pack), bestLearnedQualityBps({ ...content, alpha, beta }, regime));
  const floor = calibrateFloor(content.floorBps[regime]!, success, floorBounds(pack.regimes[regime]!.warmStartFloorBps, ceiling));
  const features: Record<Feature, number> = {
    input_tokens: payload.context.input_tokens,
    value_micros: payload.context.value_micros,
    risk_bps: payload.context.risk_bps,
  };
  const regimeStats = regimeSums(content.stats[regime]!);
  const nextStats = statsToText(perFeature((f) => observe(regimeStats[f], features[f])));
  const nextContent: PolicyContent = {
    ...content,
    stats: content.stats.map((text, r) => (r === regime ? nextStats : text)),
    alpha,
    beta,
    floorBps: content.floorBps.map((value, r) => (r === regime ? floor : value)),
    floorSource: content.floorSource.map((value, r) => (r === regime ? FloorSource.learned : value)),
  };
  return {
    content: nextContent,
    outcomes: state.outcomes + 1,
    apprentice: payload.context.mode === "apprentice" ? apprenticeStep(state.apprentice, payload, costOf) : state.apprentice,
  };
}

function apprenticeStep(figures: ApprenticeFigures, payload: OutcomePayload, costOf: CostOf): ApprenticeFigures {
  const choice = payload.context.kernel_choice ?? null;
  const agrees = choice !== null && choice === payload.servedOption;
  const { input_tokens: inputTokens, output_tokens: outputTokens, actual_cost_micros: actual } = payload.outcome;
  const alternative =
    choice === null || inputTokens === undefined || outputTokens === undefined ? null : costOf(choice, inputTokens, outputTokens);
  const saving = alternative === null || actual === undefined ? 0 : actual - alternative;
  return {
    decisions: figures.decisions + 1,
    agreements: figures.agreements + (agrees ? 1 : 0),
    savingsMicros: figures.savingsMicros + saving,
  };
}

/**
 * The best posterior mean quality of any option in the regime, bps: the ceiling of its learned
 * floor. The floor gate judges options by the same means, so the floor may demand the best
 * option but never refuse every one, and never keeps out an option the data show is best.
 */
export function bestLearnedQualityBps(content: PolicyContent, regime: number): number {
  const { alpha, beta } = bankParameters(content);
  let best = 0;
  for (let arm = 0; arm < content.tierCount; arm++) {
    const cell = regime * content.tierCount + arm;
    best = Math.max(best, Math.floor((alpha[cell]! * 10_000) / (alpha[cell]! + beta[cell]!)));
  }
  return best;
}

const bestQualityOf = new WeakMap<DomainPack, number>();

/** The best option's static quality: the ceiling of every learned floor (once per pack). */
export function bestQualityBps(pack: DomainPack): number {
  let best = bestQualityOf.get(pack);
  if (best === undefined) {
    best = pack.catalog.qualityBps.reduce((most, q) => Math.max(most, q), 0);
    bestQualityOf.set(pack, best);
  }
  return best;
}

/** A regime's statistics as BigInt power sums. */
export function regimeSums(text: RegimeStatsText): RegimeFeatureSums {
  return perFeature((f) => sumsFromText(text[f]));
}

function statsToText(sums: RegimeFeatureSums): RegimeStatsText {
  return perFeature((f) => sumsToText(sums[f]));
}
