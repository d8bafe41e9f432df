// Bench-only worker entry for `npm run bench:http`: this project's worker unchanged, plus the
// platform's floor under /__floor — one Durable Object round trip that does one SQLite insert and
// nothing else. Plain JavaScript so the Node type check does not pull in the Workers types.

import { DurableObject } from "cloudflare:workers";
import app from "../src/worker/index.ts";

export { TenantLedger, Learner } from "../src/worker/index.ts";

export class BenchFloor extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS hits (id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL)");
  }

  insert() {
    this.ctx.storage.sql.exec("INSERT INTO hits (at_ms) VALUES (?)", Date.now());
    return 1;
  }
}

export default {
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/__floor" && request.method === "POST") {
      const stub = env.BENCH_FLOOR.get(env.BENCH_FLOOR.idFromName("floor"));
      return Response.json({ ok: (await stub.insert()) === 1 });
    }
    return app.fetch(request, env, ctx);
  },
};
