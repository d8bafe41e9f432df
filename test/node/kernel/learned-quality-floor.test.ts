// The quality floor is judged against what was learned of each arm in the regime (the policy's
// armQualityBps, the posterior mean): a client floor is absolute; a learned or warm-start floor
// yields to the option that is best for the value at stake. Without learned quality the catalog's.

import { describe, expect, it } from "vitest";
import type { DecisionInput } from "../../../src/kernel/decision-input.ts";
import { DecisionResult } from "../../../src/kernel/decision-result.ts";
import { Kernel } from "../../../src/kernel/kernel.ts";
import { DecisionCode } from "../../../src/kernel/result-codes.ts";
import { UNSET } from "../../../src/kernel/units.ts";
import {
  LLM_OPTION_SPECS,
  LLM_POLICY_PARAMETERS,
  buildLlmCatalog,
  buildPolicy,
  makeRequest,
  withPolicy,
} from "../../shared/kernel-fixtures.ts";

const kernel = new Kernel(buildLlmCatalog());
const policy = withPolicy(buildPolicy(LLM_POLICY_PARAMETERS), { explorationBps: 0 });
const CLIENT_FLOOR = 9_000;

function decide(armQualityBps: Uint16Array | undefined): DecisionResult {
  const input: DecisionInput = {
    request: makeRequest({ regimeIndex: 0, clientFloorBps: CLIENT_FLOOR }),
    tenant: { suspended: false, allowedProviderMask: 0xffff, costCapMicros: UNSET },
    policy: armQualityBps === undefined ? policy : withPolicy(policy, { armQualityBps }),
    seedWords: Uint32Array.of(1, 2, 3, 4),
    floorRaiseBps: 0,
  };
  const out = new DecisionResult();
  kernel.decide(input, out);
  return out;
}

/** Learned quality of every arm of every regime set to `bps`, except `arm` set to `armBps`. */
function learned(bps: number, arm: number, armBps: number): Uint16Array {
  const quality = new Uint16Array(LLM_POLICY_PARAMETERS.regimeCount * LLM_POLICY_PARAMETERS.tierCount).fill(bps);
  for (let r = 0; r < LLM_POLICY_PARAMETERS.regimeCount; r++) quality[r * LLM_POLICY_PARAMETERS.tierCount + arm] = armBps;
  return quality;
}

describe("the quality floor judges learned quality", () => {
  it("without learned quality, the catalog's decides which options pass", () => {
    const out = decide(undefined);
    expect(out.code).toBe(DecisionCode.ok);
    for (let r = 0; r < out.rankedCount; r++) expect(LLM_OPTION_SPECS[out.ranked[r]!]!.qualityBps).toBeGreaterThanOrEqual(CLIENT_FLOOR);
  });

  it("an arm the data show is good passes a client floor, whatever its catalog quality; the others are kept out", () => {
    const economy = 0;
    const out = decide(learned(5_000, economy, 9_500));
    expect(out.code).toBe(DecisionCode.ok);
    for (let r = 0; r < out.rankedCount; r++) expect(LLM_OPTION_SPECS[out.ranked[r]!]!.tierIndex).toBe(economy);
  });

  it("a client floor is absolute: when the data show no arm reaches it, the gate refuses", () => {
    expect(decide(learned(5_000, 0, 5_000)).code).toBe(DecisionCode.quality_floor_unreachable);
  });

  it("a learned or warm-start floor yields to the option best for the value at its learned quality", () => {
    // No client floor; the warm-start floor plus a 10,000 raise asks for 10,000, which no arm has.
    const input: DecisionInput = {
      request: makeRequest({ regimeIndex: 0 }),
      tenant: { suspended: false, allowedProviderMask: 0xffff, costCapMicros: UNSET },
      policy: withPolicy(policy, { armQualityBps: learned(6_000, 2, 8_000) }),
      seedWords: Uint32Array.of(1, 2, 3, 4),
      floorRaiseBps: 10_000,
    };
    const out = new DecisionResult();
    expect(kernel.decide(input, out)).toBe(DecisionCode.ok);
    // The floor stops at the quality of the arm that is best for the value: the premium arm (8,000).
    expect(out.floorBps).toBe(8_000);
    for (let r = 0; r < out.rankedCount; r++) expect(LLM_OPTION_SPECS[out.ranked[r]!]!.tierIndex).toBe(2);
  });

  it("refuses a policy whose learned quality has the wrong size or leaves [0, 10000]", () => {
    expect(() => decide(new Uint16Array(3))).toThrow(/armQualityBps/);
    expect(() => decide(learned(10_001, 0, 0))).toThrow(/armQualityBps/);
  });
});
