// Realistic decide commands for the ledger benchmarks: the record a worker seals for one LLM
// routing decision (about twenty fields, one to three ranked candidates). Bench support only:
// the numbers are plausible, not a model of any tenant's traffic.

import type { DecideInput } from "../src/durable-objects/ledger-rpc.ts";

const MODELS = ["gpt-4.1-mini", "claude-sonnet-4", "gemini-2.5-flash", "deepseek-v3", "llama-3.3-70b", "mistral-large"] as const;
const REGIMES = ["support", "coding", "compliance", "security", "analytics", "writing", "search", "extraction"] as const;

/** Cheap deterministic mixing so every decision differs without a PRNG dependency. */
function mix(i: number, salt: number): number {
  let x = Math.imul(i ^ salt, 0x9e3779b1) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b) >>> 0;
  return (x ^ (x >>> 13)) >>> 0;
}

/** The decide input of decision number `i` of a run named `runId`. */
export function benchDecideInput(runId: string, i: number): DecideInput {
  const candidateCount = 1 + (mix(i, 1) % 3);
  const first = mix(i, 2) % MODELS.length;
  const candidates = Array.from({ length: candidateCount }, (_, rank) => ({
    option: MODELS[(first + rank) % MODELS.length]!,
    costMicros: 20_000 + (mix(i, 3 + rank) % 400_000),
  }));
  const regime = REGIMES[mix(i, 7) % REGIMES.length]!;
  const decisionId = `${runId}-${i}`;
  return {
    decisionId,
    idempotencyKey: null,
    requestDigestHex: mix(i, 11).toString(16).padStart(8, "0").repeat(8),
    candidates,
    record: {
      request_id: decisionId,
      regime,
      tier: mix(i, 13) % 4,
      chosen: candidates[0]!.option,
      fallbacks: candidates.slice(1).map((c) => c.option),
      floor_bps: 5_500 + (mix(i, 17) % 4_000),
      floor_source: "learned",
      quality_bps: 6_000 + (mix(i, 19) % 4_000),
      risk_bps: mix(i, 23) % 2_000,
      propensity_ppm: 1 + (mix(i, 29) % 999_999),
      exploration: mix(i, 31) % 20 === 0,
      utility_micros: mix(i, 37) % 9_000_000,
      estimated_cost_micros: candidates[0]!.costMicros,
      input_tokens: 200 + (mix(i, 41) % 8_000),
      output_tokens_max: 1_024,
      latency_ms_p95: 300 + (mix(i, 43) % 4_000),
      context_tokens_max: 128_000,
      policy_hash: mix(i >>> 10, 47).toString(16).padStart(8, "0").repeat(4),
      seed: mix(i, 53),
      gates_passed: 11,
      reasons: ["floor_met", "cheapest_feasible"],
    },
    learnerContext: { regime, tier: mix(i, 13) % 4, propensity_ppm: 1 + (mix(i, 29) % 999_999) },
  };
}
