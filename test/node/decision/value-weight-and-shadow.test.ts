// The configuration's value weight and the candidate's shadow in the decision step: the kernel
// decides on the client's value times the weight, the record keeps the client's value and seals the
// weight (only when it is not 10,000), and reproduction is still bit for bit; the shadow decides
// on the same request and seed with its own policy and weight, and never changes production's record.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { prepareDecision, weighted, type PolicyEntry } from "../../../src/decision/decide-step.ts";
import { reproducesSealed } from "../../../src/decision/reproduce.ts";
import { decisionSeed } from "../../../src/decision/seed.ts";
import type { TenantView } from "../../../src/decision/tenant-view.ts";
import { LLM_PACK } from "../../../src/domain/llm/pack.ts";
import { DecisionResult } from "../../../src/kernel/decision-result.ts";
import { Kernel } from "../../../src/kernel/kernel.ts";
import { MASK_ALL, UNSET } from "../../../src/kernel/units.ts";
import type { KernelRequest } from "../../../src/kernel/request.ts";
import { buildSnapshot, toKernelPolicy } from "../../../src/learning/policy-snapshot.ts";
import { warmStartContent } from "../../../src/learning/warm-start.ts";

const PACK = LLM_PACK;
const view: TenantView = {
  tenantId: "t-weights",
  name: "t",
  status: "active",
  mode: "live",
  pack: PACK.id,
  allowedProviderMask: MASK_ALL,
  rateLimitPerMinute: 0,
  costCapMicros: UNSET,
  apiKeyId: "k",
};
const entryOf = (explorationBps: number): PolicyEntry => {
  const snapshot = buildSnapshot({ ...warmStartContent(PACK), explorationBps }, 3);
  return { snapshot, policy: toKernelPolicy(snapshot) };
};
const production = entryOf(500);
const candidate = entryOf(3_000);

function request(regimeIndex: number, valueMicros: number): KernelRequest {
  return {
    regimeIndex,
    inputTokens: 1_500,
    maxOutputTokens: 600,
    valueMicros,
    riskBps: 500,
    clientFloorBps: UNSET,
    maxLatencyMs: UNSET,
    maxCostMicros: UNSET,
    requiredCapabilityMask: 0,
    providerAllowMask: MASK_ALL,
    providerDenyMask: 0,
  };
}

function decide(r: KernelRequest, seed: number, valueWeightBps: number, withShadow: boolean) {
  return prepareDecision({
    pack: PACK,
    run: { kernel: new Kernel(PACK.catalog), out: new DecisionResult() },
    tenant: view,
    learned: production,
    baseline: null,
    holdout: false,
    regime: PACK.regimes[r.regimeIndex]!.id,
    request: r,
    requestId: null,
    tenantChoice: null,
    seedOf: (hash) => decisionSeed(view.tenantId, `key-${seed}`, hash),
    shadow: withShadow ? { configHash: "c".repeat(64), entry: candidate, valueWeightBps: 2 * valueWeightBps } : null,
    valueWeightBps,
  });
}

describe("the value weight and the shadow in the decision step", () => {
  it("decide on value x weight, seal the client's value and the weight, reproduce bit for bit, and leave production's record alone", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: PACK.regimes.length - 1 }),
        fc.integer({ min: 1_000, max: 50_000_000 }),
        fc.constantFrom(2_500, 10_000, 40_000),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (regime, value, weight, seed) => {
          const r = request(regime, value);
          const plain = decide(r, seed, weight, false);
          const shadowed = decide(r, seed, weight, true);
          // The client's value is sealed; the weight only when it is not 10,000.
          expect(plain.record.request.value_micros).toBe(value);
          expect(plain.record.settings.value_weight_bps).toBe(weight === 10_000 ? undefined : weight);
          // The kernel saw value x weight: the same result as a client sending that value unweighted.
          const preWeighted = decide(weighted(r, weight), seed, 10_000, false);
          expect(plain.record.result).toEqual(preWeighted.record.result);
          expect(reproducesSealed(PACK, plain.record, production.snapshot)).toBe(true);
          // The shadow adds its own sealed decision and nothing else.
          const { shadow, ...rest } = shadowed.record;
          expect(rest).toEqual(plain.record);
          expect(shadow?.config_hash).toBe("c".repeat(64));
          expect(reproducesSealed(PACK, shadowed.record, production.snapshot)).toBe(true);
          expect(shadowed.tally.shadow?.mismatch).toBe(shadow?.chosen !== plain.record.result.chosen);
        },
      ),
      { numRuns: 200 },
    );
  });
});
