// The OpenAPI 3.1.0 document of the HTTP API (https://spec.openapis.org/oas/v3.1.0), built once per
// isolate from the zod schemas of schemas.ts and the problem table of problem.ts. It is frozen
// plain JSON, never holds a zod object, and must describe every route of app.ts and no other.

import { z } from "zod";
import { PACK_IDS } from "../domain/packs.ts";
import { WEBHOOK_TOLERANCE_SECONDS } from "../ledger/webhook-signature.ts";
import { TENANT_ID } from "./api-keys.ts";
import { SETTING_CODES } from "./deployment-check.ts";
import {
  BODY_LIMIT_BYTES,
  PROXY_BODY_LIMIT_BYTES,
  CHAIN_LIMIT_DEFAULT,
  CHAIN_LIMIT_MAX,
  DEFAULT_RATE_LIMIT_PER_MINUTE,
  IDEMPOTENCY_KEY,
  RATE_LIMIT_PER_MINUTE_MAX,
  RATE_LIMIT_PER_MINUTE_MIN,
  RECENT_DECISIONS_DEFAULT,
  RECENT_DECISIONS_MAX,
  REQUEST_ID,
  USAGE_HOURS_DEFAULT,
  USAGE_HOURS_MAX,
} from "./limits.ts";
import { PROBLEM_TYPE_BASE, PROBLEMS, type ProblemCode } from "./problem.ts";
import { LLM_PROXY_DEFAULTS } from "../domain/llm/pack.ts";
import { UNSUPPORTED_PARAMETERS } from "./proxy-terms.ts";
import {
  BudgetResponse,
  ChatCompletionRequest,
  FeedbackRequest,
  ProviderKeyRequest,
  ProxySettingsRequest,
  CreateTenantRequest,
  DecideRequest,
  DecideResponse,
  ModeRequest,
  PolicySettingsRequest,
  CandidateRequest,
  PromoteRequest,
  OutcomeRequest,
  OutcomeResponse,
  Problem,
  TenantSettingsRequest,
  TopUpRequest,
} from "./schemas.ts";

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { readonly [key: string]: Json };

/** The contract's version: bump it when an answer or a rule changes, not with every deploy. */
export const API_VERSION = "1.0.0";

const RATE_LIMIT_PER_MINUTE_DEFAULT = DEFAULT_RATE_LIMIT_PER_MINUTE;
const IDEMPOTENCY_KEY_PATTERN = IDEMPOTENCY_KEY.source;
const REQUEST_ID_PATTERN = REQUEST_ID.source;

// Answers that schemas.ts does not describe yet (they belong there; see the OpenAPI report).
const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const tenantId = z.string().regex(TENANT_ID);
const mode = z.enum(["live", "apprentice"]);
const packId = z.enum(PACK_IDS).describe("the tenant's domain pack: its regimes and options");
const BudgetSummary = BudgetResponse.omit({ entries: true });
/** One estimate of net value per decision (micros) with its normal 95 % interval; null with too few outcomes. */
const estimate = z
  .object({ estimate_micros: z.number(), ci95_micros: z.tuple([z.number(), z.number()]), n: z.int().min(0) })
  .nullable()
  .describe("net value per decision in micros with its 95 % interval; null with fewer than two outcomes (or two supported ones)");
const estimates = z.object({ dr: estimate, ips: estimate, snips: estimate });

