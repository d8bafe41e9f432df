// Reproduction in Node: decision records built exactly as the worker builds them (toKernelRequest,
// decisionSeed, the holdout, then prepareDecision, as src/worker/routes/decide.ts does),
// round-tripped through JSON as the chain stores them, must reproduce to the same canonical bytes
// under the snapshot they name, and reproducing under any other snapshot must be refused.

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { DecisionRecord } from "../../../src/decision/decision-record.ts";
import { LLM_PACK } from "../../../src/domain/llm/pack.ts";
import { CAPABILITIES, PROVIDERS } from "../../../src/domain/llm/types.ts";
import type { TenantView } from "../../../src/decision/tenant-view.ts";
import { DecisionResult } from "../../../src/kernel/decision-result.ts";
import { Kernel } from "../../../src/kernel/kernel.ts";
import type { KernelPolicy } from "../../../src/kernel/policy.ts";
import { DecisionCode } from "../../../src/kernel/result-codes.ts";
import { INPUT_TOKENS_MAX, LATENCY_MS_MAX, MASK_ALL, OUTPUT_TOKENS_MAX, UNSET, VALUE_MICROS_MAX } from "../../../src/kernel/units.ts";
import { prepareDecision } from "../../../src/decision/decide-step.ts";
import {
  applyOutcome,
  bestLearnedQualityBps,
  bestQualityBps,
  initialLearnerState,
  type LearnerState,
} from "../../../src/learning/learner-state.ts";
import { optionCostMicros } from "../../../src/learning/option-cost.ts";
import { buildSnapshot, toKernelPolicy, type PolicySnapshot } from "../../../src/learning/policy-snapshot.ts";
import { reproduceDecision, reproducesSealed } from "../../../src/decision/reproduce.ts";
import { warmStartContent, warmStartSnapshot } from "../../../src/learning/warm-start.ts";
import { canonicalJson, type CanonicalValue } from "../../../src/ledger/canonical.ts";
import { toKernelRequest } from "../../../src/worker/request-mapping.ts";
import { DecideRequest } from "../../../src/worker/schemas.ts";
import { decisionSeed, isHoldout } from "../../../src/decision/seed.ts";
import { DEFAULT_HOLDOUT_BPS } from "../../../src/learning/warm-start.ts";

const PACK = LLM_PACK;
const CASES = 1_500;

// One kernel and one result for every decision, as one worker isolate has.
const run = { kernel: new Kernel(PACK.catalog), out: new DecisionResult() };
const kernelPolicies = new Map<string, KernelPolicy>();

/** A snapshot in kernel form with an exploration share (the worker runs the baseline with the tenant's). */
function kernelPolicyOf(snapshot: PolicySnapshot, explorationBps = snapshot.explorationBps): KernelPolicy {
  const key = `${snapshot.hash}/${explorationBps}`;
  let policy = kernelPolicies.get(key);
  if (policy === undefined) {
    policy = toKernelPolicy(snapshot, explorationBps);
    kernelPolicies.set(key, policy);
  }
  return policy;
}

/** The worker's decision path (src/decision/decide-step.ts); the holdout takes the warm start. */
function decideLikeWorker(
  view: TenantView,
  current: PolicySnapshot,
  body: DecideRequest,
  key: string,
): { record: DecisionRecord; snapshot: PolicySnapshot } {
  const holdout = isHoldout(view.tenantId, key, DEFAULT_HOLDOUT_BPS);
  const mapped = toKernelRequest(body, PACK);
  if (!mapped.ok) throw new Error(mapped.detail);
  const { record } = prepareDecision({
    pack: PACK,
    run,
    tenant: view,
    learned: { snapshot: current, policy: kernelPolicyOf(current) },
    baseline: { snapshot: WARM, policy: kernelPolicyOf(WARM, current.explorationBps) },
    holdout,
    regime: body.regime,
    request: mapped.value,
    requestId: body.request_id ?? null,
    tenantChoice: body.tenant_choice ?? null,
    seedOf: (hash) => decisionSeed(view.tenantId, key, hash),
  });
  return { record, snapshot: holdout ? WARM : current };
}

const WARM = warmStartSnapshot(PACK);
const OPTION_IDS = PACK.options.map((option) => option.id);
const REGIME_IDS = PACK.regimes.map((regime) => regime.id);

