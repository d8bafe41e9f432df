// Tenant isolation as a property: tenants are created on the fly, B acts legitimately, then random
// sequences of A's calls aim at B's data (fingerprints, decision and reservation ids, webhook ids,
// sequence numbers, idempotency keys, key halves). B's budget, chain bytes and Learner never change,
// and A's chain only ever holds A's own entries from A's genesis. Keys naming a tenant that does
// not exist get the same 401 as a wrong key and never create a Durable Object.

import { env } from "cloudflare:workers";
import { listDurableObjectIds, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mintApiKey } from "../../../src/worker/api-keys.ts";
import {
  bodyText,
  call,
  createTenant,
  decide,
  decideBody,
  decideOk,
  expectProblem,
  freshTenantId,
  learnerStubOf,
  ledgerStubOf,
  outcomeBody,
  postOutcome,
  readBudget,
  readChain,
  tenantHeaders,
  verifyChain,
  type Decision,
  type Tenant,
} from "./helpers.ts";

interface Victim {
  readonly tenant: Tenant;
  readonly served: Decision[];
  readonly refusedFingerprint: string;
  readonly webhookIds: string[];
  readonly idempotencyKeys: string[];
}

/** B's legitimate history: served decisions (one with an outcome), a sealed refusal, an alarm run. */
async function victim(): Promise<Victim> {
  const tenant = await createTenant("iso-b");
  const idempotencyKeys = ["b-key-1", "b-key-2"];
  const served = [
    await decideOk(tenant, {}, { "idempotency-key": idempotencyKeys[0]! }),
    await decideOk(tenant, {}, { "idempotency-key": idempotencyKeys[1]! }),
    await decideOk(tenant),
  ];
  const refused = (await (await decide(tenant, decideBody({ regime: "astrology" }))).json()) as { fingerprint: string };
  const webhookIds = [`b-hook-${crypto.randomUUID()}`];
  const settled = await postOutcome(tenant, outcomeBody(served[0]!), { webhookId: webhookIds[0]! });
  expect(settled.status).toBe(200);
  // Let B's alarm do all its work now (checkpoint, outbox to the Learner), so B is quiet afterwards.
  await runDurableObjectAlarm(ledgerStubOf(tenant.tenantId));
  return { tenant, served, refusedFingerprint: refused.fingerprint, webhookIds, idempotencyKeys };
}

interface Snapshot {
  readonly budget: unknown;
  readonly chain: string;
  readonly learned: number;
}

async function snapshotOf(tenant: Tenant): Promise<Snapshot> {
  const chain = await readChain(tenant);
  return {
    budget: await readBudget(tenant),
    chain: new TextDecoder().decode(chain.bytes),
    learned: await learnerStubOf(tenant.tenantId).learnedCount(),
  };
}

type Operation =
  | { readonly op: "outcome_b_fingerprint"; readonly pick: number; readonly signWithB: boolean }
  | { readonly op: "outcome_b_refusal" }
  | { readonly op: "outcome_b_webhook_id"; readonly pick: number }
  | { readonly op: "decide_b_idempotency_key"; readonly pick: number }
  | { readonly op: "decide_b_reservation_id"; readonly pick: number }
  | { readonly op: "proof_b_seq"; readonly pick: number }
  | { readonly op: "release_b_reservation"; readonly pick: number }
  | { readonly op: "read_learner_reports" }
  | { readonly op: "read_chain" }
  | { readonly op: "read_budget" }
  | { readonly op: "spliced_key"; readonly half: "a_id_b_secret" | "b_id_a_secret" }
  | { readonly op: "own_outcome_and_alarm" };

const pick = fc.nat({ max: 9 });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ op: fc.constant("outcome_b_fingerprint" as const), pick, signWithB: fc.boolean() }),
  fc.constant({ op: "outcome_b_refusal" as const }),
  fc.record({ op: fc.constant("outcome_b_webhook_id" as const), pick }),
  fc.record({ op: fc.constant("decide_b_idempotency_key" as const), pick }),
  fc.record({ op: fc.constant("decide_b_reservation_id" as const), pick }),
  fc.record({ op: fc.constant("proof_b_seq" as const), pick }),
  fc.record({ op: fc.constant("release_b_reservation" as const), pick }),
  fc.constant({ op: "read_learner_reports" as const }),
  fc.constant({ op: "read_chain" as const }),
  fc.constant({ op: "read_budget" as const }),
  fc.record({ op: fc.constant("spliced_key" as const), half: fc.constantFrom("a_id_b_secret" as const, "b_id_a_secret" as const) }),
  fc.constant({ op: "own_outcome_and_alarm" as const }),
);