const local = {
  Health: z.object({ status: z.literal("ok") }),
  ProblemDetails: Problem.extend({
    issues: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .max(8)
      .optional()
      .describe("request_malformed: the first schema violations"),
    decision_id: z.string().optional().describe("a refusal by a gate: the sealed decision's id"),
    fingerprint: hex64.optional().describe("a refusal by a gate: the sealed decision's fingerprint"),
    seq: z.int().min(0).optional().describe("a refusal by a gate: the sealed decision's position in the chain"),
    gates: DecideResponse.shape.gates.optional().describe("a refusal by a gate: every gate's verdict"),
    reasons: z
      .array(
        z.object({
          setting: z.string().describe("the secret or variable, e.g. CHECKPOINT_SIGNING_KEY"),
          code: z.enum(SETTING_CODES),
          detail: z.string().describe("the rule it breaks and how to fix it; never the value of a secret"),
        }),
      )
      .optional()
      .describe("configuration_invalid: each setting that is missing or invalid"),
  }).loose(),
  ChatCompletionResponse: z
    .object({
      id: z.string().describe("chatcmpl-<decision id>"),
      object: z.literal("chat.completion"),
      created: z.int().describe("Unix seconds"),
      model: z.string().describe("the catalog model that answered (a fallback after a failed attempt)"),
      choices: z
        .array(
          z.object({
            index: z.literal(0),
            message: z.object({ role: z.literal("assistant"), content: z.string(), refusal: z.null() }),
            logprobs: z.null(),
            finish_reason: z.enum(["stop", "length", "content_filter"]),
          }),
        )
        .length(1),
      usage: z.object({ prompt_tokens: z.int(), completion_tokens: z.int(), total_tokens: z.int() }),
    })
    .describe(
      "OpenAI's chat.completion object. With stream: true the answer is text/event-stream: chat.completion.chunk events, a usage chunk when stream_options.include_usage, then data: [DONE]; a stream the provider cut ends with an error event instead ({ error: { code: stream_cut, provider } }).",
    ),
  ProxySettingsResponse: z.object({
    tenant_id: tenantId,
    default_regime: z
      .string()
      .nullable()
      .describe(`calybris/auto's regime without a Calybris-Regime header; null: ${LLM_PROXY_DEFAULTS.regime}`),
    providers: z.array(
      z.object({
        provider: z.string(),
        tenant_key: z.boolean().describe("the tenant has its own key (stored encrypted; never answered)"),
        deployment_key: z.boolean().describe("the deployment has a key for this provider (a secret)"),
        base_url: z.string(),
      }),
    ),
  }),
  CreateTenantResponse: z.object({
    tenant_id: tenantId,
    pack: packId,
    api_key: z.string().describe("cal_live_<tenant id>_<secret>; shown once, only its hash is stored"),
    api_key_id: z.string(),
    webhook_secret: z.string().describe("whsec_<base64>; shown once"),
    fingerprint: hex64,
  }),
  RotateApiKeyResponse: z.object({
    tenant_id: tenantId,
    api_key: z.string().describe("the new key; the old one stops working"),
    api_key_id: z.string(),
    fingerprint: hex64,
  }),
  RotateWebhookSecretResponse: z.object({
    tenant_id: tenantId,
    webhook_secret: z.string().describe("the new whsec_<base64> secret"),
    fingerprint: hex64,
  }),
  TenantStatusResponse: z.object({ tenant_id: tenantId, status: z.enum(["active", "suspended"]), fingerprint: hex64 }),
  TenantModeResponse: z.object({ tenant_id: tenantId, mode, fingerprint: hex64 }),
  PolicySettingsResponse: z.object({
    tenant_id: tenantId,
    exploration_bps: z.int(),
    holdout_bps: z.int(),
    policy: z.object({ version: z.int(), hash: hex64 }).describe("the snapshot that carries the settings"),
  }),
  TenantSettingsResponse: z.object({
    tenant_id: tenantId,
    rate_limit_per_minute: z.int(),
    fingerprint: hex64.describe("the sealed change's entry"),
  }),
  TopUpResponse: z.object({ tenant_id: tenantId, fingerprint: hex64, replayed: z.boolean(), budget: BudgetSummary }),
  AdminTenantResponse: z.object({
    tenant_id: tenantId,
    name: z.string(),
    status: z.enum(["active", "suspended"]),
    mode,
    pack: packId,
    allowed_provider_mask: z.int().describe("bit i set: provider i allowed"),
    rate_limit_per_minute: z.int(),
    cost_cap_micros: z.int().describe("integer microcents; -1 when no cap is set"),
    api_key_id: z.string(),
    entries: z.int().describe("entries in the tenant's chain"),
    budget: BudgetSummary,
  }),
  ReleaseResponse: z.object({
    decision_id: z.string(),
    fingerprint: hex64,
    seq: z.int().min(0),
    released_micros: z.int().min(0),
    replayed: z.boolean(),
  }),
  ProofResponse: z.object({
    seq: z.int(),
    tree_size: z.int(),
    leaf_hash: hex64,
    root: hex64,
    proof: z.array(hex64).describe("audit path, leaf to root (RFC 9162 2.1.3)"),
    entry: z.string().describe("the entry's export line"),
    checkpoint: z.string().nullable().describe("the signed note the root belongs to; null for the live tree"),
    leaf_rule: z.string(),
  }),
  RegimesResponse: z.object({
    pack: packId,
    version: z.int().describe("policy snapshot version"),
    hash: z.string().describe("policy snapshot content hash"),
    outcomes: z.int().describe("outcomes learned from"),
    regimes: z.array(
      z.object({
        regime: z.string(),
        floor_bps: z.int(),
        floor_source: z.enum(["client", "learned", "warm_start", "none"]),
        warm_start_floor_bps: z.int(),
        options: z
          .array(z.object({ option: z.string(), tier: z.string(), alpha: z.number(), beta: z.number(), mean_bps: z.int() }))
          .describe("Beta posterior of success per option (each its own learning arm; tier for grouping)"),
        statistics: z
          .record(z.string(), z.object({ n: z.int(), mean: z.number().nullable(), variance: z.number().nullable() }))
          .describe("per request feature (input_tokens, value_micros, risk_bps): count, mean and sample variance"),
      }),
    ),
  }),
  ApprenticeResponse: z.object({
    mode,
    mode_decisions_with_outcome: z.int().describe("apprentice decisions that have an outcome"),
    agreements: z.int().describe("of those, how many the kernel would have routed the same way"),
    agreement_rate_bps: z.int().nullable().describe("agreements / decisions in basis points; null before the first outcome"),
    estimated_savings_micros: z.int(),
  }),
  EvaluationResponse: z.object({
    pack: packId,
    regime: z.string().nullable(),
    since: z.string().nullable().describe("UTC day the figures start at, or null for every evaluated outcome"),
    unit: z.string(),
    first_outcome_seq: z.int().nullable().describe("chain seq of the first outcome evaluated"),
    counts: z.object({
      decisions: z.int(),
      low_propensity_decisions: z.int().describe("decisions that served the policy's draw with a probability under 5 %"),
      low_propensity_decision_share: z.number().nullable(),
      outcomes: z.int(),
      low_propensity_outcomes: z.int(),
      low_propensity_outcome_share: z.number().nullable(),
      holdout_outcomes: z.int(),
      shadow_outcomes: z.int(),
      not_evaluated: z.record(z.string(), z.int()).describe("outcomes not scored: fallbacks, apprentice choices, nothing served"),
    }),
    weight_cap: z.int(),
    production: estimates,
    holdout: estimates,
    candidate: estimates.extend({ support: z.int() }),
    candidate_vs_production: estimate.describe("candidate minus production, paired per decision"),
    fixed: z.array(estimates.extend({ regime: z.string(), option: z.string(), support: z.int() })),
    regret: z.object({
      overall: estimate.describe("best fixed option per regime minus production, paired per decision"),
      by_regime: z.array(z.object({ regime: z.string(), best: z.string().nullable(), regret: estimate })),
    }),
    calibration: z.object({
      rule: z.object({ outcomes_min: z.int(), bias_bps_min: z.int(), standard_errors: z.number() }),
      warnings: z.array(z.object({ regime: z.string(), option: z.string(), bias_bps: z.number(), n: z.int() })),
      cells: z.array(
        z.object({
          regime: z.string(),
          option: z.string(),
          n: z.int(),
          mean_predicted_bps: z.number(),
          observed_bps: z.number(),
          bias_bps: z.number(),
          bins: z.array(
            z.object({ low_bps: z.int(), high_bps: z.int(), n: z.int(), mean_predicted_bps: z.number(), observed_bps: z.number() }),
          ),
        }),
      ),
    }),
  }),
  LifecycleResponse: z.object({
    tenant_id: z.string(),
    event: z
      .looseObject({ seq: z.int(), fingerprint: hex64, op: z.enum(["stage", "promote", "rollback", "discard"]) })
      .optional()
      .describe("the policy chain entry this transition sealed"),
    current: z.object({ config: z.record(z.string(), z.unknown()), hash: hex64, version: z.int(), promoted_at_ms: z.int() }),
    candidate: z.object({ config: z.record(z.string(), z.unknown()), hash: hex64, staged_at_ms: z.int() }).nullable(),
    history: z.array(z.object({ hash: hex64, version: z.int(), promoted_at_ms: z.int() })),
  }),
  CandidateStatusResponse: z.looseObject({
    shadow: z.object({
      decisions: z.int(),
      mismatches: z.int(),
      mismatch_share: z.number().nullable(),
      extra_refusals: z.int(),
      by_regime: z.array(
        z.object({
          regime: z.string(),
          decisions: z.int(),
          mismatches: z.int(),
          mismatch_share: z.number().nullable(),
          extra_refusals: z.int(),
        }),
      ),
    }),
    outcomes_in_shadow: z.int(),
    candidate_vs_production: estimate,
    gate: z.object({
      promotable: z.boolean(),
      criteria: z.array(
        z.object({ name: z.enum(["decisions", "improvement", "no_new_refusals", "calibration"]), pass: z.boolean(), detail: z.string() }),
      ),
    }),
  }),
  UsageResponse: z.object({
    bucket_ms: z.int().describe("the width of a bucket: one hour"),
    from_ms: z.int().describe("start of the first hour asked for (UTC, ms)"),
    to_ms: z.int().describe("end of the current hour (exclusive)"),
    regimes: z.array(z.string()).describe("the regimes of the tenant's pack, in order"),
    buckets: z.array(
      z.object({
        hour_ms: z.int().describe("start of the bucket's hour"),
        regime: z.string().describe("the regime; unknown for spend of a decision sealed before buckets were kept"),
        option: z.string().nullable().describe("the served option (for spend: the one that ran); null for refused decisions"),
        decisions: z.int().describe("decisions sealed in the hour"),
        committed_micros: z.int().describe("charges settled in the hour, integer microcents"),
      }),
    ),
  }),
  RecentDecisionsResponse: z.object({
    chain_size: z.int(),
    scanned_from_seq: z.int().describe("the first entry of the window read at the chain's tail"),
    decisions: z.array(
      z.looseObject({
        seq: z.int(),
        ts_ms: z.int(),
        regime: z.string(),
        served: z.boolean(),
        answer: z
          .record(z.string(), z.unknown())
          .optional()
          .describe("served: the /v1/decide answer the entry proves (model, utility, gates...)"),
        code: z.string().optional().describe("refused: the problem code"),
        detail: z.string().optional(),
        fingerprint: hex64.optional(),
        gates: z.array(z.object({ gate: z.int(), name: z.string(), verdict: z.string() })).optional(),
      }),
    ),
  }),
  PolicyResponse: z.object({
    tenant_id: z.string(),
    current: z
      .object({ config: z.record(z.string(), z.unknown()), hash: hex64, version: z.int(), promoted_at_ms: z.int() })
      .nullable()
      .describe("null before the first lifecycle event: the tenant runs its initial configuration"),
    candidate: z.object({ config: z.record(z.string(), z.unknown()), hash: hex64, staged_at_ms: z.int() }).nullable(),
    history: z.array(z.object({ hash: hex64, version: z.int(), promoted_at_ms: z.int() })),
    judgement: z
      .looseObject({ shadow: z.looseObject({ decisions: z.int(), mismatches: z.int() }), gate: z.looseObject({ promotable: z.boolean() }) })
      .nullable()
      .describe(
        "the staged candidate's shadow counts, paired estimate and gate, as GET /admin/tenants/{id}/candidates/current answers them; null when none is staged",
      ),
  }),
  VerifierKeyResponse: z.object({
    verifier_key: z.string().describe("C2SP signed-note verifier key: <name>+<key id hex>+<base64 key>"),
    key_name: z.string(),
    key_id: z.string().regex(/^[0-9a-f]{8}$/),
    algorithm: z.literal("Ed25519"),
    format: z.string(),
    origin_prefix: z.string(),
  }),
};

/** The evaluation's answer (GET /v1/evaluation), for the typed client (src/client). */
export type EvaluationResponse = z.infer<typeof local.EvaluationResponse>;
/** The proxy's non-streaming answer (POST /v1/chat/completions), for the typed client. */
export type ChatCompletionResponse = z.infer<typeof local.ChatCompletionResponse>;

