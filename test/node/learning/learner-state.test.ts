// The Learner's pure step (src/learning/learner-state.ts) and its snapshots (policy-snapshot.ts):
// table tests for each effect of one outcome, an independent reference model over random outcome
// streams, immutability (every input deep-frozen), and content hashing that names the bank.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LLM_PACK } from "../../../src/domain/llm/pack.ts";
import { FloorSource } from "../../../src/kernel/result-codes.ts";
import { FLOOR_MARGIN_BPS, FLOOR_STEP_BPS } from "../../../src/learning/calibration.ts";
import {
  applyOutcome,
  initialLearnerState,
  isSuccess,
  regimeSums,
  type CostOf,
  type LearnerState,
} from "../../../src/learning/learner-state.ts";
import type { OutcomePayload } from "../../../src/learning/learner-input.ts";
import { optionCostMicros } from "../../../src/learning/option-cost.ts";
import { buildSnapshot, contentHash, type PolicyContent } from "../../../src/learning/policy-snapshot.ts";
import { aggregate } from "../../../src/learning/regime-stats.ts";
import { DECAY_WINDOW } from "../../../src/learning/thompson.ts";

const PACK = LLM_PACK;
/** Every option is its own learning arm: cells are regime x option. */
const ARMS = PACK.options.length;
const costOf: CostOf = (option, inputTokens, outputTokens) => optionCostMicros(PACK, option, inputTokens, outputTokens);
/** One option of each tier (economy, standard, premium, frontier), and its arm. */
const OPTION_OF_TIER = PACK.tiers.map((tier) => PACK.options.find((option) => option.tier === tier)!.id);
const ARM_OF_TIER = OPTION_OF_TIER.map((id) => PACK.options.findIndex((option) => option.id === id));
const CODING = PACK.regimes.findIndex((regime) => regime.id === "coding");

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

interface PayloadParts {
  readonly regime?: number;
  readonly option?: string | null;
  readonly success?: boolean | null;
  readonly quality?: number | null;
  readonly inputTokens?: number;
  readonly valueMicros?: number;
  readonly riskBps?: number;
  readonly mode?: string;
  readonly kernelChoice?: string | null;
  readonly outcome?: Partial<OutcomePayload["outcome"]>;
}

let outcomeCounter = 0;
function payload(parts: PayloadParts = {}): OutcomePayload {
  return {
    outcomeId: `o${outcomeCounter++}`,
    servedOption: parts.option === undefined ? OPTION_OF_TIER[1]! : parts.option,
    context: {
      regime_index: parts.regime ?? CODING,
      input_tokens: parts.inputTokens ?? 1_200,
      value_micros: parts.valueMicros ?? 5_000_000,
      risk_bps: parts.riskBps ?? 1_000,
      ...(parts.mode === undefined ? {} : { mode: parts.mode }),
      ...(parts.kernelChoice === undefined ? {} : { kernel_choice: parts.kernelChoice }),
    },
    outcome: { success: parts.success === undefined ? true : parts.success, quality_bps: parts.quality ?? null, ...parts.outcome },
  };
}

const fresh = (): LearnerState => deepFreeze(initialLearnerState(PACK));
/** The cell of the regime and the arm of the tier's option. */
const cell = (regime: number, tier: number): number => regime * ARMS + ARM_OF_TIER[tier]!;

