// The lifecycle's transitions (src/learning/lifecycle/lifecycle.ts): one candidate at a time,
// promotion through the gate or by force with a sealed reason, rollback to the exact previous
// configuration; then a reference model (a stack of hashes, sharing no code with the transitions)
// that any sequence of transitions must agree with.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { canonicalJson } from "../../../../src/ledger/canonical.ts";
import { discard, promote, rollback, stage, type Transition } from "../../../../src/learning/lifecycle/lifecycle.ts";
import {
  HISTORY_MAX,
  initialLifecycleState,
  parseLifecycleState,
  type LifecycleState,
} from "../../../../src/learning/lifecycle/lifecycle-state.ts";
import { configHash } from "../../../../src/learning/lifecycle/policy-config.ts";
import { policyEventProblem, type PolicyEventRecord } from "../../../../src/learning/lifecycle/policy-event.ts";
import { LLM_DEFAULT, llmConfig, verdictOf } from "./fixtures.ts";

const T0 = 1_700_000_000_000;
const CANDIDATE = llmConfig({ exploration_bps: 0 });
const OTHER = llmConfig({ holdout_bps: 1_000 });

function ok(result: Transition): { state: LifecycleState; event: PolicyEventRecord } {
  if (!result.ok) throw new Error(`refused: ${result.code}`);
  expect(policyEventProblem(result.event)).toBeNull();
  expect(() => canonicalJson(result.event)).not.toThrow();
  return result;
}

function codeOf(result: Transition): string {
  if (result.ok) throw new Error("expected a refusal");
  return result.code;
}

const start = (): LifecycleState => initialLifecycleState(LLM_DEFAULT, T0);
const staged = (): LifecycleState => ok(stage(start(), CANDIDATE, T0 + 1)).state;

describe("stage and discard", () => {
  it("stages one candidate and seals it with the current hash before it", () => {
    const { state, event } = ok(stage(start(), CANDIDATE, T0 + 1));
    expect(state.candidate).toStrictEqual({ config: CANDIDATE, hash: configHash(CANDIDATE), stagedAtMs: T0 + 1 });
    expect(event).toStrictEqual({
      op: "stage",
      config_hash: configHash(CANDIDATE),
      previous_hash: configHash(LLM_DEFAULT),
      version: 0,
      config: CANDIDATE,
      verdict: null,
      forced: false,
      reason: null,
    });
  });

  it("refuses a second candidate while one is staged, and the current configuration as a candidate", () => {
    expect(codeOf(stage(staged(), OTHER, T0 + 2))).toBe("candidate_already_staged");
    expect(codeOf(stage(staged(), CANDIDATE, T0 + 2))).toBe("candidate_already_staged");
    expect(codeOf(stage(start(), { ...LLM_DEFAULT }, T0 + 2))).toBe("candidate_same_as_current");
  });

  it("discards the candidate, leaving production as it was; nothing to discard is refused", () => {
    const before = staged();
    const { state, event } = ok(discard(before, T0 + 2));
    expect(state).toStrictEqual({ ...before, candidate: null });
    expect(event).toMatchObject({
      op: "discard",
      config_hash: configHash(CANDIDATE),
      previous_hash: configHash(LLM_DEFAULT),
      config: null,
    });
    expect(codeOf(discard(state, T0 + 3))).toBe("no_candidate_staged");
    expect(ok(stage(state, OTHER, T0 + 4)).state.candidate?.hash).toBe(configHash(OTHER));
  });

  it("treats a bad clock or an unchecked configuration as the caller's bug", () => {
    expect(() => stage(start(), CANDIDATE, -1)).toThrow(RangeError);
    expect(() => discard(staged(), 1.5)).toThrow(RangeError);
    expect(() => stage(start(), { ...CANDIDATE, holdout_bps: 9_999 }, T0)).toThrow(/"holdout_bps" expected integer/);
  });
});

