import { DurableObject } from "cloudflare:workers";
export class TenantLedger extends DurableObject<Env> {}
