// The shapes of the API answers the dashboard reads, as far as it reads them. The worker's
// OpenAPI document (src/worker/openapi.ts) is the contract; these name only the fields used.

export interface UsageBucket {
  readonly hour_ms: number;
  readonly regime: string;
  readonly option: string | null;
  readonly decisions: number;
  readonly committed_micros: number;
}

export interface UsageJson {
  readonly bucket_ms: number;
  readonly from_ms: number;
  readonly to_ms: number;
  readonly regimes: readonly string[];
  readonly buckets: readonly UsageBucket[];
}

export interface Estimate {
  readonly estimate_micros: number;
  readonly ci95_micros: readonly [number, number];
  readonly n: number;
}

export interface BudgetJson {
  readonly credited_micros: number;
  readonly committed_micros: number;
  readonly reserved_micros: number;
  readonly available_micros: number;
  readonly entries: number;
}

interface PolicyEstimates {
  readonly dr: Estimate | null;
  readonly ips: Estimate | null;
  readonly snips: Estimate | null;
}

export interface EvaluationJson {
  readonly counts: { readonly decisions: number; readonly outcomes: number; readonly holdout_outcomes: number };
  readonly production: PolicyEstimates;
  readonly holdout: PolicyEstimates;
  readonly fixed: readonly ({ readonly regime: string; readonly option: string; readonly support: number } & PolicyEstimates)[];
  readonly regret: {
    readonly overall: Estimate | null;
    readonly by_regime: readonly { readonly regime: string; readonly best: string | null; readonly regret: Estimate | null }[];
  };
  readonly calibration: {
    readonly warnings: readonly { readonly regime: string; readonly option: string; readonly bias_bps: number; readonly n: number }[];
  };
}

export interface RegimesJson {
  readonly outcomes: number;
  readonly regimes: readonly RegimeJson[];
}

export interface RegimeJson {
  readonly regime: string;
  readonly floor_bps: number;
  readonly floor_source: string;
  readonly warm_start_floor_bps: number;
  readonly options: readonly {
    readonly option: string;
    readonly tier: string;
    readonly alpha: number;
    readonly beta: number;
    readonly mean_bps: number;
  }[];
}

interface ConfigRef {
  readonly hash: string;
  readonly version: number;
  readonly promoted_at_ms: number;
}

export interface PolicyJson {
  readonly tenant_id: string;
  readonly current: (ConfigRef & { readonly config: Record<string, unknown> }) | null;
  readonly candidate: { readonly hash: string; readonly staged_at_ms: number; readonly config: Record<string, unknown> } | null;
  readonly history: readonly ConfigRef[];
  readonly judgement: {
    readonly shadow: {
      readonly decisions: number;
      readonly mismatches: number;
      readonly mismatch_share: number | null;
      readonly extra_refusals: number;
    };
    readonly outcomes_in_shadow: number;
    readonly candidate_vs_production: Estimate | null;
    readonly gate: {
      readonly promotable: boolean;
      readonly criteria: readonly { readonly name: string; readonly pass: boolean; readonly detail: string }[];
    };
  } | null;
}

export interface KeysJson {
  readonly verifier_key: string;
  readonly key_name: string;
  readonly origin_prefix: string;
}

interface Terms {
  readonly quality_adjusted_value_micros: number;
  readonly risk_penalty_micros: number;
  readonly cost_micros: number;
  readonly latency_penalty_micros: number;
  readonly utility_micros: number;
}

export interface GateJson {
  readonly gate: number;
  readonly name: string;
  readonly verdict: string;
}

export type RecentDecisionJson = { readonly seq: number; readonly ts_ms: number; readonly regime: string } & (
  | {
      readonly served: true;
      readonly answer: {
        readonly fingerprint: string;
        readonly model: { readonly id: string };
        readonly floor: { readonly bps: number; readonly source: string };
        readonly utility: {
          readonly chosen: Terms | null;
          readonly runner_up: ({ readonly model: { readonly id: string } } & Terms) | null;
        };
        readonly gates: readonly GateJson[];
        readonly propensity: { readonly ppm: number; readonly explored: boolean };
      };
    }
  | {
      readonly served: false;
      readonly code: string;
      readonly detail: string;
      readonly fingerprint: string;
      readonly gates: readonly GateJson[];
    }
);

export interface RecentJson {
  readonly chain_size: number;
  readonly decisions: readonly RecentDecisionJson[];
}
