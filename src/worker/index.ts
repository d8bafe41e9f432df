// The edge worker's entry: the Hono app plus the Durable Object classes that wrangler binds.

import { buildApp } from "./app.ts";

export { TenantLedger } from "../durable-objects/tenant-ledger.ts";
export { Learner } from "../durable-objects/learner.ts";

export default buildApp();
