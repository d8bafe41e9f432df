// Recent decisions, newest first, each with its explanation: the gate verdicts, the utility terms
// of the served model and of the runner-up, the floor; and a button that verifies its entry.

import type { GateJson, RecentDecisionJson, RecentJson } from "../answers.ts";
import { el, fill, table } from "../dom.ts";
import { percentFromBps, usd, utc } from "../format.ts";

type Terms = NonNullable<Extract<RecentDecisionJson, { served: true }>["answer"]["utility"]["chosen"]>;

function termsRow(label: string, terms: Terms | null): string[] {
  if (terms === null) return [label, "-", "-", "-", "-", "-"];
  return [
    label,
    usd(terms.quality_adjusted_value_micros),
    usd(terms.risk_penalty_micros),
    usd(terms.cost_micros),
    usd(terms.latency_penalty_micros),
    usd(terms.utility_micros),
  ];
}

function gates(list: readonly GateJson[]): HTMLElement {
  return el("ol", { class: "gates" }, ...list.map((g) => el("li", { "data-verdict": g.verdict }, `${g.name}: ${g.verdict}`)));
}

function explanation(decision: RecentDecisionJson): HTMLElement[] {
  if (!decision.served) return [el("p", null, `Refused: ${decision.code} (${decision.detail})`), gates(decision.gates)];
  const a = decision.answer;
  const runnerUp = a.utility.runner_up;
  return [
    el(
      "p",
      null,
      `Floor ${percentFromBps(a.floor.bps)} (${a.floor.source}); propensity ${(a.propensity.ppm / 10_000).toFixed(2)}%${a.propensity.explored ? ", explored" : ""}.`,
    ),
    table(
      `Utility terms of decision ${decision.seq}`,
      ["Model", "Quality-adjusted value", "Risk penalty", "Cost", "Latency penalty", "Utility"],
      [
        termsRow(`${a.model.id} (served)`, a.utility.chosen),
        termsRow(runnerUp === null ? "no runner-up" : `${runnerUp.model.id} (runner-up)`, runnerUp),
      ],
    ),
    gates(a.gates),
  ];
}

export function renderDecisions(section: HTMLElement, recent: RecentJson, verify: (seq: number) => void): void {
  const items = recent.decisions.map((decision) => {
    const outcome = decision.served ? decision.answer.model.id : `refused: ${decision.code}`;
    const button = el("button", { type: "button", class: "verify-entry" }, `Verify entry ${decision.seq}`);
    button.addEventListener("click", () => verify(decision.seq));
    return el(
      "li",
      { "data-seq": String(decision.seq) },
      el(
        "details",
        null,
        el("summary", null, `#${decision.seq} ${utc(decision.ts_ms)}: ${decision.regime} → ${outcome}`),
        ...explanation(decision),
      ),
      button,
    );
  });
  fill(section, items.length === 0 ? el("p", null, "No decisions yet.") : el("ul", { class: "decisions" }, ...items));
}
