// The kernel's result codes: one per fail-closed gate, in the order the gates run. The number of
// a gate's code is its position, and both are part of the decision log format: never renumber,
// only append.

export const DecisionCode = {
  ok: 0,
  request_out_of_bounds: 1,
  risk_above_ceiling: 2,
  tenant_suspended: 3,
  regime_unknown: 4,
  context_window_exceeded: 5,
  provider_rules_exclude_all: 6,
  capabilities_unavailable: 7,
  latency_budget_unreachable: 8,
  quality_floor_unreachable: 9,
  cost_cap_exceeded: 10,
  budget_exhausted: 11,
} as const;

export type DecisionCodeName = keyof typeof DecisionCode;
export type DecisionCodeNumber = (typeof DecisionCode)[DecisionCodeName];

export const GATE_COUNT = 11;

/** Gate names by position (index 0 is gate 1). */
export const GATE_NAMES = [
  "request_out_of_bounds",
  "risk_above_ceiling",
  "tenant_suspended",
  "regime_unknown",
  "context_window_exceeded",
  "provider_rules_exclude_all",
  "capabilities_unavailable",
  "latency_budget_unreachable",
  "quality_floor_unreachable",
  "cost_cap_exceeded",
  "budget_exhausted",
] as const satisfies readonly DecisionCodeName[];

/** What each gate checks, in one sentence; documentation and problem details quote it. */
export const GATE_RULES: Record<Exclude<DecisionCodeName, "ok">, string> = {
  request_out_of_bounds: "Every request field must be a safe integer inside its documented range.",
  risk_above_ceiling: "A request whose risk is 9,700 bps or more is always blocked.",
  tenant_suspended: "A suspended tenant gets no decisions.",
  regime_unknown: "The request must name a regime that the policy knows.",
  context_window_exceeded: "Some option must fit input plus maximum output tokens in its context window and output limit.",
  provider_rules_exclude_all: "The tenant's allowed providers and the request's allow and deny lists must leave an option.",
  capabilities_unavailable: "Some remaining option must have every required capability.",
  latency_budget_unreachable: "Some remaining option's typical latency must be at most the latency limit.",
  quality_floor_unreachable: "Some remaining option must reach the quality floor.",
  cost_cap_exceeded: "Some remaining option's worst-case cost must fit the request's and the tenant's cost caps.",
  budget_exhausted: "The tenant's available budget must cover the worst-case cost of a ranked option.",
};

/** DecisionResult.code before decide() wrote it: never a valid code. */
export const NOT_DECIDED = -1;

/** Verdict of one gate in a decision. */
export const Verdict = { not_evaluated: 0, pass: 1, fail: 2, deferred: 3 } as const;
export type VerdictNumber = (typeof Verdict)[keyof typeof Verdict];
export const VERDICT_NAMES = ["not_evaluated", "pass", "fail", "deferred"] as const;

/** Where the quality floor came from. A client floor always wins over a learned one. */
export const FloorSource = { client: 0, learned: 1, warm_start: 2, none: 3 } as const;
/** "none": the request was refused before a floor was chosen (gates 1-4). */
export const FLOOR_SOURCE_NAMES = ["client", "learned", "warm_start", "none"] as const;

/** The first gate that filters options; gates before it look at the request alone. */
export const FIRST_OPTION_GATE = DecisionCode.context_window_exceeded;

/** True when a request-level gate (1-4: bounds, risk ceiling, suspension, known regime) refused. */
export function refusedByRequestGate(code: number): boolean {
  return code !== DecisionCode.ok && code < FIRST_OPTION_GATE;
}

export function decisionCodeName(code: number): DecisionCodeName {
  const name = code === 0 ? "ok" : GATE_NAMES[code - 1];
  if (name === undefined) throw new Error(`"code" expected integer in [0, ${GATE_COUNT}], got ${code}`);
  return name;
}
