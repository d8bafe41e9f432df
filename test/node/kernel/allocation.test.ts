// decide() must not allocate (STYLE.md 2): after warm-up, 200,000 decisions over a varied request
// set leave the heap where it was and keep writing into the same result object and typed arrays.
// Node 22 has no allocation counter (v8.getHeapStatistics() lacks total_allocated_bytes) and the
// test runs without --expose-gc, so allocation is measured by sampling heapUsed every 1,000
// decisions: with no allocation no garbage collection runs, and every positive step between two
// samples is memory the loop (or the sampling itself, calibrated below) allocated. V8 boxes a
// number that crosses a call it did not inline unless it is a small integer (31 bits), so an
// allocation found here depends on inlining: vitest's module runner inlines less than plain Node.
import { beforeAll, describe, expect, it } from "vitest";
import type { DecisionInput } from "../../../src/kernel/decision-input.ts";
import { DecisionResult } from "../../../src/kernel/decision-result.ts";
import { Kernel } from "../../../src/kernel/kernel.ts";
import { DecisionCode } from "../../../src/kernel/result-codes.ts";
import { Xoshiro128StarStar } from "../../../src/kernel/prng.ts";
import { LLM_POLICY_PARAMETERS, buildLlmCatalog, buildPolicy, makeInput, type InputParts } from "../../shared/kernel-fixtures.ts";

const DECISIONS = 200_000;
const CHUNK = 1_000;
const WARM_UP = 50_000;

// One policy object throughout: the kernel keeps the last adopted snapshot by identity, and
// switching snapshots re-validates the bank (that cost is the Learner's cadence, not per decision).
const policy = buildPolicy(LLM_POLICY_PARAMETERS);

/** Requests that end at every gate; the policy explores 10 % of the ok ones. */
const PARTS: readonly InputParts[] = [
  {},
  { request: { regimeIndex: 4, valueMicros: 1_000_000_000_000, riskBps: 3_000 } },
  { request: { regimeIndex: 2, inputTokens: 150_000, maxOutputTokens: 8_000 }, floorRaiseBps: 300 },
  { request: { regimeIndex: 1, clientFloorBps: 8_500, requiredCapabilityMask: 32 } },
  { request: { regimeIndex: 3, maxLatencyMs: 5_000, maxCostMicros: 1_000_000, valueMicros: 1e15 } },
  { request: { inputTokens: 0 } },
  { request: { riskBps: 9_800 } },
  { tenant: { suspended: true } },
  { request: { regimeIndex: 40 } },
  { request: { inputTokens: 5_000_000 } },
  { request: { providerAllowMask: 0 } },
  { request: { requiredCapabilityMask: 0x8000 } },
  { request: { maxLatencyMs: 100 } },
  { request: { clientFloorBps: 10_000 } },
  { request: { maxCostMicros: 0 } },
  { request: { valueMicros: NaN } },
];

function buildInputs(): DecisionInput[] {
  const seeds = new Xoshiro128StarStar();
  seeds.seedSplitmix64(42n);
  const inputs: DecisionInput[] = [];
  for (let copy = 0; copy < 8; copy++) {
    for (const parts of PARTS) {
      const seedWords = [seeds.nextU32(), seeds.nextU32(), seeds.nextU32(), seeds.nextU32()];
      inputs.push(makeInput(policy, { ...parts, seedWords }));
    }
  }
  return inputs;
}

/** Runs `count` decisions round-robin over the inputs, with propensity() after each ok if asked. */
function loop(
  kernel: Kernel,
  inputs: readonly DecisionInput[],
  out: DecisionResult,
  start: number,
  count: number,
  withPropensity = false,
): number {
  let ok = 0;
  for (let i = start; i < start + count; i++) {
    if (kernel.decide(inputs[i % inputs.length]!, out) === DecisionCode.ok) {
      if (withPropensity) kernel.propensity(out);
      ok++;
    }
  }
  return ok;
}

/** Sum of the positive heapUsed steps over `chunks` calls of `body`, sampled around each call. */
function allocatedBytes(chunks: number, body: (chunk: number) => void): { allocated: number; growth: number } {
  let allocated = 0;
  const first = process.memoryUsage().heapUsed;
  let before = first;
  for (let chunk = 0; chunk < chunks; chunk++) {
    body(chunk);
    const after = process.memoryUsage().heapUsed;
    if (after > before) allocated += after - before;
    before = after;
  }
  return { allocated, growth: before - first };
}

