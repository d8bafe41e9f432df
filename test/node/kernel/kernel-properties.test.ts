// fast-check properties of the decision kernel over arbitrary and hostile inputs, checked
// against the independent BigInt reference model in test/shared/kernel-fixtures.ts: filters,
// gate choice, utility terms, the greedy choice under sample k and the exact propensity.
// Every property runs a fixed number of cases with fast-check's seeded generator, so a failure
// prints a seed and a shrunk counterexample that replays exactly.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildKernelCatalog, type KernelOptionSpec } from "../../../src/kernel/catalog.ts";
import type { DecisionInput, KernelTenant } from "../../../src/kernel/decision-input.ts";
import { DecisionResult } from "../../../src/kernel/decision-result.ts";
import { Kernel } from "../../../src/kernel/kernel.ts";
import type { KernelPolicy } from "../../../src/kernel/policy.ts";
import { Xoshiro128StarStar } from "../../../src/kernel/prng.ts";
import { KernelInputError, firstFieldOutOfBounds, parseKernelRequest, type KernelRequest } from "../../../src/kernel/request.ts";
import { DecisionCode, Verdict } from "../../../src/kernel/result-codes.ts";
import {
  LLM_OPTION_SPECS,
  LLM_POLICY_PARAMETERS,
  LLM_TIER_COUNT,
  buildLlmCatalog,
  buildPolicy,
  referenceFailedOptionGate,
  referenceFeasible,
  referenceFilters,
  referenceFloor,
  referencePlausible,
  referencePropensity,
  referenceQuality,
  referenceRanking,
  referenceWins,
  snapshotResult,
  thetaOf,
  withPolicy,
} from "../../shared/kernel-fixtures.ts";

const SAFE_MAX = Number.MAX_SAFE_INTEGER;
const UNSET = -1;

const llmKernel = new Kernel(buildLlmCatalog());
const policyExplore = buildPolicy(LLM_POLICY_PARAMETERS);
const policyGreedy = withPolicy(policyExplore, { explorationBps: 0 });

// ---- Arbitraries ------------------------------------------------------------------------------

/** Values every numeric field must survive: none is a safe integer in the field's range twice over. */
const POISON: readonly unknown[] = [NaN, -0, 1e308, 2 ** 53, -1, 4_294_967_295, 1.5, Infinity, -Infinity, SAFE_MAX, -2, 1e-300];
/** Not numbers at all: what an unvalidated JSON body could carry. */
const NON_NUMBERS: readonly unknown[] = ["5", "", null, undefined, true, {}, [], 5n, Symbol("x")];
/** A field left out of the raw object entirely. */
const MISSING = Symbol("missing");

function weighted<T>(...choices: [number, fc.Arbitrary<T>][]): fc.Arbitrary<T> {
  return fc.oneof(...choices.map(([weight, arbitrary]) => ({ weight, arbitrary })));
}

const mask16 = fc.integer({ min: 0, max: 0xffff });
const mask6 = fc.integer({ min: 0, max: 63 });

/** Requests that are valid for the kernel's bounds, shaped so that many pass every gate. */
function validRequest(regimeCount: number): fc.Arbitrary<KernelRequest> {
  return fc.record({
    regimeIndex: weighted([12, fc.integer({ min: 0, max: regimeCount - 1 })], [1, fc.constantFrom(UNSET, 63, regimeCount)]),
    inputTokens: weighted(
      [6, fc.integer({ min: 1, max: 20_000 })],
      [2, fc.integer({ min: 1, max: 300_000 })],
      [1, fc.constantFrom(1, 10_000_000)],
    ),
    maxOutputTokens: weighted([6, fc.integer({ min: 1, max: 8_192 })], [1, fc.integer({ min: 1, max: 1_000_000 })]),
    valueMicros: weighted(
      [4, fc.integer({ min: 0, max: 10_000_000_000 })],
      [1, fc.integer({ min: 0, max: 1e15 })],
      [1, fc.constantFrom(0, 1, 1e15)],
    ),
    riskBps: weighted(
      [12, fc.integer({ min: 0, max: 9_699 })],
      [1, fc.integer({ min: 9_700, max: 10_000 })],
      [1, fc.constantFrom(0, 9_699, 9_700, 10_000)],
    ),
    clientFloorBps: weighted([4, fc.constant(UNSET)], [3, fc.integer({ min: 0, max: 9_000 })], [1, fc.integer({ min: 0, max: 10_000 })]),
    maxLatencyMs: weighted([3, fc.constant(UNSET)], [2, fc.integer({ min: 1, max: 15_000 })], [1, fc.integer({ min: 1, max: 3_600_000 })]),
    maxCostMicros: weighted(
      [3, fc.constant(UNSET)],
      [2, fc.integer({ min: 0, max: 100_000_000 })],
      [1, fc.integer({ min: 0, max: SAFE_MAX })],
    ),
    requiredCapabilityMask: weighted([4, fc.constant(0)], [3, fc.constantFrom(1, 2, 4, 8, 32, 3, 40)], [1, mask6], [1, mask16]),
    providerAllowMask: weighted([3, fc.constant(0xffff)], [2, mask6], [1, mask16]),
    providerDenyMask: weighted([4, fc.constant(0)], [2, mask6], [1, mask16]),
  });
}

