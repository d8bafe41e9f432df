// The policy lifecycle's admin routes (issue 12): stage one candidate configuration, watch it in
// shadow, promote it through the gate (or by force, with a sealed reason), roll back, discard.
// The tenant's ledger runs and seals every transition; the Learner judges the gate from the
// candidate's shadow sums and the ledger's count of its extra refusals.

import { packOf } from "../../domain/packs.ts";
import type { LifecycleAnswer, LifecycleRequest } from "../../durable-objects/ledger-lifecycle.ts";
import type { Estimate } from "../../learning/evaluation/interval.ts";
import type { LifecycleState } from "../../learning/lifecycle/lifecycle-state.ts";
import type { AppContext } from "../app-env.ts";
import { readJson } from "../body.ts";
import { problem, isProblemCode } from "../problem.ts";
import { CandidateRequest, PromoteRequest } from "../schemas.ts";
import { authenticate, forgetTenant, learnerStub, ledgerStub } from "../tenant-access.ts";
import type { TenantView } from "../../durable-objects/ledger-rpc.ts";
import { tenantParam } from "./admin.ts";

function estimateJson(
  estimate: (Pick<Estimate, "estimate" | "n"> & { readonly ci95: readonly number[] }) | null,
): { estimate_micros: number; ci95_micros: [number, number]; n: number } | null {
  return estimate === null
    ? null
    : { estimate_micros: estimate.estimate, ci95_micros: [estimate.ci95[0]!, estimate.ci95[1]!], n: estimate.n };
}

function lifecycleJson(state: LifecycleState) {
  return {
    current: {
      config: state.current.config,
      hash: state.current.hash,
      version: state.current.version,
      promoted_at_ms: state.current.promotedAtMs,
    },
    candidate:
      state.candidate === null
        ? null
        : { config: state.candidate.config, hash: state.candidate.hash, staged_at_ms: state.candidate.stagedAtMs },
    history: state.history.map((entry) => ({ hash: entry.hash, version: entry.version, promoted_at_ms: entry.promotedAtMs })),
  };
}

/** Runs one transition in the ledger; its answer, or the refusal as a problem. */
async function transition(c: AppContext, tenantId: string, request: LifecycleRequest, status: 200 | 201 = 200): Promise<Response> {
  const ledger = ledgerStub(c.env, tenantId);
  const view = await ledger.adminTenant();
  if (!view.ok) return problem(c, view.code, view.detail);
  let answer: LifecycleAnswer;
  try {
    const initial = await learnerStub(c.env, tenantId).currentConfig(view.tenant.pack);
    answer = await ledger.lifecycleTransition(request, initial);
  } catch {
    return problem(c, "policy_unavailable", "the tenant's Learner could not be reached");
  }
  if (!answer.ok) {
    const code = isProblemCode(answer.code) ? answer.code : "request_malformed";
    return problem(c, code, answer.detail, answer.failing === undefined ? {} : { failing: answer.failing });
  }
  // This isolate reads the new configuration at once; others within their one-second cache.
  forgetTenant(tenantId);
  return c.json(
    { tenant_id: tenantId, event: { seq: answer.seq, fingerprint: answer.fingerprint, ...answer.event }, ...lifecycleJson(answer.state) },
    status,
  );
}

/** POST /admin/tenants/:id/candidates: stage one candidate (409 while another is staged). */
export async function stageCandidateRoute(c: AppContext): Promise<Response> {
  const tenantId = tenantParam(c);
  if (tenantId instanceof Response) return tenantId;
  const body = await readJson(c, CandidateRequest);
  if (!body.ok) return body.response;
  return transition(c, tenantId, { op: "stage", config: body.value }, 201);
}

/** DELETE /admin/tenants/:id/candidates/current: discard the staged candidate. */
export async function discardCandidateRoute(c: AppContext): Promise<Response> {
  const tenantId = tenantParam(c);
  if (tenantId instanceof Response) return tenantId;
  return transition(c, tenantId, { op: "discard" });
}

/** POST /admin/tenants/:id/rollback: return to the previous configuration, exactly. */
export async function rollbackRoute(c: AppContext): Promise<Response> {
  const tenantId = tenantParam(c);
  if (tenantId instanceof Response) return tenantId;
  return transition(c, tenantId, { op: "rollback" });
}

type LedgerStub = ReturnType<typeof ledgerStub>;

/**
 * The lifecycle with the staged candidate's shadow counts and the gate's verdict on it; candidate
 * null when none is staged. Shared by the admin's candidate route and the tenant's GET /v1/policy.
 */
