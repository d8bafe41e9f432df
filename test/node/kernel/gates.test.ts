// Table tests for the kernel's eleven fail-closed gates (result-codes.ts), in the TigerBeetle
// style: each row is a small fixture that passes every earlier gate and fails exactly its own,
// and ends in the expected code and verdict vector (one digit per gate: 0 not evaluated,
// 1 pass, 2 fail, 3 deferred). The option gates use three options that drop out at different
// filters, so a row proves "no option survives filters 5..g", not a per-option check.
import { describe, expect, it } from "vitest";
import { buildKernelCatalog, type KernelOptionSpec } from "../../../src/kernel/catalog.ts";
import type { KernelTenant } from "../../../src/kernel/decision-input.ts";
import { DecisionResult } from "../../../src/kernel/decision-result.ts";
import { Kernel } from "../../../src/kernel/kernel.ts";
import type { KernelPolicy } from "../../../src/kernel/policy.ts";
import type { KernelRequest } from "../../../src/kernel/request.ts";
import { DecisionCode, FloorSource, GATE_NAMES, decisionCodeName } from "../../../src/kernel/result-codes.ts";
import { makeInput, verdictString, type InputParts } from "../../shared/kernel-fixtures.ts";

// Costs of the base request (1,000 input + 500 output tokens), rounded up to whole microcents:
// A = 1,000 * 1 + 500 * 2 = 2,000; B = 1,000 * 100 + 500 * 300 = 250,000;
// C = 1,000 * 1,000 + 500 * 3,000 = 2,500,000.
const SPECS: readonly KernelOptionSpec[] = [
  // A: provider 0, tier 0, cheap, fast, small window, tools only.
  {
    providerIndex: 0,
    tierIndex: 0,
    qualityBps: 6_000,
    latencyMsP50: 1_000,
    contextTokens: 8_000,
    maxOutputTokens: 2_000,
    capabilityMask: 0b001,
    inputPriceMicrosPerMTok: 1_000_000,
    outputPriceMicrosPerMTok: 2_000_000,
  },
  // B: provider 1, tier 1, mid price, tools + json.
  {
    providerIndex: 1,
    tierIndex: 1,
    qualityBps: 8_000,
    latencyMsP50: 3_000,
    contextTokens: 100_000,
    maxOutputTokens: 8_000,
    capabilityMask: 0b011,
    inputPriceMicrosPerMTok: 100_000_000,
    outputPriceMicrosPerMTok: 300_000_000,
  },
  // C: provider 2, tier 1, expensive, slow, large window, tools + json + vision.
  {
    providerIndex: 2,
    tierIndex: 1,
    qualityBps: 9_500,
    latencyMsP50: 6_000,
    contextTokens: 200_000,
    maxOutputTokens: 16_000,
    capabilityMask: 0b111,
    inputPriceMicrosPerMTok: 1_000_000_000,
    outputPriceMicrosPerMTok: 3_000_000_000,
  },
];
const COST_A = 2_000;
const COST_B = 250_000;
const COST_C = 2_500_000;

/** One regime, two tiers, four samples; the warm-start floor 5,000 admits every option. */
const POLICY: KernelPolicy = {
  regimeCount: 1,
  tierCount: 2,
  sampleCount: 4,
  floorBps: Int32Array.of(5_000),
  floorSource: Uint8Array.of(FloorSource.warm_start),
  thetaBps: Uint16Array.of(7_000, 8_000, 6_000, 9_000, 7_500, 7_500, 9_000, 6_000),
  explorationBps: 0,
  latencyBpsPerSecond: 100,
};

const BASE_REQUEST: Partial<KernelRequest> = { inputTokens: 1_000, maxOutputTokens: 500, valueMicros: 100_000_000 };

const kernel = new Kernel(buildKernelCatalog(SPECS, 2));
const out = new DecisionResult();

function decide(parts: InputParts = {}): number {
  const input = makeInput(POLICY, { ...parts, request: { ...BASE_REQUEST, ...parts.request } });
  const code = kernel.decide(input, out);
  kernel.propensity(out);
  return code;
}