const validTenant: fc.Arbitrary<KernelTenant> = fc.record({
  suspended: weighted([12, fc.constant(false)], [1, fc.constant(true)]),
  allowedProviderMask: weighted([3, fc.constant(0xffff)], [2, mask6]),
  costCapMicros: weighted(
    [3, fc.constant(UNSET)],
    [2, fc.integer({ min: 0, max: 1_000_000_000 })],
    [1, fc.integer({ min: 0, max: SAFE_MAX })],
  ),
});

const seedWords = fc
  .tuple(fc.nat({ max: 0xffff_ffff }), fc.nat({ max: 0xffff_ffff }), fc.nat({ max: 0xffff_ffff }), fc.nat({ max: 0xffff_ffff }))
  .map((words) => Uint32Array.from(words));
const floorRaise = weighted([3, fc.constant(0)], [2, fc.integer({ min: 0, max: 10_000 })]);

function validInput(policy: KernelPolicy): fc.Arbitrary<DecisionInput> {
  return fc.record({
    request: validRequest(policy.regimeCount),
    tenant: validTenant,
    policy: fc.constant(policy),
    seedWords,
    floorRaiseBps: floorRaise,
  });
}

/** A field's value: valid most of the time, else a poison number, a non-number or missing. */
function hostile<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return weighted<unknown>([6, valid], [3, fc.constantFrom(...POISON)], [1, fc.constantFrom(...NON_NUMBERS, MISSING)]);
}

const poisonValue = weighted<unknown>([3, fc.constantFrom(...POISON)], [1, fc.constantFrom(...NON_NUMBERS, MISSING)]);
const REQUEST_FIELDS = Object.keys(baseRequest());

/**
 * A raw request object: a valid request with none (40 %) or one to four fields replaced by poison
 * or left out, so that both the refusal path and the accepting path are exercised often.
 */
const hostileRawRequest: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    valid: validRequest(LLM_POLICY_PARAMETERS.regimeCount),
    poisoned: weighted([2, fc.constant([] as string[])], [3, fc.subarray(REQUEST_FIELDS, { minLength: 1, maxLength: 4 })]),
    values: fc.array(poisonValue, { minLength: 4, maxLength: 4 }),
  })
  .map(({ valid, poisoned, values }) => {
    const raw: Record<string, unknown> = { ...valid };
    poisoned.forEach((field, i) => {
      if (values[i] === MISSING) delete raw[field];
      else raw[field] = values[i];
    });
    return raw;
  });

const hostileTenant = weighted<KernelTenant>(
  [3, validTenant],
  [
    1,
    fc.record({
      suspended: weighted<unknown>([6, fc.constant(false)], [1, fc.constantFrom(true, undefined, null, 0, 1, "false")]),
      allowedProviderMask: hostile(mask16),
      costCapMicros: hostile(fc.integer({ min: UNSET, max: 1_000_000_000 })),
    }) as unknown as fc.Arbitrary<KernelTenant>,
  ],
);

const hostileInput: fc.Arbitrary<{ raw: Record<string, unknown>; input: DecisionInput }> = fc
  .record({
    raw: hostileRawRequest,
    tenant: hostileTenant,
    seedWords: weighted([12, seedWords], [1, fc.constantFrom(Uint32Array.of(1, 2, 3), Uint32Array.of(1, 2, 3, 4, 5), new Uint32Array(0))]),
    floorRaiseBps: weighted<unknown>([8, floorRaise], [1, fc.constantFrom(...POISON, ...NON_NUMBERS)]),
    policy: fc.constantFrom(policyExplore, policyGreedy),
  })
  .map(({ raw, tenant, seedWords: words, floorRaiseBps, policy }) => ({
    raw,
    input: { request: raw as unknown as KernelRequest, tenant, policy, seedWords: words, floorRaiseBps: floorRaiseBps as number },
  }));