/** A deterministic outcome stream: every regime sees small token counts, most outcomes succeed. */
function learn(state: LearnerState, count: number, salt: number, failEveryRegime: number | null = null): LearnerState {
  const costOf = (option: string, input: number, output: number) => optionCostMicros(PACK, option, input, output);
  for (let k = 0; k < count; k++) {
    const regime = (k + salt) % REGIME_IDS.length;
    state = applyOutcome(
      state,
      PACK,
      {
        outcomeId: `o-${salt}-${k}`,
        servedOption: OPTION_IDS[(k * 7 + salt) % OPTION_IDS.length]!,
        context: {
          regime_index: regime,
          input_tokens: 200 + ((k * 37) % 300),
          value_micros: 5_000_000 + (k % 3),
          risk_bps: 1_000 + (k % 5),
        },
        outcome: { success: regime === failEveryRegime ? false : (k * 13 + salt) % 10 < 7, quality_bps: null },
      },
      costOf,
    );
  }
  return state;
}

let SNAPSHOTS: PolicySnapshot[] = [];

beforeAll(() => {
  const start = initialLearnerState(PACK);
  const early = learn(start, 60, 1);
  const grown = learn(early, 600, 2);
  // Every compliance outcome fails: its floor climbs to the best model's quality (its ceiling), so
  // only the best models remain there; a client's own floor above it is still refused.
  const strict = learn(grown, 400, 3, REGIME_IDS.indexOf("compliance"));
  SNAPSHOTS = [
    WARM,
    buildSnapshot(early.content, 1),
    buildSnapshot(grown.content, 2),
    buildSnapshot(strict.content, 3),
    // Not what the Learner publishes, but replay must hold for any valid snapshot: K = 1, always explore.
    buildSnapshot({ ...warmStartContent(PACK, { sampleCount: 1, explorationBps: 10_000 }) }, 4),
  ];
  expect(new Set(SNAPSHOTS.map((s) => s.hash)).size).toBe(SNAPSHOTS.length);
  // Failures push the compliance floor to its ceiling: the best quality of any option, by the
  // catalog or by what was learned.
  const compliance = REGIME_IDS.indexOf("compliance");
  expect(strict.content.floorBps[compliance]).toBe(Math.max(bestQualityBps(PACK), bestLearnedQualityBps(strict.content, compliance)));
});

const subset = <T>(items: readonly T[]) => fc.subarray([...items], { minLength: 0 });
/** Absent three times in four: most clients leave optional fields out. */
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

const bodyArbitrary = fc.record({
  regime: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...REGIME_IDS) }, { weight: 1, arbitrary: fc.constant("unknown-regime") }),
  size: fc.oneof(
    { weight: 6, arbitrary: fc.record({ input_tokens: fc.integer({ min: 1, max: 5_000 }) }) },
    { weight: 2, arbitrary: fc.record({ input_tokens: fc.integer({ min: 1, max: INPUT_TOKENS_MAX }) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        messages: fc.array(
          fc.record({ role: fc.constantFrom("system", "user", "assistant", "tool"), content: fc.string({ minLength: 1, maxLength: 400 }) }),
          { minLength: 1, maxLength: 3 },
        ),
      }),
    },
  ),
  max_output_tokens: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 1, max: 4_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: OUTPUT_TOKENS_MAX }) },
  ),
  value_micros: fc.oneof(
    fc.constantFrom(0, 1, 5_000_000, VALUE_MICROS_MAX),
    fc.integer({ min: 0, max: 100_000_000 }),
    fc.integer({ min: 0, max: VALUE_MICROS_MAX }),
  ),
  risk_bps: fc.oneof(fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 0, max: 10_000 })),
  quality_floor_bps: optional(fc.integer({ min: 0, max: 10_000 })),
  max_latency_ms: optional(fc.integer({ min: 1, max: LATENCY_MS_MAX })),
  max_cost_micros: optional(fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.maxSafeNat())),
  capabilities: optional(subset(CAPABILITIES)),
  providers: optional(fc.record({ allow: optional(subset(PROVIDERS)), deny: optional(subset(PROVIDERS)) })),
  tenant_choice: optional(fc.constantFrom(...OPTION_IDS)),
  request_id: optional(fc.string({ minLength: 1, maxLength: 20 })),
});

const caseArbitrary = fc.record({
  raw: bodyArbitrary,
  key: fc.stringMatching(/^[\x21-\x7e]{1,40}$/),
  tenantId: fc.constantFrom("t-replay-a", "t-replay-b", "t-replay-c"),
  mode: fc.constantFrom("live", "live", "apprentice"),
  allowed: fc.oneof({ weight: 3, arbitrary: fc.constant(MASK_ALL) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 63 }) }),
  costCap: fc.oneof({ weight: 3, arbitrary: fc.constant(UNSET) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 10_000_000 }) }),
  snapshot: fc.nat(4),
});

function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, withoutUndefined(v)]),
  );
}

interface Case {
  readonly record: DecisionRecord;
  readonly snapshot: PolicySnapshot;
  readonly body: DecideRequest;
}