describe("applyOutcome, one outcome at a time", () => {
  it("a success adds one to alpha of the served option's cell and nothing else", () => {
    for (let tier = 0; tier < PACK.tiers.length; tier++) {
      const before = fresh();
      const after = applyOutcome(before, PACK, deepFreeze(payload({ option: OPTION_OF_TIER[tier]!, success: true })), costOf);
      const i = cell(CODING, tier);
      expect(after.content.alpha[i]).toBe(before.content.alpha[i]! + 1);
      expect(after.content.beta).toEqual(before.content.beta);
      expect(after.content.alpha.filter((_, j) => j !== i)).toEqual(before.content.alpha.filter((_, j) => j !== i));
      expect(after.outcomes).toBe(1);
    }
  });

  it("a failure adds one to beta of the served option's cell and nothing else", () => {
    const before = fresh();
    const after = applyOutcome(before, PACK, deepFreeze(payload({ option: OPTION_OF_TIER[3]!, success: false })), costOf);
    const i = cell(CODING, 3);
    expect(after.content.beta[i]).toBe(before.content.beta[i]! + 1);
    expect(after.content.alpha).toEqual(before.content.alpha);
    expect(after.content.beta.filter((_, j) => j !== i)).toEqual(before.content.beta.filter((_, j) => j !== i));
  });

  it("without a client verdict, success is a quality at or above the regime's current floor", () => {
    const floor = PACK.regimes[CODING]!.warmStartFloorBps;
    const table: [quality: number | null, success: boolean][] = [
      [floor, true],
      [floor + 1, true],
      [10_000, true],
      [floor - 1, false],
      [0, false],
      [null, false],
    ];
    for (const [quality, expected] of table) {
      const before = fresh();
      const after = applyOutcome(before, PACK, deepFreeze(payload({ success: null, quality })), costOf);
      const i = cell(CODING, 1);
      expect(after.content.alpha[i]! - before.content.alpha[i]!, `quality ${quality}`).toBe(expected ? 1 : 0);
      expect(after.content.beta[i]! - before.content.beta[i]!, `quality ${quality}`).toBe(expected ? 0 : 1);
    }
    // The floor that judges is the learned one: after a failure the floor rose by two steps.
    const raised = applyOutcome(fresh(), PACK, payload({ success: false }), costOf);
    expect(raised.content.floorBps[CODING]).toBe(floor + 2 * FLOOR_STEP_BPS);
    const judged = applyOutcome(raised, PACK, payload({ success: null, quality: floor + FLOOR_STEP_BPS }), costOf);
    expect(judged.content.beta[cell(CODING, 1)]).toBe(raised.content.beta[cell(CODING, 1)]! + 1);
  });

  it("the client's verdict wins over its quality score", () => {
    expect(isSuccess({ success: false, quality_bps: 10_000 }, 0)).toBe(false);
    expect(isSuccess({ success: true, quality_bps: 0 }, 10_000)).toBe(true);
  });

  it("calibrates the regime's floor (down one step, up two) and marks it learned, leaving other regimes alone", () => {
    const before = fresh();
    const ws = PACK.regimes[CODING]!.warmStartFloorBps;
    const success = applyOutcome(before, PACK, payload({ success: true }), costOf);
    const failure = applyOutcome(before, PACK, payload({ success: false }), costOf);
    expect(success.content.floorBps[CODING]).toBe(ws - FLOOR_STEP_BPS);
    expect(failure.content.floorBps[CODING]).toBe(ws + 2 * FLOOR_STEP_BPS);
    for (const after of [success, failure]) {
      expect(after.content.floorSource[CODING]).toBe(FloorSource.learned);
      for (let r = 0; r < PACK.regimes.length; r++) {
        if (r === CODING) continue;
        expect(after.content.floorBps[r]).toBe(PACK.regimes[r]!.warmStartFloorBps);
        expect(after.content.floorSource[r]).toBe(FloorSource.warm_start);
      }
    }
  });

  it("observes the request's features in its regime's statistics", () => {
    const after = applyOutcome(fresh(), PACK, payload({ inputTokens: 321, valueMicros: 7_000_000, riskBps: 450 }), costOf);
    expect(after.content.stats[CODING]).toEqual({
      input_tokens: { n: "1", s1: "321", s2: String(321 * 321) },
      value_micros: { n: "1", s1: "7000000", s2: "49000000000000" },
      risk_bps: { n: "1", s1: "450", s2: String(450 * 450) },
    });
    expect(after.content.stats.filter((_, r) => r !== CODING)).toEqual(fresh().content.stats.filter((_, r) => r !== CODING));
  });

  it("leaves the state unchanged (the same object) for an unknown served option or regime", () => {
    const before = fresh();
    const table: PayloadParts[] = [
      { option: "no-such-model" },
      { option: null },
      { option: "" },
      { regime: -1 },
      { regime: PACK.regimes.length },
      { regime: 1.5 },
      { regime: Number.NaN },
      { regime: Number.POSITIVE_INFINITY },
    ];
    for (const parts of table) expect(applyOutcome(before, PACK, deepFreeze(payload(parts)), costOf), JSON.stringify(parts)).toBe(before);
  });

  it("decays at the window: when alpha + beta reaches 2W both are halved (rounding up), so learning never stops", () => {
    let state = fresh();
    const i = cell(CODING, 0);
    const start = state.content.alpha[i]! + state.content.beta[i]!;
    for (let k = 0; k < 2 * DECAY_WINDOW - start - 1; k++)
      state = applyOutcome(state, PACK, payload({ option: OPTION_OF_TIER[0]! }), costOf);
    expect(state.content.alpha[i]! + state.content.beta[i]!).toBe(2 * DECAY_WINDOW - 1);
    const alphaBefore = state.content.alpha[i]!;
    const betaBefore = state.content.beta[i]!;
    state = applyOutcome(state, PACK, payload({ option: OPTION_OF_TIER[0]! }), costOf);
    expect(state.content.alpha[i]).toBe(Math.ceil((alphaBefore + 1) / 2));
    expect(state.content.beta[i]).toBe(Math.ceil(betaBefore / 2));
  });
});

