// bankParameters (src/learning/pooled-prior.ts): the Beta parameters the sample bank is drawn
// from. Every expected value below is worked out by hand from the rule in the module's header,
// and the property compares the code with a second implementation that sums the OTHER regimes
// directly (the code subtracts a cell's own data from the option's total instead).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FloorSource } from "../../../src/kernel/result-codes.ts";
import { bankParameters } from "../../../src/learning/pooled-prior.ts";
import type { PolicyContent } from "../../../src/learning/policy-snapshot.ts";

interface Cells {
  readonly regimes: number;
  readonly arms: number;
  readonly alpha: readonly number[];
  readonly beta: readonly number[];
  readonly neutral: readonly number[];
  readonly priorStrength: number;
  readonly pooling: boolean;
}

const ZERO = { n: "0", s1: "0", s2: "0" } as const;

/** A content with the given cells; the fields bankParameters does not read are neutral fillers. */
function content(cells: Cells): PolicyContent {
  return {
    regimeCount: cells.regimes,
    tierCount: cells.arms,
    sampleCount: 256,
    floorBps: Array.from({ length: cells.regimes }, () => 5_000),
    floorSource: Array.from({ length: cells.regimes }, () => FloorSource.warm_start),
    alpha: cells.alpha,
    beta: cells.beta,
    explorationBps: 500,
    holdoutBps: 500,
    latencyBpsPerSecond: 100,
    stats: Array.from({ length: cells.regimes }, () => ({ input_tokens: ZERO, value_micros: ZERO, risk_bps: ZERO })),
    neutral: cells.neutral,
    priorStrength: cells.priorStrength,
    pooling: cells.pooling,
    sharpening: 1,
    sharpenedCells: "neutral",
  };
}

function parameters(cells: Cells): { alpha: number[]; beta: number[] } {
  const out = bankParameters(content(cells));
  return { alpha: Array.from(out.alpha), beta: Array.from(out.beta) };
}

/*
 * Three regimes x two options, S = 8, cells at [regime * 2 + option]:
 *
 *   option 0: regime 0 KNOWN prior (6, 2); regime 1 neutral with 3 successes, 1 failure (4, 2);
 *             regime 2 neutral with no data (1, 1).
 *   option 1: regime 0 neutral, no data (1, 1); regime 1 neutral with 2 successes, 7 failures
 *             (3, 8); regime 2 neutral, no data (1, 1).
 *
 * By hand:
 *   (0, 0) known: untouched, (6, 2).
 *   (1, 0) the other NEUTRAL cells of option 0 hold no data (the known cell does not feed the pool:
 *          its counts mix a catalog prior with data), so it stays (4, 2).
 *   (2, 0) others: s = 3, f = 1, seen 4; strength min(8, 4) = 4; prior alpha round(4 x 3 / 4) = 3,
 *          beta 4 - 3 = 1; plus its own data (none): (3, 1).
 *   (0, 1) others: s = 2, f = 7, seen 9; strength min(8, 9) = 8; alpha round(8 x 2 / 9) =
 *          round(1.78) = 2, beta 6: (2, 6).
 *   (1, 1) the others hold no data: Beta(1, 1) plus its own, (3, 8).
 *   (2, 1) as (0, 1): (2, 6).
 */
const WORKED: Cells = {
  regimes: 3,
  arms: 2,
  alpha: [6, 1, 4, 3, 1, 1],
  beta: [2, 1, 2, 8, 1, 1],
  neutral: [0, 1, 1, 1, 1, 1],
  priorStrength: 8,
  pooling: true,
};

