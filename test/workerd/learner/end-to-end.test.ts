// The Learner end to end inside workerd, through HTTP: a decision, a signed outcome, the ledger's
// alarm draining its outbox to the Learner, a new snapshot that the next decision uses; exactly-
// once learning under duplicated alarms and evictions; replay of every sealed decision; apprentice
// mode; and the anomaly floor raise. Every test has its own tenant.

import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sha256 } from "@noble/hashes/sha2.js";
import type { DecisionRecord } from "../../../src/decision/decision-record.ts";
import { LLM_PACK } from "../../../src/domain/llm/pack.ts";
import { ANOMALY_FLOOR_RAISE_BPS } from "../../../src/learning/anomaly.ts";
import { FLOOR_STEP_BPS } from "../../../src/learning/calibration.ts";
import type { OutcomePayload } from "../../../src/learning/learner-input.ts";
import { optionCostMicros } from "../../../src/learning/option-cost.ts";
import { reproducesSealed } from "../../../src/decision/reproduce.ts";
import { warmStartContent, warmStartSnapshot } from "../../../src/learning/warm-start.ts";
import { verifyExportBytes } from "../../../src/ledger/chain-verifier.ts";
import {
  ADMIN_HEADERS,
  call,
  chain,
  countsTotal,
  createTenant,
  decide,
  drainOutbox,
  fireLedgerAlarmAgain,
  holdoutKey,
  json,
  learnerOf,
  ledgerOf,
  liveKey,
  postOutcome,
  predictChoice,
  regimes,
  runLedgerAlarm,
  waitForPolicyCache,
  type Decision,
  type Tenant,
} from "./learner-helpers.ts";

const SUPPORT = LLM_PACK.regimes.findIndex((regime) => regime.id === "support");
const WARM = warmStartSnapshot(LLM_PACK);

/** Every sealed decision replays under the snapshot it names, fetched from the Learner by hash. */
async function expectEveryDecisionReplays(tenant: Tenant): Promise<number> {
  const { entries } = await chain(tenant);
  const learner = learnerOf(tenant);
  let replayed = 0;
  for (const entry of entries.filter((e) => e.kind === "decision")) {
    const record = (entry.record as { decision: DecisionRecord }).decision;
    const snapshot = await learner.snapshotByHash("llm", record.policy.hash);
    expect(snapshot, `snapshot ${record.policy.hash} of seq ${entry.seq}`).not.toBeNull();
    expect(snapshot!.version).toBe(record.policy.version);
    expect(reproducesSealed(LLM_PACK, record, snapshot!), `replay of seq ${entry.seq}`).toBe(true);
    replayed++;
  }
  return replayed;
}

/** An outcome payload the Learner would learn (support, economy tier) under the given id. */
function redelivery(id: string): { id: string; payload: string } {
  const payload: OutcomePayload = {
    outcomeId: id,
    servedOption: "gpt-4o-mini",
    context: { regime_index: SUPPORT, input_tokens: 1_200, value_micros: 5_000_000, risk_bps: 1_000 },
    outcome: { success: true, quality_bps: null },
  };
  return { id, payload: JSON.stringify(payload) };
}

async function expectChainVerifies(tenant: Tenant): Promise<void> {
  const { bytes } = await chain(tenant);
  const report = verifyExportBytes(bytes, { sha256, tenantId: tenant.tenantId });
  expect(report.damage).toBeNull();
  expect(report.ok).toBe(true);
}

