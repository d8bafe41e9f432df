// Money: savings against always-best (production's doubly robust value per decision against
// always serving each regime's best option) and regret with its 95 % interval, GET /v1/evaluation.

import type { Estimate, EvaluationJson } from "../answers.ts";
import { el, facts, fill, table } from "../dom.ts";
import { interval, usd } from "../format.ts";
import type { savingsAgainstBest } from "../series.ts";

function estimateText(estimate: Estimate | null): string {
  if (estimate === null) return "not enough outcomes yet";
  return `${usd(estimate.estimate_micros)} ${interval(estimate.ci95_micros[0], estimate.ci95_micros[1], usd)} (n = ${estimate.n})`;
}

export function renderMoney(section: HTMLElement, evaluation: EvaluationJson, savings: ReturnType<typeof savingsAgainstBest>): void {
  const regret = evaluation.regret.overall;
  fill(
    section,
    facts([
      [
        "Savings against always-best, per decision",
        savings.meanMicros === null ? "not enough outcomes yet" : `${usd(savings.meanMicros)} (DR, mean over regimes weighted by outcomes)`,
      ],
      [
        "Savings against always-best, over the evaluated outcomes",
        savings.meanMicros === null ? "not enough outcomes yet" : usd(savings.totalMicros),
      ],
      ["Regret per decision, 95% interval", estimateText(regret)],
      ["Production value per decision (DR)", estimateText(evaluation.production.dr)],
      ["Holdout baseline per decision (DR)", estimateText(evaluation.holdout.dr)],
      ["Decisions / outcomes evaluated", `${evaluation.counts.decisions} / ${evaluation.counts.outcomes}`],
    ]),
    el(
      "p",
      { class: "muted" },
      "Always-best serves each regime's option of highest posterior quality. Values are net value per decision: outcome × quality − cost − latency penalty, estimated off-policy from the sealed log.",
    ),
    savings.perRegime.length === 0
      ? el("p", null, "No regime has outcomes of both production and its always-best model yet, so there is nothing to compare.")
      : table(
          "Savings per regime against always-best",
          ["Regime", "Always-best model", "Production (DR)", "Always-best (DR)", "Savings per decision"],
          savings.perRegime.map((r) => [r.regime, r.best, estimateText(r.production), estimateText(r.alwaysBest), usd(r.savingsMicros)]),
        ),
    table(
      "Regret per regime against the best fixed model",
      ["Regime", "Best fixed model", "Regret per decision, 95% interval"],
      evaluation.regret.by_regime.map((r) => [r.regime, r.best ?? "n/a", estimateText(r.regret)]),
    ),
  );
}
