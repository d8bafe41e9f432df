// Generates test/vectors/kernel-decisions.json: golden decisions of the kernel on the fixture
// LLM catalog and policy, which test/shared/kernel-golden.test.ts replays in Node and workerd.
// Every case is cross-checked here against the BigInt reference model of test/shared/
// kernel-fixtures.ts (gate, floor, feasible set, ranking and terms under k, Thompson wins), and
// the hand checks below were worked out with bc, not with the kernel: a disagreement aborts.
//
//   node_modules/.bin/node scripts/generate-kernel-vectors.ts
import { writeFileSync } from "node:fs";
import type { DecisionInput, KernelTenant } from "../src/kernel/decision-input.ts";
import { DecisionResult } from "../src/kernel/decision-result.ts";
import { Kernel } from "../src/kernel/kernel.ts";
import { Xoshiro128StarStar } from "../src/kernel/prng.ts";
import type { KernelRequest } from "../src/kernel/request.ts";
import {
  LLM_OPTION_SPECS,
  bankChecksum,
  LLM_POLICY_PARAMETERS,
  LLM_TIER_COUNT,
  buildLlmCatalog,
  buildPolicy,
  makeRequest,
  makeTenant,
  referenceFailedOptionGate,
  referenceFeasible,
  referenceFloor,
  referenceRanking,
  referencePlausible,
  referencePropensity,
  referenceWins,
  snapshotResult,
} from "../test/shared/kernel-fixtures.ts";

const OUTPUT = new URL("../test/vectors/kernel-decisions.json", import.meta.url);
const policy = buildPolicy(LLM_POLICY_PARAMETERS);
const kernel = new Kernel(buildLlmCatalog());
const out = new DecisionResult();

interface CaseSpec {
  name: string;
  covers: string;
  request?: Partial<KernelRequest>;
  tenant?: Partial<KernelTenant>;
  seedWords?: number[];
  floorRaiseBps?: number;
  /** When set, the first seed [i, case number, i * 7919, 0xc0ffee] (i = 0, 1, ...) whose output satisfies it. */
  want?: (result: DecisionResult) => boolean;
}

const OPENAI = 1 << 0;
const ANTHROPIC = 1 << 1;
const GOOGLE = 1 << 2;
const DEEPSEEK = 1 << 3;
const MISTRAL = 1 << 5;
const JSON_CAPABILITY = 2;
const REASONING = 8;
const CODE = 32;
const tierOf = (o: number): number => LLM_OPTION_SPECS[o]!.tierIndex;