describe("promote", () => {
  it("promotes a candidate the gate passes; the current configuration moves into the history", () => {
    const before = staged();
    const verdict = verdictOf(configHash(CANDIDATE));
    const { state, event } = ok(promote(before, verdict, {}, T0 + 5));
    expect(state.current).toStrictEqual({ config: CANDIDATE, hash: configHash(CANDIDATE), version: 1, promotedAtMs: T0 + 5 });
    expect(state.history).toStrictEqual([before.current]);
    expect(state.candidate).toBeNull();
    expect(event).toStrictEqual({
      op: "promote",
      config_hash: configHash(CANDIDATE),
      previous_hash: configHash(LLM_DEFAULT),
      version: 1,
      config: CANDIDATE,
      verdict: verdict.criteria,
      forced: false,
      reason: null,
    });
  });

  it("is refused when the gate fails, naming the failing criteria", () => {
    const result = promote(staged(), verdictOf(configHash(CANDIDATE), [true, false, true, false]), {}, T0 + 5);
    expect(result.ok).toBe(false);
    if (result.ok || result.code !== "gate_not_passed") throw new Error("expected gate_not_passed");
    expect(result.failing.map((criterion) => criterion.name)).toStrictEqual(["improvement", "calibration"]);
    expect(result.detail).toBe("failing: improvement, calibration");
  });

  it("goes through a failing gate with force, sealing forced and the reason", () => {
    const verdict = verdictOf(configHash(CANDIDATE), [false, true, true, true]);
    const { state, event } = ok(promote(staged(), verdict, { force: { reason: "  incident 42: exploration off now  " } }, T0 + 5));
    expect(state.current.hash).toBe(configHash(CANDIDATE));
    expect(event.forced).toBe(true);
    expect(event.reason).toBe("incident 42: exploration off now");
    expect(event.verdict).toStrictEqual(verdict.criteria);
  });

  it("seals a reason given with force when the gate passed, without calling it forced", () => {
    const { event } = ok(promote(staged(), verdictOf(configHash(CANDIDATE)), { force: { reason: "planned" } }, T0 + 5));
    expect([event.forced, event.reason]).toStrictEqual([false, "planned"]);
  });

  it.each([
    ["no candidate", start(), verdictOf(configHash(CANDIDATE)), {}, "no_candidate_staged"],
    ["a verdict on another candidate", staged(), verdictOf(configHash(OTHER)), {}, "verdict_for_another_candidate"],
    [
      "force without a reason",
      staged(),
      verdictOf(configHash(CANDIDATE), [false, true, true, true]),
      { force: { reason: " \n" } },
      "force_reason_missing",
    ],
    ["a reason too long", staged(), verdictOf(configHash(CANDIDATE)), { force: { reason: "x".repeat(1_001) } }, "force_reason_malformed"],
    ["a lone surrogate", staged(), verdictOf(configHash(CANDIDATE)), { force: { reason: "why \ud800" } }, "force_reason_malformed"],
    ["a failing gate", staged(), verdictOf(configHash(CANDIDATE), [false, false, false, false]), {}, "gate_not_passed"],
  ] as const)("refuses %s: %s", (_name, state, verdict, options, code) => {
    expect(codeOf(promote(state, verdict, options, T0 + 5))).toBe(code);
  });

  it("treats a verdict that contradicts its criteria as a bug", () => {
    const verdict = { ...verdictOf(configHash(CANDIDATE), [false, true, true, true]), promotable: true };
    expect(() => promote(staged(), verdict, {}, T0 + 5)).toThrow(RangeError);
    expect(() => promote(staged(), { ...verdictOf(configHash(CANDIDATE)), criteria: [] }, {}, T0 + 5)).toThrow(RangeError);
  });
});

