// What the decision path knows about a tenant: no secrets, only what gates and records need.

export interface TenantView {
  readonly tenantId: string;
  readonly name: string;
  readonly status: "active" | "suspended";
  readonly mode: "live" | "apprentice";
  readonly allowedProviderMask: number;
  readonly rateLimitPerMinute: number;
  readonly costCapMicros: number;
  readonly apiKeyId: string;
}
