// The adaptive policy on a record table: Calybris itself, through the production path. Per window
// of concurrent records: the kernel decides on the current snapshot (src/decision/decide-step.ts,
// as /v1/decide does), the ledger seals each decision and reserves its worst-case cost in one
// group commit, the outcomes come back and settle the budget in the next, and the ledger's outbox
// is delivered to the Learner (applyOutcome, as the Learner object does). The Learner publishes a
// new snapshot every `publishEvery` outcomes, as a worker's snapshot cache would refresh.

import type { DecisionRecord } from "../decision/decision-record.ts";
import type { TenantView } from "../decision/tenant-view.ts";
import { DecisionResult } from "../kernel/decision-result.ts";
import { Kernel } from "../kernel/kernel.ts";
import type { KernelRequest } from "../kernel/request.ts";
import { DecisionCode } from "../kernel/result-codes.ts";
import { MASK_ALL, UNSET } from "../kernel/units.ts";
import { prepareDecision, type KernelRun, type PolicyEntry } from "../decision/decide-step.ts";
import { prepareOutcome } from "../decision/outcome-step.ts";
import type { OutcomePayload } from "../learning/learner-input.ts";
import { applyOutcome, initialLearnerState, type LearnerState } from "../learning/learner-state.ts";
import { optionCostMicros } from "../learning/option-cost.ts";
import { buildSnapshot, toKernelPolicy } from "../learning/policy-snapshot.ts";
import type { DecideResult } from "../ledger/commands.ts";
import { LedgerEngine } from "../ledger/engine.ts";
import type { EntryRow, TenantRow } from "../ledger/store.ts";
import { drawU32 } from "./draws.ts";
import type { RecordTable } from "./record-table.ts";
import type { ReplayDataset } from "./replay-dataset.ts";
import { ReplayStore } from "./replay-store.ts";

/** Records decided concurrently: one ledger batch of decisions, then one of their outcomes. */
export const WINDOW = 64;
/**
 * Outcomes between two published snapshots (the worker's snapshot cache refreshes about once a
 * second): about 100 snapshots per run, but at least every 2,048 and at most every 64 outcomes.
 * A snapshot draws K x regimes x tiers Beta samples, so publishing per outcome would dominate.
 */
export function publishInterval(records: number): number {
  return Math.min(2_048, Math.max(64, Math.round(records / 100)));
}
/** The replay clock: 2026-01-01T00:00:00Z plus one second per record. */
export const REPLAY_EPOCH_MS = 1_767_225_600_000;
const RESERVATION_TTL_MS = 3_600_000;
const SEED_STREAM = 0x5eed;

export interface AdaptiveOptions {
  readonly seed: number;
  /** Replaces every record's value (the LLM packs' three business values). */
  readonly valueMicros?: number | undefined;
  /** The tenant's budget; by default enough for the most expensive option on every record. */
  readonly budgetMicros?: number;
  /** Receives every chain entry in order (e.g. to write the chain's JSONL export). */
  readonly onEntry?: ((row: EntryRow) => void) | undefined;
  /** Counts a chain line's UTF-8 bytes (the Node shells pass Buffer.byteLength). */
  readonly byteLength?: ((text: string) => number) | undefined;
  /** Called after each window with the records done. */
  readonly onProgress?: (done: number) => void;
  /** The policy's causal exploration share, bps; the data set's warm start (the production default) when absent. */
  readonly explorationBps?: number | undefined;
  /** The prior strength S; the warm start's default when absent. */
  readonly priorStrength?: number | undefined;
  /** The bank's sharpening d (policy-snapshot.ts); the warm start's default when absent. */
  readonly sharpening?: number | undefined;
  /** Points at which the learned floors are sampled (record indexes, ascending). */
  readonly floorSamples?: readonly number[];
}

export interface AdaptiveRun {
  /** Served option per record, or -1 where no option was served (an error). */
  readonly choices: Int32Array;
  readonly explored: Uint8Array;
  /** Propensity of the served option in ppm, 0 where none. */
  readonly propensityPpm: Int32Array;
  readonly errors: readonly { readonly record: string; readonly reason: string }[];
  readonly floorsAt: readonly { readonly record: number; readonly floorBps: readonly number[] }[];
  readonly learner: LearnerState;
  readonly snapshots: number;
  readonly ledger: {
    readonly entries: number;
    readonly bytes: number;
    readonly head: string;
    readonly creditedMicros: number;
    readonly committedMicros: number;
    readonly reservedMicros: number;
  };
}

