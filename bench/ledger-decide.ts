// Real decide commands for the ledger benchmarks: each is what the worker seals for one LLM routing
// decision, prepared by the production decision step (src/decision) on the LLM pack's warm start,
// over a deterministic mix of regimes, sizes and values. Bench support only.

import { prepareDecision, type KernelRun, type PolicyEntry } from "../src/decision/decide-step.ts";
import { decisionSeed } from "../src/decision/seed.ts";
import type { TenantView } from "../src/decision/tenant-view.ts";
import type { DecideInput } from "../src/durable-objects/ledger-rpc.ts";
import { LLM_PACK } from "../src/domain/llm/pack.ts";
import { DecisionResult } from "../src/kernel/decision-result.ts";
import { Kernel } from "../src/kernel/kernel.ts";
import { MASK_ALL, UNSET } from "../src/kernel/units.ts";
import { toKernelPolicy } from "../src/learning/policy-snapshot.ts";
import { warmStartSnapshot } from "../src/learning/warm-start.ts";

const RUN: KernelRun = { kernel: new Kernel(LLM_PACK.catalog), out: new DecisionResult() };
const SNAPSHOT = warmStartSnapshot(LLM_PACK);
const WARM: PolicyEntry = { snapshot: SNAPSHOT, policy: toKernelPolicy(SNAPSHOT) };
const TENANT: TenantView = {
  tenantId: "bench",
  name: "Bench",
  status: "active",
  mode: "live",
  pack: LLM_PACK.id,
  allowedProviderMask: MASK_ALL,
  rateLimitPerMinute: 0,
  costCapMicros: UNSET,
  apiKeyId: "bench",
};

/** Cheap deterministic mixing so every decision differs without a PRNG dependency. */
function mix(i: number, salt: number): number {
  let x = Math.imul(i ^ salt, 0x9e3779b1) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b) >>> 0;
  return (x ^ (x >>> 13)) >>> 0;
}

/** The decide input of decision number `i` of a run named `runId`. */
export function benchDecideInput(runId: string, i: number): DecideInput {
  const regimeIndex = mix(i, 7) % LLM_PACK.regimes.length;
  const decisionId = `${runId}-${i}`;
  const prepared = prepareDecision({
    pack: LLM_PACK,
    run: RUN,
    tenant: TENANT,
    learned: WARM,
    baseline: null,
    holdout: false,
    regime: LLM_PACK.regimes[regimeIndex]!.id,
    request: {
      regimeIndex,
      inputTokens: 200 + (mix(i, 41) % 8_000),
      maxOutputTokens: 1_024,
      valueMicros: 1_000_000 + (mix(i, 37) % 9_000_000),
      riskBps: mix(i, 23) % 2_000,
      clientFloorBps: UNSET,
      maxLatencyMs: UNSET,
      maxCostMicros: UNSET,
      requiredCapabilityMask: 0,
      providerAllowMask: MASK_ALL,
      providerDenyMask: 0,
    },
    requestId: decisionId,
    tenantChoice: null,
    seedOf: (hash) => decisionSeed(TENANT.tenantId, decisionId, hash),
  });
  return { decisionId, idempotencyKey: null, requestDigestHex: mix(i, 11).toString(16).padStart(8, "0").repeat(8), ...prepared };
}