describe("apprentice figures", () => {
  const economy = OPTION_OF_TIER[0]!;
  const premium = OPTION_OF_TIER[2]!;

  it("count decisions, agreements and savings = actual cost - cost of the kernel's choice at the actual tokens", () => {
    const tokens = { input_tokens: 2_000, output_tokens: 700 };
    const cheaper = optionCostMicros(PACK, economy, 2_000, 700)!;
    expect(cheaper).toBeGreaterThan(0);
    let state = fresh();
    // The tenant served premium and paid 90,000; Calybris would have chosen economy.
    state = applyOutcome(
      state,
      PACK,
      deepFreeze(
        payload({ option: premium, mode: "apprentice", kernelChoice: economy, outcome: { ...tokens, actual_cost_micros: 90_000 } }),
      ),
      costOf,
    );
    expect(state.apprentice).toEqual({ decisions: 1, agreements: 0, savingsMicros: 90_000 - cheaper });
    // Same choice: an agreement, and the saving is actual - its own worst-case cost.
    state = applyOutcome(
      state,
      PACK,
      deepFreeze(
        payload({ option: economy, mode: "apprentice", kernelChoice: economy, outcome: { ...tokens, actual_cost_micros: 1_000 } }),
      ),
      costOf,
    );
    expect(state.apprentice).toEqual({ decisions: 2, agreements: 1, savingsMicros: 90_000 - cheaper + 1_000 - cheaper });
  });

  it("count a decision without a saving when the kernel chose nothing or the tokens or cost are missing", () => {
    const table: PayloadParts[] = [
      { option: premium, mode: "apprentice", kernelChoice: null, outcome: { input_tokens: 10, output_tokens: 10, actual_cost_micros: 50 } },
      { option: premium, mode: "apprentice", kernelChoice: economy, outcome: { output_tokens: 10, actual_cost_micros: 50 } },
      { option: premium, mode: "apprentice", kernelChoice: economy, outcome: { input_tokens: 10, actual_cost_micros: 50 } },
      { option: premium, mode: "apprentice", kernelChoice: economy, outcome: { input_tokens: 10, output_tokens: 10 } },
      {
        option: premium,
        mode: "apprentice",
        kernelChoice: "no-such-model",
        outcome: { input_tokens: 10, output_tokens: 10, actual_cost_micros: 50 },
      },
    ];
    for (const parts of table) {
      expect(applyOutcome(fresh(), PACK, deepFreeze(payload(parts)), costOf).apprentice, JSON.stringify(parts)).toEqual({
        decisions: 1,
        agreements: 0,
        savingsMicros: 0,
      });
    }
  });

  it("ignore live outcomes", () => {
    const after = applyOutcome(
      fresh(),
      PACK,
      payload({ mode: "live", kernelChoice: economy, outcome: { input_tokens: 1, output_tokens: 1, actual_cost_micros: 9 } }),
      costOf,
    );
    expect(after.apprentice).toEqual({ decisions: 0, agreements: 0, savingsMicros: 0 });
    expect(after.outcomes).toBe(1);
  });
});