function replayTenant(dataset: ReplayDataset): TenantRow {
  return {
    tenantId: `replay-${dataset.id}`,
    name: `Replay of ${dataset.id}`,
    status: "active",
    mode: "live",
    pack: dataset.pack.id,
    allowedProviderMask: MASK_ALL,
    rateLimitPerMinute: 0,
    costCapMicros: UNSET,
    apiKeyHashHex: "00".repeat(32),
    apiKeyId: "replay",
    webhookSecret: "whsec_cmVwbGF5",
    createdAtMs: REPLAY_EPOCH_MS,
  };
}

function defaultBudget(table: RecordTable): number {
  let total = 0;
  for (let i = 0; i < table.count; i++) {
    let most = 0;
    for (let o = 0; o < table.optionCount; o++) most = Math.max(most, table.costMicros[i * table.optionCount + o]!);
    total += most;
  }
  // Reservations are worst-case estimates, so leave room above the realized costs.
  return Math.min(Number.MAX_SAFE_INTEGER, 2 * total + 1_000_000_000);
}

/** The kernel's 128-bit seed of record i: derived from (run seed, record index) like any draw. */
function recordSeed(seed: number, index: number): { words: Uint32Array; hex: string } {
  const words = new Uint32Array(4);
  let hex = "";
  for (let w = 0; w < 4; w++) {
    words[w] = drawU32(seed ^ SEED_STREAM, index, w);
    hex += words[w]!.toString(16).padStart(8, "0");
  }
  return { words, hex };
}

