// Request and response bodies of the HTTP API as zod schemas: the one source for validation,
// the TypeScript types and the OpenAPI document. Objects are strict (an unknown field is a 400)
// and every number is a safe integer inside its documented range; -0 is refused.

import { z } from "zod";
import { PACK_IDS } from "../domain/packs.ts";
import { INPUT_TOKENS_MAX, LATENCY_MS_MAX, OUTPUT_TOKENS_MAX, VALUE_MICROS_MAX } from "../kernel/units.ts";
import { RATE_LIMIT_PER_MINUTE_MAX, RATE_LIMIT_PER_MINUTE_MIN } from "./limits.ts";
import { SETTING_BPS_MAX } from "../learning/policy-settings.ts";

const integer = (min: number, max: number) =>
  z
    .int()
    .min(min)
    .max(max)
    .refine((value) => !Object.is(value, -0), { message: "-0 is not an integer we accept" });

const micros = integer(0, Number.MAX_SAFE_INTEGER).describe("integer microcents (1 USD = 100,000,000)");
const bps = integer(0, 10_000).describe("basis points, 0..10,000");
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, "expected 64 lowercase hex characters");

export const MESSAGES_MAX = 256;
/** Capability and provider names: checked against the tenant's pack when the request is mapped. */
const NAMES_MAX = 32;
const name = z.string().min(1).max(64);
export const MESSAGE_CHARS_MAX = 60_000;

export const DecideRequest = z
  .strictObject({
    regime: z.string().min(1).max(64).describe("the request's regime, e.g. support, coding, compliance, security"),
    input_tokens: integer(1, INPUT_TOKENS_MAX).optional().describe("prompt size; give this or messages"),
    messages: z
      .array(z.strictObject({ role: z.enum(["system", "user", "assistant", "tool"]), content: z.string().min(1).max(MESSAGE_CHARS_MAX) }))
      .min(1)
      .max(MESSAGES_MAX)
      .optional()
      .describe("the prompt; its size is estimated as ceil(characters / 4) + 4 tokens per message"),
    max_output_tokens: integer(1, OUTPUT_TOKENS_MAX),
    value_micros: integer(0, VALUE_MICROS_MAX).describe("what a successful answer is worth to you, microcents"),
    risk_bps: bps.describe("how much of the value a failure puts at risk; 9,700 or more is always refused"),
    quality_floor_bps: bps.optional().describe("your own quality floor; it always wins over a learned one"),
    max_latency_ms: integer(1, LATENCY_MS_MAX).optional(),
    max_cost_micros: micros.optional(),
    capabilities: z.array(name).max(NAMES_MAX).optional().describe("capabilities every option must have, in the tenant's pack's names"),
    providers: z
      .strictObject({ allow: z.array(name).max(NAMES_MAX).optional(), deny: z.array(name).max(NAMES_MAX).optional() })
      .optional()
      .describe("providers to allow or deny, in the tenant's pack's names"),
    tenant_choice: z.string().min(1).max(128).optional().describe("apprentice mode: the model your own routing chose"),
    request_id: z.string().min(1).max(128).optional(),
  })
  .refine((body) => (body.input_tokens === undefined) !== (body.messages === undefined), {
    message: "give exactly one of input_tokens and messages",
    path: ["input_tokens"],
  });
export type DecideRequest = z.infer<typeof DecideRequest>;

/** Chat Completions messages: text only (a content part of another type is refused as unsupported first). */
const ChatMessage = z.strictObject({
  role: z.enum(["system", "developer", "user", "assistant"]).describe("developer is sent as system"),
  content: z.union([
    z.string(),
    z
      .array(z.strictObject({ type: z.literal("text"), text: z.string() }))
      .min(1)
      .max(MESSAGES_MAX),
  ]),
  name: z.string().min(1).max(64).optional().describe("accepted and not forwarded"),
});

/**
 * POST /v1/chat/completions: OpenAI's Chat Completions request, in the subset the proxy translates
 * to every provider. Parameters OpenAI defines and the proxy does not translate are refused by
 * name (parameter_unsupported) before this schema runs; anything else unknown is malformed.
 */
