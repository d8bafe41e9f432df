// Everything one decision reads, in one reusable object: the request (client data), the tenant's
// gate state (ledger data), the policy snapshot (learner data) and the seed. Only the request
// comes from the client, and no request field can open a gate that tenant or policy closed.

import type { KernelPolicy } from "./policy.ts";
import type { KernelRequest } from "./request.ts";

export interface KernelTenant {
  suspended: boolean;
  /** Providers this tenant may use at all, as bits of the domain's provider order. */
  allowedProviderMask: number;
  /** The tenant's own per-request cost cap in microcents, or UNSET. */
  costCapMicros: number;
}

export interface DecisionInput {
  request: KernelRequest;
  tenant: KernelTenant;
  policy: KernelPolicy;
  /** 128 bits derived from (tenant, idempotency key or request id, policy hash); seeds xoshiro128**. */
  seedWords: Uint32Array;
  /** Raise of a learned floor for an anomalous request, bps (0 = none); never raises a client floor. */
  floorRaiseBps: number;
}
