// Outcome calibration of a regime's floor (src/learning/calibration.ts): a failure raises it two
// steps, a success lowers it one, so it settles where a third of outcomes fail; it never leaves
// [warm start - margin, 10,000]. Properties over every regime's warm start and arbitrary streams.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LLM_PACK } from "../../../src/domain/llm/pack.ts";
import { FLOOR_MARGIN_BPS, FLOOR_STEP_BPS, calibrateFloor, floorBounds, type FloorBounds } from "../../../src/learning/calibration.ts";

const WARM_STARTS = LLM_PACK.regimes.map((regime) => regime.warmStartFloorBps);
const warmStart = fc.constantFrom(...WARM_STARTS);

function replay(startBps: number, outcomes: readonly boolean[], bounds: FloorBounds): number[] {
  const floors = [startBps];
  for (const success of outcomes) floors.push(calibrateFloor(floors[floors.length - 1]!, success, bounds));
  return floors;
}

describe("floorBounds", () => {
  it("is [warm start - 1,500, 10,000] for every regime of the LLM pack", () => {
    for (const ws of WARM_STARTS) expect(floorBounds(ws)).toEqual({ minBps: ws - FLOOR_MARGIN_BPS, maxBps: 10_000 });
  });

  it("never goes below 0 for a warm start under the margin", () => {
    expect(floorBounds(1_000)).toEqual({ minBps: 0, maxBps: 10_000 });
    expect(floorBounds(0)).toEqual({ minBps: 0, maxBps: 10_000 });
  });
});

describe("calibrateFloor", () => {
  it("moves one small step down on a success and two up on a failure", () => {
    const bounds = floorBounds(7_200);
    expect(calibrateFloor(7_200, true, bounds)).toBe(7_200 - FLOOR_STEP_BPS);
    expect(calibrateFloor(7_200, false, bounds)).toBe(7_200 + 2 * FLOOR_STEP_BPS);
  });

  it("(failure, success) x k raises the floor by exactly k x FLOOR_STEP_BPS away from the bounds", () => {
    fc.assert(
      fc.property(warmStart, fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 1_000_000 }), (ws, k, position) => {
        const bounds = floorBounds(ws);
        // The highest point of the walk is start + (k + 1) steps (after the last failure).
        const highest = bounds.maxBps - (k + 1) * FLOOR_STEP_BPS;
        fc.pre(highest >= bounds.minBps);
        const start = bounds.minBps + (position % (highest - bounds.minBps + 1));
        const outcomes = Array.from({ length: 2 * k }, (_, i) => i % 2 === 1);
        const floors = replay(start, outcomes, bounds);
        expect(floors[floors.length - 1]).toBe(start + k * FLOOR_STEP_BPS);
      }),
    );
  });

  it("(failure, success, success) is the equilibrium: the floor is back where it started after each cycle", () => {
    fc.assert(
      fc.property(warmStart, fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 1_000_000 }), (ws, cycles, position) => {
        const bounds = floorBounds(ws);
        // Inside a cycle the floor visits start + 2 steps and start + 1 step, never below start.
        const highest = bounds.maxBps - 2 * FLOOR_STEP_BPS;
        const start = bounds.minBps + (position % (highest - bounds.minBps + 1));
        const floors = replay(
          start,
          Array.from({ length: 3 * cycles }, (_, i) => i % 3 !== 0),
          bounds,
        );
        for (let cycle = 0; cycle <= cycles; cycle++) expect(floors[3 * cycle]).toBe(start);
      }),
    );
  });

  it("saturates at 10,000 under failures alone and at warm start - margin under successes alone", () => {
    for (const ws of WARM_STARTS) {
      const bounds = floorBounds(ws);
      // (10,000 - (ws - margin)) / (2 steps) failures climb the whole range; one more must not pass it.
      const climb = Math.ceil((bounds.maxBps - bounds.minBps) / (2 * FLOOR_STEP_BPS)) + 5;
      const up = replay(
        ws,
        Array.from({ length: climb }, () => false),
        bounds,
      );
      expect(up[up.length - 1]).toBe(10_000);
      expect(Math.max(...up)).toBe(10_000);
      const descent = Math.ceil((bounds.maxBps - bounds.minBps) / FLOOR_STEP_BPS) + 5;
      const down = replay(
        10_000,
        Array.from({ length: descent }, () => true),
        bounds,
      );
      expect(down[down.length - 1]).toBe(ws - FLOOR_MARGIN_BPS);
      expect(Math.min(...down)).toBe(ws - FLOOR_MARGIN_BPS);
    }
  });

  it("keeps every floor within [warm start - margin, 10,000] for any outcome stream and any start in bounds", () => {
    fc.assert(
      fc.property(
        warmStart,
        fc.array(fc.boolean(), { maxLength: 600 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (ws, outcomes, position) => {
          const bounds = floorBounds(ws);
          const start = bounds.minBps + (position % (bounds.maxBps - bounds.minBps + 1));
          for (const floor of replay(start, outcomes, bounds)) {
            expect(Number.isSafeInteger(floor)).toBe(true);
            expect(floor).toBeGreaterThanOrEqual(bounds.minBps);
            expect(floor).toBeLessThanOrEqual(bounds.maxBps);
          }
        },
      ),
    );
  });

  it("settles where about a third of outcomes fail: with failure rate 1/3 the floor's net drift is zero", () => {
    // Over any stream with f failures and s successes that never touches a bound, the floor moves
    // by (2f - s) steps: zero exactly when f / (f + s) = 1/3 (DESIGN.md's documented equilibrium).
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 1_000 }), (f, seed) => {
        const outcomes = [...Array.from({ length: f }, () => false), ...Array.from({ length: 2 * f }, () => true)];
        // A fixed shuffle per seed; the sum of moves does not depend on the order when no bound binds.
        const shuffled = outcomes
          .map((success, i) => ({ success, key: (i * 2_654_435_761 + seed * 40_503) % 4_294_967_296 }))
          .sort((a, b) => a.key - b.key)
          .map((entry) => entry.success);
        const bounds: FloorBounds = { minBps: 0, maxBps: 10_000 };
        const floors = replay(5_000, shuffled, bounds);
        expect(floors[floors.length - 1]).toBe(5_000);
      }),
    );
  });
});

describe("the ceiling: a learned floor never climbs above the best option's quality", () => {
  it("failures stop at the ceiling, and the bounds stay ordered when the warm start is above it", () => {
    const bounds = floorBounds(7_200, 9_000);
    expect(bounds).toEqual({ minBps: 5_700, maxBps: 9_000 });
    let floor = 7_200;
    for (let i = 0; i < 200; i++) floor = calibrateFloor(floor, false, bounds);
    expect(floor).toBe(9_000);
    expect(floorBounds(9_500, 7_000)).toEqual({ minBps: 7_000, maxBps: 7_000 });
    expect(floorBounds(7_200, 20_000)).toEqual({ minBps: 5_700, maxBps: 10_000 });
  });
});