/** A small arbitrary catalog (1-8 options over 1-3 tiers) whose prices and latencies repeat, to force ties. */
const smallCatalogSpecs: fc.Arbitrary<{ specs: KernelOptionSpec[]; tierCount: number }> = fc
  .integer({ min: 1, max: 3 })
  .chain((tierCount) =>
    fc
      .array(
        fc.record({
          providerIndex: fc.integer({ min: 0, max: 5 }),
          tierIndex: fc.integer({ min: 0, max: tierCount - 1 }),
          qualityBps: weighted([2, fc.constantFrom(6_000, 8_000, 9_500)], [1, fc.integer({ min: 0, max: 10_000 })]),
          latencyMsP50: weighted([2, fc.constantFrom(1_000, 3_000)], [1, fc.integer({ min: 1, max: 3_600_000 })]),
          contextTokens: fc.constantFrom(8_192, 128_000, 1_000_000, 11_000_000),
          maxOutputTokens: fc.constantFrom(2_000, 8_192),
          capabilityMask: mask6,
          inputPriceMicrosPerMTok: weighted([3, fc.constantFrom(0, 1, 10_000_000, 100_000_000)], [1, fc.integer({ min: 0, max: 1e12 })]),
          outputPriceMicrosPerMTok: weighted([3, fc.constantFrom(0, 999_999, 40_000_000)], [1, fc.integer({ min: 0, max: 1e12 })]),
        }),
        { minLength: tierCount, maxLength: 8 },
      )
      .map((specs) => {
        // Every tier must be used: give the first tierCount options tiers 0..tierCount-1.
        const fixed = specs.map((spec, i) => (i < tierCount ? { ...spec, tierIndex: i } : spec));
        return { specs: fixed, tierCount };
      }),
  );

/** An arbitrary policy over a small bank whose thetas repeat, so utilities tie across tiers. */
function arbitraryPolicy(tierCount: number): fc.Arbitrary<KernelPolicy> {
  return fc
    .record({
      regimeCount: fc.integer({ min: 1, max: 3 }),
      sampleCount: fc.constantFrom(1, 2, 4, 8, 16, 32),
      explorationBps: weighted([2, fc.constantFrom(0, 1, 2_000, 9_999, 10_000)], [1, fc.integer({ min: 0, max: 10_000 })]),
      latencyBpsPerSecond: weighted([2, fc.constantFrom(0, 50, 10_000)], [1, fc.integer({ min: 0, max: 10_000 })]),
    })
    .chain(({ regimeCount, sampleCount, explorationBps, latencyBpsPerSecond }) =>
      fc
        .record({
          floorBps: fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: regimeCount, maxLength: regimeCount }),
          floorSource: fc.array(fc.constantFrom(1, 2), { minLength: regimeCount, maxLength: regimeCount }),
          thetaBps: fc.array(weighted([2, fc.constantFrom(0, 5_000, 7_000, 10_000)], [1, fc.integer({ min: 0, max: 10_000 })]), {
            minLength: regimeCount * sampleCount * tierCount,
            maxLength: regimeCount * sampleCount * tierCount,
          }),
          // A snapshot's own posterior bounds (a sharpened bank's, stretched back), or none: the bank's.
          bounds: fc.option(
            fc.array(
              fc
                .tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }))
                .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const),
              { minLength: regimeCount * tierCount, maxLength: regimeCount * tierCount },
            ),
          ),
        })
        .map((arrays): KernelPolicy => ({
          regimeCount,
          tierCount,
          sampleCount,
          explorationBps,
          latencyBpsPerSecond,
          floorBps: Int32Array.from(arrays.floorBps),
          floorSource: Uint8Array.from(arrays.floorSource),
          thetaBps: Uint16Array.from(arrays.thetaBps),
          ...(arrays.bounds === null
            ? {}
            : {
                armLowBps: Uint16Array.from(arrays.bounds, ([low]) => low),
                armQualityBps: Uint16Array.from(arrays.bounds, ([, high]) => high),
              }),
        })),
    );
}

interface Scenario {
  specs: readonly KernelOptionSpec[];
  kernel: Kernel;
  input: DecisionInput;
}

