// What the two LLM-routing replays (RouterBench, RouteLLM) share: a pack with one tier per real
// model, the same prior quality for every model, business values per correct answer, and the
// replay order. Packs give no outside quality information: what a model is worth is learned.

import { buildPack, type DomainPack, type PackRegime } from "../../domain/domain-pack.ts";
import { recordLimit, type ValueLevels } from "../replay-dataset.ts";
import { DataFileError } from "../data-reader.ts";
import { fixedOrder } from "../draws.ts";

/**
 * Every model starts from the same static quality, so the quality floor never prefers one model
 * to another and no benchmark or arena score leaks into the replay: which model is good for which
 * regime is for the learner alone to find out from the outcomes.
 */
export const PRIOR_QUALITY_BPS = 7_000;
/** Warm-start floor of every regime: Beta(70, 30) for every tier, the same for all models. */
export const WARM_START_FLOOR_BPS = 7_000;
/**
 * Not the models' real context windows (4k to 200k): a window large enough for every prompt of
 * both data sets, so no request is ever refused or clamped for its length. Loaders still check.
 */
export const CONTEXT_TOKENS = 1_000_000;
/** The catalog's output cap; above every request's maxOutputTokens. */
export const CATALOG_OUTPUT_TOKENS_MAX = 100_000;
/** Latency is not in the data: one stated constant, and warm starts price latency at zero. */
export const LATENCY_MS_P50 = 1_000;

/** Business value of one correct answer, microcents: $0.001, $0.03 (the headline) and $1.00. */
export const LLM_VALUE_LEVELS: ValueLevels = { low: 100_000, middle: 3_000_000, high: 100_000_000 };

export interface ReplayModel {
  /** The model's name as the data set spells it; also its tier id. */
  readonly id: string;
  readonly provider: string;
  /** Blended price (input = output), microcents per million tokens. */
  readonly priceMicrosPerMTok: number;
}

/** A pack with one option and one tier per model, in the given order (increasing price). */
export function modelPack(
  id: string,
  providers: readonly string[],
  models: readonly ReplayModel[],
  regimeIds: readonly string[],
): DomainPack {
  for (let i = 1; i < models.length; i++) {
    if (models[i]!.priceMicrosPerMTok < models[i - 1]!.priceMicrosPerMTok) {
      throw new RangeError(`${id}: models must be listed by increasing price (${models[i]!.id})`);
    }
  }
  const regimes: PackRegime[] = regimeIds.map((regime) => ({ id: regime, warmStartFloorBps: WARM_START_FLOOR_BPS }));
  return buildPack({
    id,
    providers,
    tiers: models.map((model) => model.id),
    capabilities: [],
    regimes,
    options: models.map((model) => ({ ...model, tier: model.id })),
    // The data sets say nothing of a model's quality before its outcomes: a neutral prior.
    priorQuality: () => null,
    toKernel: (option, pack) => ({
      providerIndex: pack.providerIndex(option.provider),
      tierIndex: pack.tierIndex(option.tier),
      qualityBps: PRIOR_QUALITY_BPS,
      latencyMsP50: LATENCY_MS_P50,
      contextTokens: CONTEXT_TOKENS,
      maxOutputTokens: CATALOG_OUTPUT_TOKENS_MAX,
      capabilityMask: 0,
      inputPriceMicrosPerMTok: option.priceMicrosPerMTok,
      outputPriceMicrosPerMTok: option.priceMicrosPerMTok,
    }),
  });
}

/** Refuses a request that would not fit the catalog's window: nothing is clamped silently. */
export function checkWindow(file: string, line: number, inputTokens: number, maxOutputTokens: number): void {
  if (inputTokens + maxOutputTokens > CONTEXT_TOKENS) {
    throw new DataFileError(file, line, `prompt of ${inputTokens} estimated tokens does not fit the ${CONTEXT_TOKENS}-token window`);
  }
}

/**
 * The first `limit` items (all when undefined) of a fixed permutation of `items`: the data are
 * stored grouped by task, so the replay mixes them in an order that depends on the salt only.
 */
export function replayOrder<T>(items: readonly T[], salt: number, limit: number | undefined): T[] {
  const count = Math.min(recordLimit(limit), items.length);
  const order = fixedOrder(items.length, salt);
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(items[order[i]!]!);
  return out;
}