export const ChatCompletionRequest = z
  .strictObject({
    model: z
      .string()
      .min(1)
      .max(128)
      .describe("calybris/auto (regime from the Calybris-Regime header, else the tenant's default) or calybris/<regime>"),
    messages: z.array(ChatMessage).min(1).max(MESSAGES_MAX),
    max_tokens: integer(1, OUTPUT_TOKENS_MAX).optional().describe("output bound; the reservation covers it at the chosen model's price"),
    max_completion_tokens: integer(1, OUTPUT_TOKENS_MAX).optional().describe("the same bound under OpenAI's newer name"),
    temperature: z.number().min(0).max(2).optional().describe("Anthropic's maximum is 1: larger values are sent as 1"),
    top_p: z.number().min(0).max(1).optional(),
    stop: z.union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).max(4)]).optional(),
    stream: z.boolean().optional(),
    stream_options: z.strictObject({ include_usage: z.boolean().optional() }).optional(),
    n: z.literal(1).optional().describe("one choice only"),
    user: z.string().max(256).optional().describe("accepted and not forwarded"),
  })
  .refine((body) => body.max_tokens === undefined || body.max_completion_tokens === undefined, {
    message: "give at most one of max_tokens and max_completion_tokens",
    path: ["max_tokens"],
  });
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

/** POST /v1/feedback: quality feedback on a decision the proxy executed, named by its fingerprint. */
const OutcomeResult = z
  .strictObject({
    success: z.boolean().optional(),
    quality_bps: bps.optional(),
    business_outcome_micros: micros.optional().describe("value the answer actually produced"),
  })
  .refine((o) => o.success !== undefined || o.quality_bps !== undefined, { message: "give success or quality_bps" });

export const FeedbackRequest = z.strictObject({ decision_fingerprint: hex64, outcome: OutcomeResult });
export type FeedbackRequest = z.infer<typeof FeedbackRequest>;

/** PUT /admin/tenants/:id/provider-keys/:provider: the key is stored encrypted and never answered again. */
export const ProviderKeyRequest = z.strictObject({
  api_key: z
    .string()
    .regex(/^[\x21-\x7e]{8,512}$/, "expected 8-512 visible ASCII characters")
    .describe("the provider's API key; stored AES-256-GCM encrypted in the tenant's ledger, never returned, logged or sealed"),
});

/** PATCH /admin/tenants/:id/proxy */
export const ProxySettingsRequest = z.strictObject({
  default_regime: z
    .string()
    .regex(/^[a-z0-9_]{1,64}$/)
    .nullable()
    .describe("the regime of calybris/auto requests without a Calybris-Regime header; null: the pack's default (support)"),
});

export const OutcomeRequest = z.strictObject({
  decision_fingerprint: hex64,
  execution: z
    .strictObject({
      model: z.string().min(1).max(128),
      input_tokens: integer(0, INPUT_TOKENS_MAX),
      output_tokens: integer(0, OUTPUT_TOKENS_MAX),
      latency_ms: integer(0, LATENCY_MS_MAX),
      actual_cost_micros: micros,
    })
    .optional()
    .describe(
      "what ran and what it cost; leave it out for a decision the proxy executed (its cost is settled): the outcome is then its quality feedback",
    ),
  outcome: OutcomeResult,
});
export type OutcomeRequest = z.infer<typeof OutcomeRequest>;

export const CreateTenantRequest = z.strictObject({
  tenant_id: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{1,30})[a-z0-9]$/)
    .optional(),
  name: z.string().min(1).max(200),
  initial_budget_micros: micros,
  pack: z.enum(PACK_IDS).optional().describe("the tenant's domain pack: llm (the default), security, finance, forestry or real_estate"),
  allowed_providers: z.array(name).min(1).max(NAMES_MAX).optional().describe("providers of the tenant's pack it may use"),
  rate_limit_per_minute: integer(RATE_LIMIT_PER_MINUTE_MIN, RATE_LIMIT_PER_MINUTE_MAX).optional(),
  cost_cap_micros: micros.optional(),
  mode: z.enum(["live", "apprentice"]).optional(),
});
export type CreateTenantRequest = z.infer<typeof CreateTenantRequest>;

export const TopUpRequest = z.strictObject({ top_up_id: z.string().min(1).max(128), amount_micros: micros });
export const ModeRequest = z.strictObject({ mode: z.enum(["live", "apprentice"]) });
export const TenantSettingsRequest = z.strictObject({
  rate_limit_per_minute: integer(RATE_LIMIT_PER_MINUTE_MIN, RATE_LIMIT_PER_MINUTE_MAX).describe(
    "writes per minute and write route (decide, outcomes, release); takes effect at once",
  ),
});
/**
 * A candidate configuration: any fields of PolicyConfig (src/learning/lifecycle/policy-config.ts),
 * read over the current configuration. Their bounds are the lifecycle's, which also judges them
 * (parsePolicyConfig names a field out of bounds); the schema states the shape for clients.
 */
