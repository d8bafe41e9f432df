// What the decision path knows about a tenant: no secrets, only what gates and records need.

export interface TenantView {
  readonly tenantId: string;
  readonly name: string;
  readonly status: "active" | "suspended";
  readonly mode: "live" | "apprentice";
  /** The tenant's domain pack id (src/domain/packs.ts). */
  readonly pack: string;
  readonly allowedProviderMask: number;
  readonly rateLimitPerMinute: number;
  readonly costCapMicros: number;
  readonly apiKeyId: string;
}