interface GateRow {
  name: string;
  why: string;
  parts: InputParts;
  code: number;
  verdicts: string;
}

const GATE_ROWS: readonly GateRow[] = [
  { name: "ok", why: "the base request", parts: {}, code: DecisionCode.ok, verdicts: "11111111113" },
  {
    name: "request_out_of_bounds",
    why: "inputTokens 0 is below the minimum 1",
    parts: { request: { inputTokens: 0 } },
    code: DecisionCode.request_out_of_bounds,
    verdicts: "20000000000",
  },
  {
    name: "risk_above_ceiling",
    why: "risk 9,700 bps is at the ceiling",
    parts: { request: { riskBps: 9_700 } },
    code: DecisionCode.risk_above_ceiling,
    verdicts: "12000000000",
  },
  {
    name: "tenant_suspended",
    why: "the tenant is suspended",
    parts: { tenant: { suspended: true } },
    code: DecisionCode.tenant_suspended,
    verdicts: "11200000000",
  },
  {
    name: "regime_unknown",
    why: "regime 1 is in bounds but the policy knows one regime",
    parts: { request: { regimeIndex: 1 } },
    code: DecisionCode.regime_unknown,
    verdicts: "11120000000",
  },
  {
    name: "context_window_exceeded",
    why: "199,000 + 2,000 tokens exceed even C's 200,000 window",
    parts: { request: { inputTokens: 199_000, maxOutputTokens: 2_000 } },
    code: DecisionCode.context_window_exceeded,
    verdicts: "11112000000",
  },
  {
    name: "provider_rules_exclude_all",
    why: "A's window is too small; B's and C's providers are denied",
    parts: { request: { inputTokens: 50_000, providerDenyMask: 0b110 } },
    code: DecisionCode.provider_rules_exclude_all,
    verdicts: "11111200000",
  },
  {
    name: "capabilities_unavailable",
    why: "only C has vision, and C's provider is denied",
    parts: { request: { requiredCapabilityMask: 0b100, providerDenyMask: 0b100 } },
    code: DecisionCode.capabilities_unavailable,
    verdicts: "11111120000",
  },
  {
    name: "latency_budget_unreachable",
    why: "json leaves B (3,000 ms) and C (6,000 ms); the limit is 2,999 ms",
    parts: { request: { requiredCapabilityMask: 0b010, maxLatencyMs: 2_999 } },
    code: DecisionCode.latency_budget_unreachable,
    verdicts: "11111112000",
  },
  {
    name: "quality_floor_unreachable",
    why: "3,000 ms leaves A (6,000 bps) and B (8,000 bps); the client floor is 8,001",
    parts: { request: { maxLatencyMs: 3_000, clientFloorBps: 8_001 } },
    code: DecisionCode.quality_floor_unreachable,
    verdicts: "11111111200",
  },
  {
    name: "cost_cap_exceeded",
    why: "the cheapest option costs 2,000 and the client cap is 1,999",
    parts: { request: { maxCostMicros: COST_A - 1 } },
    code: DecisionCode.cost_cap_exceeded,
    verdicts: "11111111120",
  },
  {
    name: "budget_exhausted",
    why: "never decided in the kernel: deferred to the ledger's reservation",
    parts: { request: { maxCostMicros: COST_A } },
    code: DecisionCode.ok,
    verdicts: "11111111113",
  },
];

