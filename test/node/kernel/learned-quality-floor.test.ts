// The quality floor is judged against the better of an option's catalog quality and what was
// learned of its arm in the regime (the policy's armQualityBps): a floor never keeps out an option
// the data show is good. Without learned quality the catalog's alone decides.

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

  it("an arm the data show is good passes, whatever its catalog quality", () => {
    const economy = 0;
    const without = decide(undefined);
    const out = decide(learned(0, economy, 9_500));
    expect(out.code).toBe(DecisionCode.ok);
    expect(out.feasibleCount).toBeGreaterThan(without.feasibleCount);
    const passing = LLM_OPTION_SPECS.filter((spec) => spec.tierIndex === economy).length;
    expect(out.feasibleCount).toBeLessThanOrEqual(without.feasibleCount + passing);
  });

  it("low learned quality never keeps out an option the catalog rates above the floor (the better of the two decides)", () => {
    const without = decide(undefined);
    const out = decide(learned(0, 0, 0));
    expect([out.code, out.feasibleCount]).toEqual([without.code, without.feasibleCount]);
  });

  it("refuses a policy whose learned quality has the wrong size or leaves [0, 10000]", () => {
    expect(() => decide(new Uint16Array(3))).toThrow(/armQualityBps/);
    expect(() => decide(learned(10_001, 0, 0))).toThrow(/armQualityBps/);
  });
});
