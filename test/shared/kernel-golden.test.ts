// Golden decisions of the kernel, replayed bit for bit in Node and in workerd (test/shared runs
// in both vitest projects). The vectors carry their own catalog, policy parameters and inputs,
// so they pin the kernel, the exact Beta bank and the seed derivation, independent of src/domain.
// Source: scripts/generate-kernel-vectors.ts, cross-checked against a BigInt reference model,
// with four cases' utility terms worked out by hand (handChecks).
import { describe, expect, it } from "vitest";
import vectors from "../vectors/kernel-decisions.json";
import { buildKernelCatalog } from "../../src/kernel/catalog.ts";
import type { DecisionInput, KernelTenant } from "../../src/kernel/decision-input.ts";
import { DecisionResult } from "../../src/kernel/decision-result.ts";
import { Kernel } from "../../src/kernel/kernel.ts";
import type { KernelRequest } from "../../src/kernel/request.ts";
import { bankChecksum, buildPolicy, snapshotResult } from "./kernel-fixtures.ts";

const catalog = buildKernelCatalog(vectors.catalog.specs, vectors.catalog.tierCount);
const policy = buildPolicy(vectors.policy);
const kernel = new Kernel(catalog);

function inputOf(vector: (typeof vectors.cases)[number]): DecisionInput {
  return {
    request: vector.request as KernelRequest,
    tenant: vector.tenant as KernelTenant,
    policy,
    seedWords: Uint32Array.from(vector.seedWords),
    floorRaiseBps: vector.floorRaiseBps,
  };
}

describe("the posterior sample bank", () => {
  it("is pinned by its length, sums and first and last values", () => {
    expect(bankChecksum(policy.thetaBps)).toEqual(vectors.bank);
  });
});

describe("golden decisions", () => {
  const out = new DecisionResult();
  it.each(vectors.cases.map((vector) => [vector.name, vector] as const))("%s", (_name, vector) => {
    const code = kernel.decide(inputOf(vector), out);
    kernel.propensity(out);
    expect(code).toBe(vector.expected.code);
    expect(Array.from(out.gateVerdicts).join("")).toBe(vector.verdicts);
    expect(snapshotResult(out)).toEqual(vector.expected);
  });

  it("gives the same answers on a fresh kernel in reverse order", () => {
    const fresh = new Kernel(buildKernelCatalog(vectors.catalog.specs, vectors.catalog.tierCount));
    for (const vector of [...vectors.cases].reverse()) {
      fresh.decide(inputOf(vector), out);
      fresh.propensity(out);
      expect(snapshotResult(out), vector.name).toEqual(vector.expected);
    }
  });

  it("cover every code, every tier, exploration and ties", () => {
    const codes = new Set(vectors.cases.map((vector) => vector.expected.code));
    expect([...codes].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const ok = vectors.cases.filter((vector) => vector.expected.code === 0).map((vector) => vector.expected);
    expect(new Set(ok.map((e) => vectors.catalog.specs[e.chosen]!.tierIndex)).size).toBe(4);
    expect(ok.some((e) => e.explored)).toBe(true);
    expect(ok.some((e) => e.floorSource === 0) && ok.some((e) => e.floorRaisedBps > 0)).toBe(true);
    expect(ok.filter((e) => e.runnerUp !== -1 && e.chosenUtilityMicros === e.runnerUpUtilityMicros).length).toBeGreaterThanOrEqual(2);
  });
});

describe("hand-checked utility terms", () => {
  it.each(vectors.handChecks.map((check) => [check.case, check] as const))("%s", (name, check) => {
    const vector = vectors.cases.find((c) => c.name === name)!;
    const spec = vectors.catalog.specs[check.option]!;
    expect(spec.label).toBe(check.label);
    // The hand check agrees with the golden output...
    expect(vector.expected.chosen).toBe(check.option);
    expect(vector.expected.chosenThetaBps).toBe(check.thetaBps);
    expect(vector.expected.chosenTerms).toEqual(check.terms);
    expect(vector.expected.chosenUtilityMicros).toBe(check.utilityMicros);
    // ...and with the formulas of DESIGN.md "Numbers", evaluated once more in BigInt from the case's inputs.
    const { request } = vector;
    const value = BigInt(request.valueMicros);
    const theta = BigInt(check.thetaBps);
    const quality = (value * theta) / 10_000n;
    const risk = (((value * BigInt(request.riskBps)) / 10_000n) * (10_000n - theta)) / 10_000n;
    const cost =
      (BigInt(request.inputTokens) * BigInt(spec.inputPriceMicrosPerMTok) +
        BigInt(request.maxOutputTokens) * BigInt(spec.outputPriceMicrosPerMTok) +
        999_999n) /
      1_000_000n;
    const share = BigInt(Math.min(10_000, Math.floor((spec.latencyMsP50 * vectors.policy.latencyBpsPerSecond) / 1_000)));
    const latency = (value * share) / 10_000n;
    expect([quality, risk, cost, latency].map(Number)).toEqual(check.terms);
    expect(Number(quality - risk - cost - latency)).toBe(check.utilityMicros);
    expect(check.working.length).toBe(5);
  });
});