type Io = "input" | "output";
const SCHEMAS = {
  DecideRequest: [DecideRequest, "input"],
  OutcomeRequest: [OutcomeRequest, "input"],
  CreateTenantRequest: [CreateTenantRequest, "input"],
  TopUpRequest: [TopUpRequest, "input"],
  ModeRequest: [ModeRequest, "input"],
  PolicySettingsRequest: [PolicySettingsRequest, "input"],
  TenantSettingsRequest: [TenantSettingsRequest, "input"],
  DecideResponse: [DecideResponse, "output"],
  OutcomeResponse: [OutcomeResponse, "output"],
  BudgetResponse: [BudgetResponse, "output"],
  Problem: [local.ProblemDetails, "output"],
  Health: [local.Health, "output"],
  CreateTenantResponse: [local.CreateTenantResponse, "output"],
  RotateApiKeyResponse: [local.RotateApiKeyResponse, "output"],
  RotateWebhookSecretResponse: [local.RotateWebhookSecretResponse, "output"],
  TenantStatusResponse: [local.TenantStatusResponse, "output"],
  TenantModeResponse: [local.TenantModeResponse, "output"],
  PolicySettingsResponse: [local.PolicySettingsResponse, "output"],
  TenantSettingsResponse: [local.TenantSettingsResponse, "output"],
  TopUpResponse: [local.TopUpResponse, "output"],
  AdminTenantResponse: [local.AdminTenantResponse, "output"],
  ProofResponse: [local.ProofResponse, "output"],
  ReleaseResponse: [local.ReleaseResponse, "output"],
  VerifierKeyResponse: [local.VerifierKeyResponse, "output"],
  RegimesResponse: [local.RegimesResponse, "output"],
  ApprenticeResponse: [local.ApprenticeResponse, "output"],
  EvaluationResponse: [local.EvaluationResponse, "output"],
  CandidateRequest: [CandidateRequest, "input"],
  PromoteRequest: [PromoteRequest, "input"],
  LifecycleResponse: [local.LifecycleResponse, "output"],
  CandidateStatusResponse: [local.CandidateStatusResponse, "output"],
  UsageResponse: [local.UsageResponse, "output"],
  RecentDecisionsResponse: [local.RecentDecisionsResponse, "output"],
  PolicyResponse: [local.PolicyResponse, "output"],
  ChatCompletionRequest: [ChatCompletionRequest, "input"],
  ChatCompletionResponse: [local.ChatCompletionResponse, "output"],
  FeedbackRequest: [FeedbackRequest, "input"],
  ProviderKeyRequest: [ProviderKeyRequest, "input"],
  ProxySettingsRequest: [ProxySettingsRequest, "input"],
  ProxySettingsResponse: [local.ProxySettingsResponse, "output"],
} as const satisfies Record<string, readonly [z.ZodType, Io]>;
type SchemaName = keyof typeof SCHEMAS;

// Rules that zod holds in .refine() and cannot emit as JSON Schema, restated for clients.
const REFINEMENTS: Partial<Record<SchemaName, (schema: Record<string, Json>) => void>> = {
  DecideRequest: (schema) => {
    schema.oneOf = [{ required: ["input_tokens"] }, { required: ["messages"] }];
  },
  OutcomeRequest: (schema) => {
    const outcome = (schema.properties as Record<string, Record<string, Json>>).outcome!;
    outcome.anyOf = [{ required: ["success"] }, { required: ["quality_bps"] }];
  },
  FeedbackRequest: (schema) => {
    const outcome = (schema.properties as Record<string, Record<string, Json>>).outcome!;
    outcome.anyOf = [{ required: ["success"] }, { required: ["quality_bps"] }];
  },
  ChatCompletionRequest: (schema) => {
    schema.not = { required: ["max_tokens", "max_completion_tokens"] };
  },
};

/** Names end in their unit (STYLE.md 5), so every such field can say what it counts: [suffix, unit, text]. */
const UNIT_SUFFIXES: readonly (readonly [string, string, string])[] = [
  ["_micros", "microcents", "integer microcents (1 USD = 100,000,000)"],
  ["_bps", "basis points", "basis points (10,000 = 100 %)"],
  ["_ms", "milliseconds", "milliseconds"],
  ["_tokens", "tokens", "tokens"],
];

function describeUnits(node: Json): void {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) return node.forEach(describeUnits);
  const properties = (node as JsonObject).properties;
  if (properties !== undefined && properties !== null && typeof properties === "object" && !Array.isArray(properties)) {
    for (const [name, property] of Object.entries(properties as Record<string, Record<string, Json>>)) {
      const unit = UNIT_SUFFIXES.find(([suffix]) => name.endsWith(suffix));
      if (unit === undefined || typeof property !== "object") continue;
      const described = property.description;
      if (typeof described !== "string") property.description = unit[2];
      else if (!described.includes(unit[1])) property.description = `${described}; ${unit[2]}`;
    }
  }
  for (const value of Object.values(node as JsonObject)) describeUnits(value);
}

/**
 * zod marks an output object closed because parsing strips unknown keys, but answers may gain
 * fields in a compatible release: clients must ignore what they do not know, so answers stay open.
 */
function openObjects(node: Json): void {
  if (node === null || typeof node !== "object") return;
  if (!Array.isArray(node) && (node as JsonObject).additionalProperties === false)
    delete (node as Record<string, Json>).additionalProperties;
  for (const value of Object.values(node as JsonObject)) openObjects(value);
}

function jsonSchema(name: SchemaName): JsonObject {
  const [schema, io] = SCHEMAS[name];
  const generated = z.toJSONSchema(schema, { target: "draft-2020-12", io }) as unknown as Record<string, Json>;
  // OpenAPI 3.1's default Schema Object dialect is built on JSON Schema 2020-12: no $schema needed.
  delete generated.$schema;
  REFINEMENTS[name]?.(generated);
  if (io === "output") openObjects(generated);
  describeUnits(generated);
  return generated;
}

const ref = (kind: "schemas" | "parameters" | "headers", name: string): JsonObject => ({ $ref: `#/components/${kind}/${name}` });
const intSchema = (minimum: number, maximum: number, extra: JsonObject = {}): JsonObject => ({
  type: "integer",
  minimum,
  maximum,
  ...extra,
});
const header = (name: string, description: string, schema: JsonObject, example?: Json): JsonObject => ({
  name,
  in: "header",
  required: false,
  description,
  schema,
  ...(example === undefined ? {} : { example }),
});