/** Either the LLM catalog with its real bank or a random small catalog with a random bank. */
const scenario: fc.Arbitrary<Scenario> = weighted<Scenario>(
  [
    1,
    fc
      .constantFrom(policyExplore, policyGreedy)
      .chain((policy) => validInput(policy))
      .map((input) => ({ specs: LLM_OPTION_SPECS, kernel: llmKernel, input })),
  ],
  [
    1,
    smallCatalogSpecs.chain(({ specs, tierCount }) =>
      arbitraryPolicy(tierCount).chain((policy) =>
        validInput(policy).map((input) => ({ specs, kernel: new Kernel(buildKernelCatalog(specs, tierCount)), input })),
      ),
    ),
  ],
);

// ---- Helpers ------------------------------------------------------------------------------------

function run(kernel: Kernel, input: DecisionInput, out = new DecisionResult()): DecisionResult {
  kernel.decide(input, out);
  kernel.propensity(out);
  return out;
}

/** Gate-1 checks of the input outside the request, written again from decision-input.ts. */
function nonRequestInputValid(input: DecisionInput): boolean {
  const { tenant } = input;
  const safeIn = (x: unknown, min: number, max: number): boolean =>
    typeof x === "number" && Number.isSafeInteger(x) && x >= min && x <= max;
  return (
    input.seedWords.length === 4 &&
    safeIn(input.floorRaiseBps, 0, 10_000) &&
    safeIn(tenant.allowedProviderMask, 0, 0xffff) &&
    (tenant.costCapMicros === UNSET || safeIn(tenant.costCapMicros, 0, SAFE_MAX))
  );
}

/** The request bounds, written out again from the issue rather than read from REQUEST_BOUNDS. */
function requestValid(raw: Record<string, unknown>): boolean {
  const bounds: [string, number, number, boolean][] = [
    ["regimeIndex", 0, 63, true],
    ["inputTokens", 1, 1e7, false],
    ["maxOutputTokens", 1, 1e6, false],
    ["valueMicros", 0, 1e15, false],
    ["riskBps", 0, 10_000, false],
    ["clientFloorBps", 0, 10_000, true],
    ["maxLatencyMs", 1, 3_600_000, true],
    ["maxCostMicros", 0, SAFE_MAX, true],
    ["requiredCapabilityMask", 0, 0xffff, false],
    ["providerAllowMask", 0, 0xffff, false],
    ["providerDenyMask", 0, 0xffff, false],
  ];
  return bounds.every(([name, min, max, optional]) => {
    const value = raw[name];
    if (typeof value !== "number" || Object.is(value, -0) || !Number.isInteger(value) || Math.abs(value) > SAFE_MAX) return false;
    return (value >= min && value <= max) || (optional && value === UNSET);
  });
}

/** Every number in a DecisionResult, with its path: fields and typed-array elements alike. */
function numbersIn(out: DecisionResult): [string, number][] {
  const found: [string, number][] = [];
  for (const [key, value] of Object.entries(out)) {
    if (typeof value === "number") found.push([key, value]);
    else if (ArrayBuffer.isView(value))
      Array.from(value as unknown as ArrayLike<number>).forEach((x, i) => found.push([`${key}[${i}]`, x]));
    else if (typeof value !== "boolean") throw new Error(`unexpected field ${key} of type ${typeof value}`);
  }
  return found;
}

// ---- Properties -----------------------------------------------------------------------------