describe("rollback", () => {
  it("restores the exact previous configuration and hash, under a new version", () => {
    const promoted = ok(promote(staged(), verdictOf(configHash(CANDIDATE)), {}, T0 + 5)).state;
    const { state, event } = ok(rollback(promoted, T0 + 9));
    expect(state.current.config).toStrictEqual(LLM_DEFAULT);
    expect(state.current.hash).toBe(configHash(LLM_DEFAULT));
    expect(state.current.hash).toBe(start().current.hash);
    expect(state.current.version).toBe(2);
    expect(state.history).toStrictEqual([]);
    expect(event).toMatchObject({ op: "rollback", config_hash: configHash(LLM_DEFAULT), previous_hash: configHash(CANDIDATE), version: 2 });
    expect(event.config).toStrictEqual(LLM_DEFAULT);
  });

  it("is refused with nothing to return to, and while a candidate is staged", () => {
    expect(codeOf(rollback(start(), T0 + 1))).toBe("no_previous_configuration");
    const promoted = ok(promote(staged(), verdictOf(configHash(CANDIDATE)), {}, T0 + 5)).state;
    expect(codeOf(rollback(ok(stage(promoted, OTHER, T0 + 6)).state, T0 + 7))).toBe("candidate_still_staged");
  });
});

describe("storage", () => {
  it("reads a stored state back, and refuses one whose hash does not match its configuration", () => {
    const promoted = ok(promote(staged(), verdictOf(configHash(CANDIDATE)), {}, T0 + 5)).state;
    const withCandidate = ok(stage(promoted, OTHER, T0 + 6)).state;
    expect(parseLifecycleState(JSON.parse(JSON.stringify(withCandidate)))).toStrictEqual(withCandidate);
    const tampered = JSON.parse(JSON.stringify(withCandidate));
    tampered.history[0].config.holdout_bps = 0;
    expect(() => parseLifecycleState(tampered)).toThrow(/"history\[0\]\.hash" expected/);
    const reordered = { ...withCandidate, history: [{ ...withCandidate.history[0]!, version: 5 }] };
    expect(() => parseLifecycleState(JSON.parse(JSON.stringify(reordered)))).toThrow(/versions expected to rise/);
  });
});

describe("policy records on their own", () => {
  const promoted = ok(promote(staged(), verdictOf(configHash(CANDIDATE), [false, true, true, true]), { force: { reason: "r" } }, T0 + 5));

  it.each([
    ["an unknown op", { op: "delete" }, /^"op" expected one of/],
    ["a hash that is not the config's", { config_hash: configHash(OTHER) }, /^"config_hash" is not the hash of "config"$/],
    ["forced without a failing criterion", { verdict: verdictOf(configHash(CANDIDATE)).criteria }, /^"forced" expected false/],
    ["a forced promotion without a reason", { reason: null }, /^"reason" expected with a forced promotion$/],
    ["a verdict short of a criterion", { verdict: [] }, /^"verdict" expected the 4 criteria$/],
    ["an extra key", { at_ms: 1 }, /^policy record expected exactly the keys/],
    ["a missing key", { reason: undefined }, /^policy record expected an object|^policy record expected exactly the keys/],
  ])("refuse %s", (_name, change, problem) => {
    const record = JSON.parse(JSON.stringify({ ...promoted.event, ...change }));
    expect(policyEventProblem(record)).toMatch(problem);
  });
});

/** The reference model: production's hashes as a stack (current last), a staged hash, a version. */
interface Model {
  stack: string[];
  candidate: string | null;
  version: number;
}

type Step =
  | { kind: "stage"; exploration: number }
  | { kind: "discard" }
  | { kind: "promote"; passes: boolean[]; force: string | null; stale: boolean }
  | { kind: "rollback" };

const steps: fc.Arbitrary<Step> = fc.oneof(
  // Few distinct configurations, so the same one comes back and the current one is staged at times.
  fc.record({ kind: fc.constant("stage" as const), exploration: fc.constantFrom(0, 250, 500, 1_000) }),
  fc.record({ kind: fc.constant("discard" as const) }),
  fc.record({
    kind: fc.constant("promote" as const),
    passes: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    force: fc.constantFrom(null, "", "reason"),
    stale: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("rollback" as const) }),
);

