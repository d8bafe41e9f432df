// Per regime: the quality floor and where it came from, each model's posterior mean success with
// an approximate 95 % interval (drawn as a bar in a table), and the calibration warning if any.

import type { EvaluationJson, RegimeJson } from "../answers.ts";
import { el, facts, fill, table } from "../dom.ts";
import { percent, percentFromBps } from "../format.ts";
import { betaInterval } from "../series.ts";

/** A bar from the interval's low to high end with a tick at the mean; widths set through CSSOM, which the CSP allows. */
function intervalBar(low: number, mean: number, high: number): HTMLElement {
  const range = el("span", { class: "range" });
  range.style.left = `${low * 100}%`;
  range.style.width = `${Math.max(0.5, (high - low) * 100)}%`;
  const tick = el("span", { class: "tick" });
  tick.style.left = `${mean * 100}%`;
  return el("span", { class: "bar", "aria-hidden": "true" }, range, tick);
}

function regimeBlock(report: RegimeJson, warnings: EvaluationJson["calibration"]["warnings"], open: boolean): HTMLElement {
  const rows = report.options
    .map((option) => ({ option, posterior: betaInterval(option.alpha, option.beta) }))
    .sort((a, b) => b.posterior.mean - a.posterior.mean)
    .map(({ option, posterior }) => [
      option.option,
      option.tier,
      percent(posterior.mean),
      `${percent(posterior.low)} – ${percent(posterior.high)}`,
      intervalBar(posterior.low, posterior.mean, posterior.high),
    ]);
  const own = warnings.filter((w) => w.regime === report.regime);
  const details = el(
    "details",
    { class: "regime", "data-regime": report.regime },
    el(
      "summary",
      null,
      `${report.regime}: floor ${percentFromBps(report.floor_bps)} (${report.floor_source})${own.length > 0 ? " ⚠ calibration" : ""}`,
    ),
    facts([
      ["Quality floor", `${percentFromBps(report.floor_bps)}, source: ${report.floor_source}`],
      ["Warm-start floor", percentFromBps(report.warm_start_floor_bps)],
    ]),
    own.length === 0
      ? null
      : el(
          "p",
          { class: "warning", role: "note" },
          `Calibration warning: the reward model is off for ${own.map((w) => `${w.option} by ${w.bias_bps} bps over ${w.n} outcomes`).join("; ")}.`,
        ),
    table(`Posterior success per model, ${report.regime}`, ["Model", "Tier", "Mean", "95% interval", "Interval"], rows),
  );
  details.open = open;
  return details;
}

export function renderRegimes(section: HTMLElement, regimes: readonly RegimeJson[], evaluation: EvaluationJson): void {
  const warnings = evaluation.calibration.warnings;
  fill(
    section,
    el("p", { class: "muted" }, "Intervals are mean ± 1.96 standard deviations of each Beta posterior."),
    ...regimes.map((report, index) => regimeBlock(report, warnings, index === 0)),
  );
}