function buildCases(): Case[] {
  return fc.sample(caseArbitrary, { seed: 20_240_917, numRuns: CASES }).map((c) => {
    const { size, ...rest } = c.raw;
    const mode = c.mode as "live" | "apprentice";
    // The worker refuses an apprentice request without a catalog tenant_choice before deciding.
    const tenantChoice = mode === "apprentice" ? (rest.tenant_choice ?? OPTION_IDS[c.allowed % OPTION_IDS.length]!) : rest.tenant_choice;
    const body = DecideRequest.parse(withoutUndefined({ ...rest, ...size, tenant_choice: tenantChoice }));
    // Always active: the worker answers a suspended tenant before the ledger, so no such record is sealed.
    const view: TenantView = {
      tenantId: c.tenantId,
      name: "Replay",
      status: "active",
      mode,
      pack: PACK.id,
      allowedProviderMask: c.allowed,
      rateLimitPerMinute: 600,
      costCapMicros: c.costCap,
      apiKeyId: "k",
    };
    const { record, snapshot } = decideLikeWorker(view, SNAPSHOTS[c.snapshot]!, body, c.key);
    return { record, snapshot, body };
  });
}

/** The record as the chain stores it and a reader gets it back: JSON text, parsed. */
const throughJson = (record: DecisionRecord): DecisionRecord => JSON.parse(JSON.stringify(record)) as DecisionRecord;

describe("reproduceDecision", () => {
  let cases: Case[] = [];
  beforeAll(() => {
    cases = buildCases();
  });

  it(`rebuilds each of ${CASES} worker-built records, canonical byte for canonical byte, after a JSON round trip`, () => {
    const mismatches: string[] = [];
    for (const { record, snapshot, body } of cases) {
      const stored = throughJson(record);
      expect(canonicalJson(stored as unknown as CanonicalValue)).toBe(canonicalJson(record as unknown as CanonicalValue));
      if (!reproducesSealed(PACK, stored, snapshot)) {
        mismatches.push(JSON.stringify({ body, sealed: stored, replayed: reproduceDecision(PACK, stored, snapshot) }));
      }
    }
    expect(mismatches.slice(0, 2)).toEqual([]);
  });

  it("covers what it claims to: served and refused decisions, exploration, anomalies, holdouts, apprentices, every snapshot", () => {
    const count = (predicate: (c: Case) => boolean): number => cases.filter(predicate).length;
    const figures = {
      ok: count((c) => c.record.result.code === DecisionCode.ok),
      refused: count((c) => c.record.result.code !== DecisionCode.ok),
      explored: count((c) => c.record.result.explored),
      anomalous: count((c) => c.record.anomaly.length > 0),
      raised: count((c) => c.record.result.floor_raised_bps > 0),
      holdout: count((c) => c.record.holdout),
      apprentice: count((c) => c.record.apprentice !== null),
      learnedFloor: count((c) => c.record.result.floor_source === "learned"),
      clientFloor: count((c) => c.record.result.floor_source === "client"),
      codes: new Set(cases.map((c) => c.record.result.code)).size,
    };
    console.log(JSON.stringify({ replay_coverage: figures, cases: CASES }));
    for (const [name, value] of Object.entries(figures)) expect(value, name).toBeGreaterThan(5);
    expect(new Set(cases.map((c) => c.record.policy.hash)).size).toBe(SNAPSHOTS.length);
  });

  it("refuses to replay under any snapshot but the one the record names", () => {
    for (const { record, snapshot } of cases.slice(0, 200)) {
      for (const other of SNAPSHOTS) {
        if (other.hash === snapshot.hash) continue;
        expect(() => reproduceDecision(PACK, throughJson(record), other)).toThrow(RangeError);
        expect(() => reproducesSealed(PACK, throughJson(record), other)).toThrow("the snapshot is not the one the decision names");
      }
    }
  });

  it("notices a sealed record whose kernel output was altered", () => {
    const served = cases.filter((c) => c.record.result.code === DecisionCode.ok).slice(0, 50);
    expect(served.length).toBe(50);
    for (const { record, snapshot } of served) {
      const stored = throughJson(record);
      const result = stored.result;
      const tampered: DecisionRecord[] = [
        { ...stored, result: { ...result, chosen_theta_bps: result.chosen_theta_bps + 1 } },
        { ...stored, result: { ...result, propensity: { ...result.propensity, ppm: result.propensity.ppm + 1 } } },
        { ...stored, result: { ...result, sample_index: result.sample_index + 1 } },
        { ...stored, result: { ...result, explored: !result.explored } },
      ];
      for (const altered of tampered) expect(reproducesSealed(PACK, altered, snapshot)).toBe(false);
    }
  });
});