const at = <T>(items: readonly T[], index: number): T => items[index % items.length]!;
const secretOf = (tenant: Tenant): string => tenant.apiKey.slice(`cal_live_${tenant.tenantId}_`.length);

/** A's call aimed at B; asserts what A gets and that nothing of B's leaks into it. */
async function act(a: Tenant, b: Victim, operation: Operation): Promise<void> {
  const bFingerprints = new Set([...b.served.map((d) => d.fingerprint), b.refusedFingerprint]);
  switch (operation.op) {
    case "outcome_b_fingerprint": {
      const body = outcomeBody(at(b.served, operation.pick));
      const response = await postOutcome(a, body, operation.signWithB ? { secret: b.tenant.webhookSecret } : {});
      await expectProblem(response, operation.signWithB ? "webhook_signature_invalid" : "decision_unknown");
      return;
    }
    case "outcome_b_refusal":
      await expectProblem(await postOutcome(a, outcomeBody(b.refusedFingerprint)), "decision_unknown");
      return;
    case "outcome_b_webhook_id": {
      // B's webhook id means nothing in A's ledger: no replay of B's settlement comes back.
      const response = await postOutcome(a, outcomeBody(at(b.served, operation.pick)), { webhookId: at(b.webhookIds, operation.pick) });
      await expectProblem(response, "decision_unknown");
      return;
    }
    case "decide_b_idempotency_key":
    case "decide_b_reservation_id": {
      const headers =
        operation.op === "decide_b_idempotency_key"
          ? { "idempotency-key": at(b.idempotencyKeys, operation.pick) }
          : { "idempotency-key": at(b.served, operation.pick).decision_id };
      const body = operation.op === "decide_b_reservation_id" ? { request_id: at(b.served, operation.pick).decision_id } : {};
      const mine = await decideOk(a, body, headers);
      expect(bFingerprints.has(mine.fingerprint)).toBe(false);
      expect(b.served.some((d) => d.decision_id === mine.decision_id)).toBe(false);
      return;
    }
    case "proof_b_seq": {
      const seq = at(b.served, operation.pick).seq;
      const response = await call(`/v1/chain/proof/${seq}`, { headers: a.headers });
      const text = await bodyText(response);
      if (response.status === 404) return;
      expect(response.status, text).toBe(200);
      const entry = JSON.parse((JSON.parse(text) as { entry: string }).entry) as { fp: string };
      expect(bFingerprints.has(entry.fp)).toBe(false);
      return;
    }
    case "release_b_reservation": {
      // A reservation id is B's decision id: in A's ledger it names nothing.
      const id = at(b.served, operation.pick).decision_id;
      await expectProblem(await call(`/v1/decisions/${id}/release`, { method: "POST", headers: a.headers }), "reservation_unknown");
      return;
    }
    case "read_learner_reports": {
      // A's reports come from A's Learner, never B's (B has learned one outcome).
      const regimes = (await (await call("/v1/regimes", { headers: a.headers })).json()) as { hash: string; outcomes: number };
      const own = await learnerStubOf(a.tenantId).regimes("llm");
      expect(regimes).toMatchObject({ hash: own.hash, outcomes: own.outcomes });
      const apprentice = await call("/v1/apprentice", { headers: a.headers });
      expect(apprentice.status).toBe(200);
      return;
    }
    case "read_chain": {
      const chain = await readChain(a);
      expect(chain.entries[0]!.record).toMatchObject({ op: "tenant_created", tenant_id: a.tenantId });
      expect(chain.entries.some((entry) => bFingerprints.has(entry.fp))).toBe(false);
      expect(verifyChain(chain.bytes, a.tenantId).ok).toBe(true);
      return;
    }
    case "read_budget": {
      await readBudget(a);
      return;
    }
    case "spliced_key": {
      const key =
        operation.half === "a_id_b_secret"
          ? `cal_live_${a.tenantId}_${secretOf(b.tenant)}`
          : `cal_live_${b.tenant.tenantId}_${secretOf(a)}`;
      await expectProblem(await call("/v1/budget", { headers: tenantHeaders(key) }), "unauthorized");
      await expectProblem(await decide({ ...a, headers: tenantHeaders(key) }, decideBody()), "unauthorized");
      return;
    }
    case "own_outcome_and_alarm": {
      const mine = await decideOk(a);
      expect((await postOutcome(a, outcomeBody(mine))).status).toBe(200);
      await runDurableObjectAlarm(ledgerStubOf(a.tenantId));
      return;
    }
  }
}

