// The policy lifecycle end to end inside workerd, through HTTP: stage a candidate, decide with it
// in shadow (sealed beside production's choice, serving untouched), report outcomes, read the
// evaluation and the gate, promote, see the next decision run the new configuration, roll back to
// the exact previous hash; the chain export verifies with its policy entries, and calybris
// evaluate's recomputation equals GET /v1/evaluation, the candidate's figures included.

import { sha256 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { PolicyChainCheck } from "../../../src/cli/policy-chain-check.ts";
import { evaluateExport } from "../../../src/decision/evaluate-export.ts";
import type { EvaluationAnswerJson } from "../../../src/decision/evaluation-answer.ts";
import { isPackId, PACKS } from "../../../src/domain/packs.ts";
import { verifyExportBytes } from "../../../src/ledger/chain-verifier.ts";
import {
  ADMIN_HEADERS,
  call,
  chain,
  createTenant,
  decide,
  drainOutbox,
  json,
  postOutcome,
  waitForPolicyCache,
  type Tenant,
} from "./learner-helpers.ts";

const packOf = (id: string) => (isPackId(id) ? PACKS[id] : null);

function admin(tenant: Tenant, path: string, method: string, body?: unknown): Promise<Response> {
  return call(`/admin/tenants/${tenant.tenantId}${path}`, {
    method,
    headers: ADMIN_HEADERS,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

interface LifecycleJson {
  readonly current: { readonly hash: string; readonly version: number; readonly config: Record<string, unknown> };
  readonly candidate: { readonly hash: string; readonly config: Record<string, unknown> } | null;
  readonly history: readonly { readonly hash: string }[];
  readonly event: { readonly seq: number; readonly op: string; readonly forced: boolean; readonly reason: string | null };
}

describe("the policy lifecycle", () => {
  it("stages, shadows, evaluates, promotes by force with a sealed reason, runs the new configuration and rolls back exactly", async () => {
    const tenant = await createTenant("lifecycle");
    const staged = await json<LifecycleJson>(admin(tenant, "/candidates", "POST", { exploration_bps: 2_000, holdout_bps: 0 }), 201);
    expect(staged.event.op).toBe("stage");
    expect(staged.candidate!.config).toMatchObject({ exploration_bps: 2_000, holdout_bps: 0 });
    const production = staged.current;
    // One candidate at a time.
    expect((await admin(tenant, "/candidates", "POST", { exploration_bps: 100 })).status).toBe(409);

    // Decisions in shadow: the record seals the candidate's choice beside production's.
    for (let i = 0; i < 24; i++) {
      const decision = await decide(tenant, `lc-${i}`, { regime: i % 2 === 0 ? "support" : "coding" });
      await postOutcome(tenant, decision, { success: i % 4 !== 0 });
    }
    await drainOutbox(tenant);
    const { entries, bytes } = await chain(tenant);
    const decisions = entries.filter((entry) => entry.kind === "decision").map((entry) => entry.record.decision as Record<string, unknown>);
    expect(decisions).toHaveLength(24);
    for (const record of decisions) {
      const shadow = record.shadow as { config_hash: string; served_probability: { numerator: number; denominator: number } };
      expect(shadow.config_hash).toBe(staged.candidate!.hash);
      expect(shadow.served_probability.denominator).toBeGreaterThan(0);
      // Serving is production's: its settings are the current configuration's, not the candidate's.
      expect((record.settings as { exploration_bps: number }).exploration_bps).toBe(production.config.exploration_bps);
    }

    // The evaluation reports the candidate's own sums; the export recomputes the same answer.
    const evaluation = await json<EvaluationAnswerJson>(call("/v1/evaluation", { headers: tenant.headers }));
    expect(evaluation.candidate_config_hash).toBe(staged.candidate!.hash);
    expect(evaluation.counts.shadow_outcomes).toBe(24);
    const lines = new TextDecoder()
      .decode(bytes)
      .split("\n")
      .filter((line) => line.length > 0);
    const offline = evaluateExport(lines, { regime: null, sinceDay: null }, packOf);
    expect(offline.ok && JSON.stringify(offline.answer)).toBe(JSON.stringify(evaluation));

    // The gate: too few decisions, so not promotable; every criterion is named.
    const current = await json<{
      shadow: { decisions: number; by_regime: unknown[] };
      gate: { promotable: boolean; criteria: { name: string; pass: boolean }[] };
    }>(admin(tenant, "/candidates/current", "GET"));
    expect(current.shadow.decisions).toBe(24);
    expect(current.gate.promotable).toBe(false);
    expect(current.gate.criteria.map((c) => c.name)).toEqual(["decisions", "improvement", "no_new_refusals", "calibration"]);
    const refused = await admin(tenant, "/candidates/current/promote", "POST", {});
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { failing: { name: string }[] }).failing.map((c) => c.name)).toContain("decisions");

    // Forced, with a reason: sealed in the policy entry.
    const promoted = await json<LifecycleJson>(
      admin(tenant, "/candidates/current/promote", "POST", { force: { reason: "load test of the new shares" } }),
    );
    expect(promoted.event).toMatchObject({ op: "promote", forced: true, reason: "load test of the new shares" });
    expect(promoted.current.hash).toBe(staged.candidate!.hash);
    expect(promoted.candidate).toBeNull();

    // The next decision runs the promoted configuration.
    await waitForPolicyCache();
    await decide(tenant, "after-promote");
    const after = (await chain(tenant)).entries.filter((entry) => entry.kind === "decision").at(-1)!.record.decision as Record<
      string,
      unknown
    >;
    expect(after.settings).toEqual({ exploration_bps: 2_000, holdout_bps: 0 });
    expect(after.shadow).toBeUndefined();

    // Rollback returns to the exact previous configuration.
    const rolled = await json<LifecycleJson>(admin(tenant, "/rollback", "POST"));
    expect(rolled.current.hash).toBe(production.hash);
    expect(rolled.current.config).toEqual(production.config);

    // The export verifies, its policy entries included, and holds the four events in order.
    const final = await chain(tenant);
    const report = verifyExportBytes(final.bytes, { sha256, tenantId: tenant.tenantId, policyCheck: new PolicyChainCheck() });
    expect(report, JSON.stringify(report)).toMatchObject({ ok: true, damage: null });
    expect(final.entries.filter((entry) => entry.kind === "policy").map((entry) => (entry.record.policy as { op: string }).op)).toEqual([
      "stage",
      "promote",
      "rollback",
    ]);
  });
});
