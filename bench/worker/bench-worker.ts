// The bench worker, entry of `npm run bench:ledger` (with wrangler.toml) and `npm run bench:http`
// (bench/wrangler.http.toml): the production app and objects, plus what only benchmarks use —
// the bench routes under /__bench, a TenantLedger subclass that answers its group-commit counters
// over RPC, and the platform's floor under /__floor. Nothing here is ever part of the deployed worker.

import { DurableObject } from "cloudflare:workers";
import { TenantLedger as ProductionTenantLedger } from "../../src/durable-objects/tenant-ledger.ts";
import type { BatchStats } from "../../src/ledger/engine.ts";
import { buildApp } from "../../src/worker/app.ts";
import { benchRoutes } from "./bench-routes.ts";

export { Learner } from "../../src/durable-objects/learner.ts";

/**
 * The production TenantLedger plus one RPC for the ledger bench. Exported under the production
 * class name, so the configs' `class_name = "TenantLedger"` bindings reach it unchanged.
 */
export class TenantLedger extends ProductionTenantLedger {
  /** The engine's counters since the object started; the RPC round trip alone is the bench's baseline. */
  benchStats(): BatchStats {
    return ProductionTenantLedger.batchStats(this);
  }
}

/** The floor of `npm run bench:http`: one Durable Object round trip that does one SQLite insert and nothing else. */
export class BenchFloor extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS hits (id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL)");
  }

  insert(): number {
    this.ctx.storage.sql.exec("INSERT INTO hits (at_ms) VALUES (?)", Date.now());
    return 1;
  }
}

interface FloorEnv {
  readonly BENCH_FLOOR: DurableObjectNamespace<BenchFloor>;
}

const app = buildApp();
app.route("/__bench", benchRoutes());

export default {
  // The floor bypasses the app (request ids, CORS, routing) on purpose: it is the platform's cost alone.
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    if (request.method === "POST" && new URL(request.url).pathname === "/__floor") {
      const floor = (env as unknown as FloorEnv).BENCH_FLOOR;
      const stub = floor.get(floor.idFromName("floor"));
      return Response.json({ ok: (await stub.insert()) === 1 });
    }
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