describe("bankParameters, worked by hand on three regimes x two options (S = 8)", () => {
  const out = parameters(WORKED);

  it("leaves a cell of known prior untouched", () => {
    expect([out.alpha[0], out.beta[0]]).toEqual([6, 2]);
  });

  it("keeps Beta(1, 1) plus its own data when the option has no data in the other regimes", () => {
    expect([out.alpha[2], out.beta[2]]).toEqual([4, 2]);
    expect([out.alpha[3], out.beta[3]]).toEqual([3, 8]);
  });

  it("centres a neutral cell on the option's outcomes in the other regimes, strength min(S, seen)", () => {
    // Strength 4 (seen 4 < S): the prior is worth exactly the four outcomes seen elsewhere.
    expect([out.alpha[4], out.beta[4]]).toEqual([3, 1]);
    // Strength 8 (seen 9 > S): capped at S.
    expect([out.alpha[1], out.beta[1]]).toEqual([2, 6]);
    expect([out.alpha[5], out.beta[5]]).toEqual([2, 6]);
  });

  it("returns exactly the hand-worked table", () => {
    expect(out).toEqual({ alpha: [6, 2, 4, 3, 3, 2], beta: [2, 6, 2, 8, 1, 6] });
  });

  it("does not mutate the content it reads", () => {
    const cells = content(WORKED);
    const before = JSON.stringify(cells);
    bankParameters(cells);
    expect(JSON.stringify(cells)).toBe(before);
  });

  it("with pooling off (content.pooling false) returns the counts as they are", () => {
    expect(parameters({ ...WORKED, pooling: false })).toEqual({ alpha: [...WORKED.alpha], beta: [...WORKED.beta] });
  });
});

describe("bankParameters, the rounding and clamping of the pooled prior (two regimes x one option)", () => {
  /** Regime 1 holds `successes` and `failures`; regime 0 holds its own `own` = [successes, failures]. */
  function pooledInto(successes: number, failures: number, priorStrength = 8, own: readonly [number, number] = [0, 0]) {
    const out = parameters({
      regimes: 2,
      arms: 1,
      alpha: [1 + own[0], 1 + successes],
      beta: [1 + own[1], 1 + failures],
      neutral: [1, 1],
      priorStrength,
      pooling: true,
    });
    return [out.alpha[0], out.beta[0]];
  }

  // [successes elsewhere, failures elsewhere, S, own data, expected (alpha, beta) of regime 0, why]
  const table: readonly [number, number, number, readonly [number, number], readonly [number, number], string][] = [
    [5, 11, 8, [0, 0], [3, 5], "8 x 5 / 16 = 2.5 rounds half up to 3"],
    [3, 13, 8, [0, 0], [2, 6], "8 x 3 / 16 = 1.5 rounds half up to 2"],
    [1, 15, 8, [0, 0], [1, 7], "8 x 1 / 16 = 0.5 rounds to 1, and alpha is at least 1 anyway"],
    [0, 20, 8, [0, 0], [1, 7], "no success elsewhere: alpha clamped up to 1, beta = S - 1"],
    [20, 0, 8, [0, 0], [7, 1], "no failure elsewhere: alpha clamped down to S - 1"],
    [1, 0, 8, [0, 0], [1, 1], "one outcome seen: strength max(2, min(8, 1)) = 2 leaves only Beta(1, 1)"],
    [2, 0, 8, [0, 0], [1, 1], "two successes: strength 2, alpha clamped to 2 - 1 = 1"],
    [2, 1, 8, [4, 9], [6, 10], "strength 3, alpha round(2) = 2, beta 1, plus own (4, 9)"],
    [300, 700, 100, [0, 0], [30, 70], "S = 100 caps the 1,000 outcomes seen: alpha round(100 x 0.3) = 30"],
    [300, 700, 1_000, [0, 0], [300, 700], "S = 1,000 takes all 1,000 outcomes"],
  ];

  it.each(table)("%i successes, %i failures elsewhere, S = %i, own %j -> %j (%s)", (successes, failures, strength, own, expected) => {
    expect(pooledInto(successes, failures, strength, own)).toEqual(expected);
  });
});