/** An independent model of what a stream of outcomes must leave behind. */
function referenceModel(stream: readonly PayloadParts[]) {
  const warm = initialLearnerState(PACK).content;
  const alpha = [...warm.alpha];
  const beta = [...warm.beta];
  const floor = [...warm.floorBps];
  const learned = PACK.regimes.map(() => false);
  const features = PACK.regimes.map(() => ({ input_tokens: [] as number[], value_micros: [] as number[], risk_bps: [] as number[] }));
  for (const parts of stream) {
    const r = parts.regime!;
    const arm = PACK.options.findIndex((option) => option.id === parts.option);
    const success = parts.success ?? (parts.quality ?? 0) >= floor[r]!;
    const i = r * ARMS + arm;
    alpha[i]! += success ? 1 : 0;
    beta[i]! += success ? 0 : 1;
    if (alpha[i]! + beta[i]! >= 2 * DECAY_WINDOW) {
      alpha[i] = Math.ceil(alpha[i]! / 2);
      beta[i] = Math.ceil(beta[i]! / 2);
    }
    // The floor stays within [warm start - margin, the best quality of the regime's options, by the
    // catalog or by their posterior mean].
    let best = Math.max(...PACK.catalog.qualityBps);
    for (let o = 0; o < ARMS; o++)
      best = Math.max(best, Math.floor((alpha[r * ARMS + o]! * 10_000) / (alpha[r * ARMS + o]! + beta[r * ARMS + o]!)));
    const minBps = Math.min(best, Math.max(0, PACK.regimes[r]!.warmStartFloorBps - FLOOR_MARGIN_BPS));
    const next = success ? floor[r]! - FLOOR_STEP_BPS : floor[r]! + 2 * FLOOR_STEP_BPS;
    floor[r] = Math.min(best, Math.max(minBps, next));
    learned[r] = true;
    features[r]!.input_tokens.push(parts.inputTokens!);
    features[r]!.value_micros.push(parts.valueMicros!);
    features[r]!.risk_bps.push(parts.riskBps!);
  }
  return { alpha, beta, floor, learned, features };
}

const outcomeParts: fc.Arbitrary<PayloadParts> = fc.record({
  regime: fc.integer({ min: 0, max: PACK.regimes.length - 1 }),
  option: fc.constantFrom(...PACK.options.map((option) => option.id)),
  success: fc.option(fc.boolean(), { nil: null }),
  quality: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: null }),
  inputTokens: fc.integer({ min: 1, max: 10_000_000 }),
  valueMicros: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1_000_000_000_000_000 })),
  riskBps: fc.integer({ min: 0, max: 10_000 }),
});

