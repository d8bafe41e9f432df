// A fixed, varied request set for the kernel benchmark: every regime, a wide spread of token
// counts, values and risks, some client floors, latency and cost limits, capability and provider
// rules, and a few requests that gates refuse. Generated from a fixed seed, so every run and
// every machine measures the same work.

import type { DecisionInput } from "../src/kernel/decision-input.ts";
import type { KernelPolicy } from "../src/kernel/policy.ts";
import type { KernelRequest } from "../src/kernel/request.ts";
import { MASK_ALL, UNSET } from "../src/kernel/units.ts";

/** A small deterministic generator (mulberry32) for building the set, not for decisions. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function benchRequests(count: number, policy: KernelPolicy, regimeCount: number): DecisionInput[] {
  const next = generator(20261127);
  const pick = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  const inputs: DecisionInput[] = [];
  for (let i = 0; i < count; i++) {
    const request: KernelRequest = {
      regimeIndex: pick(0, regimeCount - 1),
      inputTokens: pick(50, next() < 0.1 ? 150_000 : 8_000),
      maxOutputTokens: pick(64, 4_000),
      valueMicros: pick(100_000, 50_000_000),
      // About 2 % of requests carry risk above the ceiling and are refused by gate 2.
      riskBps: next() < 0.02 ? pick(9_700, 10_000) : pick(0, 5_000),
      clientFloorBps: next() < 0.2 ? pick(6_000, 8_800) : UNSET,
      maxLatencyMs: next() < 0.2 ? pick(8_000, 60_000) : UNSET,
      maxCostMicros: next() < 0.1 ? pick(2_000_000, 100_000_000) : UNSET,
      requiredCapabilityMask: next() < 0.15 ? 1 : 0,
      providerAllowMask: MASK_ALL,
      providerDenyMask: next() < 0.1 ? 1 << pick(0, 5) : 0,
    };
    const seedWords = new Uint32Array(4);
    for (let w = 0; w < 4; w++) seedWords[w] = Math.floor(next() * 4294967296);
    inputs.push({
      request,
      tenant: { suspended: false, allowedProviderMask: MASK_ALL, costCapMicros: UNSET },
      policy,
      seedWords,
      floorRaiseBps: next() < 0.05 ? 500 : 0,
    });
  }
  return inputs;
}
