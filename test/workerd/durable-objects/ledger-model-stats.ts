// Bookkeeping of the workerd model test: what the runs exercised, the one way a divergence is
// reported, and the small value helpers that make answers comparable and traces exact.

import { expect } from "vitest";

export interface DriverStats {
  runs: number;
  operations: number;
  rpcCalls: number;
  okResults: number;
  evictions: number;
  bursts: number;
  /** Operations by kind, refusals by code, and interesting successes (replays, late outcomes, ...). */
  kinds: Map<string, number>;
  failures: Map<string, number>;
  events: Map<string, number>;
  /** Wall time spent per operation kind (workerd's clock advances with I/O, which is all these do). */
  timeMs: Map<string, number>;
}

export function emptyStats(): DriverStats {
  return {
    runs: 0,
    operations: 0,
    rpcCalls: 0,
    okResults: 0,
    evictions: 0,
    bursts: 0,
    kinds: new Map(),
    failures: new Map(),
    events: new Map(),
    timeMs: new Map(),
  };
}

export function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

export class Divergence extends Error {
  override readonly name = "Divergence";
}

export function check(condition: boolean, message: () => string): void {
  if (!condition) throw new Divergence(message());
}

export function checkSafeNumbers(value: unknown, where: () => string): void {
  if (typeof value === "number")
    check(Number.isSafeInteger(value) && !Object.is(value, -0), () => `unsafe number ${show(value)}; ${where()}`);
  else if (typeof value === "object" && value !== null) for (const inner of Object.values(value)) checkSafeNumbers(inner, where);
}

export function show(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  return JSON.stringify(value) ?? String(value);
}

/** Keeps traces exact: NaN, the infinities and -0 spelled out. */
export function traceValue(_key: string, value: unknown): unknown {
  if (typeof value === "number" && (!Number.isSafeInteger(value) || Object.is(value, -0))) return show(value);
  return value;
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/** One line that says what a set of runs exercised, for the test log. */
export function describeStats(stats: DriverStats): string {
  const json = (map: Map<string, number>): string => JSON.stringify(Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1))));
  return (
    `${stats.runs} runs, ${stats.operations} operations, ${stats.rpcCalls} RPC commands (${stats.okResults} ok), ${stats.bursts} bursts, ` +
    `${stats.evictions} evictions; kinds ${json(stats.kinds)}; refusals ${json(stats.failures)}; events ${json(stats.events)}; ms ${json(stats.timeMs)}`
  );
}

/** Every refusal and every interesting success the runs must reach, so that none quietly stops being exercised. */
export function expectCoverage(stats: DriverStats): void {
  for (const code of [
    "amount_invalid",
    "balance_limit_exceeded",
    "idempotency_key_reused",
    "decision_unknown",
    "decision_not_reserved",
    "outcome_already_recorded",
    "reservation_unknown",
    "reservation_already_resolved",
    "tenant_exists",
    "tenant_unknown",
    "record_invalid",
    "tenant_suspended",
    "unauthorized",
    "webhook_signature_invalid",
    "webhook_timestamp_stale",
    "webhook_id_reused",
    "outcome_model_not_offered",
  ]) {
    expect(stats.failures.get(code) ?? 0, code).toBeGreaterThan(0);
  }
  for (const event of [
    "decide_pass",
    "decide_fail",
    "decide_not_evaluated",
    "decide_replayed",
    "outcome_settled",
    "outcome_late",
    "outcome_uncollected",
    "outcome_replayed",
    "release_replayed",
    "top_up_replayed",
    "expire_some",
    "expire_none",
    "alarm_ran",
    "alarm_none_scheduled",
    "checkpoint_signed",
    "alarm_signed_nothing",
    "policy_sealed",
  ]) {
    expect(stats.events.get(event) ?? 0, event).toBeGreaterThan(0);
  }
  expect(stats.evictions).toBeGreaterThan(0);
  expect(stats.bursts).toBeGreaterThan(0);
}