describe("tenant isolation", () => {
  it("nothing A does with B's identifiers changes B, and A only ever sees its own chain", { timeout: 90_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 4, maxLength: 12 }), fc.nat({ max: 2 }), async (operations, bystanders) => {
        const a = await createTenant("iso-a");
        const b = await victim();
        // Bystander tenants on the side: more objects, same rule.
        for (let i = 0; i < bystanders; i++) await decideOk(await createTenant("iso-c"));
        const before = await snapshotOf(b.tenant);
        // B's own outcome reached B's Learner, so "unchanged" below is about a live counter.
        expect(before.learned).toBe(1);
        for (const step of operations) await act(a, b, step);
        await runDurableObjectAlarm(ledgerStubOf(a.tenantId));
        const after = await snapshotOf(b.tenant);
        expect(after).toEqual(before);
        const aChain = await readChain(a);
        expect(verifyChain(aChain.bytes, a.tenantId)).toMatchObject({ ok: true, tenantId: a.tenantId });
        expect(aChain.entries.filter((entry) => entry.record.op === "tenant_created")).toHaveLength(1);
      }),
      { numRuns: 10 },
    );
  });

  it("a key naming a tenant that does not exist gets the same 401 as a wrong key, and creates no Durable Object", async () => {
    const real = await createTenant("iso-real");
    const ghostBadMac = freshTenantId("ghost");
    const ghostLooksRight = freshTenantId("ghost");
    // Right shape (24 random bytes + 8 MAC bytes, base64url) but a MAC made without the server's pepper.
    const forged = mintApiKey("not-the-server-pepper-0123456789", ghostLooksRight, crypto.getRandomValues(new Uint8Array(24))).key;
    const attempts: [string, string | undefined][] = [
      ["no key", undefined],
      ["wrong secret for a real tenant", `Bearer cal_live_${real.tenantId}_${secretOf(await createTenant("iso-other"))}`],
      ["garbage secret, unknown tenant", `Bearer cal_live_${ghostBadMac}_not-a-secret`],
      ["well-formed key with a bad MAC, unknown tenant", `Bearer ${forged}`],
    ];
    const shapes: string[] = [];
    for (const [, authorization] of attempts) {
      for (const path of ["/v1/budget", "/v1/chain", "/v1/checkpoints/latest"]) {
        const response = await call(path, authorization === undefined ? {} : { headers: { authorization } });
        const problem = await expectProblem(response, "unauthorized");
        // The instance names this request's id; everything else must be identical.
        shapes.push(JSON.stringify({ ...problem, instance: null }));
      }
      const decided = await call("/v1/decide", {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization === undefined ? {} : { authorization }) },
        body: JSON.stringify(decideBody()),
      });
      await expectProblem(decided, "unauthorized");
    }
    // One answer for every failure: nothing tells a caller which part of the key was wrong.
    expect(new Set(shapes).size).toBe(1);
    const ids = await listDurableObjectIds(env.TENANT_LEDGER);
    for (const ghost of [ghostBadMac, ghostLooksRight]) {
      expect(
        ids.some((id) => id.equals(env.TENANT_LEDGER.idFromName(ghost))),
        ghost,
      ).toBe(false);
    }
    expect(ids.some((id) => id.equals(env.TENANT_LEDGER.idFromName(real.tenantId)))).toBe(true);
  });

  it("a key with a valid MAC for a tenant that does not exist (only the pepper's holder can mint one) gets the same 401 and writes nothing", async () => {
    const ghost = freshTenantId("ghost-mac");
    const key = mintApiKey(env.API_KEY_PEPPER, ghost, crypto.getRandomValues(new Uint8Array(24))).key;
    await expectProblem(await call("/v1/budget", { headers: tenantHeaders(key) }), "unauthorized");
    await expectProblem(
      await call("/v1/decide", { method: "POST", headers: tenantHeaders(key), body: JSON.stringify(decideBody()) }),
      "unauthorized",
    );
    // This key reaches the object, which must stay vacant: no schema, no rows, no alarm.
    const vacant = await runInDurableObject(ledgerStubOf(ghost), async (_instance, state) => ({
      tables: state.storage.sql.exec("SELECT count(*) AS n FROM sqlite_master").one().n,
      alarm: await state.storage.getAlarm(),
    }));
    expect(vacant).toEqual({ tables: 0, alarm: null });
  });
});
