// The edge worker's entry: the Hono app plus the Durable Object classes that wrangler binds.
import { Hono } from "hono";

export { TenantLedger } from "../durable-objects/tenant-ledger.ts";
export { Learner } from "../durable-objects/learner.ts";

const app = new Hono<{ Bindings: Env }>();
app.get("/health", (c) => c.json({ status: "ok" }));

export default app;
