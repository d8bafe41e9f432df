// Outcome webhooks (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature, HMAC-SHA256,
// 5 minute tolerance, dedup by webhook-id): every refusal changes nothing, a replayed id answers
// the first result and applies nothing twice, and the alarm hands each outcome to the Learner once.

import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { signWebhook } from "../../../src/ledger/webhook-signature.ts";
import {
  bodyText,
  call,
  createTenant,
  decide,
  decideBody,
  decideOk,
  expectProblem,
  learnerStubOf,
  ledgerStubOf,
  outcomeBody,
  postOutcome,
  readBudget,
  signedHeaders,
  type Budget,
  type Tenant,
} from "./helpers.ts";

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * Runs `refuse` and checks that the tenant's budget and chain length are exactly as before. The
 * ledger's pending alarm runs first: an outcome arms it at once (outbox), and when it fires it also
 * signs a checkpoint entry, which must not be mistaken for a change made by the refusal.
 */
async function changesNothing(tenant: Tenant, refuse: () => Promise<void>): Promise<Budget> {
  await runDurableObjectAlarm(ledgerStubOf(tenant.tenantId));
  const before = await readBudget(tenant);
  await refuse();
  const after = await readBudget(tenant);
  expect(after).toEqual(before);
  return after;
}

async function outboxRows(tenantId: string): Promise<number> {
  return runInDurableObject(ledgerStubOf(tenantId), (_instance, state) =>
    Number(state.storage.sql.exec("SELECT count(*) AS n FROM outbox").one().n),
  );
}

