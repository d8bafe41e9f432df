// GET /v1/evaluation[?regime=&since=]: the evaluation on the tenant's own sealed log — DR, IPS
// and SNIPS of net value per decision with 95 % intervals for production, the holdout baseline,
// every fixed option and the staged candidate, regret, calibration and counts — from the sums the
// Learner keeps per outcome and the ledger's decision tally. No request reads the log.

import { packOf } from "../../domain/packs.ts";
import type { AppContext } from "../app-env.ts";
import { problem } from "../problem.ts";
import { authenticate, learnerStub } from "../tenant-access.ts";

const DAY_MS = 86_400_000;
/** A UTC date (2026-12-07) or an RFC 3339 timestamp: the figures cover the outcomes of that UTC day on. */
const SINCE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

function sinceDay(text: string | undefined): number | null | undefined {
  if (text === undefined) return null;
  if (!SINCE.test(text)) return undefined;
  const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
  return Number.isFinite(ms) ? Math.floor(ms / DAY_MS) : undefined;
}

export async function evaluationRoute(c: AppContext): Promise<Response> {
  const tenant = await authenticate(c);
  if (tenant instanceof Response) return tenant;
  const pack = packOf(tenant.view.pack);
  const regimeText = c.req.query("regime");
  const regime = regimeText === undefined ? null : pack.regimes.findIndex((r) => r.id === regimeText);
  if (regime === -1) {
    return problem(c, "request_malformed", `"regime" names no regime of the ${pack.id} pack (${pack.regimes.map((r) => r.id).join(", ")})`);
  }
  const day = sinceDay(c.req.query("since"));
  if (day === undefined) return problem(c, "request_malformed", `"since" expected a UTC date such as 2026-12-07 or an RFC 3339 timestamp`);
  const scope = { regime, sinceDay: day };
  const tally = await tenant.ledger.decisionTally(tenant.key.secretHashHex, day);
  if (!tally.ok) return problem(c, tally.code, tally.detail);
  // The staged candidate, if any, is the lifecycle's (the ledger's): its own shadow sums are reported.
  const lifecycle = await tenant.ledger.lifecycle();
  if (!lifecycle.ok) return problem(c, lifecycle.code, lifecycle.detail);
  let answer;
  try {
    answer = await learnerStub(c.env, tenant.view.tenantId).evaluation(
      pack.id,
      scope,
      tally.rows,
      lifecycle.state?.candidate?.hash ?? null,
    );
  } catch {
    return problem(c, "policy_unavailable", "the tenant's Learner could not be reached");
  }
  if (!answer.ok) return problem(c, "request_malformed", answer.detail);
  return c.json(answer.answer);
}