const CASES: CaseSpec[] = [
  // Gate 1: out of bounds, including the tenant, the raise and the seed.
  { name: "gate1-input-tokens-zero", covers: "gate 1: a required field below its minimum", request: { inputTokens: 0 } },
  { name: "gate1-risk-10001", covers: "gate 1 before gate 2: risk above 10,000 is out of bounds", request: { riskBps: 10_001 } },
  { name: "gate1-tenant-cost-cap-minus-two", covers: "gate 1: the tenant's cost cap is checked too", tenant: { costCapMicros: -2 } },
  { name: "gate1-floor-raise-10001", covers: "gate 1: the anomaly raise is at most 10,000", floorRaiseBps: 10_001 },
  { name: "gate1-three-seed-words", covers: "gate 1: the seed is four words", seedWords: [1, 2, 3] },
  // Gates 2-4: the request and tenant alone.
  { name: "gate2-risk-9700", covers: "gate 2: risk at the ceiling blocks", request: { riskBps: 9_700 } },
  { name: "gate2-risk-10000", covers: "gate 2: maximum risk blocks", request: { riskBps: 10_000, regimeIndex: 63 } },
  { name: "gate3-suspended", covers: "gate 3: a suspended tenant", tenant: { suspended: true } },
  { name: "gate4-regime-unset", covers: "gate 4: the domain did not recognise the regime", request: { regimeIndex: -1 } },
  { name: "gate4-regime-5", covers: "gate 4: a regime index in bounds the policy does not know", request: { regimeIndex: 5 } },
  // Gates 5-10: option filters, each reached by some option.
  { name: "gate5-context", covers: "gate 5: 1,100,000 input tokens exceed every window", request: { inputTokens: 1_100_000 } },
  { name: "gate5-output-limit", covers: "gate 5: 200,000 output tokens exceed every output limit", request: { maxOutputTokens: 200_000 } },
  { name: "gate6-allow-none", covers: "gate 6: the client allows no provider", request: { providerAllowMask: 0 } },
  {
    name: "gate6-tenant-openai-client-denies-openai",
    covers: "gate 6: tenant allows only OpenAI, the client denies it",
    request: { providerDenyMask: OPENAI },
    tenant: { allowedProviderMask: OPENAI },
  },
  { name: "gate7-unknown-capability", covers: "gate 7: capability bit 6 that no option has", request: { requiredCapabilityMask: 64 } },
  {
    name: "gate7-reasoning-code-json-without-openai-google",
    covers: "gate 7: only o3 and Gemini 2.5 Pro have json+reasoning+code",
    request: { requiredCapabilityMask: JSON_CAPABILITY | REASONING | CODE, providerDenyMask: OPENAI | GOOGLE },
  },
  { name: "gate8-latency-2000", covers: "gate 8: every p50 is above 2,000 ms", request: { maxLatencyMs: 2_000 } },
  { name: "gate9-client-floor-9800", covers: "gate 9: a client floor above the best quality (9,700)", request: { clientFloorBps: 9_800 } },
  {
    name: "gate9-raised-compliance-floor",
    covers: "gate 9: compliance 9,200 + raise 600 = 9,800",
    request: { regimeIndex: 2 },
    floorRaiseBps: 600,
  },
  {
    name: "gate9-raise-clamped",
    covers: "gate 9: 9,200 + 10,000 clamps to 10,000 (raised by 800)",
    request: { regimeIndex: 2 },
    floorRaiseBps: 10_000,
  },
  { name: "gate10-client-cap-1", covers: "gate 10: a client cap of one microcent", request: { maxCostMicros: 1 } },
  {
    name: "gate10-tenant-cap-beats-huge-client-cap",
    covers: "gate 10: no client cap lifts the tenant's",
    request: { maxCostMicros: Number.MAX_SAFE_INTEGER },
    tenant: { costCapMicros: 1 },
  },
  // Decisions.
  { name: "ok-support-default", covers: "support regime, warm-start floor 5,500" },
  {
    name: "ok-coding-needs-code",
    covers: "coding regime, learned floor 7,200, code capability",
    request: { regimeIndex: 1, requiredCapabilityMask: CODE, inputTokens: 12_000, maxOutputTokens: 3_000, valueMicros: 2_000_000_000 },
  },
  {
    name: "ok-compliance-frontier",
    covers: "compliance floor 9,200 leaves the frontier tier only",
    request: { regimeIndex: 2, valueMicros: 5_000_000_000, riskBps: 4_000 },
  },
  {
    name: "ok-general-one-cent",
    covers: "general regime, a one-cent request: the economy tier",
    request: { regimeIndex: 3, valueMicros: 1_000_000 },
  },
  {
    name: "ok-general-premium",
    covers: "general regime: the premium tier wins",
    request: { regimeIndex: 3, valueMicros: 30_000_000_000, inputTokens: 4_000, maxOutputTokens: 1_000 },
    want: (r) => tierOf(r.chosen) === 2 && !r.explored,
  },
  {
    name: "ok-general-frontier",
    covers: "general regime: the frontier tier wins",
    request: { regimeIndex: 3, valueMicros: 30_000_000_000, inputTokens: 4_000, maxOutputTokens: 1_000 },
    want: (r) => tierOf(r.chosen) === 3 && !r.explored,
  },
  {
    name: "ok-cold-standard",
    covers: "cold regime with flat priors: the standard tier wins",
    request: { regimeIndex: 4, valueMicros: 200_000_000 },
    want: (r) => tierOf(r.chosen) === 1 && !r.explored,
  },
  {
    name: "ok-client-floor-below-learned",
    covers: "a client floor of 0 replaces compliance's 9,200 (client always wins)",
    request: { regimeIndex: 2, clientFloorBps: 0 },
  },
  { name: "ok-client-floor-9000", covers: "a client floor above the warm start", request: { clientFloorBps: 9_000 }, floorRaiseBps: 3_000 },
  { name: "ok-anomaly-raise-2500", covers: "anomaly raise of a warm-start floor: 5,500 + 2,500", floorRaiseBps: 2_500 },
  {
    name: "ok-anomaly-raise-learned-floor",
    covers: "anomaly raise of a learned floor: 0 + 9,700",
    request: { regimeIndex: 3 },
    floorRaiseBps: 9_700,
  },
  {
    name: "ok-tie-same-tier",
    covers: "tie: Claude Sonnet 3.7 and 4 share tier, price and latency; the lower index ranks first",
    request: { providerAllowMask: ANTHROPIC, requiredCapabilityMask: CODE | REASONING, regimeIndex: 1 },
  },
  {
    name: "ok-tie-across-tiers-value-zero",
    covers: "tie: value 0, so utility = -cost; GPT-4.1 and o3 cost the same, lower index wins",
    request: { valueMicros: 0, providerAllowMask: OPENAI, requiredCapabilityMask: CODE },
  },
  {
    name: "ok-tie-deepseek-value-zero",
    covers: "tie: deepseek-chat and deepseek-reasoner cost the same at value 0",
    request: { valueMicros: 0, providerAllowMask: DEEPSEEK, requiredCapabilityMask: JSON_CAPABILITY, regimeIndex: 3 },
  },
  {
    name: "ok-explored-support",
    covers: "an explored decision that differs from the greedy one",
    request: {},
    want: (r) => r.explored && r.runnerUpUtilityMicros > r.chosenUtilityMicros,
  },
  {
    name: "ok-explored-cold",
    covers: "an explored decision in the cold regime",
    request: { regimeIndex: 4, valueMicros: 50_000_000 },
    want: (r) => r.explored,
  },
  {
    name: "ok-explored-compliance",
    covers: "an explored decision among the frontier options",
    request: { regimeIndex: 2, clientFloorBps: 8_500 },
    want: (r) => r.explored,
  },
  {
    name: "ok-tenant-cap-binds",
    covers: "the tenant's cap removes the expensive options",
    request: { regimeIndex: 3, valueMicros: 30_000_000_000 },
    tenant: { costCapMicros: 300_000 },
  },
  { name: "ok-latency-4000", covers: "a latency limit of 4,000 ms", request: { maxLatencyMs: 4_000, regimeIndex: 1 } },
  {
    name: "ok-single-feasible",
    covers: "one feasible option: no runner-up",
    request: { requiredCapabilityMask: 63, providerDenyMask: GOOGLE | MISTRAL },
  },
  {
    name: "ok-max-value-near-ceiling-risk",
    covers: "value 10^15 (10 M USD) and risk 9,699: the biggest terms",
    request: { valueMicros: 1e15, riskBps: 9_699, regimeIndex: 3 },
  },
  {
    name: "ok-odd-sizes-rounding",
    covers: "odd token counts and value: every floor and the cost ceiling round",
    request: { regimeIndex: 3, inputTokens: 1_001, maxOutputTokens: 333, valueMicros: 123_456_789, riskBps: 1_234 },
  },
  {
    name: "ok-flash-lite-cost-rounds-up",
    covers: "Gemini 2.0 Flash-Lite alone ($0.075/MTok in): 17,497.5 microcents reserve 17,498",
    request: {
      regimeIndex: 3,
      inputTokens: 1_001,
      maxOutputTokens: 333,
      valueMicros: 123_456_789,
      riskBps: 1_234,
      providerAllowMask: GOOGLE,
      maxLatencyMs: 3_000,
    },
  },
  { name: "ok-zero-seed", covers: "the all-zero seed", seedWords: [0, 0, 0, 0], request: { regimeIndex: 4 } },
  {
    name: "ok-max-seed",
    covers: "the all-ones seed",
    seedWords: [0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff],
    request: { regimeIndex: 4 },
  },
];