/** The rule in the module's header, written as a sum over the OTHER regimes (a second implementation). */
function referenceParameters(cells: Cells): { alpha: number[]; beta: number[] } {
  const alpha = [...cells.alpha];
  const beta = [...cells.beta];
  if (!cells.pooling) return { alpha, beta };
  for (let r = 0; r < cells.regimes; r++) {
    for (let o = 0; o < cells.arms; o++) {
      const cell = r * cells.arms + o;
      if (cells.neutral[cell] !== 1) continue;
      let s = 0;
      let f = 0;
      for (let other = 0; other < cells.regimes; other++) {
        const at = other * cells.arms + o;
        if (other === r || cells.neutral[at] !== 1) continue;
        s += cells.alpha[at]! - 1;
        f += cells.beta[at]! - 1;
      }
      if (s + f === 0) continue;
      const strength = Math.max(2, Math.min(cells.priorStrength, s + f));
      // Counts stay below 2^20 here, so strength x s / seen is exact to far below 1/(2 seen):
      // Math.round of the float quotient is the exact rounding, halves up.
      const priorAlpha = Math.min(strength - 1, Math.max(1, Math.round((strength * s) / (s + f))));
      alpha[cell] = cells.alpha[cell]! - 1 + priorAlpha;
      beta[cell] = cells.beta[cell]! - 1 + strength - priorAlpha;
    }
  }
  return { alpha, beta };
}

/** Edge-biased counts: Beta(1, 1), a few outcomes, the decay window's range, and large counts. */
const count = fc.oneof(fc.constantFrom(1, 2, 3, 999, 1_000), fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1, max: 1 << 19 }));

const cellsArbitrary: fc.Arbitrary<Cells> = fc
  .record({
    regimes: fc.integer({ min: 1, max: 4 }),
    arms: fc.integer({ min: 1, max: 4 }),
    priorStrength: fc.oneof(fc.constantFrom(2, 3, 8, 100, 1_000), fc.integer({ min: 2, max: 1_000 })),
    pooling: fc.boolean(),
  })
  .chain((shape) => {
    const cells = shape.regimes * shape.arms;
    return fc.record({
      regimes: fc.constant(shape.regimes),
      arms: fc.constant(shape.arms),
      priorStrength: fc.constant(shape.priorStrength),
      pooling: fc.constant(shape.pooling),
      alpha: fc.array(count, { minLength: cells, maxLength: cells }),
      beta: fc.array(count, { minLength: cells, maxLength: cells }),
      neutral: fc.array(fc.constantFrom(0, 1), { minLength: cells, maxLength: cells }),
    });
  });

describe("bankParameters, properties over random contents", () => {
  it("gives integers >= 1; a known cell or pooling off keeps its counts; a neutral cell adds 2 or its strength to its own data", () => {
    fc.assert(
      fc.property(cellsArbitrary, (cells) => {
        const out = parameters(cells);
        for (let cell = 0; cell < cells.alpha.length; cell++) {
          const a = out.alpha[cell]!;
          const b = out.beta[cell]!;
          expect(Number.isSafeInteger(a) && a >= 1 && Number.isSafeInteger(b) && b >= 1).toBe(true);
          const own = cells.alpha[cell]! - 1 + cells.beta[cell]! - 1;
          if (!cells.pooling || cells.neutral[cell] !== 1) {
            expect([a, b]).toEqual([cells.alpha[cell], cells.beta[cell]]);
            continue;
          }
          // Own data is never lost: alpha and beta each keep their own successes and failures.
          expect(a - 1).toBeGreaterThanOrEqual(cells.alpha[cell]! - 1);
          expect(b - 1).toBeGreaterThanOrEqual(cells.beta[cell]! - 1);
          // The prior's weight: 2 (Beta(1, 1)) when no other regime has data, else max(2, min(S, seen)).
          const option = cell % cells.arms;
          let elsewhere = 0;
          for (let other = option; other < cells.alpha.length; other += cells.arms) {
            if (other !== cell && cells.neutral[other] === 1) elsewhere += cells.alpha[other]! - 1 + cells.beta[other]! - 1;
          }
          expect(a + b - own).toBe(elsewhere === 0 ? 2 : Math.max(2, Math.min(cells.priorStrength, elsewhere)));
        }
      }),
      { numRuns: 500 },
    );
  });

  it("agrees with the reference that sums the other regimes directly", () => {
    fc.assert(
      fc.property(cellsArbitrary, (cells) => {
        expect(parameters(cells)).toEqual(referenceParameters(cells));
      }),
      { numRuns: 1_000 },
    );
  });
});