export async function runAdaptive(dataset: ReplayDataset, table: RecordTable, options: AdaptiveOptions): Promise<AdaptiveRun> {
  const pack = dataset.pack;
  const optionIndex = new Map(pack.options.map((option, i) => [option.id, i]));
  const store = new ReplayStore(options.onEntry ?? null, options.byteLength);
  const engine = new LedgerEngine(store, { defer: (flush) => queueMicrotask(flush) });
  const tenantRow = replayTenant(dataset);
  const created = await engine.submit({
    type: "create_tenant",
    tenant: tenantRow,
    initialBudgetMicros: options.budgetMicros ?? defaultBudget(table),
    nowMs: REPLAY_EPOCH_MS,
  });
  if (!created.ok) throw new Error(`replay tenant refused: ${created.code}`);
  const tenant: TenantView = {
    tenantId: tenantRow.tenantId,
    name: tenantRow.name,
    status: "active",
    mode: "live",
    pack: pack.id,
    allowedProviderMask: MASK_ALL,
    rateLimitPerMinute: 0,
    costCapMicros: UNSET,
    apiKeyId: tenantRow.apiKeyId,
  };
  const run: KernelRun = { kernel: new Kernel(pack.catalog), out: new DecisionResult() };
  const costOf = (option: string, inputTokens: number, outputTokens: number): number | null =>
    optionCostMicros(pack, option, inputTokens, outputTokens);
  const warmStart = {
    ...dataset.warmStart,
    ...(options.explorationBps === undefined ? {} : { explorationBps: options.explorationBps }),
    ...(options.priorStrength === undefined ? {} : { priorStrength: options.priorStrength }),
    ...(options.sharpening === undefined ? {} : { sharpening: options.sharpening }),
  };
  let learner = initialLearnerState(pack, warmStart);
  let version = 0;
  const publish = (): PolicyEntry => {
    const snapshot = buildSnapshot(learner.content, version);
    return { snapshot, policy: toKernelPolicy(snapshot) };
  };
  let entry = publish();
  let sincePublish = 0;
  const publishEvery = publishInterval(table.count);

  const n = table.count;
  const m = table.optionCount;
  const choices = new Int32Array(n).fill(-1);
  const explored = new Uint8Array(n);
  const propensityPpm = new Int32Array(n);
  const errors: { record: string; reason: string }[] = [];
  const floorsAt: { record: number; floorBps: readonly number[] }[] = [];
  const samples = options.floorSamples ?? [];
  let nextSample = 0;

  for (let start = 0; start < n; start += WINDOW) {
    const end = Math.min(n, start + WINDOW);
    while (nextSample < samples.length && samples[nextSample]! <= start) {
      floorsAt.push({ record: samples[nextSample]!, floorBps: [...learner.content.floorBps] });
      nextSample++;
    }
    // Decisions: the kernel on the current snapshot, then one ledger batch for the window.
    const records: DecisionRecord[] = [];
    const decided: Promise<DecideResult>[] = [];
    for (let i = start; i < end; i++) {
      const request: KernelRequest = {
        regimeIndex: table.regime[i]!,
        inputTokens: table.inputTokens[i]!,
        maxOutputTokens: table.maxOutputTokens[i]!,
        valueMicros: options.valueMicros ?? table.valueMicros[i]!,
        riskBps: table.riskBps[i]!,
        clientFloorBps: UNSET,
        maxLatencyMs: UNSET,
        maxCostMicros: UNSET,
        requiredCapabilityMask: 0,
        providerAllowMask: MASK_ALL,
        providerDenyMask: 0,
      };
      const prepared = prepareDecision({
        pack,
        run,
        tenant,
        learned: entry,
        baseline: null,
        holdout: false,
        regime: pack.regimes[request.regimeIndex]!.id,
        request,
        requestId: table.ids[i]!,
        tenantChoice: null,
        seedOf: () => recordSeed(options.seed, i),
      });
      records.push(prepared.record);
      decided.push(
        engine.submit({
          type: "decide",
          decisionId: `d-${i}`,
          idempotencyKey: null,
          requestDigestHex: "",
          ...prepared,
          reservationTtlMs: RESERVATION_TTL_MS,
          nowMs: REPLAY_EPOCH_MS + i * 1000,
        }),
      );
    }
    const results = await Promise.all(decided);
    // Outcomes of the served options, from the table, in one more batch.
    const settled: Promise<unknown>[] = [];
    results.forEach((result, k) => {
      const i = start + k;
      const record = records[k]!;
      if (!result.ok || result.servedRank < 0) {
        const reason = !result.ok
          ? `ledger: ${result.code}`
          : result.budgetVerdict === "fail"
            ? "refused: budget_exhausted"
            : `refused: ${record.result.code_name}`;
        errors.push({ record: table.ids[i]!, reason });
        return;
      }
      const served = optionIndex.get(record.result.ranked[result.servedRank]!)!;
      choices[i] = served;
      explored[i] = record.result.explored && result.servedRank === 0 ? 1 : 0;
      propensityPpm[i] = result.servedRank === 0 && record.result.code === DecisionCode.ok ? record.result.propensity.ppm : 0;
      const cell = i * m + served;
      const success = table.success[cell] === 1;
      const quality = table.qualityBps[cell]!;
      const cost = table.costMicros[cell]!;
      const outcome = prepareOutcome(
        {
          model: pack.options[served]!.id,
          inputTokens: table.inputTokens[i]!,
          outputTokens: table.maxOutputTokens[i]!,
          latencyMs: null,
          actualCostMicros: cost,
        },
        { success, qualityBps: quality, businessOutcomeMicros: null },
      );
      settled.push(
        engine.submit({
          type: "outcome",
          webhookId: `o-${i}`,
          requestDigestHex: `o-${i}`,
          decisionFingerprint: result.fingerprint,
          ...outcome,
          nowMs: REPLAY_EPOCH_MS + i * 1000 + 500,
        }),
      );
    });
    const outcomes = await Promise.all(settled);
    for (const outcome of outcomes) {
      const o = outcome as { ok: boolean; code?: string };
      if (!o.ok) throw new Error(`outcome refused by the ledger: ${o.code}`);
    }
    // The outbox, delivered to the Learner in order, then settled as the ledger's alarm does.
    const due = store.readOutboxDue(Number.MAX_SAFE_INTEGER, WINDOW);
    for (const row of due) learner = applyOutcome(learner, pack, JSON.parse(row.payload) as OutcomePayload, costOf);
    if (due.length > 0) await engine.submit({ type: "outbox_settle", delivered: due.map((row) => row.id), retry: [] });
    // Every decision of the window has its outcome: no later command can name them.
    store.forgetSettled();
    sincePublish += due.length;
    if (sincePublish >= publishEvery) {
      version++;
      entry = publish();
      sincePublish = 0;
    }
    options.onProgress?.(end);
  }
  while (nextSample < samples.length) {
    floorsAt.push({ record: samples[nextSample]!, floorBps: [...learner.content.floorBps] });
    nextSample++;
  }
  const head = engine.head;
  return {
    choices,
    explored,
    propensityPpm,
    errors,
    floorsAt,
    learner,
    snapshots: version + 1,
    ledger: {
      entries: store.entries,
      bytes: store.entryBytes,
      head: head.headHex,
      creditedMicros: head.creditedMicros,
      committedMicros: head.committedMicros,
      reservedMicros: head.reservedMicros,
    },
  };
}