async function judgedWith(c: AppContext, ledger: LedgerStub, view: TenantView) {
  const lifecycle = await ledger.lifecycle();
  if (!lifecycle.ok) return problem(c, lifecycle.code, lifecycle.detail);
  const candidate = lifecycle.state?.candidate ?? null;
  if (lifecycle.state === null || candidate === null) return { view, state: lifecycle.state, candidate: null } as const;
  const shadow = await ledger.shadowTally(candidate.hash);
  if (!shadow.ok) return problem(c, shadow.code, shadow.detail);
  const extraRefusals = shadow.rows.reduce((sum, row) => sum + row.extraRefusals, 0);
  let gate;
  try {
    gate = await learnerStub(c.env, view.tenantId).gate(view.pack, candidate.hash, extraRefusals);
  } catch {
    return problem(c, "policy_unavailable", "the tenant's Learner could not be reached");
  }
  return { view, state: lifecycle.state, candidate, shadow: shadow.rows, gate };
}

/** The staged candidate's shadow counts and the gate's verdict on it, or a problem when none is staged. */
async function judged(c: AppContext, tenantId: string) {
  const ledger = ledgerStub(c.env, tenantId);
  const view = await ledger.adminTenant();
  if (!view.ok) return problem(c, view.code, view.detail);
  const judgedNow = await judgedWith(c, ledger, view.tenant);
  if (judgedNow instanceof Response) return judgedNow;
  if (judgedNow.candidate === null) return problem(c, "no_candidate_staged", "no candidate is staged");
  return judgedNow;
}

type Judged = Exclude<Awaited<ReturnType<typeof judged>>, Response>;

/** The candidate's shadow counts per regime, its paired OPE against production and the gate, as JSON. */
function candidateJson({ view, shadow, gate }: Judged) {
  const pack = packOf(view.pack);
  const decisions = shadow.reduce((sum, row) => sum + row.decisions, 0);
  const mismatches = shadow.reduce((sum, row) => sum + row.mismatches, 0);
  const share = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
  return {
    shadow: {
      decisions,
      mismatches,
      mismatch_share: share(mismatches, decisions),
      extra_refusals: shadow.reduce((sum, row) => sum + row.extraRefusals, 0),
      by_regime: shadow.map((row) => ({
        regime: pack.regimes[row.regime]?.id ?? String(row.regime),
        decisions: row.decisions,
        mismatches: row.mismatches,
        mismatch_share: share(row.mismatches, row.decisions),
        extra_refusals: row.extraRefusals,
      })),
    },
    outcomes_in_shadow: gate.report.counts.shadowOutcomes,
    candidate_vs_production: estimateJson(gate.report.candidateVsProduction),
    gate: { promotable: gate.verdict.promotable, criteria: gate.verdict.criteria },
  };
}

/** GET /admin/tenants/:id/candidates/current: decisions seen, mismatches per regime, the paired OPE and the gate. */
export async function currentCandidateRoute(c: AppContext): Promise<Response> {
  const tenantId = tenantParam(c);
  if (tenantId instanceof Response) return tenantId;
  const judgedNow = await judged(c, tenantId);
  if (judgedNow instanceof Response) return judgedNow;
  return c.json({ tenant_id: tenantId, ...lifecycleJson(judgedNow.state), ...candidateJson(judgedNow) });
}

/**
 * GET /v1/policy (API key): the tenant's own lifecycle as the dashboard shows it: the current
 * configuration, the history, and the staged candidate with its shadow counts and the gate's
 * verdict. Read only: promoting, rolling back and discarding stay admin routes.
 */
export async function policyRoute(c: AppContext): Promise<Response> {
  const tenant = await authenticate(c);
  if (tenant instanceof Response) return tenant;
  const judgedNow = await judgedWith(c, tenant.ledger, tenant.view);
  if (judgedNow instanceof Response) return judgedNow;
  const { state } = judgedNow;
  const lifecycle = state === null ? { current: null, candidate: null, history: [] } : lifecycleJson(state);
  const staged = judgedNow.candidate === null ? null : candidateJson(judgedNow);
  return c.json({ tenant_id: tenant.view.tenantId, ...lifecycle, judgement: staged });
}

/** POST /admin/tenants/:id/candidates/current/promote: through the gate, or by force with a reason. */
export async function promoteRoute(c: AppContext): Promise<Response> {
  const tenantId = tenantParam(c);
  if (tenantId instanceof Response) return tenantId;
  const body = await readJson(c, PromoteRequest);
  if (!body.ok) return body.response;
  const judgedNow = await judged(c, tenantId);
  if (judgedNow instanceof Response) return judgedNow;
  return transition(c, tenantId, { op: "promote", verdict: judgedNow.gate.verdict, force: body.value.force ?? null });
}
