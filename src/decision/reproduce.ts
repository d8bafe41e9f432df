// Replaying a sealed decision: rebuild the kernel's input from the record and the snapshot it
// names (by content hash), run the kernel again, and rebuild the record. Determinism means the
// rebuilt record is identical, canonical byte for canonical byte, to the sealed one.

import type { DomainPack } from "../domain/domain-pack.ts";
import { BPS_SCALE } from "../kernel/units.ts";
import { weighted } from "./decide-step.ts";
import { buildDecisionRecord, kernelInputOfRecord, withShadow, type DecisionRecord } from "./decision-record.ts";
import { DecisionResult } from "../kernel/decision-result.ts";
import { Kernel } from "../kernel/kernel.ts";
import { DecisionCode } from "../kernel/result-codes.ts";
import type { KernelRequest } from "../kernel/request.ts";
import { canonicalJson } from "../ledger/canonical.ts";
import { toKernelPolicy, type PolicySnapshot } from "../learning/policy-snapshot.ts";

export function reproduceDecision(pack: DomainPack, record: DecisionRecord, snapshot: PolicySnapshot): DecisionRecord {
  if (snapshot.hash !== record.policy.hash) throw new RangeError("the snapshot is not the one the decision names");
  const r = record.request;
  const request: KernelRequest = {
    regimeIndex: r.regime_index,
    inputTokens: r.input_tokens,
    maxOutputTokens: r.max_output_tokens,
    valueMicros: r.value_micros,
    riskBps: r.risk_bps,
    clientFloorBps: r.client_floor_bps,
    maxLatencyMs: r.max_latency_ms,
    maxCostMicros: r.max_cost_micros,
    requiredCapabilityMask: r.capability_mask,
    providerAllowMask: r.provider_allow_mask,
    providerDenyMask: r.provider_deny_mask,
  };
  const kernel = new Kernel(pack.catalog);
  const out = new DecisionResult();
  const t = record.tenant;
  // The kernel saw the client's value under the configuration's weight, sealed in the settings,
  // and the tenant's exploration share, sealed there too.
  const valueWeightBps = record.settings.value_weight_bps ?? BPS_SCALE;
  const policy = toKernelPolicy(snapshot, record.settings.exploration_bps);
  const code = kernel.decide(kernelInputOfRecord(record, weighted(request, valueWeightBps), policy), out);
  if (code === DecisionCode.ok) kernel.propensity(out);
  const again = buildDecisionRecord({
    pack,
    regime: r.regime,
    request,
    requestId: r.request_id,
    tenantChoice: r.tenant_choice,
    tenant: {
      tenantId: "",
      name: "",
      status: t.status as "active" | "suspended",
      mode: t.mode as "live" | "apprentice",
      pack: record.pack,
      allowedProviderMask: t.allowed_provider_mask,
      rateLimitPerMinute: 0,
      costCapMicros: t.cost_cap_micros,
      apiKeyId: "",
    },
    policy: record.policy,
    seedHex: record.seed,
    settings: { explorationBps: record.settings.exploration_bps, holdoutBps: record.settings.holdout_bps, valueWeightBps },
    holdout: record.holdout,
    // Records sealed before the evaluation fields are rebuilt without them, as they were sealed.
    evaluation: record.evaluation === undefined ? null : { meanBps: snapshot.meanBps, latencyBpsPerSecond: snapshot.latencyBpsPerSecond },
    floorRaiseBps: record.floor_raise_bps,
    anomaly: record.anomaly,
    apprentice: record.apprentice !== null,
    out,
    kernel,
  });
  // The shadow was the candidate's decision, under the candidate's snapshot: it is sealed as run.
  return record.shadow === undefined ? again : withShadow(again, record.shadow);
}

/** True when the replayed record is canonically identical to the sealed one. */
export function reproducesSealed(pack: DomainPack, record: DecisionRecord, snapshot: PolicySnapshot): boolean {
  const again = reproduceDecision(pack, record, snapshot);
  return canonicalJson(again) === canonicalJson(record);
}