describe("gate table: each row fails exactly its own gate", () => {
  it("has a row for every gate, in gate order", () => {
    expect(GATE_ROWS.slice(1).map((row) => row.name)).toEqual(GATE_NAMES);
  });

  it.each(GATE_ROWS)("$name ($why)", (row) => {
    expect(decide(row.parts)).toBe(row.code);
    expect(out.code).toBe(row.code);
    expect(verdictString(out)).toBe(row.verdicts);
    const failedGate = row.verdicts.indexOf("2") + 1;
    expect(out.failedGate).toBe(failedGate);
    if (row.code === DecisionCode.ok) {
      expect(out.chosen).not.toBe(-1);
      expect(out.feasibleCount).toBeGreaterThan(0);
      return;
    }
    expect(decisionCodeName(out.code)).toBe(row.name);
    // Every gate after the failed one is not evaluated, and nothing is chosen or ranked.
    expect(row.verdicts.slice(failedGate)).toMatch(/^0*$/);
    expect(out.chosen).toBe(-1);
    expect(out.rankedCount).toBe(0);
    expect(Array.from(out.ranked)).toEqual([-1, -1, -1, -1]);
    expect(out.runnerUp).toBe(-1);
    expect(out.feasibleCount).toBe(0);
    expect(out.propensityNumerator).toBe(0);
    expect(out.thompsonWins).toBe(0);
  });

  it("reuses one DecisionResult: a failure after a success leaves nothing of the success", () => {
    expect(decide()).toBe(DecisionCode.ok);
    expect(decide({ request: { maxCostMicros: 0 } })).toBe(DecisionCode.cost_cap_exceeded);
    expect(out.chosen).toBe(-1);
    expect(Array.from(out.rankedCostMicros)).toEqual([0, 0, 0, 0]);
    expect(Array.from(out.chosenTerms)).toEqual([0, 0, 0, 0]);
    expect(out.chosenUtilityMicros).toBe(0);
  });
});

describe("gate precedence: the first failing gate wins", () => {
  it.each<[string, InputParts, number]>([
    [
      "a bad field beats risk, suspension and an unknown regime",
      { request: { maxCostMicros: -2, riskBps: 9_900, regimeIndex: 1 }, tenant: { suspended: true } },
      1,
    ],
    ["risk beats suspension", { request: { riskBps: 9_800 }, tenant: { suspended: true } }, 2],
    [
      "suspension beats an unknown regime and an empty catalog match",
      { request: { regimeIndex: 3, inputTokens: 9_000_000 }, tenant: { suspended: true } },
      3,
    ],
    ["an unknown regime beats the option gates", { request: { regimeIndex: 63, maxCostMicros: 0 } }, 4],
    ["context beats providers and costs", { request: { inputTokens: 500_000, providerAllowMask: 0, maxCostMicros: 0 } }, 5],
    ["providers beat capabilities and costs", { request: { providerAllowMask: 0, requiredCapabilityMask: 0x8000, maxCostMicros: 0 } }, 6],
  ])("%s", (_why, parts, code) => {
    expect(decide(parts)).toBe(code);
  });
});

describe("gate 1 covers the tenant, the raise and the seed, not only the request", () => {
  it.each<[string, InputParts]>([
    ["tenant mask -1", { tenant: { allowedProviderMask: -1 } }],
    ["tenant mask 0x10000", { tenant: { allowedProviderMask: 0x1_0000 } }],
    ["tenant mask NaN", { tenant: { allowedProviderMask: NaN } }],
    ["tenant mask 1.5", { tenant: { allowedProviderMask: 1.5 } }],
    ["tenant cost cap -2", { tenant: { costCapMicros: -2 } }],
    ["tenant cost cap 2^53", { tenant: { costCapMicros: 2 ** 53 } }],
    ["tenant cost cap Infinity", { tenant: { costCapMicros: Infinity } }],
    ["floor raise -1", { floorRaiseBps: -1 }],
    ["floor raise 10,001", { floorRaiseBps: 10_001 }],
    ["floor raise 0.5", { floorRaiseBps: 0.5 }],
    ["floor raise NaN", { floorRaiseBps: NaN }],
    ["three seed words", { seedWords: [1, 2, 3] }],
    ["five seed words", { seedWords: [1, 2, 3, 4, 5] }],
  ])("%s is refused at gate 1", (_why, parts) => {
    expect(decide(parts)).toBe(DecisionCode.request_out_of_bounds);
    expect(verdictString(out)).toBe("20000000000");
  });

  it.each<[keyof KernelRequest, number]>([
    ["regimeIndex", 64],
    ["regimeIndex", -2],
    ["inputTokens", 10_000_001],
    ["maxOutputTokens", 0],
    ["maxOutputTokens", 1_000_001],
    ["valueMicros", -1],
    ["valueMicros", 1e15 + 1],
    ["riskBps", 10_001],
    ["clientFloorBps", 10_001],
    ["clientFloorBps", -0],
    ["maxLatencyMs", 0],
    ["maxLatencyMs", 3_600_001],
    ["maxCostMicros", -2],
    ["maxCostMicros", 2 ** 53],
    ["requiredCapabilityMask", 0x1_0000],
    ["providerAllowMask", -1],
    ["providerDenyMask", 0x1_0000],
    ["inputTokens", 1.5],
    ["valueMicros", NaN],
    ["riskBps", -0],
    ["maxCostMicros", Infinity],
  ])("request %s = %d is refused at gate 1", (field, value) => {
    expect(decide({ request: { [field]: value } })).toBe(DecisionCode.request_out_of_bounds);
  });
});

