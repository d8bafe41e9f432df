// Bench-only routes for `npm run bench:ledger`: they drive ONE TenantLedger from inside the
// worker, with N concurrent clients each appending decisions back to back, and read the engine's
// group-commit counters. They exist only in the bench worker (bench-worker.ts), never in src/;
// even there every route answers 404 unless env.BENCH_ROUTES === "1", which only the ledger bench
// sets. They create bench tenants only and append with the bench tenant's key hash.

import { Hono } from "hono";
import type { CreateTenantInput, DecideInput } from "../../src/durable-objects/ledger-rpc.ts";
import type { AppEnv } from "../../src/worker/app-env.ts";

/** A load run lasts at most this long, so a bad request cannot hold the object for ever. */
const LOAD_DURATION_MS_MAX = 60_000;
const LOAD_CLIENTS_MAX = 1_024;
const BENCH_SECRET_HASH_HEX = "be".repeat(32);

interface LoadRequest {
  readonly tenantId: string;
  readonly clients: number;
  readonly durationMs: number;
  /** The decide input every client sends; its decisionId gets a per-call suffix. */
  readonly template: DecideInput;
  /** "stats" calls benchStats instead of decide: the cost of the RPC round trip alone (a baseline). */
  readonly call?: "decide" | "stats";
}

interface BenchStats {
  readonly batches: number;
  readonly commands: number;
}

/** What the bench needs of the TenantLedger stub: benchStats is the bench subclass's (bench-worker.ts). */
interface BenchLedger {
  createTenant(input: CreateTenantInput): Promise<{ ok: boolean }>;
  decide(secretHashHex: string, input: DecideInput): Promise<{ result: { ok: boolean } }>;
  benchStats(): Promise<BenchStats>;
}

function ledger(env: Env, tenantId: string): BenchLedger {
  return env.TENANT_LEDGER.get(env.TENANT_LEDGER.idFromName(tenantId)) as unknown as BenchLedger;
}

function isCount(value: unknown, max: number): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= max;
}

/** Mount with `app.route("/__bench", benchRoutes())`; inert unless env.BENCH_ROUTES === "1". */
export function benchRoutes(): Hono<AppEnv> {
  const bench = new Hono<AppEnv>();
  bench.use("*", async (c, next) => {
    if ((c.env as unknown as { BENCH_ROUTES?: string }).BENCH_ROUTES !== "1") return c.notFound();
    await next();
    return undefined;
  });

  bench.post("/ledger/tenants/:tenantId", async (c) => {
    const tenantId = c.req.param("tenantId");
    const result = await ledger(c.env, tenantId).createTenant({
      tenantId,
      name: "Bench tenant",
      initialBudgetMicros: 2 ** 52,
      allowedProviderMask: 0xffff,
      rateLimitPerMinute: 2 ** 40,
      costCapMicros: -1,
      apiKeyHashHex: BENCH_SECRET_HASH_HEX,
      apiKeyId: "bench",
      webhookSecret: "whsec_YmVuY2gtb25seS1zZWNyZXQ=",
      mode: "live",
      pack: "llm",
    });
    return c.json(result, result.ok ? 200 : 409);
  });

  bench.get("/ledger/tenants/:tenantId/stats", async (c) => c.json(await ledger(c.env, c.req.param("tenantId")).benchStats()));

  // Each client awaits its append before sending the next, like a caller waiting for its answer.
  bench.post("/ledger/load", async (c) => {
    const body = await c.req.json<LoadRequest>();
    if (typeof body.tenantId !== "string" || !isCount(body.clients, LOAD_CLIENTS_MAX) || !isCount(body.durationMs, LOAD_DURATION_MS_MAX)) {
      return c.json({ error: `clients 1..${LOAD_CLIENTS_MAX}, durationMs 1..${LOAD_DURATION_MS_MAX}, tenantId required` }, 400);
    }
    const before = await ledger(c.env, body.tenantId).benchStats();
    const startMs = performance.now();
    const latenciesMs: number[] = [];
    let failures = 0;
    const client = async (index: number): Promise<void> => {
      const stub = ledger(c.env, body.tenantId);
      for (let call = 0; performance.now() - startMs < body.durationMs; call++) {
        const sentMs = performance.now();
        const ok =
          body.call === "stats"
            ? (await stub.benchStats()).batches >= 0
            : (await stub.decide(BENCH_SECRET_HASH_HEX, { ...body.template, decisionId: `${body.template.decisionId}-${index}-${call}` }))
                .result.ok;
        if (ok) latenciesMs.push(performance.now() - sentMs);
        else failures++;
      }
    };
    await Promise.all(Array.from({ length: body.clients }, (_, index) => client(index)));
    const elapsedMs = performance.now() - startMs;
    const after = await ledger(c.env, body.tenantId).benchStats();
    latenciesMs.sort((a, b) => a - b);
    const quantile = (q: number): number | null =>
      latenciesMs[Math.min(latenciesMs.length - 1, Math.floor(q * latenciesMs.length))] ?? null;
    return c.json({
      appends: latenciesMs.length,
      failures,
      elapsedMs,
      latencyMsP50: quantile(0.5),
      latencyMsP99: quantile(0.99),
      before,
      after,
    });
  });

  return bench;
}