function inputOf(spec: CaseSpec, seedWords: readonly number[]): DecisionInput {
  return {
    request: makeRequest(spec.request),
    tenant: makeTenant(spec.tenant),
    policy,
    seedWords: Uint32Array.from(seedWords),
    floorRaiseBps: spec.floorRaiseBps ?? 0,
  };
}

function decide(input: DecisionInput): DecisionResult {
  kernel.decide(input, out);
  kernel.propensity(out);
  return out;
}

/** Default seeds: four words per case from xoshiro128** seeded with SplitMix64(case number). */
function defaultSeed(caseNumber: number): number[] {
  const rng = new Xoshiro128StarStar();
  rng.seedSplitmix64(BigInt(caseNumber));
  return [rng.nextU32(), rng.nextU32(), rng.nextU32(), rng.nextU32()];
}

function seedFor(spec: CaseSpec, caseNumber: number): number[] {
  if (spec.seedWords !== undefined) return spec.seedWords;
  if (spec.want === undefined) return defaultSeed(caseNumber);
  for (let i = 0; i < 100_000; i++) {
    const words = [i, caseNumber, (i * 7_919) >>> 0, 0xc0ffee];
    if (spec.want(decide(inputOf(spec, words)))) return words;
  }
  throw new Error(`${spec.name}: no seed satisfies the wanted outcome`);
}

