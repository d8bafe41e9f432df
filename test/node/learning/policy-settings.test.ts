// A tenant's exploration and holdout shares (src/learning/policy-settings.ts): the values the
// check accepts and refuses, with the one message template, and what applying them does to the
// Learner's state: nothing when nothing changes, else a new content with a new hash.

import { describe, expect, it } from "vitest";
import { tierPack } from "../../../src/domain/tier-pack.ts";
import { initialLearnerState } from "../../../src/learning/learner-state.ts";
import { applySettings, SETTING_BPS_MAX, settingsProblem, type PolicySettings } from "../../../src/learning/policy-settings.ts";
import { buildSnapshot, contentHash } from "../../../src/learning/policy-snapshot.ts";

const PACK = tierPack("settings", {
  provider: "ops",
  latencyBpsPerSecond: 0,
  regimes: [{ id: "all", warmStartFloorBps: 5_000 }],
  tiers: [
    { id: "quick", qualityBps: 6_000, latencyMsP50: 10, costPerRecordMicros: 100 },
    { id: "careful", qualityBps: 8_000, latencyMsP50: 100, costPerRecordMicros: 1_000 },
  ],
});

const NAMES = ["explorationBps", "holdoutBps"] as const;

// [value, accepted, why]. The refusal message is the one template of the module.
const VALUES: readonly [number, boolean, string][] = [
  [0, true, "0 turns the share off (the advice for high-stakes work)"],
  [1, true, "the smallest share"],
  [SETTING_BPS_MAX, true, "half the traffic, the largest share"],
  [SETTING_BPS_MAX + 1, false, "above half the traffic is not exploration or a holdout any more"],
  [10_000, false, "all of the traffic"],
  [-1, false, "negative"],
  [1.5, false, "not an integer"],
  [Number.NaN, false, "NaN"],
  [Number.POSITIVE_INFINITY, false, "infinite"],
  [Number.NEGATIVE_INFINITY, false, "minus infinity"],
  [2 ** 53, false, "beyond the safe integers"],
  [Number.MIN_VALUE, false, "the smallest positive double"],
];

describe("settingsProblem", () => {
  for (const name of NAMES) {
    it.each(VALUES)(`${name} = %d: accepted %s (%s)`, (value, accepted) => {
      const problem = settingsProblem({ [name]: value });
      expect(problem).toBe(accepted ? null : `"${name}" expected integer in [0, 5000], got ${String(value)}`);
    });
  }

  it("accepts no setting at all and settings left undefined", () => {
    expect(settingsProblem({})).toBeNull();
    // exactOptionalPropertyTypes forbids an explicit undefined in typed code; untyped callers can pass one.
    const undefinedSettings = { explorationBps: undefined, holdoutBps: undefined } as unknown as PolicySettings;
    expect(settingsProblem(undefinedSettings)).toBeNull();
    const state = initialLearnerState(PACK);
    expect(applySettings(state, undefinedSettings)).toBe(state);
  });

  it("names the first bad setting when both are bad, and refuses a good one beside a bad one", () => {
    expect(settingsProblem({ explorationBps: -1, holdoutBps: 9_999 })).toBe(`"explorationBps" expected integer in [0, 5000], got -1`);
    expect(settingsProblem({ explorationBps: 100, holdoutBps: 5_001 })).toBe(`"holdoutBps" expected integer in [0, 5000], got 5001`);
  });

  // -0 is the edge value every other check of the project refuses (src/kernel/request.ts,
  // src/worker/schemas.ts integer(), canonical JSON). settingsProblem lets it through
  // (Number.isSafeInteger(-0) is true and -0 < 0 is false), and applySettings then stores -0 in
  // the content, whose hash (canonical JSON) throws: Learner.configure would throw instead of
  // answering. The HTTP schema refuses -0 first, so only a direct RPC caller can reach it today.
  // Marked as failing until settingsProblem refuses -0; then drop `.fails`.
  it("refuses -0, as every other integer check of the project does", () => {
    expect(settingsProblem({ explorationBps: -0 })).not.toBeNull();
  });
});

describe("applySettings", () => {
  const state = initialLearnerState(PACK, { explorationBps: 500, holdoutBps: 500 });

  it("returns the same state object when nothing changes", () => {
    expect(applySettings(state, {})).toBe(state);
    expect(applySettings(state, { explorationBps: 500 })).toBe(state);
    expect(applySettings(state, { holdoutBps: 500 })).toBe(state);
    expect(applySettings(state, { explorationBps: 500, holdoutBps: 500 })).toBe(state);
  });

  // [settings, expected explorationBps, expected holdoutBps]
  const CHANGES: readonly [PolicySettings, number, number][] = [
    [{ explorationBps: 0 }, 0, 500],
    [{ holdoutBps: 0 }, 500, 0],
    [{ explorationBps: 5_000, holdoutBps: 1 }, 5_000, 1],
    [{ explorationBps: 500, holdoutBps: 2_000 }, 500, 2_000],
  ];

  it.each(CHANGES)("%j gives exploration %i and holdout %i, a new content and a new hash", (settings, exploration, holdout) => {
    const next = applySettings(state, settings);
    expect(next).not.toBe(state);
    expect(next.content.explorationBps).toBe(exploration);
    expect(next.content.holdoutBps).toBe(holdout);
    expect(contentHash(next.content)).not.toBe(contentHash(state.content));
    // The snapshot seals the new settings, and nothing learned is touched.
    const snapshot = buildSnapshot(next.content, 1);
    expect([snapshot.explorationBps, snapshot.holdoutBps]).toEqual([exploration, holdout]);
    expect(next.content.alpha).toBe(state.content.alpha);
    expect(next.content.beta).toBe(state.content.beta);
    expect(next.content.floorBps).toBe(state.content.floorBps);
    expect(next.outcomes).toBe(state.outcomes);
    expect(next.apprentice).toBe(state.apprentice);
  });

  it("does not mutate the state it is given", () => {
    const before = JSON.stringify(state);
    applySettings(state, { explorationBps: 0, holdoutBps: 0 });
    expect(JSON.stringify(state)).toBe(before);
  });

  it("changing back restores the original hash (the hash is of the content, not of its history)", () => {
    const changed = applySettings(state, { explorationBps: 0 });
    const back = applySettings(changed, { explorationBps: 500 });
    expect(back).not.toBe(changed);
    expect(contentHash(back.content)).toBe(contentHash(state.content));
  });
});
