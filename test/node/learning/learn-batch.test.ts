// The Learner's pure batch step (src/learning/learn-batch.ts) and where a Learner without state
// starts (learner-start.ts): exactly-once by id within and across batches, unreadable payloads
// reported and still counted, the input never mutated, and version numbers never reused.

import { describe, expect, it } from "vitest";
import { LLM_PACK } from "../../../src/domain/llm/pack.ts";
import { learnBatch, type DeliveredOutcome } from "../../../src/learning/learn-batch.ts";
import { learnerStart } from "../../../src/learning/learner-start.ts";
import { applyOutcome, initialLearnerState, type CostOf, type LearnerState } from "../../../src/learning/learner-state.ts";
import type { OutcomePayload } from "../../../src/learning/learner-input.ts";
import { optionCostMicros } from "../../../src/learning/option-cost.ts";
import { contentHash } from "../../../src/learning/policy-snapshot.ts";

const PACK = LLM_PACK;
const costOf: CostOf = (option, inputTokens, outputTokens) => optionCostMicros(PACK, option, inputTokens, outputTokens);
const CODING = PACK.regimes.findIndex((regime) => regime.id === "coding");

function payload(id: string, success: boolean): OutcomePayload {
  return {
    outcomeId: id,
    servedOption: PACK.options[0]!.id,
    context: { regime_index: CODING, input_tokens: 1_200, value_micros: 5_000_000, risk_bps: 1_000 },
    outcome: { success, quality_bps: null },
  };
}

function delivered(id: string, success = true): DeliveredOutcome {
  return { id, payload: JSON.stringify(payload(id, success)) };
}

/** The same outcomes through applyOutcome one by one: the reference the batch must equal. */
function oneByOne(state: LearnerState, outcomes: readonly DeliveredOutcome[]): LearnerState {
  return outcomes.reduce((next, outcome) => applyOutcome(next, PACK, JSON.parse(outcome.payload) as OutcomePayload, costOf), state);
}

describe("learnBatch", () => {
  it("learns new outcomes in delivery order, exactly as applyOutcome one by one", () => {
    const start = initialLearnerState(PACK);
    const outcomes = [delivered("a", true), delivered("b", false), delivered("c", true)];
    const batch = learnBatch(start, PACK, outcomes, { learnedBefore: new Set(), costOf });
    expect(batch.newIds).toEqual(["a", "b", "c"]);
    expect(batch.unreadable).toEqual([]);
    expect(batch.state).toEqual(oneByOne(start, outcomes));
    expect(batch.state.outcomes).toBe(3);
  });

  it("skips ids learned before and ids repeated inside the batch", () => {
    const start = initialLearnerState(PACK);
    const outcomes = [delivered("old"), delivered("x"), delivered("x", false), delivered("y"), delivered("old"), delivered("y")];
    const batch = learnBatch(start, PACK, outcomes, { learnedBefore: new Set(["old"]), costOf });
    expect(batch.newIds).toEqual(["x", "y"]);
    expect(batch.state).toEqual(oneByOne(start, [delivered("x"), delivered("y")]));
  });

  it("answers the very input state when nothing is new or nothing changes it", () => {
    const start = initialLearnerState(PACK);
    expect(learnBatch(start, PACK, [], { learnedBefore: new Set(), costOf }).state).toBe(start);
    expect(learnBatch(start, PACK, [delivered("a")], { learnedBefore: new Set(["a"]), costOf })).toEqual({
      state: start,
      newIds: [],
      unreadable: [],
      learned: [],
    });
    // An unknown served option teaches nothing: the id is learned, the state is the same object.
    const unknown = { id: "u", payload: JSON.stringify({ ...payload("u", true), servedOption: "no-such-model" }) };
    const batch = learnBatch(start, PACK, [unknown], { learnedBefore: new Set(), costOf });
    expect(batch.state).toBe(start);
    expect(batch.newIds).toEqual(["u"]);
    // It is still handed on to the evaluation, which counts why it cannot score it.
    expect(batch.learned.map((p) => p.outcomeId)).toEqual(["u"]);
  });

  it("reports an unreadable payload, counts its id as learned and learns the rest", () => {
    const start = initialLearnerState(PACK);
    const batch = learnBatch(start, PACK, [{ id: "bad", payload: "{not json" }, delivered("good")], { learnedBefore: new Set(), costOf });
    expect(batch.newIds).toEqual(["bad", "good"]);
    expect(batch.unreadable).toEqual([{ id: "bad", error: expect.stringContaining("JSON") }]);
    expect(batch.state).toEqual(oneByOne(start, [delivered("good")]));
  });

  it("never mutates its inputs", () => {
    const start = structuredClone(initialLearnerState(PACK));
    const copy = structuredClone(start);
    const learnedBefore = new Set(["z"]);
    learnBatch(start, PACK, [delivered("a"), delivered("b", false)], { learnedBefore, costOf });
    expect(start).toEqual(copy);
    expect([...learnedBefore]).toEqual(["z"]);
  });
});

describe("learnerStart", () => {
  const warmHash = contentHash(initialLearnerState(PACK).content);

  it("publishes the warm start as version 0 on a new object", () => {
    const start = learnerStart(PACK, null);
    expect(start).toMatchObject({ publish: true, state: initialLearnerState(PACK), snapshot: { version: 0, hash: warmHash } });
  });

  it("adopts a stored snapshot of the warm start's very content without publishing it again", () => {
    expect(learnerStart(PACK, { version: 0, hash: warmHash })).toMatchObject({ publish: false, snapshot: { version: 0, hash: warmHash } });
    expect(learnerStart(PACK, { version: 4, hash: warmHash })).toMatchObject({ publish: false, snapshot: { version: 4, hash: warmHash } });
  });

  it("numbers the warm start after stored snapshots of other content, so no version names two contents", () => {
    const start = learnerStart(PACK, { version: 0, hash: "ab".repeat(32) });
    expect(start).toMatchObject({ publish: true, snapshot: { version: 1, hash: warmHash } });
    expect(learnerStart(PACK, { version: 9, hash: "cd".repeat(32) }).snapshot.version).toBe(10);
  });
});