describe("gate 2: risk at or above 9,700 bps always blocks", () => {
  it.each([
    [0, 1],
    [9_699, 1],
  ])("risk %d passes gate 2", (riskBps, verdict) => {
    expect(decide({ request: { riskBps } })).toBe(DecisionCode.ok);
    expect(out.gateVerdicts[1]).toBe(verdict);
  });

  it.each([9_700, 9_701, 10_000])("risk %d fails gate 2", (riskBps) => {
    expect(decide({ request: { riskBps } })).toBe(DecisionCode.risk_above_ceiling);
    expect(verdictString(out)).toBe("12000000000");
  });

  it("risk 10,001 is out of bounds (gate 1), never a pass", () => {
    expect(decide({ request: { riskBps: 10_001 } })).toBe(DecisionCode.request_out_of_bounds);
  });
});

describe("gate 3: only an explicit false is not suspended", () => {
  it("false passes", () => {
    expect(decide({ tenant: { suspended: false } })).toBe(DecisionCode.ok);
  });

  it.each([true, undefined, null, 0, 1, "false", "", "no", {}, [], NaN])("suspended = %j fails closed", (suspended) => {
    expect(decide({ tenant: { suspended: suspended as unknown as boolean } })).toBe(DecisionCode.tenant_suspended);
    expect(verdictString(out)).toBe("11200000000");
  });
});

describe("no client field can open a gate the tenant closed", () => {
  it("a huge client cost cap does not beat the tenant's cap", () => {
    expect(decide({ request: { maxCostMicros: Number.MAX_SAFE_INTEGER }, tenant: { costCapMicros: COST_A - 1 } })).toBe(
      DecisionCode.cost_cap_exceeded,
    );
  });

  it("an unset client cap does not lift the tenant's cap, and C stays out under a cap of B's cost", () => {
    expect(decide({ tenant: { costCapMicros: COST_B } })).toBe(DecisionCode.ok);
    expect(Array.from(out.ranked.subarray(0, out.rankedCount)).sort()).toEqual([0, 1]);
    expect(decide({ request: { maxCostMicros: COST_C * 10 }, tenant: { costCapMicros: COST_B } })).toBe(DecisionCode.ok);
    expect(out.feasibleCount).toBe(2);
  });

  it("a client cap can only narrow: below the tenant's cap it binds", () => {
    expect(decide({ request: { maxCostMicros: COST_A - 1 }, tenant: { costCapMicros: COST_C } })).toBe(DecisionCode.cost_cap_exceeded);
    expect(decide({ request: { maxCostMicros: COST_A }, tenant: { costCapMicros: COST_C } })).toBe(DecisionCode.ok);
    expect(out.chosen).toBe(0);
    expect(out.feasibleCount).toBe(1);
  });

  it("providerAllowMask cannot re-allow a provider the tenant disallows", () => {
    expect(decide({ request: { providerAllowMask: 0xffff }, tenant: { allowedProviderMask: 0 } })).toBe(
      DecisionCode.provider_rules_exclude_all,
    );
    // The tenant allows only A's provider; A's window is too small, so nothing is left.
    expect(decide({ request: { inputTokens: 50_000, providerAllowMask: 0xffff }, tenant: { allowedProviderMask: 0b001 } })).toBe(
      DecisionCode.provider_rules_exclude_all,
    );
    expect(decide({ request: { providerAllowMask: 0b100 }, tenant: { allowedProviderMask: 0b011 } })).toBe(
      DecisionCode.provider_rules_exclude_all,
    );
  });

  it("the deny list wins over the allow list", () => {
    expect(decide({ request: { providerAllowMask: 0b111, providerDenyMask: 0b111 } })).toBe(DecisionCode.provider_rules_exclude_all);
    expect(decide({ request: { providerAllowMask: 0b011, providerDenyMask: 0b001 } })).toBe(DecisionCode.ok);
    expect(out.chosen).toBe(1);
    expect(out.feasibleCount).toBe(1);
  });

  it("an anomaly raise never moves a client floor", () => {
    expect(decide({ request: { clientFloorBps: 7_000 }, floorRaiseBps: 2_000 })).toBe(DecisionCode.ok);
    expect([out.floorBps, out.floorSource, out.floorRaisedBps]).toEqual([7_000, FloorSource.client, 0]);
  });

  it("a client floor wins even when it is below the learned floor (documented: client floor always wins)", () => {
    // The policy floor plus the raise is 9,000, which only C reaches; the client's 0 replaces it.
    expect(decide({ request: { clientFloorBps: 0 }, floorRaiseBps: 4_000 })).toBe(DecisionCode.ok);
    expect([out.floorBps, out.floorSource, out.floorRaisedBps]).toEqual([0, FloorSource.client, 0]);
    expect(out.feasibleCount).toBe(3);
  });
});

