// The dashboard's own reads (API key): hourly usage buckets for the spend and routing-mix series,
// and the latest decisions explained. Both are bounded: a range of hourly rows, and a window at
// the chain's tail; no request reads the whole log.

import { packOf } from "../../domain/packs.ts";
import { explainDecisionLine, type ExplainedDecision } from "../../decision/explain-line.ts";
import { HOUR_MS, NO_OPTION, hourOf, type UsageRow } from "../../ledger/usage.ts";
import type { DomainPack } from "../../domain/domain-pack.ts";
import type { AppContext } from "../app-env.ts";
import { RECENT_DECISIONS_DEFAULT, RECENT_DECISIONS_MAX, USAGE_HOURS_DEFAULT, USAGE_HOURS_MAX } from "../limits.ts";
import { problem } from "../problem.ts";
import { nonNegativeInteger } from "../query-integer.ts";
import { authenticate } from "../tenant-access.ts";

/**
 * Entries read per decision asked for, and the window's bounds: outcomes, checkpoints and policy
 * events sit between decisions (about two entries per decision with its outcome), so a window of
 * eight per decision nearly always holds enough; it answers fewer rather than read further back.
 */
const ENTRIES_PER_DECISION = 8;
const WINDOW_ENTRIES_MIN = 32;

/** An integer query parameter in [1, max], its default when absent, or null when malformed. */
function countParam(text: string | undefined, fallback: number, max: number): number | null {
  const value = nonNegativeInteger(text, fallback);
  return value !== null && value >= 1 && value <= max ? value : null;
}

function bucketJson(pack: DomainPack, row: UsageRow) {
  return {
    hour_ms: row.hour * HOUR_MS,
    regime: pack.regimes[row.regime]?.id ?? "unknown",
    option: row.option === NO_OPTION ? null : row.option,
    decisions: row.decisions,
    committed_micros: row.committedMicros,
  };
}

/** GET /v1/usage?hours=: decisions and settled spend per UTC hour, regime and served option. */
export async function usageRoute(c: AppContext): Promise<Response> {
  const tenant = await authenticate(c);
  if (tenant instanceof Response) return tenant;
  const hours = countParam(c.req.query("hours"), USAGE_HOURS_DEFAULT, USAGE_HOURS_MAX);
  if (hours === null) return problem(c, "request_malformed", `"hours" expected an integer in [1, ${USAGE_HOURS_MAX}]`);
  // The first hour is counted from the worker's clock; the ledger answers the hour it is in.
  const sinceHour = hourOf(Date.now()) - hours + 1;
  const answer = await tenant.ledger.usage(tenant.key.secretHashHex, sinceHour);
  if (!answer.ok) return problem(c, answer.code, answer.detail);
  const pack = packOf(tenant.view.pack);
  return c.json({
    bucket_ms: HOUR_MS,
    from_ms: sinceHour * HOUR_MS,
    to_ms: (Math.max(answer.nowHour, sinceHour) + 1) * HOUR_MS,
    regimes: pack.regimes.map((regime) => regime.id),
    buckets: answer.rows.map((row) => bucketJson(pack, row)),
  });
}

/** GET /v1/decisions/recent?limit=: the latest decisions, newest first, each with its explanation. */
export async function recentDecisionsRoute(c: AppContext): Promise<Response> {
  const tenant = await authenticate(c);
  if (tenant instanceof Response) return tenant;
  const limit = countParam(c.req.query("limit"), RECENT_DECISIONS_DEFAULT, RECENT_DECISIONS_MAX);
  if (limit === null) return problem(c, "request_malformed", `"limit" expected an integer in [1, ${RECENT_DECISIONS_MAX}]`);
  const budget = await tenant.ledger.budget(tenant.key.secretHashHex);
  if (!budget.ok) return problem(c, budget.code, budget.detail);
  const window = Math.max(WINDOW_ENTRIES_MIN, limit * ENTRIES_PER_DECISION);
  const from = Math.max(0, budget.entries - window);
  const page = await tenant.ledger.chainPage(tenant.key.secretHashHex, from, window);
  if (!page.ok) return problem(c, page.code, page.detail);
  const pack = packOf(tenant.view.pack);
  // Newest first, and no more than asked for: each explanation rebuilds a whole /v1/decide answer.
  const decisions: ExplainedDecision[] = [];
  for (let index = page.lines.length - 1; index >= 0 && decisions.length < limit; index--) {
    const decision = explainDecisionLine(pack, page.lines[index]!);
    if (decision !== null) decisions.push(decision);
  }
  return c.json({ chain_size: page.size, scanned_from_seq: from, decisions });
}
