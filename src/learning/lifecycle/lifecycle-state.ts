// The lifecycle's state as a plain JSON value: the configuration in production, the ones it
// replaced (newest last, for rollback), and at most one staged candidate. Transitions live in
// lifecycle.ts; this file builds the first state and reads a stored one back.

import { expectIntegerInRange } from "../../kernel/prng.ts";
import { configHash, parsePolicyConfig, type PolicyConfig } from "./policy-config.ts";

export interface ConfigEntry {
  readonly config: PolicyConfig;
  readonly hash: string;
  /** 0 for a tenant's first configuration; each promotion or rollback adds one. */
  readonly version: number;
  /** When it became the production configuration (promoted, rolled back to, or started). */
  readonly promotedAtMs: number;
}

export interface StagedCandidate {
  readonly config: PolicyConfig;
  readonly hash: string;
  readonly stagedAtMs: number;
}

export interface LifecycleState {
  readonly current: ConfigEntry;
  /** Configurations current before, oldest first; rollback returns to the last one. */
  readonly history: readonly ConfigEntry[];
  /** One candidate at a time (issue 12). */
  readonly candidate: StagedCandidate | null;
}

/**
 * Rollbacks reach this many configurations back; an older one drops out of the state (the chain
 * still holds it, and it can be staged again). A bound, so the stored state never grows.
 */
export const HISTORY_MAX = 32;

export function expectTimeMs(nowMs: number): number {
  return expectIntegerInRange("nowMs", nowMs, 0, Number.MAX_SAFE_INTEGER);
}

/** The config in its parsed form (fields checked, overrides in key order); a config that fails is a caller's bug. */
export function expectConfig(config: PolicyConfig): PolicyConfig {
  const parsed = parsePolicyConfig(config);
  if (!parsed.ok) throw new RangeError(`policy configuration invalid: ${parsed.problem}`);
  return parsed.config;
}

/** A tenant's first state: the configuration it starts with, version 0, nothing staged. */
export function initialLifecycleState(config: PolicyConfig, nowMs: number): LifecycleState {
  const checked = expectConfig(config);
  return {
    current: { config: checked, hash: configHash(checked), version: 0, promotedAtMs: expectTimeMs(nowMs) },
    history: [],
    candidate: null,
  };
}

function expectObject(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new TypeError(`"${name}" expected an object`);
  return { ...value };
}

/** A stored configuration with its hash, recomputed: a row whose hash does not match is corrupt. */
function readConfig(name: string, record: Record<string, unknown>): { config: PolicyConfig; hash: string } {
  const parsed = parsePolicyConfig(record.config);
  if (!parsed.ok) throw new RangeError(`"${name}.config" ${parsed.problem}`);
  const hash = configHash(parsed.config);
  if (record.hash !== hash) throw new RangeError(`"${name}.hash" expected ${hash}, got ${String(record.hash)}`);
  return { config: parsed.config, hash };
}

function readEntry(name: string, value: unknown): ConfigEntry {
  const record = expectObject(name, value);
  return {
    ...readConfig(name, record),
    version: expectIntegerInRange(`${name}.version`, record.version, 0, Number.MAX_SAFE_INTEGER),
    promotedAtMs: expectIntegerInRange(`${name}.promotedAtMs`, record.promotedAtMs, 0, Number.MAX_SAFE_INTEGER),
  };
}

/**
 * Reads a stored state back, checking every hash against its configuration and that versions
 * rise from the oldest entry to the current one. A corrupt row throws: it is a bug to surface,
 * never data to guess at.
 */
export function parseLifecycleState(value: unknown): LifecycleState {
  const record = expectObject("state", value);
  const current = readEntry("current", record.current);
  if (!Array.isArray(record.history) || record.history.length > HISTORY_MAX) {
    throw new RangeError(`"history" expected an array of at most ${HISTORY_MAX} entries`);
  }
  const history = record.history.map((entry: unknown, i) => readEntry(`history[${i}]`, entry));
  [...history, current].reduce((previous, entry) => {
    if (entry.version <= previous) throw new RangeError(`versions expected to rise, got ${entry.version} after ${previous}`);
    return entry.version;
  }, -1);
  let candidate: StagedCandidate | null = null;
  if (record.candidate !== null) {
    const staged = expectObject("candidate", record.candidate);
    candidate = {
      ...readConfig("candidate", staged),
      stagedAtMs: expectIntegerInRange("candidate.stagedAtMs", staged.stagedAtMs, 0, Number.MAX_SAFE_INTEGER),
    };
  }
  return { current, history, candidate };
}
