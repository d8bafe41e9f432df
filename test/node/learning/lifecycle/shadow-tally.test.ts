// The shadow's tally (src/learning/lifecycle/shadow-tally.ts): decisions, mismatches and extra
// refusals per regime, against a plain count over the same observations; its report; storage.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  addShadow,
  emptyShadowTally,
  parseShadowTally,
  shadowReport,
  type ShadowObservation,
} from "../../../../src/learning/lifecycle/shadow-tally.ts";
import { HOSTILE_NUMBERS } from "./fixtures.ts";

const REGIMES = 3;

/** A choice, or null for a refusal: refused exactly when there is no choice. */
const side = fc.option(fc.integer({ min: 0, max: 3 }), { nil: null });
const observation: fc.Arbitrary<ShadowObservation> = fc
  .record({ regime: fc.integer({ min: 0, max: REGIMES - 1 }), production: side, candidate: side })
  .map(({ regime, production, candidate }) => ({
    regime,
    productionChoice: production,
    candidateChoice: candidate,
    productionRefused: production === null,
    candidateRefused: candidate === null,
  }));

describe("the shadow tally", () => {
  it("counts as a plain filter over the observations does, per regime and in total", () => {
    fc.assert(
      fc.property(fc.array(observation, { maxLength: 60 }), (observations) => {
        const tally = observations.reduce(addShadow, emptyShadowTally(REGIMES));
        const report = shadowReport(tally);
        const of = (r: number) => observations.filter((o) => o.regime === r);
        for (const entry of report.byRegime) {
          const mine = of(entry.regime);
          expect(entry.decisions).toBe(mine.length);
          expect(entry.mismatches).toBe(mine.filter((o) => o.productionChoice !== o.candidateChoice).length);
          expect(entry.extraRefusals).toBe(mine.filter((o) => o.candidateRefused && !o.productionRefused).length);
          expect(entry.mismatchShare).toBe(entry.mismatches / entry.decisions);
        }
        expect(report.byRegime.map((entry) => entry.regime)).toStrictEqual([0, 1, 2].filter((r) => of(r).length > 0));
        expect(report.decisions).toBe(observations.length);
        expect(report.mismatches).toBe(report.byRegime.reduce((sum, entry) => sum + entry.mismatches, 0));
        expect(report.extraRefusals).toBe(report.byRegime.reduce((sum, entry) => sum + entry.extraRefusals, 0));
        expect(parseShadowTally(JSON.parse(JSON.stringify(tally)))).toStrictEqual(tally);
      }),
    );
  });

  it("never changes the tally it is given", () => {
    const empty = emptyShadowTally(REGIMES);
    const frozen = JSON.stringify(empty);
    addShadow(empty, { regime: 1, productionChoice: 0, candidateChoice: null, productionRefused: false, candidateRefused: true });
    expect(JSON.stringify(empty)).toBe(frozen);
  });

  it("reports no share before the first decision", () => {
    expect(shadowReport(emptyShadowTally(REGIMES))).toStrictEqual({
      decisions: 0,
      mismatches: 0,
      mismatchShare: null,
      extraRefusals: 0,
      byRegime: [],
    });
  });

  it("treats an inconsistent observation as the caller's bug", () => {
    const tally = emptyShadowTally(REGIMES);
    const good: ShadowObservation = {
      regime: 0,
      productionChoice: 1,
      candidateChoice: 1,
      productionRefused: false,
      candidateRefused: false,
    };
    expect(() => addShadow(tally, { ...good, candidateRefused: true })).toThrow(/null exactly when refused/);
    expect(() => addShadow(tally, { ...good, productionChoice: null })).toThrow(/null exactly when refused/);
    for (const value of HOSTILE_NUMBERS) {
      expect(() => addShadow(tally, { ...good, regime: value as number })).toThrow();
      if (value !== null) expect(() => addShadow(tally, { ...good, candidateChoice: value as number })).toThrow();
    }
    expect(() => addShadow(tally, { ...good, regime: REGIMES })).toThrow(RangeError);
  });

  it("refuses a stored tally that cannot be: more mismatches than decisions, or the wrong length", () => {
    const stored = { v: 1, regimeCount: 2, decisions: [1, 0], mismatches: [2, 0], extraRefusals: [0, 0] };
    expect(() => parseShadowTally(stored)).toThrow(/extraRefusals <= mismatches <= decisions/);
    expect(() => parseShadowTally({ ...stored, decisions: [1] })).toThrow(/"decisions" expected 2 counts/);
    expect(() => parseShadowTally({ ...stored, v: 2 })).toThrow(RangeError);
  });
});
