// Routing mix: decisions per hour by served option, for all regimes or one (a labelled select),
// and each regime's split across options over the window.

import type { UsageJson } from "../answers.ts";
import { drawChart, pruneCharts } from "../charts.ts";
import { el, fill, table } from "../dom.ts";
import { percent } from "../format.ts";
import { mixSeries, mixTotals, stacked, type MixCell } from "../series.ts";

const count = (value: number): string => String(Math.round(value));

/** Models down, regimes across: each cell the model's decisions in the regime and its share there. */
function mixTable(totals: readonly MixCell[]): HTMLTableElement {
  const regimes = [...new Set(totals.map((cell) => cell.regime))];
  const models = [...new Set(totals.map((cell) => cell.option))].sort();
  const rows = models.map((model) => [
    model,
    ...regimes.map((regime) => {
      const cell = totals.find((c) => c.regime === regime && c.option === model);
      return cell === undefined
        ? "-"
        : el("span", { "data-decisions": String(cell.decisions) }, `${cell.decisions} (${percent(cell.share)})`);
    }),
  ]);
  return table("Decisions per model and regime over the window (share of the regime)", ["Model", ...regimes], rows);
}

export function renderMix(section: HTMLElement, usage: UsageJson): void {
  const select = el("select", { id: "mix-regime" }, el("option", { value: "" }, "all regimes"));
  const seen = new Set(usage.buckets.filter((b) => b.decisions > 0).map((b) => b.regime));
  for (const regime of usage.regimes.filter((r) => seen.has(r))) select.append(el("option", { value: regime }, regime));
  const host = el("div", { class: "chart" });
  const totals = mixTotals(usage);
  fill(section, el("label", { for: "mix-regime" }, "Regime shown "), select, host, mixTable(totals));
  const draw = (): void => {
    const regime = select.value === "" ? null : select.value;
    const mix = mixSeries(usage, regime);
    const decisions = mix.series.reduce((sum, s) => sum + s.values.reduce((a, b) => a + b, 0), 0);
    drawChart(host, {
      id: "chart-mix",
      caption: `Decisions per hour by model, ${regime ?? "all regimes"}`,
      summary: `${decisions} decisions across ${mix.series.length} models over the last ${mix.x.length} hours, stacked per hour.`,
      x: mix.x,
      // The legend drops a host prefix ("meta-llama/"), so a phone's width holds each name on one line; the table keeps full ids.
      series: stacked(mix.series).map((s) => ({
        label: s.label.split("/").at(-1)!,
        values: s.values,
        own: s.own,
        kind: "bars",
        format: count,
      })),
    });
    pruneCharts();
  };
  select.addEventListener("change", draw);
  draw();
}