const PARAMETERS = {
  RequestId: header(
    "Request-Id",
    "Your id for this request, echoed in the Request-Id answer header; one is generated when absent or malformed.",
    { type: "string", pattern: REQUEST_ID_PATTERN },
  ),
  IdempotencyKey: header(
    "Idempotency-Key",
    "Makes a retry safe: the same key with the same body answers the first decision again (replayed: true) and reserves nothing new; the same key with another body is 422 idempotency_key_reused. 1-255 visible ASCII characters.",
    { type: "string", pattern: IDEMPOTENCY_KEY_PATTERN },
    "order-1234-attempt-1",
  ),
  WebhookId: {
    ...header(
      "webhook-id",
      "Unique message id, 1-256 characters; a repeated id with the same body answers its first result again, with another body it is 422 webhook_id_reused.",
      { type: "string", minLength: 1, maxLength: 256 },
      "msg_2b9TzXr1",
    ),
    required: true,
  },
  WebhookTimestamp: {
    ...header(
      "webhook-timestamp",
      `Unix seconds in canonical decimal (no sign, no leading zero), signed exactly as sent; refused when more than ${WEBHOOK_TOLERANCE_SECONDS} s from the server's clock.`,
      { type: "string", pattern: "^(0|[1-9][0-9]{0,11})$" },
      "1767225600",
    ),
    required: true,
  },
  WebhookSignature: {
    ...header(
      "webhook-signature",
      "Space-separated v1,<base64 HMAC-SHA256> signatures (at most 8 are read); any valid one counts.",
      { type: "string" },
      "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
    ),
    required: true,
  },
  EvaluationRegime: {
    name: "regime",
    in: "query",
    required: false,
    description: "Only this regime of the tenant's pack.",
    schema: { type: "string" },
  },
  EvaluationSince: {
    name: "since",
    in: "query",
    required: false,
    description: "Only outcomes sealed on this UTC day or later (a date, or an RFC 3339 timestamp's day); at most 92 days back.",
    schema: { type: "string", example: "2026-12-07" },
  },
  ChainFrom: {
    name: "from",
    in: "query",
    required: false,
    description: "First sequence number to return.",
    schema: intSchema(0, Number.MAX_SAFE_INTEGER, { default: 0 }),
  },
  ChainLimit: {
    name: "limit",
    in: "query",
    required: false,
    description: "Entries to return at most.",
    schema: intSchema(1, CHAIN_LIMIT_MAX, { default: CHAIN_LIMIT_DEFAULT }),
  },
  UsageHours: {
    name: "hours",
    in: "query",
    required: false,
    description: "Hours to cover, the current one included.",
    schema: intSchema(1, USAGE_HOURS_MAX, { default: USAGE_HOURS_DEFAULT }),
  },
  RecentLimit: {
    name: "limit",
    in: "query",
    required: false,
    description: "Decisions to return at most.",
    schema: intSchema(1, RECENT_DECISIONS_MAX, { default: RECENT_DECISIONS_DEFAULT }),
  },
  Seq: {
    name: "seq",
    in: "path",
    required: true,
    description: "The entry's sequence number.",
    schema: intSchema(0, Number.MAX_SAFE_INTEGER),
    example: 0,
  },
  DecisionId: {
    name: "id",
    in: "path",
    required: true,
    description: "The decision_id that /v1/decide answered (a UUID).",
    schema: { type: "string", format: "uuid" },
    example: "0b7f4b1e-4c59-4e51-9d60-5b9b8f5e2a10",
  },
  CalybrisRegime: header(
    "Calybris-Regime",
    `The regime of a calybris/auto request; else the tenant's default regime, else ${LLM_PROXY_DEFAULTS.regime}.`,
    { type: "string" },
    "coding",
  ),
  CalybrisValueMicros: {
    ...header(
      "Calybris-Value-Micros",
      "Required. What a successful answer is worth to you, integer microcents (as value_micros of /v1/decide).",
      { type: "string", pattern: "^(0|[1-9][0-9]{0,15})$" },
      "5000000",
    ),
    required: true,
  },
  CalybrisRiskBps: {
    ...header(
      "Calybris-Risk-Bps",
      "Required. How much of the value a failure puts at risk, basis points (as risk_bps).",
      { type: "string", pattern: "^(0|[1-9][0-9]{0,4})$" },
      "1000",
    ),
    required: true,
  },
  CalybrisQualityFloorBps: header(
    "Calybris-Quality-Floor-Bps",
    "Your own quality floor, basis points; it always wins over a learned one.",
    { type: "string", pattern: "^[0-9]+$" },
  ),
  CalybrisMaxCostMicros: header("Calybris-Max-Cost-Micros", "A cap on the worst-case cost, integer microcents.", {
    type: "string",
    pattern: "^[0-9]+$",
  }),
  CalybrisMaxLatencyMs: header("Calybris-Max-Latency-Ms", "A cap on the model's typical latency, milliseconds.", {
    type: "string",
    pattern: "^[0-9]+$",
  }),
  CalybrisCapabilities: header(
    "Calybris-Capabilities",
    "Comma-separated capabilities every candidate must have (tools, json, vision, reasoning, long_context, code).",
    { type: "string" },
    "json,code",
  ),
  CalybrisProvidersAllow: header(
    "Calybris-Providers-Allow",
    "Comma-separated providers to choose among.",
    { type: "string" },
    "openai,anthropic",
  ),
  CalybrisProvidersDeny: header("Calybris-Providers-Deny", "Comma-separated providers never to choose.", { type: "string" }, "meta"),
  CalybrisTenantChoice: header(
    "Calybris-Tenant-Choice",
    "Apprentice mode: the catalog model your own routing chose; it is what is called.",
    { type: "string" },
  ),
  CalybrisRequestId: header("Calybris-Request-Id", "Your id of the request, sealed in the decision (as request_id).", { type: "string" }),
  CalybrisAttemptTimeoutMs: header(
    "Calybris-Attempt-Timeout-Ms",
    "Shortens (never lengthens) the deployment's PROVIDER_TIMEOUT_MS for each provider attempt, milliseconds.",
    { type: "string", pattern: "^[1-9][0-9]{0,8}$" },
    "10000",
  ),
  ProviderName: {
    name: "provider",
    in: "path",
    required: true,
    description: "A provider of the llm pack: openai, anthropic, google, deepseek, meta or mistral.",
    schema: { type: "string", enum: ["openai", "anthropic", "google", "deepseek", "meta", "mistral"] },
    example: "openai",
  },
  TenantId: {
    name: "id",
    in: "path",
    required: true,
    description: "The tenant's id; a malformed id answers 404 tenant_unknown.",
    schema: { type: "string", pattern: TENANT_ID.source },
    example: "acme",
  },
} as const satisfies Record<string, JsonObject>;
type ParameterName = keyof typeof PARAMETERS;

const integerText = { type: "string", pattern: "^[0-9]+$" } as const;
const HEADERS = {
  RequestId: {
    description: "The request's id: the Request-Id you sent, else a generated UUID. Quote it when reporting a problem.",
    schema: { type: "string" },
  },
  CalybrisDecision: {
    description:
      "model=<chosen model id>; fp=<decision fingerprint>. In proxy mode the model is the one that answered (a fallback after a failed attempt).",
    schema: { type: "string", pattern: "^model=[^;]+; fp=[0-9a-f]{64}$" },
  },
  RateLimitLimit: { description: "Requests of this route allowed per window (draft-ietf-httpapi-ratelimit-headers).", schema: integerText },
  RateLimitRemaining: { description: "Requests of this route left in the current window.", schema: integerText },
  RateLimitReset: { description: "Seconds until the window resets.", schema: integerText },
  RateLimitPolicy: { description: "<limit>;w=60: the limit per 60 s window.", schema: { type: "string" } },
  RetryAfter: { description: "Seconds to wait before retrying (RFC 9110 10.2.3).", required: true, schema: integerText },
  Link: { description: 'RFC 8288 link to the next page, rel="next"; absent on the last page.', schema: { type: "string" } },
  CalybrisChainSize: { description: "Entries in the chain when this page was read.", schema: integerText },
  CalybrisTreeSize: { description: "Tree size the checkpoint commits to.", schema: integerText },
  ContentSecurityPolicy: {
    description: "default-src 'none'; the page's own inline script and style are allowed by hash; connect-src 'self'.",
    schema: { type: "string" },
  },
} as const satisfies Record<string, JsonObject>;
type HeaderName = keyof typeof HEADERS;

const SECURITY_SCHEMES = {
  ApiKey: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "cal_live_<tenant id>_<secret>",
    description: "A tenant's API key from the admin API. Every failure is one 401 unauthorized.",
  },
  AdminToken: {
    type: "http",
    scheme: "bearer",
    description: "The deployment's ADMIN_TOKEN secret (16 characters or more). Every failure is one 401 admin_unauthorized.",
  },
} as const;

type Auth = "none" | "api_key" | "admin";
const SECURITY: Record<Auth, Json> = { none: [], api_key: [{ ApiKey: [] }], admin: [{ AdminToken: [] }] };

interface Operation {
  readonly method: "get" | "post" | "put" | "patch" | "delete";
  readonly path: string;
  readonly id: string;
  readonly tag: "system" | "decisions" | "ledger" | "learning" | "admin";
  readonly summary: string;
  readonly description?: string;
  readonly auth: Auth;
  readonly parameters?: readonly ParameterName[];
  readonly body?: { readonly schema: SchemaName; readonly example: Json; readonly limitBytes?: number };
  readonly ok: {
    readonly status: "200" | "201";
    readonly description: string;
    readonly content: JsonObject;
    readonly headers?: readonly HeaderName[];
  };
  /** The problems this operation answers beyond those its auth and body imply. */
  readonly problems: readonly ProblemCode[];
  /** Answers after the rate limiter carry RateLimit-* headers; 429 adds Retry-After. */
  readonly rateLimited?: boolean;
  readonly extensions?: JsonObject;
}

const json = (schema: SchemaName): JsonObject => ({ "application/json": { schema: ref("schemas", schema) } });
// Gate 1 (request_out_of_bounds) is absent: the zod schema holds every field to the kernel's
// bounds, so an out-of-range value is a 400 request_malformed before the kernel runs.
const GATES = [
  "risk_above_ceiling",
  "regime_unknown",
  "context_window_exceeded",
  "provider_rules_exclude_all",
  "capabilities_unavailable",
  "latency_budget_unreachable",
  "quality_floor_unreachable",
  "cost_cap_exceeded",
  "budget_exhausted",
] as const satisfies readonly ProblemCode[];
const WRITE = ["record_invalid", "storage_unavailable", "ledger_integrity_failed"] as const satisfies readonly ProblemCode[];
const FINGERPRINT_EXAMPLE = "3b2c5e0f9d8a7c6b5a4938271605f4e3d2c1b0a99887766554433221100ffeed";
const SIGNING_RULE = [
  "Sent as a Standard Webhooks request (https://www.standardwebhooks.com) signed with the tenant's webhook secret `whsec_<base64>`:",
  '`webhook-signature = "v1," + base64(HMAC-SHA256(key = base64-decode(secret without "whsec_"), message = webhook-id + "." + webhook-timestamp + "." + raw body))`.',
  `webhook-timestamp is Unix seconds in canonical decimal within ${WEBHOOK_TOLERANCE_SECONDS} s of the server's clock, signed exactly as sent. A repeated webhook-id with the same body answers its first result again (replayed: true); with another body it is 422 webhook_id_reused.`,
  "execution.model must be the decision's served model or one of its fallbacks (in apprentice mode: your tenant_choice), else 422 outcome_model_not_offered. A suspended tenant may still settle the outcomes of decisions made before the suspension.",
  "Settlement releases the decision's reservation, then charges the actual cost up to what is available; the rest is uncollected_micros, so the available budget never goes below zero. An outcome after the reservation expired is still charged.",
].join("\n\n");

