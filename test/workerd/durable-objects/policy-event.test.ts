// The TenantLedger's policyEvent RPC (issue 12, "Chain entries"): lifecycle events sealed as
// `policy` entries between decisions made through the API, kept over an eviction and under a
// signed checkpoint, served by GET /v1/chain; the export verifies with calybris verify's policy
// check (src/cli/policy-chain-check.ts, which uses no Node API). Refusals come back as values.

import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { sha256 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { PolicyChainCheck } from "../../../src/cli/policy-chain-check.ts";
import { verifyExportBytes } from "../../../src/ledger/chain-verifier.ts";
import type { EntryRecord } from "../../../src/ledger/entry.ts";
import { scriptedLifecycle } from "../../shared/policy-lifecycle-fixtures.ts";
import { ADMIN_HEADERS, call, createTenant, decideOk, ledgerStubOf, readChain } from "../api/helpers.ts";
import { devVerifier, freshName, ledgerStub } from "./ledger-do-fixtures.ts";

const EVENTS = scriptedLifecycle();

describe("TenantLedger.policyEvent", () => {
  it("seals each event between API decisions; GET /v1/chain exports them and the export verifies, continuity and signatures", async () => {
    const tenant = await createTenant("policy", { rateLimitPerMinute: 10_000 });
    const stub = ledgerStubOf(tenant.tenantId);
    const seqs: number[] = [];
    for (const [i, event] of EVENTS.entries()) {
      await decideOk(tenant, { request_id: `before-${i}` });
      // Halfway through, the object is evicted: the chain it rebuilds from storage goes on.
      if (i === EVENTS.length / 2) await evictDurableObject(stub);
      const answer = await stub.policyEvent(event);
      if (!answer.ok) throw new Error(`policyEvent refused: ${answer.code} (${answer.detail})`);
      expect(answer.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      seqs.push(answer.seq);
    }
    // The checkpoint alarm signs over the policy entries like any others.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const chain = await readChain(tenant);
    const policies = chain.entries.filter((entry) => entry.kind === "policy");
    expect(policies.map((entry) => entry.seq)).toEqual(seqs);
    expect(policies.map((entry) => entry.record)).toEqual(EVENTS.map((event) => ({ policy: event })));
    const report = verifyExportBytes(chain.bytes, {
      sha256,
      tenantId: tenant.tenantId,
      verifierKey: devVerifier,
      policyCheck: new PolicyChainCheck(),
    });
    expect(report, JSON.stringify(report)).toMatchObject({ ok: true, entries: chain.entries.length, damage: null, tornTail: null });
    expect(report.checkpointsVerified).toBeGreaterThanOrEqual(1);
    expect(report.checkpointsVerified).toBe(report.checkpoints);
  });

  it("seals what the ledger cannot judge, and verify catches it: a repeated event breaks continuity at its seq", async () => {
    const tenant = await createTenant("policy-twice");
    const stub = ledgerStubOf(tenant.tenantId);
    expect(await stub.policyEvent(EVENTS[0]!)).toMatchObject({ ok: true, seq: 1 });
    // A retried RPC whose first answer was lost: the ledger does not read events, so it seals twice.
    expect(await stub.policyEvent(EVENTS[0]!)).toMatchObject({ ok: true, seq: 2 });
    const chain = await readChain(tenant);
    const report = verifyExportBytes(chain.bytes, { sha256, tenantId: tenant.tenantId, policyCheck: new PolicyChainCheck() });
    expect(report).toMatchObject({ ok: false, entries: 2, damage: { seq: 2, reason: expect.stringContaining("stage while candidate") } });
  });

  it("answers refusals as values: tenant_unknown without a tenant, record_invalid for no canonical object; a suspended tenant is served", async () => {
    expect(await ledgerStub(freshName("policy-vacant")).policyEvent(EVENTS[0]!)).toMatchObject({ ok: false, code: "tenant_unknown" });
    const tenant = await createTenant("policy-refused");
    const stub = ledgerStubOf(tenant.tenantId);
    for (const record of [{ op: "stage", score: 1.5 }, [1], null]) {
      const answer = await stub.policyEvent(record as unknown as EntryRecord);
      expect(answer, JSON.stringify(record)).toMatchObject({ ok: false, code: "record_invalid", detail: expect.any(String) });
    }
    const suspended = await call(`/admin/tenants/${tenant.tenantId}/suspend`, { method: "POST", headers: ADMIN_HEADERS });
    expect(suspended.status).toBe(200);
    expect(await stub.policyEvent(EVENTS[0]!)).toMatchObject({ ok: true, seq: 2 });
  });
});
