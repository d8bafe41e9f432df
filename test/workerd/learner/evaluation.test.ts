// GET /v1/evaluation end to end inside workerd: decisions and signed outcomes through HTTP, the
// ledger's alarm delivering the outbox to the Learner in chain order, then the evaluation read
// from the Learner's sums — and recomputed from the chain export alone (the code of `calybris
// evaluate`), which must give the very same JSON, to the last digit.

import { describe, expect, it } from "vitest";
import { evaluateExport } from "../../../src/decision/evaluate-export.ts";
import type { EvaluationAnswerJson } from "../../../src/decision/evaluation-answer.ts";
import { isPackId, PACKS } from "../../../src/domain/packs.ts";
import { REGRET_SUPPORT_MIN } from "../../../src/learning/evaluation/evaluate.ts";
import { call, chain, createTenant, decide, drainOutbox, json, postOutcome, type Tenant } from "./learner-helpers.ts";

const packOf = (id: string) => (isPackId(id) ? PACKS[id] : null);

function evaluation(tenant: Tenant, query = ""): Promise<EvaluationAnswerJson> {
  return json<EvaluationAnswerJson>(call(`/v1/evaluation${query}`, { headers: tenant.headers }));
}

async function exportLines(tenant: Tenant): Promise<string[]> {
  const { bytes } = await chain(tenant);
  return new TextDecoder()
    .decode(bytes)
    .split("\n")
    .filter((line) => line.length > 0);
}

describe("GET /v1/evaluation", () => {
  it("answers from the Learner's sums what calybris evaluate recomputes from the export, to the last digit", async () => {
    const tenant = await createTenant("eval");
    const regimes = ["support", "coding", "support", "extraction"];
    for (let i = 0; i < 48; i++) {
      const decision = await decide(tenant, `eval-${i}`, { regime: regimes[i % regimes.length] });
      // Refused decisions are counted too; outcomes only for what was served, graded or not.
      if (i % 7 === 6) continue;
      await postOutcome(
        tenant,
        decision,
        i % 5 === 0 ? { quality_bps: 3_000 + 150 * i, business_outcome_micros: 4_000_000 } : { success: i % 3 !== 0 },
        { actualCostMicros: 1_000 + 37 * i },
      );
    }
    await drainOutbox(tenant);
    const answer = await evaluation(tenant);
    expect(answer.pack).toBe("llm");
    expect(answer.counts.decisions).toBe(48);
    expect(answer.counts.outcomes + Object.values(answer.counts.not_evaluated).reduce((a, b) => a + b, 0)).toBe(48 - 6);
    expect(answer.production.dr).not.toBeNull();
    expect(answer.production.dr!.ci95_micros[0]).toBeLessThanOrEqual(answer.production.dr!.estimate_micros);
    // On-policy, production's three estimates are the mean reward.
    expect(answer.production.ips!.estimate_micros).toBe(answer.production.dr!.estimate_micros);
    // Every regime of the pack is reported. A regime names its best fixed option only among options
    // it served at least REGRET_SUPPORT_MIN times; 48 decisions spread over 3 regimes and many
    // options serve none that often, so none is named and the regret is not measured yet (the
    // export's evaluation below agrees; test/node/cli/evaluate-command.test.ts names them on 3,000).
    expect(answer.regret.by_regime).toHaveLength(PACKS.llm.regimes.length);
    expect(Math.max(...answer.fixed.map((f) => f.support))).toBeLessThan(REGRET_SUPPORT_MIN);
    expect(answer.fixed.filter((f) => f.regime === "support" && f.dr !== null).length).toBeGreaterThan(0);
    expect(answer.regret.by_regime.every((r) => r.best === null && r.regret === null)).toBe(true);
    expect(answer.regret.overall).toBeNull();
    expect(JSON.stringify(answer)).not.toMatch(/NaN|Infinity/);

    const lines = await exportLines(tenant);
    const offline = evaluateExport(lines, { regime: null, sinceDay: null }, packOf);
    expect(offline.ok).toBe(true);
    if (offline.ok) expect(JSON.stringify(offline.answer)).toBe(JSON.stringify(answer));

    // A regime and a day: the same agreement, through the day buckets.
    const today = new Date().toISOString().slice(0, 10);
    const coding = await evaluation(tenant, `?regime=coding&since=${today}`);
    expect(coding.regime).toBe("coding");
    expect(coding.since).toBe(today);
    expect(coding.counts.decisions).toBe(12);
    const codingIndex = PACKS.llm.regimes.findIndex((r) => r.id === "coding");
    const offlineCoding = evaluateExport(
      lines,
      { regime: codingIndex, sinceDay: Math.floor(Date.parse(`${today}T00:00:00Z`) / 86_400_000) },
      packOf,
    );
    expect(offlineCoding.ok && JSON.stringify(offlineCoding.answer)).toBe(JSON.stringify(coding));
  });

  it("refuses an unknown regime and a malformed since with a 400 problem", async () => {
    const tenant = await createTenant("eval-bad");
    for (const query of ["?regime=nope", "?since=yesterday", "?since=2026-13-45", "?since=2026-12-07T25:00Z"]) {
      const response = await call(`/v1/evaluation${query}`, { headers: tenant.headers });
      expect(response.status, query).toBe(400);
      expect(response.headers.get("content-type")).toMatch(/problem\+json/);
    }
    const empty = await evaluation(tenant);
    expect(empty.counts).toMatchObject({ decisions: 0, outcomes: 0 });
    expect(empty.production.dr).toBeNull();
    expect((await call("/v1/evaluation")).status).toBe(401);
  });
});