export const CandidateRequest = z.strictObject({
  exploration_bps: z.int().optional().describe("share of decisions that explore among the plausibly best options, basis points (0-5,000)"),
  holdout_bps: z.int().optional().describe("share of decisions served by the warm-start baseline, basis points (0-5,000)"),
  prior_strength: z.int().optional().describe("pseudo-outcomes behind a known or pooled prior (2-1,000)"),
  decay_window: z.int().optional().describe("W: a posterior holds the weight of between W and 2W outcomes of its option"),
  sharpening: z
    .int()
    .optional()
    .describe(
      "d: while a regime has learned fewer than 1,000 outcomes, the bank draws its options of unknown quality from Beta(d^2 alpha, d^2 beta); 1 is the posterior itself (1-4)",
    ),
  floor_overrides: z
    .record(z.string(), z.int())
    .optional()
    .describe("per regime id, a quality floor in basis points that replaces the learned one"),
  value_weight_bps: z.int().optional().describe("weight of the request's value, basis points (only 10,000 is applied today)"),
  latency_bps_per_second: z.int().optional().describe("latency penalty: basis points of the request's value per second of typical latency"),
  catalog_version: z.string().optional().describe("the option catalog the configuration is judged on (pack id and catalog hash)"),
});

/** POST .../candidates/current/promote: force over a failing gate, with a reason that is sealed. */
export const PromoteRequest = z.strictObject({
  force: z
    .strictObject({ reason: z.string().describe("why the gate is overridden; sealed in the policy entry") })
    .optional()
    .describe("promote although a criterion fails"),
});

export const PolicySettingsRequest = z
  .strictObject({
    exploration_bps: integer(0, SETTING_BPS_MAX)
      .optional()
      .describe("share of decisions that explore, only among the plausibly best options; 0 turns exploration off"),
    holdout_bps: integer(0, SETTING_BPS_MAX)
      .optional()
      .describe("share of decisions served by the fixed warm-start baseline; 0 turns it off"),
  })
  .refine((body) => body.exploration_bps !== undefined || body.holdout_bps !== undefined, {
    message: "give exploration_bps or holdout_bps",
  });
export const ReleaseRequest = z.strictObject({ reservation_id: z.string().min(1).max(128) });

const Terms = z.object({
  quality_adjusted_value_micros: z.int(),
  risk_penalty_micros: z.int(),
  cost_micros: z.int(),
  latency_penalty_micros: z.int(),
  utility_micros: z.int(),
});
const ModelRef = z.object({ id: z.string(), provider: z.string(), tier: z.string() });

export const DecideResponse = z.object({
  decision_id: z.string(),
  fingerprint: hex64,
  seq: z.int(),
  model: ModelRef,
  served_rank: z.int().describe("0 when the kernel's choice fit the budget, else the fallback the budget could cover"),
  fallbacks: z.array(ModelRef.extend({ worst_case_cost_micros: z.int() })),
  reserved_micros: z.int(),
  floor: z.object({ bps: z.int(), source: z.enum(["client", "learned", "warm_start"]), raised_bps: z.int() }),
  utility: z.object({ chosen: Terms, runner_up: Terms.extend({ model: ModelRef }).nullable() }),
  gates: z.array(z.object({ gate: z.int(), name: z.string(), verdict: z.enum(["not_evaluated", "pass", "fail", "deferred"]) })),
  propensity: z.object({ ppm: z.int(), numerator: z.int(), denominator: z.int(), explored: z.boolean() }),
  policy: z.object({ version: z.int(), hash: z.string() }),
  holdout: z.boolean(),
  mode: z.enum(["live", "apprentice"]),
  anomaly: z
    .array(z.enum(["input_tokens", "value_micros", "risk_bps"]))
    .describe("request features far (|z| > 4) from the regime's history; the floor was raised"),
  apprentice: z
    .object({ would_choose: ModelRef.nullable(), agrees: z.boolean(), kernel_code: z.string() })
    .nullable()
    .describe("apprentice mode: what Calybris would have chosen; your tenant_choice is what was served"),
  replayed: z.boolean(),
});

export const OutcomeResponse = z.object({
  outcome_fingerprint: hex64,
  seq: z.int(),
  decision_fingerprint: hex64,
  committed_micros: z.int(),
  released_micros: z.int(),
  uncollected_micros: z.int(),
  replayed: z.boolean(),
});

export const BudgetResponse = z.object({
  credited_micros: z.int(),
  committed_micros: z.int(),
  reserved_micros: z.int(),
  available_micros: z.int(),
  entries: z.int(),
});

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  instance: z.string(),
  code: z.string(),
});