const OPERATIONS: readonly Operation[] = [
  {
    method: "get",
    path: "/",
    id: "getLanding",
    tag: "system",
    summary: "What Calybris is, with links to this reference (HTML)",
    auth: "none",
    ok: {
      status: "200",
      description: "A static page without scripts.",
      content: { "text/html": { schema: { type: "string" } } },
      headers: ["ContentSecurityPolicy"],
    },
    problems: [],
  },
  {
    method: "get",
    path: "/health",
    id: "getHealth",
    tag: "system",
    summary: "Liveness and configuration",
    description:
      '200 when the worker answers and its secrets and variables are valid; otherwise 503 configuration_invalid, whose reasons name each setting to fix (README, "Deploying").',
    auth: "none",
    ok: { status: "200", description: "The worker answers and is configured.", content: json("Health") },
    problems: ["configuration_invalid"],
  },
  {
    method: "get",
    path: "/openapi.json",
    id: "getOpenApi",
    tag: "system",
    summary: "This OpenAPI 3.1 document",
    auth: "none",
    ok: { status: "200", description: "The document.", content: { "application/json": { schema: { type: "object" } } } },
    problems: [],
  },
  {
    method: "get",
    path: "/docs",
    id: "getDocs",
    tag: "system",
    summary: "Interactive API reference (HTML)",
    auth: "none",
    ok: {
      status: "200",
      description: "A self-contained page: no external scripts, styles or fonts.",
      content: { "text/html": { schema: { type: "string" } } },
      headers: ["ContentSecurityPolicy"],
    },
    problems: [],
  },
  {
    method: "get",
    path: "/dashboard",
    id: "getDashboard",
    tag: "system",
    summary: "The dashboard (HTML): budget, savings and regret, routing mix, regimes, policy, proofs, recent decisions",
    description:
      "Asks for an API key (kept in sessionStorage, sent as a Bearer token) and optionally the admin token, which adds promote, roll back and discard. Its script is /dashboard/app.js; it verifies inclusion proofs and checkpoint signatures in the browser. Content-Security-Policy: no inline script, Trusted Types with no policy.",
    auth: "none",
    ok: {
      status: "200",
      description: "The page.",
      content: { "text/html": { schema: { type: "string" } } },
      headers: ["ContentSecurityPolicy"],
    },
    problems: [],
  },
  {
    method: "get",
    path: "/dashboard/app.js",
    id: "getDashboardScript",
    tag: "system",
    summary: "The dashboard's script (bundled from src/dashboard with uPlot)",
    auth: "none",
    ok: { status: "200", description: "JavaScript.", content: { "text/javascript": { schema: { type: "string" } } } },
    problems: [],
  },
  {
    method: "post",
    path: "/v1/decide",
    id: "decide",
    tag: "decisions",
    summary: "Choose a model for a request, reserve its worst-case cost, seal the decision",
    description:
      "Runs the gates in order; the first that fails refuses the request. Every decision is sealed in the tenant's chain before the answer leaves, and so is a refusal by a gate: its problem carries decision_id, fingerprint, seq and gates. Only tenant_suspended is refused without an entry. The reservation is released after the reservation TTL unless an outcome settles it. In apprentice mode tenant_choice is required and is what is served; the kernel's own choice is reported under apprentice.",
    auth: "api_key",
    parameters: ["IdempotencyKey"],
    rateLimited: true,
    body: {
      schema: "DecideRequest",
      example: { regime: "coding", input_tokens: 1200, max_output_tokens: 800, value_micros: 5_000_000, risk_bps: 1000 },
    },
    ok: {
      status: "200",
      description: "The chosen model, its fallbacks and the sealed decision.",
      content: json("DecideResponse"),
      headers: ["CalybrisDecision"],
    },
    problems: ["tenant_suspended", ...GATES, "idempotency_key_reused", "rate_limited", "policy_unavailable", ...WRITE],
  },
  {
    method: "post",
    path: "/v1/outcomes",
    id: "recordOutcome",
    tag: "decisions",
    summary: "Report what a decision's execution cost and achieved (signed webhook)",
    description: SIGNING_RULE,
    auth: "api_key",
    parameters: ["WebhookId", "WebhookTimestamp", "WebhookSignature"],
    body: {
      schema: "OutcomeRequest",
      example: {
        decision_fingerprint: FINGERPRINT_EXAMPLE,
        execution: { model: "gpt-4.1-mini", input_tokens: 1200, output_tokens: 500, latency_ms: 900, actual_cost_micros: 1000 },
        outcome: { success: true, quality_bps: 9000 },
      },
    },
    ok: { status: "200", description: "The settled outcome.", content: json("OutcomeResponse") },
    rateLimited: true,
    problems: [
      "webhook_headers_missing",
      "webhook_timestamp_stale",
      "webhook_signature_invalid",
      "webhook_id_reused",
      "decision_unknown",
      "decision_not_reserved",
      "outcome_model_not_offered",
      "outcome_already_recorded",
      "rate_limited",
      ...WRITE,
    ],
    extensions: {
      "x-webhook-signature": {
        spec: "https://www.standardwebhooks.com",
        algorithm: "HMAC-SHA256",
        message: "{webhook-id}.{webhook-timestamp}.{body}",
        secretPrefix: "whsec_",
        header: "v1,{base64}",
        toleranceSeconds: WEBHOOK_TOLERANCE_SECONDS,
      },
    },
  },
  {
    method: "post",
    path: "/v1/chat/completions",
    id: "chatCompletions",
    tag: "decisions",
    summary: "Proxy mode: an OpenAI Chat Completions request, decided, called and settled",
    description: [
      "Decides exactly as POST /v1/decide does, on the terms in the Calybris-* headers: `model` is calybris/auto (regime from Calybris-Regime, else the tenant's default) or calybris/<regime>; the reservation covers max_tokens (or max_completion_tokens; without either, the llm pack's default bound of " +
        `${LLM_PROXY_DEFAULTS.maxOutputTokens} tokens, which is also sent to the provider) at the chosen model's list price. Only providers with a key (the tenant's own, else the deployment's) are offered to the kernel.`,
      "Then it calls the chosen model's provider (OpenAI-compatible, Anthropic Messages or Gemini, translated both ways) and answers in OpenAI's format, JSON or (stream: true) Server-Sent Events. On 429, 5xx or a timeout it falls back to the kernel's next ranked option, at most three attempts. Every attempt is sealed as an `execution` entry (docs/chain-format.md); the last settles the reservation from the usage the provider reported, at list prices. A stream cut midway settles what it delivered. Calybris-Decision names the model that answered and the decision's fingerprint: send quality feedback to POST /v1/feedback.",
      `Refused by name (400 parameter_unsupported): ${UNSUPPORTED_PARAMETERS.join(", ")}, n other than 1, tool messages and non-text content parts. When every attempt fails, 4xx/5xx provider_error keeps the last provider's status (upstream_status) and names it (provider); a provider's 4xx other than 429 is passed through without fallback; a timeout is 504.`,
    ].join("\n\n"),
    auth: "api_key",
    parameters: [
      "CalybrisRegime",
      "CalybrisValueMicros",
      "CalybrisRiskBps",
      "CalybrisQualityFloorBps",
      "CalybrisMaxCostMicros",
      "CalybrisMaxLatencyMs",
      "CalybrisCapabilities",
      "CalybrisProvidersAllow",
      "CalybrisProvidersDeny",
      "CalybrisTenantChoice",
      "CalybrisRequestId",
      "CalybrisAttemptTimeoutMs",
    ],
    rateLimited: true,
    body: {
      schema: "ChatCompletionRequest",
      example: { model: "calybris/auto", messages: [{ role: "user", content: "How do I reset my password?" }], max_tokens: 400 },
      limitBytes: PROXY_BODY_LIMIT_BYTES,
    },
    ok: {
      status: "200",
      description: "The provider's answer in OpenAI's format (application/json, or text/event-stream with stream: true).",
      content: { ...json("ChatCompletionResponse"), "text/event-stream": { schema: { type: "string" } } },
      headers: ["CalybrisDecision"],
    },
    problems: [
      "tenant_suspended",
      ...GATES,
      "parameter_unsupported",
      "model_unknown",
      "provider_error",
      "rate_limited",
      "policy_unavailable",
      ...WRITE,
    ],
  },
  {
    method: "post",
    path: "/v1/feedback",
    id: "recordFeedback",
    tag: "decisions",
    summary: "Quality feedback on a decision the proxy executed (API key alone)",
    description:
      "Names the decision by the fingerprint of its Calybris-Decision header. The proxy already settled the cost, so nothing here moves money: the feedback is sealed as an outcome carrying the execution's settlement (settled_seq) and learned once. The same body again answers the first result (replayed: true); another body is 409 outcome_already_recorded. A signed POST /v1/outcomes without execution does the same.",
    auth: "api_key",
    rateLimited: true,
    body: {
      schema: "FeedbackRequest",
      example: { decision_fingerprint: FINGERPRINT_EXAMPLE, outcome: { success: true, quality_bps: 9000 } },
    },
    ok: {
      status: "200",
      description: "The sealed feedback (committed_micros and released_micros are 0).",
      content: json("OutcomeResponse"),
    },
    problems: ["decision_unknown", "decision_not_executed", "outcome_already_recorded", "rate_limited", ...WRITE],
  },
  {
    method: "post",
    path: "/v1/decisions/{id}/release",
    id: "releaseDecision",
    tag: "decisions",
    summary: "Release a decision's reservation you will not use",
    description:
      "Returns the reserved worst-case cost to the available budget now instead of at expiry. Idempotent: releasing again answers the first release (replayed: true). A decision that already has an outcome, or whose reservation expired, is 409 reservation_already_resolved.",
    auth: "api_key",
    parameters: ["DecisionId"],
    ok: { status: "200", description: "The release, sealed in the chain.", content: json("ReleaseResponse") },
    rateLimited: true,
    problems: ["reservation_unknown", "reservation_already_resolved", "rate_limited", ...WRITE],
  },
  {
    method: "get",
    path: "/v1/budget",
    id: "getBudget",
    tag: "ledger",
    summary: "The tenant's budget",
    description: "credited = committed + reserved + available, in microcents.",
    auth: "api_key",
    ok: { status: "200", description: "The budget.", content: json("BudgetResponse") },
    problems: [],
  },
  {
    method: "get",
    path: "/v1/chain",
    id: "getChain",
    tag: "ledger",
    summary: "Export the hash-chained log as JSON lines",
    description:
      "One entry per line: the JCS (RFC 8785) of {fp, kind, prev, record, seq, ts}, where fp = SHA-256(prev || JCS({kind, prev, record, seq, ts})) and kind is decision, outcome, budget, checkpoint or policy. Follow the Link header for the next page. The format is specified in docs/chain-format.md.",
    auth: "api_key",
    parameters: ["ChainFrom", "ChainLimit"],
    ok: {
      status: "200",
      description: "Entries from `from`, at most `limit`.",
      content: { "application/x-ndjson": { schema: { type: "string", description: "newline-terminated JSON lines" } } },
      headers: ["Link", "CalybrisChainSize"],
    },
    problems: ["request_malformed"],
  },
  {
    method: "get",
    path: "/v1/chain/proof/{seq}",
    id: "getInclusionProof",
    tag: "ledger",
    summary: "Merkle inclusion proof of one entry (RFC 9162)",
    description: "Proves the entry against the latest signed checkpoint when it covers the entry, else against the live tree.",
    auth: "api_key",
    parameters: ["Seq"],
    ok: { status: "200", description: "The proof.", content: json("ProofResponse") },
    problems: ["request_malformed", "entry_not_found"],
  },
  {
    method: "get",
    path: "/v1/checkpoints/latest",
    id: "getLatestCheckpoint",
    tag: "ledger",
    summary: "The latest signed checkpoint",
    description: "A C2SP tlog-checkpoint in a C2SP signed note, signed with Ed25519; verify it with the key of GET /v1/keys.",
    auth: "api_key",
    ok: {
      status: "200",
      description: "The signed note.",
      content: { "text/plain": { schema: { type: "string" } } },
      headers: ["CalybrisTreeSize"],
    },
    problems: ["checkpoint_not_found"],
  },
  {
    method: "get",
    path: "/v1/regimes",
    id: "getRegimes",
    tag: "learning",
    summary: "What the Learner knows per regime",
    description:
      "Per regime: the quality floor and where it came from, the Beta posterior of each model tier and the request statistics the anomaly check uses. Reports may hold floats; decisions never do.",
    auth: "api_key",
    ok: { status: "200", description: "The tenant's current policy snapshot, as a report.", content: json("RegimesResponse") },
    problems: [],
  },
  {
    method: "get",
    path: "/v1/evaluation",
    id: "getEvaluation",
    tag: "learning",
    summary: "Regret and off-policy estimates on your own sealed log",
    description:
      "Doubly robust, IPS and SNIPS estimates of net value per decision (business outcome or value x quality - cost - latency penalty), each with a 95 % interval, for production, the holdout baseline, every fixed option per regime and the staged candidate; the regret of production against the best fixed option; a calibration reliability table with warnings; and counts. Importance weights are capped at 20. Kept up to date per outcome by the Learner; `calybris evaluate <export> --json` recomputes the same JSON from a chain export.",
    auth: "api_key",
    parameters: ["EvaluationRegime", "EvaluationSince"],
    ok: { status: "200", description: "The evaluation.", content: json("EvaluationResponse") },
    problems: ["request_malformed", "policy_unavailable"],
  },
  {
    method: "get",
    path: "/v1/apprentice",
    id: "getApprenticeReport",
    tag: "learning",
    summary: "How often Calybris agreed with your own routing",
    description:
      "In apprentice mode your tenant_choice is served and the kernel's choice is only recorded; this reports their agreement and the estimated savings of following the kernel.",
    auth: "api_key",
    ok: { status: "200", description: "The apprentice report.", content: json("ApprenticeResponse") },
    problems: [],
  },
  {
    method: "get",
    path: "/v1/usage",
    id: "getUsage",
    tag: "ledger",
    summary: "Decisions and settled spend per hour, regime and model",
    description:
      "Hourly buckets the ledger keeps in the transaction that seals each decision and settles each outcome (the dashboard's spend and routing-mix series). A decision counts in the hour it was sealed under the option served (null when refused); a settlement adds its charge to the hour it settled in, under the model that ran. Reads a bounded range of hours, never the log. Hours without activity have no bucket.",
    auth: "api_key",
    parameters: ["UsageHours"],
    ok: { status: "200", description: "The buckets of the hours asked for.", content: json("UsageResponse") },
    problems: ["request_malformed"],
  },
  {
    method: "get",
    path: "/v1/decisions/recent",
    id: "getRecentDecisions",
    tag: "decisions",
    summary: "The latest decisions with their explanation",
    description:
      "Newest first, read from a bounded window at the chain's tail (8 entries per decision asked for, at least 32), so it may answer fewer than `limit`. Each served decision carries the /v1/decide answer its entry proves: gate verdicts, the served model's utility terms and the runner-up; a refused one its problem code and gate verdicts.",
    auth: "api_key",
    parameters: ["RecentLimit"],
    ok: { status: "200", description: "The decisions.", content: json("RecentDecisionsResponse") },
    problems: ["request_malformed"],
  },
  {
    method: "get",
    path: "/v1/policy",
    id: "getPolicy",
    tag: "learning",
    summary: "The policy lifecycle: configuration in force, history, staged candidate and its gate",
    description:
      "Read only, with the tenant's API key: staging, promoting, rolling back and discarding stay admin routes (/admin/tenants/{id}/candidates...).",
    auth: "api_key",
    ok: { status: "200", description: "The lifecycle.", content: json("PolicyResponse") },
    problems: ["policy_unavailable"],
  },
  {
    method: "get",
    path: "/v1/keys",
    id: "getVerifierKey",
    tag: "ledger",
    summary: "The public key that verifies checkpoints",
    auth: "none",
    ok: { status: "200", description: "The verifier key.", content: json("VerifierKeyResponse") },
    problems: ["signing_key_missing"],
  },
  {
    method: "post",
    path: "/admin/tenants",
    id: "createTenant",
    tag: "admin",
    summary: "Create a tenant; returns its API key and webhook secret once",
    auth: "admin",
    body: { schema: "CreateTenantRequest", example: { tenant_id: "acme", name: "Acme", initial_budget_micros: 100_000_000 } },
    ok: {
      status: "201",
      description: `The tenant, created (rate limit ${RATE_LIMIT_PER_MINUTE_DEFAULT} writes per minute and route unless given).`,
      content: json("CreateTenantResponse"),
    },
    problems: ["tenant_exists", ...WRITE],
  },
  {
    method: "get",
    path: "/admin/tenants/{id}",
    id: "getTenant",
    tag: "admin",
    summary: "A tenant's settings and budget",
    auth: "admin",
    parameters: ["TenantId"],
    ok: { status: "200", description: "The tenant.", content: json("AdminTenantResponse") },
    problems: ["tenant_unknown", "ledger_integrity_failed"],
  },
  {
    method: "patch",
    path: "/admin/tenants/{id}",
    id: "updateTenantSettings",
    tag: "admin",
    summary: "Change a tenant's rate limit",
    auth: "admin",
    parameters: ["TenantId"],
    description: `Sets the writes per minute that each of POST /v1/decide, /v1/outcomes and /v1/decisions/{id}/release allows this tenant (${RATE_LIMIT_PER_MINUTE_MIN} to ${RATE_LIMIT_PER_MINUTE_MAX}). The change is sealed in the tenant's chain and applies to the next request.`,
    body: { schema: "TenantSettingsRequest", example: { rate_limit_per_minute: 120_000 } },
    ok: { status: "200", description: "The new limit and the entry that sealed it.", content: json("TenantSettingsResponse") },
    problems: ["tenant_unknown", ...WRITE],
  },
  {
    method: "post",
    path: "/admin/tenants/{id}/api-key",
    id: "rotateApiKey",
    tag: "admin",
    summary: "Rotate the API key",
    auth: "admin",
    parameters: ["TenantId"],
    ok: { status: "200", description: "The new key, shown once.", content: json("RotateApiKeyResponse") },
    problems: ["tenant_unknown", ...WRITE],
  },
  {
    method: "post",
    path: "/admin/tenants/{id}/webhook-secret",
    id: "rotateWebhookSecret",
    tag: "admin",
    summary: "Rotate the webhook secret",
    auth: "admin",
    parameters: ["TenantId"],
    ok: { status: "200", description: "The new secret, shown once.", content: json("RotateWebhookSecretResponse") },
    problems: ["tenant_unknown", ...WRITE],
  },
  {
    method: "post",
    path: "/admin/tenants/{id}/suspend",
    id: "suspendTenant",
    tag: "admin",
    summary: "Suspend: no more decisions",
    auth: "admin",
    parameters: ["TenantId"],
    ok: { status: "200", description: "Suspended.", content: json("TenantStatusResponse") },
    problems: ["tenant_unknown", ...WRITE],
  },
  {
    method: "post",
    path: "/admin/tenants/{id}/resume",
    id: "resumeTenant",
    tag: "admin",
    summary: "Resume a suspended tenant",
    auth: "admin",
    parameters: ["TenantId"],
    ok: { status: "200", description: "Active.", content: json("TenantStatusResponse") },
    problems: ["tenant_unknown", ...WRITE],
  },
  {
    method: "post",
    path: "/admin/tenants/{id}/mode",
    id: "setTenantMode",
    tag: "admin",
    summary: "Switch between live and apprentice mode",
    auth: "admin",
    parameters: ["TenantId"],
    body: { schema: "ModeRequest", example: { mode: "apprentice" } },
    ok: { status: "200", description: "The mode.", content: json("TenantModeResponse") },
    problems: ["tenant_unknown", ...WRITE],
  },
  {
    method: "post",
    path: "/admin/tenants/{id}/policy",
    id: "setTenantPolicy",
    tag: "admin",
    summary: "Set the tenant's exploration and holdout shares (0 allowed for both)",
    auth: "admin",
    parameters: ["TenantId"],
    body: { schema: "PolicySettingsRequest", example: { exploration_bps: 0, holdout_bps: 0 } },
    ok: { status: "200", description: "The settings and the snapshot that carries them.", content: json("PolicySettingsResponse") },
    problems: ["tenant_unknown", "lifecycle_active", ...WRITE],
  },
  {
    method: "post",
    path: "/admin/tenants/{id}/candidates",
    id: "stageCandidate",
    tag: "admin",
    summary: "Stage one candidate policy configuration: it runs in shadow on every live decision",
    description:
      "Fields left out keep the current configuration's. One candidate at a time (409 candidate_already_staged). The transition is sealed as a `policy` chain entry. Once a tenant has a lifecycle, POST /admin/tenants/{id}/policy answers 409 lifecycle_active.",
    auth: "admin",
    parameters: ["TenantId"],
    body: { schema: "CandidateRequest", example: { exploration_bps: 1_000, holdout_bps: 0 } },
    ok: { status: "201", description: "The lifecycle with the staged candidate.", content: json("LifecycleResponse") },
    problems: [
      "tenant_unknown",
      "request_malformed",
      "candidate_already_staged",
      "candidate_same_as_current",
      "policy_unavailable",
      ...WRITE,
    ],
  },
  {
    method: "get",
    path: "/admin/tenants/{id}/candidates/current",
    id: "getCandidate",
    tag: "admin",
    summary: "The staged candidate: decisions in shadow, mismatches per regime, paired OPE against production, the gate",
    auth: "admin",
    parameters: ["TenantId"],
    ok: { status: "200", description: "The candidate and the gate's verdict on each criterion.", content: json("CandidateStatusResponse") },
    problems: ["tenant_unknown", "no_candidate_staged", "policy_unavailable"],
  },
  {
    method: "delete",
    path: "/admin/tenants/{id}/candidates/current",
    id: "discardCandidate",
    tag: "admin",
    summary: "Discard the staged candidate",
    auth: "admin",
    parameters: ["TenantId"],
    ok: { status: "200", description: "The lifecycle without a candidate.", content: json("LifecycleResponse") },
    problems: ["tenant_unknown", "no_candidate_staged", "policy_unavailable", ...WRITE],
  },
  {
    method: "post",
    path: "/admin/tenants/{id}/candidates/current/promote",
    id: "promoteCandidate",
    tag: "admin",
    summary: "Promote the staged candidate through the gate, or by force with a reason that is sealed",
    auth: "admin",
    parameters: ["TenantId"],
    body: { schema: "PromoteRequest", example: {} },
    ok: {
      status: "200",
      description: "The lifecycle with the candidate as the current configuration.",
      content: json("LifecycleResponse"),
    },
    problems: [
      "tenant_unknown",
      "request_malformed",
      "no_candidate_staged",
      "gate_not_passed",
      "force_reason_missing",
      "force_reason_malformed",
      "policy_unavailable",
      ...WRITE,
    ],
  },
  {
    method: "post",
    path: "/admin/tenants/{id}/rollback",
    id: "rollbackConfiguration",
    tag: "admin",
    summary: "Return to the previous configuration, exactly (same configuration hash)",
    auth: "admin",
    parameters: ["TenantId"],
    ok: { status: "200", description: "The lifecycle after the rollback.", content: json("LifecycleResponse") },
    problems: ["tenant_unknown", "candidate_still_staged", "no_previous_configuration", "policy_unavailable", ...WRITE],
  },
  {
    method: "post",
    path: "/admin/tenants/{id}/top-ups",
    id: "topUp",
    tag: "admin",
    summary: "Add budget; idempotent by top_up_id",
    auth: "admin",
    parameters: ["TenantId"],
    body: { schema: "TopUpRequest", example: { top_up_id: "invoice-2026-0001", amount_micros: 50_000_000 } },
    ok: {
      status: "200",
      description: "The budget after the top-up (replayed: true when this top_up_id was already applied).",
      content: json("TopUpResponse"),
    },
    problems: ["tenant_unknown", "idempotency_key_reused", "balance_limit_exceeded", ...WRITE],
  },
  {
    method: "get",
    path: "/admin/tenants/{id}/proxy",
    id: "getProxySettings",
    tag: "admin",
    summary: "Proxy mode: the tenant's default regime and which providers have a key",
    auth: "admin",
    parameters: ["TenantId"],
    ok: { status: "200", description: "The settings; never a key or its ciphertext.", content: json("ProxySettingsResponse") },
    problems: ["tenant_unknown", "storage_unavailable", "ledger_integrity_failed"],
  },
  {
    method: "patch",
    path: "/admin/tenants/{id}/proxy",
    id: "setProxySettings",
    tag: "admin",
    summary: "Proxy mode: set the tenant's default regime (null: the pack's)",
    auth: "admin",
    parameters: ["TenantId"],
    body: { schema: "ProxySettingsRequest", example: { default_regime: "coding" } },
    ok: { status: "200", description: "The settings after the change.", content: json("ProxySettingsResponse") },
    problems: ["tenant_unknown", ...WRITE],
  },
  {
    method: "put",
    path: "/admin/tenants/{id}/provider-keys/{provider}",
    id: "putProviderKey",
    tag: "admin",
    summary: "Proxy mode: set the tenant's own key for a provider",
    description:
      "Stored AES-256-GCM encrypted (key derived with HKDF-SHA256 from the PROVIDER_KEY_SECRET secret, the tenant and provider as associated data) in the tenant's ledger; never answered, logged or sealed. It takes the place of the deployment's key for this tenant. 503 configuration_invalid when PROVIDER_KEY_SECRET is missing or shorter than 32 characters.",
    auth: "admin",
    parameters: ["TenantId", "ProviderName"],
    body: { schema: "ProviderKeyRequest", example: { api_key: "sk-proj-0123456789abcdef" } },
    ok: { status: "200", description: "The settings after the change.", content: json("ProxySettingsResponse") },
    problems: ["tenant_unknown", "provider_unknown", "configuration_invalid", ...WRITE],
  },
  {
    method: "delete",
    path: "/admin/tenants/{id}/provider-keys/{provider}",
    id: "deleteProviderKey",
    tag: "admin",
    summary: "Proxy mode: remove the tenant's own key for a provider (the deployment's key serves again)",
    auth: "admin",
    parameters: ["TenantId", "ProviderName"],
    ok: { status: "200", description: "The settings after the change.", content: json("ProxySettingsResponse") },
    problems: ["tenant_unknown", "provider_unknown", ...WRITE],
  },
];