describe("Learner end to end", () => {
  it("learns a signed outcome after the ledger's alarm and the next decision uses the new snapshot", async () => {
    const tenant = await createTenant("e2e-learn");
    const before = await regimes(tenant);
    expect(before).toMatchObject({ version: 0, hash: WARM.hash, outcomes: 0 });
    expect(before.regimes[SUPPORT]).toMatchObject({ floor_bps: 5_500, floor_source: "warm_start" });
    const first = await decide(tenant, liveKey(tenant, "first"));
    expect(first.policy).toEqual({ version: 0, hash: WARM.hash });
    await postOutcome(tenant, first, { success: true });
    await drainOutbox(tenant);
    expect(await learnerOf(tenant).learnedCount()).toBe(1);
    const after = await regimes(tenant);
    expect(after.version).toBe(1);
    expect(after.outcomes).toBe(1);
    expect(after.hash).not.toBe(WARM.hash);
    const support = after.regimes[SUPPORT]!;
    expect(support).toMatchObject({ floor_source: "learned", floor_bps: 5_500 - FLOOR_STEP_BPS, warm_start_floor_bps: 5_500 });
    // Only the served option's arm moved: one success on its warm-start prior.
    const warm = warmStartContent(LLM_PACK);
    support.options.forEach((option, o) => {
      const cell = SUPPORT * LLM_PACK.options.length + o;
      const served = option.option === first.model.id;
      expect(option, option.option).toMatchObject({ alpha: warm.alpha[cell]! + (served ? 1 : 0), beta: warm.beta[cell] });
    });
    expect(support.statistics.input_tokens).toMatchObject({ n: 1, mean: 1_200 });

    await waitForPolicyCache();
    const next = await decide(tenant, liveKey(tenant, "next"));
    expect(next.policy).toEqual({ version: 1, hash: after.hash });
    expect(next.floor).toMatchObject({ source: "learned", bps: 5_500 - FLOOR_STEP_BPS });
    // The holdout keeps the warm start, so it measures what learning adds.
    const held = await decide(tenant, holdoutKey(tenant, "held"));
    expect(held).toMatchObject({ holdout: true, policy: { version: 0, hash: WARM.hash } });
    expect(await expectEveryDecisionReplays(tenant)).toBe(3);
  });

  it("keeps the snapshot of every sealed decision, even when the tenant's only decision came from the holdout", async () => {
    // The holdout decides on the warm start without asking the Learner; the Learner publishes
    // version 0 only when first loaded. A replay of this decision needs that snapshot by hash.
    const tenant = await createTenant("e2e-holdout");
    const held = await decide(tenant, holdoutKey(tenant, "only"));
    expect(held).toMatchObject({ holdout: true, policy: { version: 0, hash: WARM.hash } });
    const snapshot = await learnerOf(tenant).snapshotByHash("llm", WARM.hash);
    expect(snapshot, "the Learner holds no snapshot for the hash the sealed decision names").not.toBeNull();
  });

  it("never double counts under redeliveries and duplicated or late alarms, and eviction loses nothing", async () => {
    const tenant = await createTenant("e2e-once");
    const learner = learnerOf(tenant);
    const warmTotal = countsTotal(await regimes(tenant));
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const decision = await decide(tenant, `once-${i}`, { regime: i % 2 === 0 ? "support" : "coding" });
      ids.push(await postOutcome(tenant, decision, i % 3 === 0 ? { quality_bps: 9_000 } : { success: i % 2 === 0 }));
    }
    await drainOutbox(tenant);
    const once = await regimes(tenant);
    expect(await learner.learnedCount()).toBe(6);
    expect(once.outcomes).toBe(6);
    expect(countsTotal(once) - warmTotal).toBe(6);

    // A redelivery after a lost acknowledgement: the same ids, with a payload that would count if the id were new.
    await learner.learn(
      "llm",
      ids.map((id) => redelivery(id)),
    );
    // A late alarm, two duplicated ones at once, and whatever is scheduled.
    await fireLedgerAlarmAgain(tenant);
    await Promise.all([fireLedgerAlarmAgain(tenant), fireLedgerAlarmAgain(tenant)]);
    await runLedgerAlarm(tenant);
    expect(await learner.learnedCount()).toBe(6);
    expect(await regimes(tenant)).toEqual(once);

    // More outcomes while duplicated alarms race the scheduled one.
    for (let i = 0; i < 4; i++) {
      const decision = await decide(tenant, `more-${i}`, { regime: "security" });
      ids.push(await postOutcome(tenant, decision, { success: i !== 1 }));
      await Promise.all([fireLedgerAlarmAgain(tenant), fireLedgerAlarmAgain(tenant)]);
    }
    await drainOutbox(tenant);
    await fireLedgerAlarmAgain(tenant);
    await learner.learn(
      "llm",
      ids.map((id) => redelivery(id)),
    );
    const learned = await regimes(tenant);
    expect(await learner.learnedCount()).toBe(10);
    expect(learned.outcomes).toBe(10);
    expect(countsTotal(learned) - warmTotal).toBe(10);
    expect(learned.version).toBeGreaterThan(once.version);

    await evictDurableObject(learnerOf(tenant));
    await evictDurableObject(ledgerOf(tenant));
    expect(await learnerOf(tenant).learnedCount()).toBe(10);
    expect(await regimes(tenant)).toEqual(learned);
    await fireLedgerAlarmAgain(tenant);
    await learnerOf(tenant).learn(
      "llm",
      ids.map((id) => redelivery(id)),
    );
    expect(await regimes(tenant)).toEqual(learned);
    await expectChainVerifies(tenant);
    expect(await expectEveryDecisionReplays(tenant)).toBe(10);

    // The control: the same payload under a new id is learned, so the ids above were refused for being known.
    await learnerOf(tenant).learn("llm", [redelivery("control-new-id")]);
    expect(await learnerOf(tenant).learnedCount()).toBe(11);
    expect((await regimes(tenant)).outcomes).toBe(11);
  });

  it("apprentice mode serves the tenant's choice, logs what it would have chosen, and reports agreement", async () => {
    const tenant = await createTenant("e2e-apprentice", "apprentice");
    const refused = await call("/v1/decide", {
      method: "POST",
      headers: tenant.headers,
      body: JSON.stringify({ regime: "support", input_tokens: 10, max_output_tokens: 10, value_micros: 1, risk_bps: 0 }),
    });
    expect(refused.status).toBe(400);
    const expensive = "claude-opus-4-20250514";
    let agreements = 0;
    const served: Decision[] = [];
    for (let i = 0; i < 6; i++) {
      const key = `apprentice-${i}`;
      // Before any outcome the Learner serves the warm start, so the kernel's choice is predictable offline.
      const predicted = predictChoice(tenant.tenantId, key, WARM)!;
      const choice = i % 2 === 0 ? predicted : expensive;
      const decision = await decide(tenant, key, { tenant_choice: choice });
      expect(decision.mode).toBe("apprentice");
      expect(decision.model.id).toBe(choice);
      expect(decision.apprentice!.would_choose!.id).toBe(predicted);
      expect(decision.apprentice!.agrees).toBe(predicted === choice);
      if (predicted === choice) agreements++;
      served.push(decision);
    }
    for (const decision of served)
      await postOutcome(tenant, decision, { success: true }, { inputTokens: 1_000, outputTokens: 400, actualCostMicros: 50_000 });
    await drainOutbox(tenant);
    const report = await json<Record<string, unknown>>(call("/v1/apprentice", { headers: tenant.headers }));
    expect(report).toMatchObject({
      mode: "apprentice",
      mode_decisions_with_outcome: 6,
      agreements,
      agreement_rate_bps: Math.floor((agreements * 10_000) / 6),
    });

    const switched = await json<{ mode: string }>(
      call(`/admin/tenants/${tenant.tenantId}/mode`, { method: "POST", headers: ADMIN_HEADERS, body: JSON.stringify({ mode: "live" }) }),
    );
    expect(switched.mode).toBe("live");
    const live = await decide(tenant, "after-switch", { tenant_choice: expensive });
    expect(live).toMatchObject({ mode: "live", apprentice: null });
    const { entries } = await chain(tenant);
    const sealed = (entries.at(-1)!.record as { decision: DecisionRecord }).decision;
    expect(sealed.apprentice).toBeNull();
    expect(live.model.id).toBe(sealed.result.chosen);
    expect(await expectEveryDecisionReplays(tenant)).toBe(7);
  });

  it("apprentice mode's estimated savings are the actual costs minus the kernel's choices' costs at the actual tokens", async () => {
    const tenant = await createTenant("e2e-savings", "apprentice");
    const expensive = "claude-opus-4-20250514";
    let expected = 0;
    for (let i = 0; i < 6; i++) {
      const decision = await decide(tenant, `savings-${i}`, { tenant_choice: expensive });
      const kernelChoice = decision.apprentice!.would_choose!.id;
      // The tenant paid its own choice's worst-case price; Calybris's choice at the same tokens is the alternative.
      const inputTokens = 2_000 + i;
      const outputTokens = 600;
      const actualCostMicros = optionCostMicros(LLM_PACK, expensive, inputTokens, outputTokens)!;
      expected += actualCostMicros - optionCostMicros(LLM_PACK, kernelChoice, inputTokens, outputTokens)!;
      await postOutcome(tenant, decision, { success: true }, { inputTokens, outputTokens, actualCostMicros });
    }
    await drainOutbox(tenant);
    const report = await json<Record<string, unknown>>(call("/v1/apprentice", { headers: tenant.headers }));
    expect(report).toMatchObject({ mode_decisions_with_outcome: 6 });
    // Claude Opus 4 is the catalog's dearest model, so any other choice of the kernel saves money.
    expect(expected).toBeGreaterThan(0);
    expect(report.estimated_savings_micros).toBe(expected);
  });

  it("raises the floor for a request far out of line with its regime's history, unless the client sent its own floor", async () => {
    const tenant = await createTenant("e2e-anomaly");
    for (let i = 0; i < 32; i++) {
      const decision = await decide(tenant, `history-${i}`, { input_tokens: 100 + 10 * i });
      await postOutcome(tenant, decision, { success: true });
    }
    await drainOutbox(tenant);
    const learned = await regimes(tenant);
    const support = learned.regimes[SUPPORT]!;
    expect(support.statistics.input_tokens!.n).toBe(32);
    await waitForPolicyCache();

    const huge = await decide(tenant, liveKey(tenant, "huge"), { input_tokens: 100_000 });
    expect(huge.policy.version).toBe(learned.version);
    expect(huge.anomaly).toEqual(["input_tokens"]);
    expect(huge.floor).toEqual({
      bps: support.floor_bps + ANOMALY_FLOOR_RAISE_BPS,
      source: "learned",
      raised_bps: ANOMALY_FLOOR_RAISE_BPS,
    });
    const ordinary = await decide(tenant, liveKey(tenant, "ordinary"), { input_tokens: 250 });
    expect(ordinary.anomaly).toEqual([]);
    expect(ordinary.floor).toEqual({ bps: support.floor_bps, source: "learned", raised_bps: 0 });
    const clientFloor = await decide(tenant, liveKey(tenant, "client"), { input_tokens: 100_000, quality_floor_bps: 6_000 });
    expect(clientFloor.anomaly).toEqual(["input_tokens"]);
    expect(clientFloor.floor).toEqual({ bps: 6_000, source: "client", raised_bps: 0 });
    expect(await expectEveryDecisionReplays(tenant)).toBe(35);
  });
});