/** Bytes per decision for one group of inputs, net of the sampling's own cost. */
function bytesPerDecision(
  kernel: Kernel,
  inputs: readonly DecisionInput[],
  out: DecisionResult,
  decisions: number,
  withPropensity = false,
): number {
  const baseline = allocatedBytes(decisions / CHUNK, () => undefined);
  const measured = allocatedBytes(decisions / CHUNK, (chunk) => {
    loop(kernel, inputs, out, chunk * CHUNK, CHUNK, withPropensity);
  });
  return Math.max(0, measured.allocated - baseline.allocated) / decisions;
}

describe("decide() allocates nothing", () => {
  const kernel = new Kernel(buildLlmCatalog());
  const inputs = buildInputs();
  const out = new DecisionResult();
  // Warm-up: let V8 optimise decide() and propensity() so that compilation does not count.
  beforeAll(() => {
    loop(kernel, inputs, out, 0, WARM_UP, true);
  }, 60_000);

  it("keeps the heap flat over 200,000 decisions and writes into the same result object", () => {
    const arrays = [out.gateVerdicts, out.ranked, out.rankedCostMicros, out.chosenTerms, out.runnerUpTerms];
    // Calibration: the same sampling around an empty body measures what sampling itself costs.
    const baseline = allocatedBytes(DECISIONS / CHUNK, () => undefined);
    let ok = 0;
    const measured = allocatedBytes(DECISIONS / CHUNK, (chunk) => {
      ok += loop(kernel, inputs, out, chunk * CHUNK, CHUNK);
    });
    expect(ok).toBeGreaterThan(DECISIONS / 5);
    const after = [out.gateVerdicts, out.ranked, out.rankedCostMicros, out.chosenTerms, out.runnerUpTerms];
    after.forEach((array, i) => expect(array).toBe(arrays[i]));
    // One boxed double per decision would be 12-16 bytes x 200,000 = 3.2 MB; allow 1 byte per
    // decision. On failure, say which kind of decision allocates, so the report is actionable.
    const allocated = measured.allocated - baseline.allocated;
    if (allocated >= DECISIONS) {
      const group = (parts: InputParts): DecisionInput[] =>
        [1, 2, 3, 4].map((w) => makeInput(policy, { ...parts, seedWords: [w, w * 7, w * 13, w * 31] }));
      const byPath = {
        "gate 2, value 5e8": bytesPerDecision(kernel, group({ request: { riskBps: 9_800 } }), out, 50_000),
        "gate 2, value 1e15": bytesPerDecision(kernel, group({ request: { riskBps: 9_800, valueMicros: 1e15 } }), out, 50_000),
        "gate 10, value 5e8": bytesPerDecision(kernel, group({ request: { maxCostMicros: 0 } }), out, 50_000),
        "ok, value 5e8": bytesPerDecision(kernel, group({}), out, 50_000),
      };
      expect.fail(
        `decide() allocated ${allocated} bytes over ${DECISIONS} decisions; bytes per decision by path: ${JSON.stringify(byPath)}`,
      );
    }
    expect(measured.growth, "heapUsed growth over 200,000 decisions").toBeLessThan(1_000_000);
  }, 60_000);

  it("propensity() allocates nothing either", () => {
    const okInputs = inputs.filter((_, i) => i % PARTS.length <= 4);
    // Noise only ever adds bytes (a compilation finishing, the runner's own work), so the least of
    // three measurements is the best estimate; one boxed number per call would add 12-16 bytes.
    const least = (withPropensity: boolean): number =>
      Math.min(...[0, 1, 2].map(() => bytesPerDecision(kernel, okInputs, out, 5_000, withPropensity)));
    const withPropensity = least(true);
    const decideOnly = least(false);
    expect(withPropensity - decideOnly, `bytes per decision: ${withPropensity} with propensity(), ${decideOnly} without`).toBeLessThan(4);
  }, 60_000);

  it("the measurement sees allocation when there is some", () => {
    // Guard against a measurement that can never fail: 16-byte objects kept alive in an array.
    const kept: object[] = [];
    const measured = allocatedBytes(200, () => {
      for (let i = 0; i < 1_000; i++) kept.push({ i });
    });
    expect(measured.allocated).toBeGreaterThan(200 * 1_000 * 8);
    expect(kept).toHaveLength(200_000);
  });
});