function impliedProblems(op: Operation): ProblemCode[] {
  const codes: ProblemCode[] = ["internal_error"];
  if (op.auth === "api_key") codes.push("unauthorized", "ledger_integrity_failed");
  if (op.auth === "admin") codes.push("admin_unauthorized");
  if (op.body !== undefined) codes.push("request_malformed", "body_not_utf8", "body_too_large", "content_type_unsupported");
  return codes;
}

const RATE_HEADERS = {
  "RateLimit-Limit": ref("headers", "RateLimitLimit"),
  "RateLimit-Remaining": ref("headers", "RateLimitRemaining"),
  "RateLimit-Reset": ref("headers", "RateLimitReset"),
  "RateLimit-Policy": ref("headers", "RateLimitPolicy"),
};
/** Statuses answered before the rate limiter runs, so they never carry its headers. */
const BEFORE_RATE_LIMIT = new Set([401, 413, 415, 500]);

function responseHeaders(op: Operation, status: number, named: readonly HeaderName[] = []): JsonObject {
  const headers: Record<string, Json> = { "Request-Id": ref("headers", "RequestId") };
  // Component names are the wire names without dashes: CalybrisChainSize is Calybris-Chain-Size.
  for (const name of named) headers[name.replace(/([a-z])([A-Z])/g, "$1-$2")] = ref("headers", name);
  if (op.rateLimited === true && !BEFORE_RATE_LIMIT.has(status)) Object.assign(headers, RATE_HEADERS);
  if (status === 429) headers["Retry-After"] = ref("headers", "RetryAfter");
  return headers;
}

