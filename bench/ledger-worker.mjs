// Bench-only worker entry for `npm run bench:ledger`: this project's worker (src/worker/index.ts)
// with the bench routes (src/worker/bench-routes.ts) in front under /__bench. Plain JavaScript so
// the Node type check (tsconfig.node.json) does not pull in the Workers types; wrangler bundles it.

import { Hono } from "hono";
import app from "../src/worker/index.ts";
import { benchRoutes } from "../src/worker/bench-routes.ts";

export { TenantLedger, Learner } from "../src/worker/index.ts";

const front = new Hono();
front.route("/__bench", benchRoutes());
front.all("*", (c) => app.fetch(c.req.raw, c.env, c.executionCtx));

export default front;