function assertSame(name: string, what: string, got: unknown, expected: unknown): void {
  if (JSON.stringify(got) !== JSON.stringify(expected)) {
    throw new Error(`${name}: ${what} is ${JSON.stringify(got)}, the reference says ${JSON.stringify(expected)}`);
  }
}

/** Checks a successful or option-gate decision against the BigInt reference model. */
function crossCheck(name: string, input: DecisionInput, result: DecisionResult): void {
  if (result.gateVerdicts[3] !== 1) return;
  const floor = referenceFloor(input);
  assertSame(name, "floor", [result.floorBps, result.floorSource, result.floorRaisedBps], [floor.floorBps, floor.source, floor.raisedBps]);
  assertSame(name, "code", result.code, referenceFailedOptionGate(LLM_OPTION_SPECS, input, floor.floorBps));
  if (result.code !== 0) return;
  const feasible = referenceFeasible(LLM_OPTION_SPECS, input, floor.floorBps);
  assertSame(name, "feasibleCount", result.feasibleCount, feasible.length);
  const ranking = referenceRanking(LLM_OPTION_SPECS, feasible, input, result.sampleIndex);
  const chosen = ranking.find((entry) => entry.index === result.chosen)!;
  if (!result.explored) assertSame(name, "greedy choice", result.chosen, ranking[0]!.index);
  const others = ranking.filter((entry) => entry.index !== result.chosen).slice(0, 3);
  assertSame(name, "ranked", Array.from(result.ranked.subarray(0, result.rankedCount)), [result.chosen, ...others.map((e) => e.index)]);
  const t = chosen.terms;
  assertSame(
    name,
    "chosen terms",
    Array.from(result.chosenTerms),
    [t.qualityAdjustedValue, t.riskPenalty, t.cost, t.latencyPenalty].map(Number),
  );
  assertSame(name, "chosen utility", result.chosenUtilityMicros, Number(t.utility));
  const wins = referenceWins(LLM_OPTION_SPECS, feasible, input);
  assertSame(name, "wins", result.thompsonWins, wins.get(result.chosen));
  const support = referencePlausible(LLM_OPTION_SPECS, feasible, input);
  if (result.explored) assertSame(name, "explored among the plausibly best", support.includes(result.chosen), true);
  const [numerator, denominator] = referencePropensity(result.chosen, support, wins, input.policy);
  assertSame(
    name,
    "propensity",
    [result.propensityNumerator, result.propensityDenominator].map(String),
    [numerator, denominator].map(String),
  );
}

/**
 * Utility terms of four chosen options, worked out by hand (bc, integer division) from the
 * catalog prices, the request and the theta the case reads; the kernel played no part in them.
 * Terms: [qualityAdjustedValue, riskPenalty, cost, latencyPenalty], microcents.
 */
