// Policy configurations in a replay (issue 12, "Replay"): the configuration a data set's
// production runs under, a candidate read over it, and the warm start of a configuration run as
// production. Pure; refuses what a replay cannot honour instead of ignoring it.

import type { DomainPack } from "../domain/domain-pack.ts";
import { configProblemFor } from "../learning/lifecycle/apply-config.ts";
import { configOfContent, parsePolicyConfig, type ConfigParse, type PolicyConfig } from "../learning/lifecycle/policy-config.ts";
import { DECAY_WINDOW } from "../learning/thompson.ts";
import { warmStartContent, type WarmStartOptions } from "../learning/warm-start.ts";
import type { ReplayDataset } from "./replay-dataset.ts";

/** The production settings a replay may override (the CLI's --exploration, the results' sensitivity runs). */
export interface ReplaySettings {
  readonly explorationBps?: number | undefined;
  readonly priorStrength?: number | undefined;
  readonly sharpening?: number | undefined;
}

/** The warm start of production: the data set's, with the overrides given. */
export function productionWarmStart(dataset: ReplayDataset, settings: ReplaySettings): WarmStartOptions {
  return {
    ...dataset.warmStart,
    ...(settings.explorationBps === undefined ? {} : { explorationBps: settings.explorationBps }),
    ...(settings.priorStrength === undefined ? {} : { priorStrength: settings.priorStrength }),
    ...(settings.sharpening === undefined ? {} : { sharpening: settings.sharpening }),
  };
}

/** The configuration production runs under in a replay: its warm start's settings, the pack's catalog. */
export function productionConfig(dataset: ReplayDataset, settings: ReplaySettings): PolicyConfig {
  return configOfContent(warmStartContent(dataset.pack, productionWarmStart(dataset, settings)), dataset.pack);
}

/**
 * The warm start of a configuration run as production (the truth of a candidate): every setting
 * the content holds comes from the configuration, so its prior strength shapes the warm-start
 * priors in full, as it would for a new tenant (apply-config.ts says why a promotion cannot).
 */
export function configWarmStart(dataset: ReplayDataset, config: PolicyConfig): WarmStartOptions {
  return {
    ...dataset.warmStart,
    explorationBps: config.exploration_bps,
    holdoutBps: config.holdout_bps,
    priorStrength: config.prior_strength,
    sharpening: config.sharpening,
    latencyBpsPerSecond: config.latency_bps_per_second,
  };
}

/**
 * Null when a replay can run the configuration faithfully; else why not. Beyond configProblemFor
 * (the pack's catalog and regimes), one field has no effect a replay could show, and a
 * candidate that sets it would be judged as if it were at its default:
 * - decay_window: in shadow the candidate decides on production's posteriors, which learn with
 *   production's window (the Learner's too: src/learning/lifecycle/running-config.ts), so its own
 *   window has no effect the gate could judge.
 */
export function replayConfigProblem(config: PolicyConfig, pack: DomainPack): string | null {
  const problem = configProblemFor(config, pack);
  if (problem !== null) return problem;
  if (config.decay_window !== DECAY_WINDOW) {
    return `"decay_window" expected ${DECAY_WINDOW} in a replay (the shadow decides on production's posteriors, which learn with production's window), got ${config.decay_window}`;
  }
  return null;
}

/** A candidate read from JSON over `base` (fields left out keep production's), refused if a replay cannot run it. */
export function parseReplayCandidate(value: unknown, base: PolicyConfig, pack: DomainPack): ConfigParse {
  const parsed = parsePolicyConfig(value, base);
  if (!parsed.ok) return parsed;
  const problem = replayConfigProblem(parsed.config, pack);
  return problem === null ? parsed : { ok: false, problem };
}
