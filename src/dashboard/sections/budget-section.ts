// Budget: credited, committed, reserved and available, and settled spend per hour with its
// running total over the window GET /v1/usage answered.

import type { BudgetJson, UsageJson } from "../answers.ts";
import { drawChart } from "../charts.ts";
import { el, facts, fill } from "../dom.ts";
import { usd } from "../format.ts";
import { MICROS_PER_USD, spendSeries } from "../series.ts";

const dollars = (value: number): string => usd(Math.round(value * MICROS_PER_USD));

export function renderBudget(section: HTMLElement, budget: BudgetJson, usage: UsageJson): void {
  const spend = spendSeries(usage);
  const total = spend.cumulativeUsd.at(-1) ?? 0;
  const host = el("div", { class: "chart" });
  fill(
    section,
    facts([
      ["Credited", usd(budget.credited_micros)],
      ["Committed", usd(budget.committed_micros)],
      ["Reserved", usd(budget.reserved_micros)],
      ["Available", usd(budget.available_micros)],
      ["Chain entries", String(budget.entries)],
    ]),
    host,
  );
  drawChart(host, {
    id: "chart-spend",
    caption: "Settled spend per hour (UTC)",
    summary: `${dollars(total)} settled over the last ${spend.x.length} hours; bars per hour, the line is the running total.`,
    x: spend.x,
    series: [
      { label: "spend per hour", values: spend.perHourUsd, kind: "bars", format: dollars },
      { label: "running total", values: spend.cumulativeUsd, kind: "line", format: dollars },
    ],
  });
}