function modelStep(model: Model, step: Step): boolean {
  switch (step.kind) {
    case "stage": {
      const hash = configHash(llmConfig({ exploration_bps: step.exploration }));
      if (model.candidate !== null || hash === model.stack.at(-1)) return false;
      model.candidate = hash;
      return true;
    }
    case "discard":
      if (model.candidate === null) return false;
      model.candidate = null;
      return true;
    case "promote": {
      const passing = step.passes.every(Boolean);
      if (model.candidate === null || step.stale || step.force === "" || (!passing && step.force === null)) return false;
      model.stack.push(model.candidate);
      if (model.stack.length > HISTORY_MAX + 1) model.stack.shift();
      model.candidate = null;
      model.version += 1;
      return true;
    }
    case "rollback":
      if (model.candidate !== null || model.stack.length < 2) return false;
      model.stack.pop();
      model.version += 1;
      return true;
  }
}

function realStep(state: LifecycleState, step: Step, nowMs: number): Transition {
  switch (step.kind) {
    case "stage":
      return stage(state, llmConfig({ exploration_bps: step.exploration }), nowMs);
    case "discard":
      return discard(state, nowMs);
    case "promote": {
      const hash = step.stale ? configHash(llmConfig({ holdout_bps: 0 })) : (state.candidate?.hash ?? "");
      return promote(state, verdictOf(hash, step.passes), step.force === null ? {} : { force: { reason: step.force } }, nowMs);
    }
    case "rollback":
      return rollback(state, nowMs);
  }
}

describe("any sequence of transitions", () => {
  it("agrees with the reference model: at most one candidate, history hashes intact, versions rising", () => {
    fc.assert(
      fc.property(fc.array(steps, { maxLength: 80 }), (sequence) => {
        let state = start();
        const model: Model = { stack: [state.current.hash], candidate: null, version: 0 };
        sequence.forEach((step, i) => {
          const before = state;
          const result = realStep(state, step, T0 + i);
          expect(result.ok).toBe(modelStep(model, step));
          if (result.ok) {
            expect(policyEventProblem(result.event)).toBeNull();
            expect(result.event.previous_hash).toBe(before.current.hash);
            state = result.state;
          } else {
            expect(state).toBe(before);
          }
          expect([...state.history.map((entry) => entry.hash), state.current.hash]).toStrictEqual(model.stack);
          expect(state.candidate?.hash ?? null).toBe(model.candidate);
          expect(state.current.version).toBe(model.version);
          for (const entry of [...state.history, state.current]) expect(configHash(entry.config)).toBe(entry.hash);
        });
        expect(parseLifecycleState(JSON.parse(JSON.stringify(state)))).toStrictEqual(state);
      }),
      { numRuns: 300 },
    );
  });

  it("rolls back through every promotion in reverse order, to the first configuration", () => {
    let state = start();
    const promoted: string[] = [state.current.hash];
    for (let i = 1; i <= 5; i++) {
      state = ok(stage(state, llmConfig({ exploration_bps: i * 100 }), T0 + i)).state;
      state = ok(promote(state, verdictOf(state.candidate!.hash), {}, T0 + i)).state;
      promoted.push(state.current.hash);
    }
    for (let i = promoted.length - 2; i >= 0; i--) {
      state = ok(rollback(state, T0 + 100 - i)).state;
      expect(state.current.hash).toBe(promoted[i]);
    }
    expect(codeOf(rollback(state, T0 + 200))).toBe("no_previous_configuration");
  });

  it("keeps the last HISTORY_MAX configurations for rollback, dropping the oldest", () => {
    let state = start();
    for (let i = 1; i <= HISTORY_MAX + 5; i++) {
      state = ok(stage(state, llmConfig({ exploration_bps: i }), T0 + i)).state;
      state = ok(promote(state, verdictOf(state.candidate!.hash), {}, T0 + i)).state;
    }
    expect(state.history).toHaveLength(HISTORY_MAX);
    expect(state.history[0]!.config.exploration_bps).toBe(5);
    expect(state.current.version).toBe(HISTORY_MAX + 5);
  });
});