const HAND_CHECKS = [
  {
    case: "ok-support-default",
    option: 12,
    label: "gemini-2.5-pro",
    thetaBps: 9_267,
    terms: [463_350_000, 3_665_000, 750_000, 18_850_000],
    utilityMicros: 440_085_000,
    working: [
      "qualityAdjustedValue = floor(500,000,000 x 9,267 / 10,000) = floor(4,633,500,000,000 / 10,000) = 463,350,000",
      "riskPenalty = floor(floor(500,000,000 x 1,000 / 10,000) x (10,000 - 9,267) / 10,000) = floor(50,000,000 x 733 / 10,000) = floor(36,650,000,000 / 10,000) = 3,665,000",
      "cost = ceil((2,000 x 125,000,000 + 500 x 1,000,000,000) / 10^6) = ceil(750,000,000,000 / 10^6) = 750,000",
      "latency share = min(10,000, floor(7,543 ms x 50 / 1,000)) = floor(377.15) = 377 bps; latencyPenalty = floor(500,000,000 x 377 / 10,000) = 18,850,000",
      "utility = 463,350,000 - 3,665,000 - 750,000 - 18,850,000 = 440,085,000",
    ],
  },
  {
    case: "ok-max-value-near-ceiling-risk",
    option: 12,
    label: "gemini-2.5-pro",
    thetaBps: 9_180,
    terms: [918_000_000_000_000, 79_531_800_000_000, 750_000, 37_700_000_000_000],
    utilityMicros: 800_768_199_250_000,
    working: [
      "qualityAdjustedValue = floor(10^15 x 9,180 / 10,000) = 918,000,000,000,000",
      "riskPenalty = floor(floor(10^15 x 9,699 / 10,000) x (10,000 - 9,180) / 10,000) = floor(969,900,000,000,000 x 820 / 10,000) = 79,531,800,000,000",
      "cost = ceil((2,000 x 125,000,000 + 500 x 1,000,000,000) / 10^6) = 750,000",
      "latencyPenalty = floor(10^15 x 377 / 10,000) = 37,700,000,000,000 (share 377 bps as above)",
      "utility = 918,000,000,000,000 - 79,531,800,000,000 - 750,000 - 37,700,000,000,000 = 800,768,199,250,000 (below 2^53 - 1 = 9,007,199,254,740,991)",
    ],
  },
  {
    case: "ok-odd-sizes-rounding",
    option: 11,
    label: "gemini-2.5-flash",
    thetaBps: 8_845,
    terms: [109_197_529, 1_759_592, 113_280, 1_999_999],
    utilityMicros: 105_324_658,
    working: [
      "qualityAdjustedValue = floor(123,456,789 x 8,845 / 10,000) = floor(1,091,975,298,705 / 10,000) = 109,197,529",
      "riskPenalty = floor(floor(123,456,789 x 1,234 / 10,000) x 1,155 / 10,000) = floor(15,234,567 x 1,155 / 10,000) = floor(17,595,924,885 / 10,000) = 1,759,592",
      "cost = ceil((1,001 x 30,000,000 + 333 x 250,000,000) / 10^6) = ceil(113,280,000,000 / 10^6) = 113,280",
      "latency share = floor(3,245 x 50 / 1,000) = floor(162.25) = 162 bps; latencyPenalty = floor(123,456,789 x 162 / 10,000) = floor(19,999,999,818 / 10,000) = 1,999,999",
      "utility = 109,197,529 - 1,759,592 - 113,280 - 1,999,999 = 105,324,658",
    ],
  },
  {
    case: "ok-flash-lite-cost-rounds-up",
    option: 9,
    label: "gemini-2.0-flash-lite",
    thetaBps: 6_101,
    terms: [75_320_986, 5_939_957, 17_498, 1_765_432],
    utilityMicros: 67_598_099,
    working: [
      "qualityAdjustedValue = floor(123,456,789 x 6,101 / 10,000) = floor(753,209,869,689 / 10,000) = 75,320,986",
      "riskPenalty = floor(15,234,567 x (10,000 - 6,101) / 10,000) = floor(59,399,576,733 / 10,000) = 5,939,957",
      "cost = ceil((1,001 x 7,500,000 + 333 x 30,000,000) / 10^6) = ceil(17,497,500,000 / 10^6) = ceil(17,497.5) = 17,498",
      "latency share = floor(2,878 x 50 / 1,000) = floor(143.9) = 143 bps; latencyPenalty = floor(123,456,789 x 143 / 10,000) = floor(17,654,320,827 / 10,000) = 1,765,432",
      "utility = 75,320,986 - 5,939,957 - 17,498 - 1,765,432 = 67,598,099",
    ],
  },
];

const cases = CASES.map((spec, caseNumber) => {
  const seedWords = seedFor(spec, caseNumber);
  const input = inputOf(spec, seedWords);
  const result = decide(input);
  crossCheck(spec.name, input, result);
  return {
    name: spec.name,
    covers: spec.covers,
    request: input.request,
    tenant: input.tenant,
    seedWords,
    floorRaiseBps: input.floorRaiseBps,
    verdicts: Array.from(result.gateVerdicts).join(""),
    expected: snapshotResult(result),
  };
});

// Coverage the vectors promise: every gate failure, every tier chosen, exploration, ties.
const codes = new Set(cases.map((c) => c.expected.code as number));
for (let code = 0; code <= 10; code++) if (!codes.has(code)) throw new Error(`no case ends in code ${code}`);
const tiers = new Set(cases.filter((c) => c.expected.code === 0).map((c) => tierOf(c.expected.chosen as number)));
if (tiers.size !== LLM_TIER_COUNT) throw new Error(`chosen tiers cover only ${[...tiers].join(", ")}`);
if (!cases.some((c) => c.expected.explored === true)) throw new Error("no explored case");
const tied = cases.filter((c) => c.expected.code === 0 && c.expected.chosenUtilityMicros === c.expected.runnerUpUtilityMicros);
if (tied.length < 2) throw new Error("fewer than two cases with a tie between the chosen option and the runner-up");

