// The answer explains the option actually served: a fallback when the budget covers only that,
// the apprentice tenant's own choice otherwise. And the admin's rules (allowed providers, cost
// cap) bind the apprentice's own choice too.

import { describe, expect, it } from "vitest";
import { prepareDecision } from "../../../src/decision/decide-step.ts";
import { decisionSeed, isHoldout } from "../../../src/decision/seed.ts";
import { LLM_PACK } from "../../../src/domain/llm/pack.ts";
import { DecisionResult } from "../../../src/kernel/decision-result.ts";
import { Kernel } from "../../../src/kernel/kernel.ts";
import { MASK_ALL, UNSET } from "../../../src/kernel/units.ts";
import { toKernelPolicy } from "../../../src/learning/policy-snapshot.ts";
import { warmStartSnapshot } from "../../../src/learning/warm-start.ts";
import { toKernelRequest } from "../../../src/worker/request-mapping.ts";
import { DecideRequest } from "../../../src/worker/schemas.ts";
import {
  ADMIN_HEADERS,
  bodyText,
  call,
  createTenant,
  decide,
  decideBody,
  expectProblem,
  freshTenantId,
  tenantHeaders,
  type Tenant,
} from "./helpers.ts";
import { DEFAULT_HOLDOUT_BPS } from "../../../src/learning/warm-start.ts";

const WARM = warmStartSnapshot(LLM_PACK);
const RUN = { kernel: new Kernel(LLM_PACK.catalog), out: new DecisionResult() };

/** The ranked options and costs a new tenant's first decision will have (warm start, no anomaly). */
function predictRanking(
  tenantId: string,
  key: string,
  body: Record<string, unknown>,
): { ranked: readonly string[]; costs: readonly number[] } {
  const mapped = toKernelRequest(DecideRequest.parse(body), LLM_PACK);
  if (!mapped.ok) throw new Error(mapped.detail);
  const entry = { snapshot: WARM, policy: toKernelPolicy(WARM) };
  const { record } = prepareDecision({
    pack: LLM_PACK,
    run: RUN,
    learned: entry,
    baseline: entry,
    holdout: isHoldout(tenantId, key, DEFAULT_HOLDOUT_BPS),
    regime: String(body.regime),
    tenant: {
      tenantId,
      name: "",
      status: "active",
      mode: "live",
      pack: "llm",
      allowedProviderMask: MASK_ALL,
      rateLimitPerMinute: 0,
      costCapMicros: UNSET,
      apiKeyId: "",
    },
    request: mapped.value,
    requestId: null,
    tenantChoice: null,
    seedOf: (hash) => decisionSeed(tenantId, key, hash),
  });
  return { ranked: record.result.ranked, costs: record.result.ranked_cost_micros };
}

async function tenantWithBudget(tenantId: string, budgetMicros: number): Promise<Tenant> {
  const body = { tenant_id: tenantId, name: tenantId, initial_budget_micros: budgetMicros };
  const response = await call("/admin/tenants", { method: "POST", headers: ADMIN_HEADERS, body: JSON.stringify(body) });
  const text = await bodyText(response);
  expect(response.status, text).toBe(201);
  const created = JSON.parse(text) as { api_key: string; webhook_secret: string };
  return { tenantId, apiKey: created.api_key, webhookSecret: created.webhook_secret, headers: tenantHeaders(created.api_key) };
}

interface Utility {
  readonly cost_micros: number;
  readonly utility_micros: number;
}

describe("utility.chosen describes the served option", () => {
  it("is the fallback's when the budget fits only a fallback", async () => {
    // Find a request whose ranking has a cheaper fallback below the kernel's choice.
    let found: {
      tenantId: string;
      key: string;
      body: Record<string, unknown>;
      rank: number;
      ranking: ReturnType<typeof predictRanking>;
    } | null = null;
    for (let i = 0; i < 40 && found === null; i++) {
      const tenantId = freshTenantId("fallback");
      const body = decideBody({ regime: ["coding", "support", "compliance"][i % 3], value_micros: 20_000_000 + i * 1_000_000 });
      const ranking = predictRanking(tenantId, "only-key", body);
      const rank = ranking.costs.findIndex((cost) => cost < ranking.costs[0]!);
      if (rank > 0) found = { tenantId, key: "only-key", body, rank, ranking };
    }
    expect(found, "some request ranks a cheaper fallback").not.toBeNull();
    const { tenantId, key, body, rank, ranking } = found!;
    // Exactly the fallback's worst case: every option ranked above it costs more.
    const budget = ranking.costs[rank]!;
    expect(ranking.costs.slice(0, rank).every((cost) => cost > budget)).toBe(true);
    const tenant = await tenantWithBudget(tenantId, budget);
    const response = await decide(tenant, body, { "idempotency-key": key });
    const text = await bodyText(response);
    expect(response.status, text).toBe(200);
    const answer = JSON.parse(text) as {
      model: { id: string };
      served_rank: number;
      reserved_micros: number;
      utility: { chosen: Utility; runner_up: unknown };
    };
    expect(answer.served_rank).toBe(rank);
    expect(answer.model.id).toBe(ranking.ranked[rank]);
    expect(answer.reserved_micros).toBe(budget);
    // The served fallback's own cost term, not the kernel's first choice's.
    expect(answer.utility.chosen.cost_micros).toBe(budget);
    expect(answer.utility.chosen.cost_micros).not.toBe(ranking.costs[0]);
  });
});

describe("apprentice mode keeps the admin's rules", () => {
  it("refuses a choice from a provider the admin did not allow, and one over the cost cap", async () => {
    const tenant = await createTenant("appr-rules", { mode: "apprentice", allowedProviders: ["openai"], costCapMicros: 50_000 });
    const other = await decide(tenant, decideBody({ tenant_choice: "claude-opus-4-20250514" }));
    const refused = await expectProblem(other, "provider_rules_exclude_all");
    expect(refused.detail).toMatch(/admin's rules/);
    // o3 at these sizes costs far more than the 50,000-microcent cap.
    await expectProblem(await decide(tenant, decideBody({ tenant_choice: "o3" })), "cost_cap_exceeded");
    // Within both rules the tenant's choice is served, and the answer explains that choice.
    const allowed = await decide(tenant, decideBody({ tenant_choice: "gpt-4.1-nano", input_tokens: 200, max_output_tokens: 100 }));
    const text = await bodyText(allowed);
    expect(allowed.status, text).toBe(200);
    const answer = JSON.parse(text) as { model: { id: string }; reserved_micros: number; utility: { chosen: Utility | null } };
    expect(answer.model.id).toBe("gpt-4.1-nano");
    if (answer.utility.chosen !== null) expect(answer.utility.chosen.cost_micros).toBe(answer.reserved_micros);
  });
});