describe("1. decide never throws; the boundary and gate 1 agree", () => {
  it("for hostile requests, tenants, seeds and raises", () => {
    const out = new DecisionResult();
    fc.assert(
      fc.property(hostileInput, ({ raw, input }) => {
        const code = llmKernel.decide(input, out);
        llmKernel.propensity(out);
        expect(code).toBe(out.code);
        expect(code >= 0 && code <= 10).toBe(true);
        let parsed: KernelRequest | undefined;
        try {
          parsed = parseKernelRequest(raw);
        } catch (error) {
          expect(error).toBeInstanceOf(KernelInputError);
          expect((error as KernelInputError).message).toMatch(/^"\w+" expected integer in \[/);
        }
        // The boundary accepts exactly what the bounds (written out independently) accept, with
        // missing optional fields read as unset.
        const withDefaults = { clientFloorBps: UNSET, maxLatencyMs: UNSET, maxCostMicros: UNSET, regimeIndex: UNSET, ...raw };
        expect(parsed !== undefined).toBe(requestValid(withDefaults));
        const allPresent = Object.keys(withDefaults).length === Object.keys(raw).length;
        if (allPresent) expect(firstFieldOutOfBounds(raw as unknown as KernelRequest) === -1).toBe(parsed !== undefined);
        if (parsed !== undefined) {
          const parsedOut = run(llmKernel, { ...input, request: parsed });
          expect(parsedOut.gateVerdicts[0]).toBe(nonRequestInputValid(input) ? Verdict.pass : Verdict.fail);
        }
        const gateOnePasses = allPresent && parsed !== undefined && nonRequestInputValid(input);
        expect(out.gateVerdicts[0]).toBe(gateOnePasses ? Verdict.pass : Verdict.fail);
      }),
      { numRuns: 1_000 },
    );
  });

  it("parseKernelRequest refuses non-objects with KernelInputError", () => {
    for (const raw of [null, undefined, 5, "x", [], [1, 2], true, 5n]) {
      expect(() => parseKernelRequest(raw)).toThrow(KernelInputError);
    }
  });
});

describe("2. no NaN, Infinity, -0 or unsafe integer anywhere in a DecisionResult", () => {
  const check = (out: DecisionResult): void => {
    for (const [path, x] of numbersIn(out)) {
      if (!Number.isSafeInteger(x) || Object.is(x, -0)) throw new Error(`${path} = ${Object.is(x, -0) ? "-0" : x}`);
    }
  };
  it("after hostile inputs", () => {
    const out = new DecisionResult();
    fc.assert(
      fc.property(hostileInput, ({ input }) => check(run(llmKernel, input, out))),
      { numRuns: 1_000 },
    );
  });
  it("after valid inputs on any catalog and bank", () => {
    fc.assert(
      fc.property(scenario, ({ kernel, input }) => check(run(kernel, input))),
      { numRuns: 500 },
    );
  });
});

describe("3. determinism", () => {
  const jsonStable = (request: KernelRequest): boolean =>
    Object.values(request).every((x) => typeof x === "number" && Number.isFinite(x) && !Object.is(x, -0));
  it("same input, same output: on the same kernel, on a fresh kernel, after a JSON round trip", () => {
    const other = makeOtherInput();
    fc.assert(
      fc.property(
        fc.oneof(
          hostileInput.map(({ input }) => input),
          validInput(policyExplore),
        ),
        (input) => {
          const first = snapshotResult(run(llmKernel, input));
          run(llmKernel, other); // dirty every scratch array in between
          expect(snapshotResult(run(llmKernel, input))).toEqual(first);
          expect(snapshotResult(run(new Kernel(buildLlmCatalog()), input))).toEqual(first);
          if (jsonStable(input.request)) {
            const request = JSON.parse(JSON.stringify(input.request)) as KernelRequest;
            expect(snapshotResult(run(llmKernel, { ...input, request }))).toEqual(first);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  function makeOtherInput(): DecisionInput {
    return {
      request: {
        regimeIndex: 3,
        inputTokens: 50_000,
        maxOutputTokens: 4_000,
        valueMicros: 9e12,
        riskBps: 5_000,
        clientFloorBps: UNSET,
        maxLatencyMs: UNSET,
        maxCostMicros: UNSET,
        requiredCapabilityMask: 0,
        providerAllowMask: 0xffff,
        providerDenyMask: 0,
      },
      tenant: { suspended: false, allowedProviderMask: 0xffff, costCapMicros: UNSET },
      policy: policyGreedy,
      seedWords: Uint32Array.of(9, 9, 9, 9),
      floorRaiseBps: 0,
    };
  }
});

describe("4-6. gates, floors and filters agree with the reference model", () => {
  it("4. a client floor is always honoured", () => {
    fc.assert(
      fc.property(scenario, ({ specs, kernel, input }) => {
        const out = run(kernel, input);
        if (out.code !== DecisionCode.ok || input.request.clientFloorBps === UNSET) return;
        expect(out.floorBps).toBe(input.request.clientFloorBps);
        expect(out.floorSource).toBe(0);
        expect(out.floorRaisedBps).toBe(0);
        // Judged by the gate's quality: the learned upper bound when the policy gives one, else the catalog's.
        for (const o of out.ranked.subarray(0, out.rankedCount))
          expect(referenceQuality(specs[o]!, input)).toBeGreaterThanOrEqual(out.floorBps);
      }),
      { numRuns: 500 },
    );
  });

  it("5. no ranked option violates a filter; the code and feasible set match the reference", () => {
    fc.assert(
      fc.property(scenario, ({ specs, kernel, input }) => {
        const out = run(kernel, input);
        if (out.gateVerdicts[3] !== Verdict.pass) return;
        const floor = referenceFloor(input, specs);
        expect([out.floorBps, out.floorSource, out.floorRaisedBps]).toEqual([floor.floorBps, floor.source, floor.raisedBps]);
        expect(out.code).toBe(referenceFailedOptionGate(specs, input, floor.floorBps));
        const feasible = referenceFeasible(specs, input, floor.floorBps);
        expect(out.feasibleCount).toBe(feasible.length);
        expect(out.rankedCount).toBe(Math.min(4, feasible.length));
        for (const o of out.ranked.subarray(0, out.rankedCount)) {
          expect(referenceFilters(specs[o]!, input, floor.floorBps)).toEqual([true, true, true, true, true, true]);
        }
        expect(new Set(out.ranked.subarray(0, out.rankedCount)).size).toBe(out.rankedCount);
      }),
      { numRuns: 500 },
    );
  });

  it("6. risk at or above 9,700 bps is always blocked (code 2, or 1 when anything is out of bounds)", () => {
    const highRisk = weighted<unknown>(
      [4, fc.integer({ min: 9_700, max: 10_000 })],
      [1, fc.constantFrom(10_001, 1e308, Infinity, 2 ** 53)],
    );
    fc.assert(
      fc.property(hostileInput, highRisk, ({ raw, input }, riskBps) => {
        const request = { ...raw, riskBps } as unknown as KernelRequest;
        const out = run(llmKernel, { ...input, request });
        const gateOne = firstFieldOutOfBounds(request) === -1 && nonRequestInputValid(input);
        expect(out.code).toBe(gateOne ? DecisionCode.risk_above_ceiling : DecisionCode.request_out_of_bounds);
        expect(out.chosen).toBe(UNSET);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe("7. propensity is exact", () => {
  it("wins and numerator/denominator equal a brute force over every sample k", () => {
    fc.assert(
      fc.property(scenario, ({ specs, kernel, input }) => {
        const out = run(kernel, input);
        if (out.code !== DecisionCode.ok) return;
        const floor = referenceFloor(input, specs).floorBps;
        const feasible = referenceFeasible(specs, input, floor);
        const wins = referenceWins(specs, feasible, input);
        expect(out.thompsonWins).toBe(wins.get(out.chosen));
        expect(out.feasibleTierCount).toBe(new Set(feasible.map((o) => specs[o]!.tierIndex)).size);
        const support = referencePlausible(specs, feasible, input);
        const [numerator, denominator] = referencePropensity(out.chosen, support, wins, input.policy);
        expect(BigInt(out.propensityNumerator) * denominator).toBe(numerator * BigInt(out.propensityDenominator));
        // Rounded half up to parts per million.
        const ppm =
          (BigInt(out.propensityNumerator) * 1_000_000n * 2n + BigInt(out.propensityDenominator)) /
          (2n * BigInt(out.propensityDenominator));
        expect(BigInt(out.propensityPpm)).toBe(ppm);
        // Propensities over all feasible options sum to exactly one.
        let sum = 0n;
        for (const o of feasible) sum += referencePropensity(o, support, wins, input.policy)[0];
        expect(sum).toBe(denominator);
        expect(out.propensityNumerator).toBeGreaterThan(0);
        // probabilityOf (a shadow's question) gives every option's exact propensity, the chosen one's included.
        for (let o = 0; o < specs.length; o++) {
          const [n, d] = kernel.probabilityOf(out, o);
          const [rn, rd] = feasible.includes(o) ? referencePropensity(o, support, wins, input.policy) : [0n, 1n];
          expect(BigInt(n) * rd, `option ${o}`).toBe(rn * BigInt(d));
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it("probabilityOf answers 0 for a refused decision and for options out of range", () => {
    fc.assert(
      fc.property(scenario, ({ specs, kernel, input }) => {
        const out = run(kernel, input);
        expect(kernel.probabilityOf(out, -1)).toEqual([0, 1]);
        expect(kernel.probabilityOf(out, specs.length)).toEqual([0, 1]);
        if (out.code !== DecisionCode.ok) for (let o = 0; o < specs.length; o++) expect(kernel.probabilityOf(out, o)).toEqual([0, 1]);
      }),
      { numRuns: 300 },
    );
  });

  // Per option, as packs use the kernel: every option its own arm. Exploration off and on.
  const perOption = LLM_OPTION_SPECS.map((spec, index) => ({ ...spec, tierIndex: index }));
  const perOptionKernel = new Kernel(buildKernelCatalog(perOption, perOption.length));
  // The fixtures' priors, each option taking its old tier's (the cold regime 4 stays flat).
  const P = LLM_POLICY_PARAMETERS;
  const perArm = (values: readonly number[]): number[] =>
    Array.from({ length: P.regimeCount * perOption.length }, (_, cell) => {
      const regime = Math.floor(cell / perOption.length);
      return values[regime * P.tierCount + LLM_OPTION_SPECS[cell % perOption.length]!.tierIndex]!;
    });
  const perOptionPolicy = (explorationBps: number): KernelPolicy =>
    buildPolicy({ ...P, tierCount: perOption.length, alpha: perArm(P.alpha), beta: perArm(P.beta), explorationBps });
  it.each([0, 3_000])(
    "per option, exploration %i bps: the frequency of each choice over 20,000 seeds is within 5 standard errors of its propensity",
    (explorationBps) => {
      const policy = perOptionPolicy(explorationBps);
      const input: DecisionInput = {
        request: { ...baseRequest(), regimeIndex: 4, inputTokens: 3_000, maxOutputTokens: 800, valueMicros: 20_000_000, riskBps: 2_000 },
        tenant: { suspended: false, allowedProviderMask: 0xffff, costCapMicros: UNSET },
        policy,
        seedWords: new Uint32Array(4),
        floorRaiseBps: 0,
      };
      const seeds = new Xoshiro128StarStar();
      seeds.seedSplitmix64(20_000n + BigInt(explorationBps));
      const out = new DecisionResult();
      const draws = 20_000;
      const counts = new Map<number, number>();
      const logged = new Map<number, number>();
      let explored = 0;
      for (let i = 0; i < draws; i++) {
        for (let w = 0; w < 4; w++) input.seedWords[w] = seeds.nextU32();
        // Plain checks in this loop: expect() per draw would dominate the run time.
        if (run(perOptionKernel, input, out).code !== DecisionCode.ok) throw new Error(`draw ${i}: code ${out.code}`);
        counts.set(out.chosen, (counts.get(out.chosen) ?? 0) + 1);
        const p = out.propensityNumerator / out.propensityDenominator;
        if ((logged.get(out.chosen) ?? p) !== p) throw new Error(`draw ${i}: propensity of ${out.chosen} changed`);
        logged.set(out.chosen, p);
        if (out.explored) explored++;
      }
      const feasible = referenceFeasible(perOption, input, referenceFloor(input, perOption).floorBps);
      const wins = referenceWins(perOption, feasible, input);
      // The request must be interesting: several options with a real chance.
      expect([...wins.values()].filter((w) => w > 0).length).toBeGreaterThanOrEqual(3);
      const support = referencePlausible(perOption, feasible, input);
      if (explorationBps > 0) expect(support.length).toBeGreaterThanOrEqual(2);
      for (const o of feasible) {
        const [numerator, denominator] = referencePropensity(o, support, wins, policy);
        const p = Number(numerator) / Number(denominator);
        const frequency = (counts.get(o) ?? 0) / draws;
        if (p === 0) expect(frequency).toBe(0);
        else expect(Math.abs(frequency - p)).toBeLessThanOrEqual(5 * Math.sqrt((p * (1 - p)) / draws));
      }
      const eps = explorationBps / 10_000;
      expect(Math.abs(explored / draws - eps)).toBeLessThanOrEqual(5 * Math.sqrt((eps * (1 - eps)) / draws));
    },
    60_000,
  );
});

describe("8. the greedy choice maximises utility under its sample k", () => {
  it("chosen, ranking, terms and costs equal the reference ranking under k", () => {
    fc.assert(
      fc.property(scenario, ({ specs, kernel, input }) => {
        const out = run(kernel, input);
        if (out.code !== DecisionCode.ok) return;
        const k = out.sampleIndex;
        expect(k >= 0 && k < input.policy.sampleCount).toBe(true);
        const feasible = referenceFeasible(specs, input, referenceFloor(input, specs).floorBps);
        const ranking = referenceRanking(specs, feasible, input, k);
        const chosen = out.explored ? ranking.find((entry) => entry.index === out.chosen)! : ranking[0]!;
        if (out.explored) expect(referencePlausible(specs, feasible, input)).toContain(out.chosen);
        else expect(out.chosen).toBe(ranking[0]!.index);
        const others = ranking.filter((entry) => entry.index !== out.chosen).slice(0, 3);
        expect(Array.from(out.ranked.subarray(0, out.rankedCount))).toEqual([out.chosen, ...others.map((entry) => entry.index)]);
        expect(Array.from(out.rankedCostMicros.subarray(0, out.rankedCount))).toEqual(
          [chosen, ...others].map((entry) => Number(entry.terms.cost)),
        );
        const t = chosen.terms;
        expect(Array.from(out.chosenTerms)).toEqual([t.qualityAdjustedValue, t.riskPenalty, t.cost, t.latencyPenalty].map(Number));
        expect(out.chosenUtilityMicros).toBe(Number(t.utility));
        expect(out.chosenThetaBps).toBe(thetaOf(input.policy, input.request.regimeIndex, k, specs[out.chosen]!.tierIndex));
        const runnerUp = others[0];
        expect(out.runnerUp).toBe(runnerUp?.index ?? UNSET);
        if (runnerUp !== undefined) {
          const r = runnerUp.terms;
          expect(Array.from(out.runnerUpTerms)).toEqual([r.qualityAdjustedValue, r.riskPenalty, r.cost, r.latencyPenalty].map(Number));
          expect(out.runnerUpUtilityMicros).toBe(Number(r.utility));
        }
        // No feasible option beats the greedy choice under k.
        if (!out.explored) for (const entry of ranking) expect(entry.terms.utility <= t.utility).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it("breaks exact ties by lower cost, then lower index (two identical premium options)", () => {
    // claude-3-7-sonnet (6) and claude-sonnet-4 (7) share tier, prices and latency: always tied.
    const input: DecisionInput = {
      request: { ...baseRequest(), requiredCapabilityMask: 32 | 8, providerAllowMask: 0b10, clientFloorBps: 8_000 },
      tenant: { suspended: false, allowedProviderMask: 0xffff, costCapMicros: UNSET },
      policy: policyGreedy,
      seedWords: Uint32Array.of(1, 2, 3, 4),
      floorRaiseBps: 0,
    };
    const out = run(llmKernel, input);
    expect(out.code).toBe(DecisionCode.ok);
    expect(out.feasibleCount).toBe(3);
    // 6 and 7 tie exactly, so 6 ranks before 7 wherever they stand.
    const ranked = Array.from(out.ranked.subarray(0, out.rankedCount));
    expect(ranked.indexOf(6)).toBeLessThan(ranked.indexOf(7));
    expect(ranked).toContain(8);
  });
});

function baseRequest(): KernelRequest {
  return {
    regimeIndex: 0,
    inputTokens: 2_000,
    maxOutputTokens: 500,
    valueMicros: 500_000_000,
    riskBps: 1_000,
    clientFloorBps: UNSET,
    maxLatencyMs: UNSET,
    maxCostMicros: UNSET,
    requiredCapabilityMask: 0,
    providerAllowMask: 0xffff,
    providerDenyMask: 0,
  };
}

// Guards for the fixtures themselves: a policy or catalog that drifted would make every property vacuous.
describe("fixtures", () => {
  it("the LLM catalog has 22 options over 4 tiers and 6 providers", () => {
    expect(LLM_OPTION_SPECS).toHaveLength(22);
    expect(new Set(LLM_OPTION_SPECS.map((spec) => spec.tierIndex)).size).toBe(LLM_TIER_COUNT);
    expect(new Set(LLM_OPTION_SPECS.map((spec) => spec.providerIndex)).size).toBe(6);
  });

  it("valid inputs mostly decide ok, and hostile inputs reach every early gate", () => {
    const codes = new Map<number, number>();
    const out = new DecisionResult();
    fc.assert(
      fc.property(validInput(policyExplore), (input) => {
        const code = llmKernel.decide(input, out);
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }),
      { numRuns: 500, seed: 7 },
    );
    expect(codes.get(DecisionCode.ok) ?? 0).toBeGreaterThan(75);
    for (const code of [2, 3, 4, 5, 6, 7, 8, 9, 10]) expect(codes.get(code) ?? 0, `code ${code}`).toBeGreaterThan(0);
  });
});

describe("7b. the propensity's per-regime terms cache", () => {
  it("a long-lived kernel answers every request of a mixed sequence as a fresh kernel does", () => {
    // Requests repeat (cache hits) and alternate values, risks, regimes and policies (misses).
    const inputs = fc.sample(
      fc.constantFrom(policyExplore, policyGreedy).chain((policy) => validInput(policy)),
      { numRuns: 300, seed: 7 },
    );
    const sequence = [...inputs, ...inputs.slice().reverse(), ...inputs];
    const shared = new Kernel(buildLlmCatalog());
    let compared = 0;
    for (const input of sequence) {
      const a = run(shared, input);
      const b = run(new Kernel(buildLlmCatalog()), input);
      expect(snapshotResult(a)).toEqual(snapshotResult(b));
      if (a.code === DecisionCode.ok) compared++;
    }
    expect(compared).toBeGreaterThan(100);
  });
});