for (const check of HAND_CHECKS) {
  const e = cases.find((c) => c.name === check.case)?.expected;
  if (e === undefined) throw new Error(`hand check names a missing case ${check.case}`);
  assertSame(check.case, "hand-checked option", e.chosen, check.option);
  assertSame(check.case, "hand-checked theta", e.chosenThetaBps, check.thetaBps);
  assertSame(check.case, "hand-checked terms", e.chosenTerms, check.terms);
  assertSame(check.case, "hand-checked utility", e.chosenUtilityMicros, check.utilityMicros);
}

const document = {
  source:
    "Generated by scripts/generate-kernel-vectors.ts (node_modules/.bin/node scripts/generate-kernel-vectors.ts) from the " +
    "kernel in src/kernel; every case was cross-checked against the BigInt reference model in test/shared/kernel-fixtures.ts " +
    "and the four entries of handChecks were worked out by hand with bc. Catalog: list prices in microcents per million tokens " +
    "from docs/catalog.md (labels are for readers; the kernel sees indexes). Providers: openai 0, anthropic 1, google 2, deepseek 3, " +
    "meta 4, mistral 5. Tiers: economy 0, standard 1, premium 2, frontier 3. Capabilities: tools 1, json 2, vision 4, " +
    "reasoning 8, long_context 16, code 32. Verdicts: 0 not evaluated, 1 pass, 2 fail, 3 deferred. Floor sources: client 0, " +
    "learned 1, warm_start 2. Regimes: support, coding, compliance, general, cold.",
  catalog: { tierCount: LLM_TIER_COUNT, specs: LLM_OPTION_SPECS },
  policy: LLM_POLICY_PARAMETERS,
  bank: bankChecksum(policy.thetaBps),
  handChecks: HAND_CHECKS,
  cases,
};

/** One line per catalog option, hand check and case part, so that a diff shows what changed. */
function format(doc: typeof document): string {
  const j = (value: unknown): string => JSON.stringify(value);
  const caseText = (c: (typeof cases)[number]): string =>
    [
      `  { "name": ${j(c.name)}, "covers": ${j(c.covers)},`,
      `    "request": ${j(c.request)}, "tenant": ${j(c.tenant)}, "seedWords": ${j(c.seedWords)}, "floorRaiseBps": ${c.floorRaiseBps},`,
      `    "verdicts": ${j(c.verdicts)}, "expected": ${j(c.expected)} }`,
    ].join("\n");
  const checkText = (check: (typeof HAND_CHECKS)[number]): string => {
    const { working, ...numbers } = check;
    return `  ${j(numbers).slice(0, -1)},\n    "working": [\n${working.map((line) => `      ${j(line)}`).join(",\n")}\n    ] }`;
  };
  return [
    "{",
    ` "source": ${j(doc.source)},`,
    ` "catalog": { "tierCount": ${doc.catalog.tierCount}, "specs": [`,
    doc.catalog.specs.map((spec) => `  ${j(spec)}`).join(",\n"),
    " ] },",
    ` "policy": ${j(doc.policy)},`,
    ` "bank": ${j(doc.bank)},`,
    ' "handChecks": [',
    doc.handChecks.map(checkText).join(",\n"),
    " ],",
    ' "cases": [',
    doc.cases.map(caseText).join(",\n"),
    " ]",
    "}",
    "",
  ].join("\n");
}

const text = format(document);
// The formatter must not change the data.
assertSame("document", "formatted JSON", JSON.parse(text), JSON.parse(JSON.stringify(document)));
writeFileSync(OUTPUT, text);
console.log(`wrote ${cases.length} cases to ${OUTPUT.pathname}`);
for (const c of cases) {
  const e = c.expected;
  console.log(
    c.name.padEnd(48),
    e.code,
    e.chosen,
    e.explored ? "E" : " ",
    e.sampleIndex,
    e.chosenThetaBps,
    JSON.stringify(e.chosenTerms),
    e.chosenUtilityMicros,
    e.runnerUpUtilityMicros,
  );
}