function problemResponses(op: Operation): Record<string, Json> {
  const codes = new Set<ProblemCode>([...impliedProblems(op), ...op.problems]);
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of Object.keys(PROBLEMS) as ProblemCode[]) {
    if (codes.has(code)) byStatus.set(PROBLEMS[code].status, [...(byStatus.get(PROBLEMS[code].status) ?? []), code]);
  }
  const responses: Record<string, Json> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: list.map((code) => `- \`${code}\`: ${PROBLEMS[code].title}`).join("\n"),
      headers: responseHeaders(op, status),
      content: { "application/problem+json": { schema: ref("schemas", "Problem") } },
      "x-problem-codes": list,
    };
  }
  return responses;
}

function operationObject(op: Operation): JsonObject {
  const body =
    op.body === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            "x-body-limit-bytes": op.body.limitBytes ?? BODY_LIMIT_BYTES,
            description: `UTF-8 JSON with Content-Type application/json, at most ${op.body.limitBytes ?? BODY_LIMIT_BYTES} bytes. Unknown fields are refused.`,
            content: { "application/json": { schema: ref("schemas", op.body.schema), example: op.body.example } },
          },
        };
  return {
    operationId: op.id,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description === undefined ? {} : { description: op.description }),
    security: SECURITY[op.auth],
    parameters: [...(op.parameters ?? []), "RequestId"].map((name) => ref("parameters", name)),
    ...body,
    responses: {
      [op.ok.status]: {
        description: op.ok.description,
        headers: responseHeaders(op, Number(op.ok.status), op.ok.headers),
        content: op.ok.content,
      },
      ...problemResponses(op),
    },
    ...op.extensions,
  };
}