describe("the floor: learned or warm start plus the anomaly raise, never above the best option's quality", () => {
  // A learned or warm-start floor may demand the best option (C, 9,500) but never refuse them all.
  it.each([
    [0, 5_000, 0, 3],
    [3_000, 8_000, 3_000, 2],
    [4_500, 9_500, 4_500, 1],
    [5_000, 9_500, 4_500, 1],
    [10_000, 9_500, 4_500, 1],
  ])("raise %d gives floor %d (raised by %d) and %d feasible options", (floorRaiseBps, floorBps, raisedBps, feasible) => {
    const code = decide({ floorRaiseBps });
    expect(code).toBe(feasible === 0 ? DecisionCode.quality_floor_unreachable : DecisionCode.ok);
    expect([out.floorBps, out.floorSource, out.floorRaisedBps]).toEqual([floorBps, FloorSource.warm_start, raisedBps]);
    expect(out.feasibleCount).toBe(feasible);
  });
});

describe("filter boundaries are inclusive", () => {
  const tenant: Partial<KernelTenant> = {};
  it.each<[string, Partial<KernelRequest>, number, number]>([
    ["input + output equal to C's window", { inputTokens: 184_000, maxOutputTokens: 16_000 }, DecisionCode.ok, 1],
    ["one token more", { inputTokens: 184_001, maxOutputTokens: 16_000 }, DecisionCode.context_window_exceeded, 0],
    ["output equal to A's output limit", { maxOutputTokens: 2_000 }, DecisionCode.ok, 3],
    ["output one above A's output limit", { maxOutputTokens: 2_001 }, DecisionCode.ok, 2],
    ["latency limit equal to A's p50", { maxLatencyMs: 1_000 }, DecisionCode.ok, 1],
    ["latency limit 1 ms below A's p50", { maxLatencyMs: 999 }, DecisionCode.latency_budget_unreachable, 0],
    ["client floor equal to C's quality", { clientFloorBps: 9_500 }, DecisionCode.ok, 1],
    ["client floor 1 bps above C's quality", { clientFloorBps: 9_501 }, DecisionCode.quality_floor_unreachable, 0],
    ["cost cap equal to B's cost", { maxCostMicros: COST_B }, DecisionCode.ok, 2],
    ["capabilities exactly C's", { requiredCapabilityMask: 0b111 }, DecisionCode.ok, 1],
    ["one capability nobody has", { requiredCapabilityMask: 0b1000 }, DecisionCode.capabilities_unavailable, 0],
    ["value 0 and risk 0", { valueMicros: 0, riskBps: 0 }, DecisionCode.ok, 3],
  ])("%s", (_why, request, code, feasible) => {
    expect(decide({ request, tenant })).toBe(code);
    expect(out.feasibleCount).toBe(feasible);
  });
});