describe("applyOutcome over random outcome streams", () => {
  it("agrees with an independent reference model and never mutates the state it is given", () => {
    fc.assert(
      fc.property(fc.array(outcomeParts, { maxLength: 80 }), (stream) => {
        let state = fresh();
        const before = JSON.stringify(state);
        const first = state;
        for (const parts of stream) state = deepFreeze(applyOutcome(state, PACK, deepFreeze(payload(parts)), costOf));
        expect(JSON.stringify(first)).toBe(before);
        const model = referenceModel(stream);
        expect(state.outcomes).toBe(stream.length);
        expect(state.content.alpha).toEqual(model.alpha);
        expect(state.content.beta).toEqual(model.beta);
        expect(state.content.floorBps).toEqual(model.floor);
        expect(state.content.floorSource).toEqual(model.learned.map((learned) => (learned ? FloorSource.learned : FloorSource.warm_start)));
        for (let r = 0; r < PACK.regimes.length; r++) {
          const sums = regimeSums(state.content.stats[r]!);
          expect(sums.input_tokens).toEqual(aggregate(model.features[r]!.input_tokens));
          expect(sums.value_micros).toEqual(aggregate(model.features[r]!.value_micros));
          expect(sums.risk_bps).toEqual(aggregate(model.features[r]!.risk_bps));
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe("content hash and snapshot", () => {
  const learnedContent = (): PolicyContent => {
    let state = initialLearnerState(PACK);
    for (let k = 0; k < 40; k++)
      state = applyOutcome(
        state,
        PACK,
        payload({ regime: k % 8, option: OPTION_OF_TIER[k % 4]!, success: k % 3 !== 0, inputTokens: 100 + k }),
        costOf,
      );
    return deepFreeze(state.content);
  };

  it("is stable: equal content (a JSON round trip, keys reordered) gives the same hash", () => {
    const content = learnedContent();
    const copy = JSON.parse(JSON.stringify(content)) as PolicyContent;
    const reordered = Object.fromEntries(Object.entries(copy).reverse()) as unknown as PolicyContent;
    expect(contentHash(content)).toMatch(/^[0-9a-f]{64}$/);
    expect(contentHash(copy)).toBe(contentHash(content));
    expect(contentHash(reordered)).toBe(contentHash(content));
  });

  it("changes when any part of the content changes", () => {
    const content = learnedContent();
    const hash = contentHash(content);
    const bump = (list: readonly number[], i: number): number[] => list.map((value, j) => (j === i ? value + 1 : value));
    const variants: [string, PolicyContent][] = [
      ["floorBps", { ...content, floorBps: bump(content.floorBps, 7) }],
      ["floorSource", { ...content, floorSource: content.floorSource.map((s, r) => (r === 0 ? FloorSource.warm_start : s)) }],
      ["alpha", { ...content, alpha: bump(content.alpha, 31) }],
      ["beta", { ...content, beta: bump(content.beta, 0) }],
      ["explorationBps", { ...content, explorationBps: content.explorationBps + 1 }],
      ["latencyBpsPerSecond", { ...content, latencyBpsPerSecond: content.latencyBpsPerSecond + 1 }],
      ["sampleCount", { ...content, sampleCount: content.sampleCount * 2 }],
      [
        "stats",
        { ...content, stats: content.stats.map((s, r) => (r === 3 ? { ...s, risk_bps: { ...s.risk_bps, s2: `${s.risk_bps.s2}0` } } : s)) },
      ],
    ];
    const seen = new Set([hash]);
    for (const [field, variant] of variants) {
      const changed = contentHash(variant);
      expect(changed, field).not.toBe(hash);
      seen.add(changed);
    }
    expect(seen.size).toBe(variants.length + 1);
  });

  it("buildSnapshot twice gives an identical bank; the version names the snapshot but does not change the bank", () => {
    const content = learnedContent();
    const a = buildSnapshot(content, 3);
    const b = buildSnapshot(content, 3);
    const c = buildSnapshot(JSON.parse(JSON.stringify(content)) as PolicyContent, 9);
    expect(a.hash).toBe(contentHash(content));
    expect(Buffer.from(a.thetaBps.buffer).equals(Buffer.from(b.thetaBps.buffer))).toBe(true);
    expect(Buffer.from(a.thetaBps.buffer).equals(Buffer.from(c.thetaBps.buffer))).toBe(true);
    expect(c.hash).toBe(a.hash);
    expect(a.thetaBps.length).toBe(content.regimeCount * content.sampleCount * content.tierCount);
    const other = buildSnapshot({ ...content, alpha: content.alpha.map((x, i) => (i === 0 ? x + 1 : x)) }, 3);
    expect(other.hash).not.toBe(a.hash);
    expect(Buffer.from(other.thetaBps.buffer).equals(Buffer.from(a.thetaBps.buffer))).toBe(false);
  });
});