// Markdown (CommonMark): blocks apart by a blank line, list items one per line.
const DESCRIPTION = [
  "Calybris chooses the model that should serve a request under fail-closed gates and a per-tenant budget, and seals every decision and outcome in a hash-chained, signed ledger.",
  "## Authentication",
  [
    "- `/v1/*` except `/v1/keys`: `Authorization: Bearer cal_live_<tenant id>_<secret>` (the ApiKey scheme).",
    "- `/admin/*`: `Authorization: Bearer <ADMIN_TOKEN>` (the AdminToken scheme).",
    "- The scheme name is case-insensitive (RFC 9110 11.1): `bearer` is `Bearer`.",
    "- `POST /v1/outcomes` is also signed as a Standard Webhooks request with the tenant's webhook secret.",
  ].join("\n"),
  "## Units",
  [
    "- `*_micros`: integer microcents; 1 USD = 100,000,000 microcents. Every amount is a safe integer, at most 2^53 - 1.",
    "- `*_bps`: basis points, 0 to 10,000 (10,000 bps = 100 %). `*_ms`: milliseconds. `*_tokens`: tokens.",
  ].join("\n"),
  "## Requests",
  [
    `- JSON bodies: Content-Type application/json, strict UTF-8, at most ${BODY_LIMIT_BYTES} bytes (413 body_too_large above). A charset parameter other than utf-8 is 415 content_type_unsupported. Unknown fields, a member name given twice in one object, strings with a lone surrogate, non-integers and -0 are refused with 400 request_malformed.`,
    "- Answers may gain fields in a compatible release: ignore fields you do not know.",
    "- Send `Request-Id` to correlate a request with the logs; every answer carries one. CORS allows any origin; preflight OPTIONS answers 204.",
  ].join("\n"),
  "## Errors",
  `Every error is RFC 9457 application/problem+json with a stable \`code\`; \`type\` is ${PROBLEM_TYPE_BASE}<code>. \`x-problem-codes\` maps every code to its status and title. Unknown paths answer 404 not_found; another method on a known path answers 405 method_not_allowed with an Allow header.`,
  "## Rate limits",
  `The routes that write (POST /v1/decide, /v1/outcomes, /v1/decisions/{id}/release) are limited per tenant and route (${RATE_LIMIT_PER_MINUTE_DEFAULT} per minute unless configured; an admin changes it with PATCH /admin/tenants/{id}). Their answers carry RateLimit-Limit, -Remaining, -Reset and -Policy; a refusal is 429 rate_limited with Retry-After. An idempotent replay (a stored Idempotency-Key, webhook-id or release) writes nothing and spends nothing.`,
].join("\n\n");

function buildDocument(): JsonObject {
  const paths: Record<string, Record<string, Json>> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op);
  const schemas = Object.fromEntries(Object.keys(SCHEMAS).map((name) => [name, jsonSchema(name as SchemaName)]));
  const codeTable = Object.fromEntries(
    Object.entries(PROBLEMS).map(([code, spec]) => [code, { status: spec.status, title: spec.title, type: `${PROBLEM_TYPE_BASE}${code}` }]),
  );
  return {
    openapi: "3.1.0",
    info: {
      title: "Calybris API",
      version: API_VERSION,
      summary: "A decision engine for model routing with budgets and a verifiable ledger.",
      description: DESCRIPTION,
    },
    servers: [{ url: "/", description: "This deployment" }],
    tags: [
      { name: "decisions", description: "Decide, then report the outcome." },
      { name: "ledger", description: "Read the budget and the verifiable chain." },
      { name: "learning", description: "What the Learner has learned from outcomes." },
      { name: "admin", description: "Operate tenants (admin token)." },
      { name: "system", description: "Health and this reference." },
    ],
    paths,
    components: { schemas, parameters: PARAMETERS, headers: HEADERS, securitySchemes: SECURITY_SCHEMES },
    "x-problem-codes": codeTable,
    "x-units": {
      micros: "integer microcents; 1 USD = 100,000,000",
      bps: "basis points; 10,000 = 100 %",
      ms: "milliseconds",
      tokens: "tokens",
    },
    "x-body-limit-bytes": BODY_LIMIT_BYTES,
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

let built: JsonObject | null = null;

/** The document, built on first use and shared (frozen) by every request of this isolate. */
export function openApiDocument(): JsonObject {
  built ??= deepFreeze(JSON.parse(JSON.stringify(buildDocument())) as JsonObject);
  return built;
}
