// Proxy settlements carried by the next decision (src/worker/settlement-batch.ts and
// TenantLedger.decide): they commit in the decision's batch, before it, answered in order
// whatever becomes of the decision; a batch a decision took is never sent again by its timer.

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ExecutionAnswer, ExecutionInput } from "../../../src/durable-objects/ledger-rpc.ts";
import { queueSettlement, takeSettlements } from "../../../src/worker/settlement-batch.ts";
import { API_KEY_HASH_HEX, chainLines, decideInput, freshName, ledgerStub, tenantInput, WRONG_KEY_HASH_HEX } from "./ledger-do-fixtures.ts";

const COST = 400_000;

function settlement(fingerprint: string, actualCostMicros: number): ExecutionInput {
  return {
    decisionFingerprint: fingerprint,
    attempts: [{ option: "model-a", record: { model: "model-a", status: "ok" } }],
    actualCostMicros,
    served: null,
  };
}

async function tenantWithDecision(budgetMicros: number) {
  const name = freshName("carry");
  const stub = ledgerStub(name);
  expect((await stub.createTenant(tenantInput(name, budgetMicros))).ok).toBe(true);
  const first = await stub.decide(API_KEY_HASH_HEX, decideInput("d1", COST));
  if (!first.result.ok) throw new Error("setup decision refused");
  return { stub, fingerprint: first.result.fingerprint };
}

const kindsOf = (lines: readonly string[]): string[] => lines.map((line) => (JSON.parse(line) as { kind: string }).kind);

describe("settlements carried by a decision", () => {
  it("commit in its batch, before it: the money is settled and the chain reads execution then decision", async () => {
    const { stub, fingerprint } = await tenantWithDecision(COST * 2);
    const answer = await stub.decide(API_KEY_HASH_HEX, decideInput("d2", COST), [settlement(fingerprint, 100_000)]);
    expect(answer.result.ok).toBe(true);
    expect(answer.executions).toHaveLength(1);
    expect(answer.executions![0]).toMatchObject({ ok: true, decisionFingerprint: fingerprint, committedMicros: 100_000 });
    // The second decision fits only because the first one's 300,000 were released in the same batch, before it.
    const budget = await stub.budget(API_KEY_HASH_HEX);
    expect(budget).toMatchObject({ ok: true, budget: { committedMicros: 100_000, reservedMicros: COST } });
    expect(kindsOf(await chainLines(stub))).toEqual(["budget", "decision", "execution", "decision"]);
  });

  it("are answered even when the decision is refused, and a second settlement of the same decision is refused", async () => {
    const { stub, fingerprint } = await tenantWithDecision(COST);
    const broke = decideInput("d2", COST * 10);
    const answer = await stub.decide(API_KEY_HASH_HEX, broke, [settlement(fingerprint, 10), settlement(fingerprint, 10)]);
    expect(answer.result).toMatchObject({ ok: true, budgetVerdict: "fail" });
    expect(answer.executions!.map((execution) => execution.ok)).toEqual([true, false]);
    expect(answer.executions![1]).toMatchObject({ code: "outcome_already_recorded" });
  });

  it("are refused with the decision when the key is wrong, and nothing is written", async () => {
    const { stub, fingerprint } = await tenantWithDecision(COST);
    const before = await chainLines(stub);
    const answer = await stub.decide(WRONG_KEY_HASH_HEX, decideInput("d2", COST), [settlement(fingerprint, 10)]);
    expect(answer.result).toMatchObject({ ok: false, code: "unauthorized" });
    expect(answer.executions).toEqual([{ ok: false, code: "unauthorized", detail: expect.any(String) }]);
    expect(await chainLines(stub)).toEqual(before);
  });
});

describe("the isolate's settlement batch", () => {
  it("hands a waiting batch to a decision once; its timer then sends nothing and its reports get the decision's answers", async () => {
    const tenantId = freshName("batch");
    const reports: unknown[] = [];
    const input = settlement("ff".repeat(32), 1);
    const window = queueSettlement(env, tenantId, API_KEY_HASH_HEX, input, (answer) => reports.push(answer));
    expect(window).not.toBeNull();
    expect(queueSettlement(env, tenantId, API_KEY_HASH_HEX, input, (answer) => reports.push(answer))).toBeNull();
    const carried = takeSettlements(tenantId, API_KEY_HASH_HEX);
    expect(carried?.inputs).toHaveLength(2);
    expect(takeSettlements(tenantId, API_KEY_HASH_HEX)).toBeNull();
    await window;
    expect(reports).toEqual([]);
    const answer: ExecutionAnswer = { ok: false, code: "decision_unknown", detail: "x" };
    carried!.answer([answer]);
    // One answer for two settlements: the missing one is reported as a failed call, never dropped.
    expect(reports).toEqual([answer, { ok: false, code: "rpc_failed", detail: expect.any(String) }]);
  });

  it("sends a batch no decision took through its own call when the window ends", async () => {
    const tenantId = freshName("alone");
    const reports: unknown[] = [];
    const window = queueSettlement(env, tenantId, API_KEY_HASH_HEX, settlement("ee".repeat(32), 1), (answer) => reports.push(answer));
    await window;
    // No tenant was ever created under this name: the object answers, and the report carries it.
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ ok: false });
    expect(takeSettlements(tenantId, API_KEY_HASH_HEX)).toBeNull();
  });
});
