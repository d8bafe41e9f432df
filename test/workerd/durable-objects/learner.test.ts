// The Learner object over RPC: the warm start as version 0, exactly-once learning by outcome id,
// one transaction per batch (a failed commit leaves storage and memory as they were), and state
// rebuilt from storage after an eviction.

import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Learner } from "../../../src/durable-objects/learner.ts";
import { LLM_PACK } from "../../../src/domain/llm/pack.ts";
import type { OutcomePayload } from "../../../src/learning/learner-input.ts";
import { warmStartSnapshot } from "../../../src/learning/warm-start.ts";
import { dumpTables, freshName } from "./ledger-do-fixtures.ts";

type LearnerStub = DurableObjectStub<Learner>;

function learnerStub(): LearnerStub {
  return env.LEARNER.get(env.LEARNER.idFromName(freshName("learner")));
}

const CODING = LLM_PACK.regimes.findIndex((regime) => regime.id === "coding");

function outcome(id: string, success = true): { id: string; payload: string } {
  const payload: OutcomePayload = {
    outcomeId: id,
    servedOption: LLM_PACK.options[0]!.id,
    context: { regime_index: CODING, input_tokens: 1_200, value_micros: 5_000_000, risk_bps: 1_000 },
    outcome: { success, quality_bps: null },
  };
  return { id, payload: JSON.stringify(payload) };
}

describe("Learner", () => {
  it("starts from the warm start as version 0, stored on first use", async () => {
    const stub = learnerStub();
    const warm = warmStartSnapshot(LLM_PACK);
    expect(await stub.snapshot("llm")).toMatchObject({ version: 0, hash: warm.hash });
    expect(await stub.snapshotByHash("llm", warm.hash)).toMatchObject({ version: 0, hash: warm.hash });
    expect(await stub.snapshotByHash("llm", "00".repeat(32))).toBeNull();
    expect(await stub.learnedCount()).toBe(0);
  });

  it("learns each outcome id once, within a batch and across batches, and publishes a version per changing batch", async () => {
    const stub = learnerStub();
    const first = await stub.learn("llm", [outcome("a"), outcome("b", false), outcome("a")]);
    expect(first).toEqual({ accepted: ["a", "b", "a"] });
    expect(await stub.regimes("llm")).toMatchObject({ version: 1, outcomes: 2 });
    expect(await stub.learn("llm", [outcome("b"), outcome("a")])).toEqual({ accepted: ["b", "a"] });
    expect(await stub.regimes("llm")).toMatchObject({ version: 1, outcomes: 2 });
    // An unreadable payload is acknowledged and recorded, and does not hold up the rest of its batch.
    await stub.learn("llm", [{ id: "broken", payload: "{" }, outcome("c")]);
    expect(await stub.regimes("llm")).toMatchObject({ version: 2, outcomes: 3 });
    expect(await stub.learnedCount()).toBe(4);
  });

  it("commits a batch whole or not at all: a failed commit changes neither storage nor the served snapshot", async () => {
    const stub = learnerStub();
    await stub.learn("llm", [outcome("a")]);
    await runInDurableObject(stub, async (instance: Learner, state) => {
      // The snapshot insert is the batch's last write: failing it must undo the learned ids and the state.
      // Called inside the object, so the refusal is caught here rather than reported as an uncaught RPC error.
      state.storage.sql.exec(
        "CREATE TRIGGER refuse_snapshot BEFORE INSERT ON snapshots BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
      );
      const before = dumpTables(state.storage.sql);
      await expect(instance.learn("llm", [outcome("b"), outcome("c")])).rejects.toThrow(/injected failure/);
      expect(dumpTables(state.storage.sql)).toEqual(before);
      expect(await instance.regimes("llm")).toMatchObject({ version: 1, outcomes: 1 });
      state.storage.sql.exec("DROP TRIGGER refuse_snapshot");
    });
    expect(await stub.regimes("llm")).toMatchObject({ version: 1, outcomes: 1 });
    // The redelivery after the failure is learned, once.
    await stub.learn("llm", [outcome("b"), outcome("c")]);
    expect(await stub.regimes("llm")).toMatchObject({ version: 2, outcomes: 3 });
    expect(await stub.learnedCount()).toBe(3);
  });

  it("rebuilds state and snapshot from storage after an eviction", async () => {
    const stub = learnerStub();
    await stub.learn("llm", [outcome("a"), outcome("b", false)]);
    const snapshot = await stub.snapshot("llm");
    const regimes = await stub.regimes("llm");
    const apprentice = await stub.apprentice("llm");
    await evictDurableObject(stub);
    expect(await stub.snapshot("llm")).toEqual(snapshot);
    expect(await stub.regimes("llm")).toEqual(regimes);
    expect(await stub.apprentice("llm")).toEqual(apprentice);
    await stub.learn("llm", [outcome("a")]);
    expect(await stub.regimes("llm")).toMatchObject({ version: 1, outcomes: 2 });
  });
});