describe("outcome webhooks", () => {
  it("refuses a bad signature, a stale or future timestamp and missing headers, changing nothing", async () => {
    const tenant = await createTenant("wh-refuse");
    const decision = await decideOk(tenant);
    const body = outcomeBody(decision);
    await changesNothing(tenant, async () => {
      await expectProblem(
        await postOutcome(tenant, body, { secret: `whsec_${btoa("some-other-secret-bytes!")}` }),
        "webhook_signature_invalid",
      );
      // The signature covers the exact bytes: the same JSON with a space is another payload.
      const headers = signedHeaders(tenant, body);
      await expectProblem(
        await call("/v1/outcomes", { method: "POST", headers, body: body.replace(":", ": ") }),
        "webhook_signature_invalid",
      );
      // Signed for another webhook id than the one sent.
      await expectProblem(
        await call("/v1/outcomes", { method: "POST", headers: { ...headers, "webhook-id": "other-id" }, body }),
        "webhook_signature_invalid",
      );
      await expectProblem(
        await call("/v1/outcomes", { method: "POST", headers: { ...headers, "webhook-signature": "v1,AAAA" }, body }),
        "webhook_signature_invalid",
      );
      for (const skew of [-301, -3_600, 301, 86_400]) {
        await expectProblem(await postOutcome(tenant, body, { timestampSeconds: nowSeconds() + skew }), "webhook_timestamp_stale");
      }
      for (const timestamp of ["", "abc", "1e9", "-5", "99999999999999"]) {
        const id = "ts-test";
        const raw = { ...signedHeaders(tenant, body, { webhookId: id }), "webhook-timestamp": timestamp };
        const response = await call("/v1/outcomes", { method: "POST", headers: raw, body });
        const text = await bodyText(response);
        expect([400, 401], `${timestamp}: ${text}`).toContain(response.status);
      }
      for (const missing of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
        const headers: Record<string, string> = signedHeaders(tenant, body);
        delete headers[missing];
        await expectProblem(await call("/v1/outcomes", { method: "POST", headers, body }), "webhook_headers_missing");
      }
      await expectProblem(await postOutcome(tenant, body, { webhookId: "x".repeat(257) }), "webhook_headers_missing");
    });
    // Within the tolerance, and with one valid signature among several (key rotation), it is accepted.
    const id = `ok-${crypto.randomUUID()}`;
    const ts = nowSeconds() - 240;
    const valid = signWebhook(tenant.webhookSecret, id, ts, body);
    const response = await call("/v1/outcomes", {
      method: "POST",
      body,
      headers: { ...tenant.headers, "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": `v1,bm90LWl0 ${valid}` },
    });
    expect(response.status, await response.clone().text()).toBe(200);
  });

  it("answers a replayed webhook-id with the first result (replayed true) and applies nothing twice", async () => {
    const tenant = await createTenant("wh-replay");
    const decision = await decideOk(tenant);
    const body = outcomeBody(decision, { actualCostMicros: 2_000 });
    const first = await postOutcome(tenant, body, { webhookId: "hook-1" });
    const original = (await first.json()) as Record<string, unknown>;
    expect(first.status).toBe(200);
    expect(original.replayed).toBe(false);
    const settled = await changesNothing(tenant, async () => {
      const again = await postOutcome(tenant, body, { webhookId: "hook-1" });
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ ...original, replayed: true });
    });
    expect(settled.committed_micros).toBe(2_000);
    expect(await outboxRows(tenant.tenantId)).toBeLessThanOrEqual(1);
  });

  it("refuses a webhook-id reused with another body (422 webhook_id_reused), so the decision it names is not taken for settled", async () => {
    const tenant = await createTenant("wh-reuse");
    const first = await decideOk(tenant);
    const second = await decideOk(tenant);
    const body = outcomeBody(first, { actualCostMicros: 2_000 });
    expect((await postOutcome(tenant, body, { webhookId: "hook-1" })).status).toBe(200);
    const reserved = (await readBudget(tenant)).reserved_micros;
    expect(reserved).toBe(second.reserved_micros);
    await changesNothing(tenant, async () => {
      // Signed correctly, but another message: another cost, then another decision.
      await expectProblem(
        await postOutcome(tenant, outcomeBody(first, { actualCostMicros: 9_999 }), { webhookId: "hook-1" }),
        "webhook_id_reused",
      );
      const reused = await expectProblem(await postOutcome(tenant, outcomeBody(second), { webhookId: "hook-1" }), "webhook_id_reused");
      expect(reused.detail).toMatch(/webhook-id/);
      // One byte of difference is another body (a space after a colon).
      await expectProblem(await postOutcome(tenant, body.replace(":", ": "), { webhookId: "hook-1" }), "webhook_id_reused");
      // The same body is still a retry.
      expect((await (await postOutcome(tenant, body, { webhookId: "hook-1" })).json()) as { replayed: boolean }).toMatchObject({
        replayed: true,
      });
    });
    // The second decision is still open, and settles under an id of its own.
    const own = await postOutcome(tenant, outcomeBody(second, { actualCostMicros: 1_000 }), { webhookId: "hook-2" });
    expect(own.status, await own.clone().text()).toBe(200);
    expect(await readBudget(tenant)).toMatchObject({ reserved_micros: 0, committed_micros: 3_000 });
  });

  it("refuses an unknown fingerprint, another tenant's, a second outcome and a refused decision's, changing nothing", async () => {
    const tenant = await createTenant("wh-codes");
    const other = await createTenant("wh-other");
    const decision = await decideOk(tenant);
    const theirs = await decideOk(other);
    const refused = (await (await decide(tenant, decideBody({ max_latency_ms: 1 }))).json()) as { fingerprint: string };
    const broke = await createTenant("wh-broke", { budgetMicros: 0 });
    const unfunded = (await (await decide(broke, decideBody())).json()) as { fingerprint: string; code: string };
    expect(unfunded.code).toBe("budget_exhausted");
    expect((await postOutcome(tenant, outcomeBody(decision))).status).toBe(200);
    const theirsBefore = await readBudget(other);
    await changesNothing(tenant, async () => {
      await expectProblem(await postOutcome(tenant, outcomeBody("0".repeat(64))), "decision_unknown");
      await expectProblem(await postOutcome(tenant, outcomeBody(theirs)), "decision_unknown");
      await expectProblem(await postOutcome(tenant, outcomeBody(decision)), "outcome_already_recorded");
      await expectProblem(await postOutcome(tenant, outcomeBody(refused.fingerprint)), "decision_not_reserved");
    });
    await changesNothing(broke, async () => {
      await expectProblem(await postOutcome(broke, outcomeBody(unfunded.fingerprint)), "decision_not_reserved");
    });
    expect(await readBudget(other)).toEqual(theirsBefore);
    // The other tenant can still settle its own decision: nothing was consumed by the attempt.
    expect((await postOutcome(other, outcomeBody(theirs))).status).toBe(200);
  });

  it("concurrent outcomes for one decision settle it once: other webhook ids get 409, the same id gets the replay", async () => {
    const tenant = await createTenant("wh-race");
    const decision = await decideOk(tenant);
    const body = outcomeBody(decision, { actualCostMicros: 500 });
    const distinct = await Promise.all(Array.from({ length: 6 }, (_, i) => postOutcome(tenant, body, { webhookId: `race-${i}` })));
    const statuses = distinct.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409, 409]);
    const decision2 = await decideOk(tenant);
    const body2 = outcomeBody(decision2, { actualCostMicros: 300 });
    const same = await Promise.all(Array.from({ length: 6 }, () => postOutcome(tenant, body2, { webhookId: "same-id" })));
    const answers = (await Promise.all(same.map((response) => response.json()))) as { replayed: boolean; outcome_fingerprint: string }[];
    expect(answers.filter((answer) => !answer.replayed)).toHaveLength(1);
    expect(new Set(answers.map((answer) => answer.outcome_fingerprint)).size).toBe(1);
    const budget = await readBudget(tenant);
    expect(budget).toMatchObject({ committed_micros: 800, reserved_micros: 0 });
  });

  it("the alarm drains the outbox to the Learner exactly once, also when it runs again", async () => {
    const tenant = await createTenant("wh-learn");
    const decision = await decideOk(tenant);
    const learner = learnerStubOf(tenant.tenantId);
    const before = await learner.learnedCount();
    const response = await postOutcome(tenant, outcomeBody(decision, { model: decision.model.id }), { webhookId: "learn-1" });
    expect(response.status).toBe(200);
    // A replay of the same webhook must not queue a second delivery.
    expect(
      ((await (await postOutcome(tenant, outcomeBody(decision), { webhookId: "learn-1" })).json()) as { replayed: boolean }).replayed,
    ).toBe(true);
    const stub = ledgerStubOf(tenant.tenantId);
    // The alarm may already have fired by itself (the outbox row is due at once): run it anyway.
    await runDurableObjectAlarm(stub);
    expect(await learner.learnedCount()).toBe(before + 1);
    expect(await outboxRows(tenant.tenantId)).toBe(0);
    await runDurableObjectAlarm(stub);
    await runDurableObjectAlarm(stub);
    expect(await learner.learnedCount()).toBe(before + 1);
  });

  it("an outcome after its reservation expired is charged once from what is available, and the budget stays conserved", async () => {
    const tenant = await createTenant("wh-late");
    const decision = await decideOk(tenant);
    const stub = ledgerStubOf(tenant.tenantId);
    // Let the reservation's time run out (its TTL is 10 minutes), then let the alarm expire it.
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("UPDATE reservations SET expires_at_ms = 1 WHERE id = ?", decision.decision_id);
    });
    await runDurableObjectAlarm(stub);
    const expired = await readBudget(tenant);
    expect(expired.reserved_micros).toBe(0);
    const response = await postOutcome(tenant, outcomeBody(decision, { actualCostMicros: 777 }));
    const settled = (await response.json()) as Record<string, number>;
    expect(response.status).toBe(200);
    expect(settled).toMatchObject({ committed_micros: 777, released_micros: 0, uncollected_micros: 0 });
    const after = await readBudget(tenant);
    expect(after).toMatchObject({ committed_micros: 777, reserved_micros: 0, available_micros: expired.available_micros - 777 });
    expect(after.credited_micros).toBe(after.available_micros + after.reserved_micros + after.committed_micros);
    await expectProblem(await postOutcome(tenant, outcomeBody(decision)), "outcome_already_recorded");
  });

  it("an outcome's alarm signs checkpoints no more often than CHECKPOINT_INTERVAL_MS (10 s)", async () => {
    // wrangler.toml: "The alarm signs a checkpoint at most this often while new entries arrive."
    // An outcome arms the alarm for now (its outbox row is due at once), and runAlarm signs a
    // checkpoint whenever entries are new, whatever the time since the last one.
    const tenant = await createTenant("wh-cadence");
    const stub = ledgerStubOf(tenant.tenantId);
    const started = Date.now();
    for (let i = 0; i < 3; i++) {
      const decision = await decideOk(tenant);
      expect((await postOutcome(tenant, outcomeBody(decision))).status).toBe(200);
      await runDurableObjectAlarm(stub);
    }
    expect(Date.now() - started).toBeLessThan(10_000);
    const chain = await (await call("/v1/chain", { headers: tenant.headers })).arrayBuffer();
    const checkpoints = new TextDecoder()
      .decode(chain)
      .split("\n")
      .filter((line) => line.includes('"kind":"checkpoint"'));
    expect(checkpoints.length).toBeLessThanOrEqual(1);
  });
});
