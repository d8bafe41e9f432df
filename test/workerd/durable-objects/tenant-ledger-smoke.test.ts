import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { DecideInput } from "../../../src/durable-objects/ledger-rpc.ts";
import { synthetic } from "./ledger-do-fixtures.ts";

describe("TenantLedger smoke", () => {
  it("creates a tenant, decides, reports budget and exports a chain", async () => {
    const stub = env.TENANT_LEDGER.get(env.TENANT_LEDGER.idFromName("smoke"));
    const created = await stub.createTenant({
      tenantId: "smoke",
      name: "Smoke",
      initialBudgetMicros: 1_000_000,
      allowedProviderMask: 0xffff,
      rateLimitPerMinute: 600,
      costCapMicros: -1,
      apiKeyHashHex: "ab".repeat(32),
      apiKeyId: "k1",
      webhookSecret: "whsec_" + btoa("0123456789abcdef0123"),
      mode: "live",
      pack: "llm",
    });
    expect(created.ok).toBe(true);
    const answer = await stub.decide(
      "ab".repeat(32),
      synthetic<DecideInput>({
        decisionId: "d1",
        idempotencyKey: null,
        requestDigestHex: "00",
        candidates: [{ option: "m", costMicros: 400_000 }],
        record: { x: 1 },
        learnerContext: null,
        tally: { regime: 0, propensity: null, shadow: null },
      }),
    );
    expect(answer.result.ok).toBe(true);
    const budget = await stub.budget("ab".repeat(32));
    expect(budget).toMatchObject({ ok: true, budget: { reservedMicros: 400_000, availableMicros: 600_000 } });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await evictDurableObject(stub);
    const page = await stub.chainPage("ab".repeat(32), 0, 100);
    expect(page.ok && page.lines.length).toBe(3);
    const checkpoint = await stub.latestCheckpoint("ab".repeat(32));
    expect(checkpoint.ok).toBe(true);
  });
});
