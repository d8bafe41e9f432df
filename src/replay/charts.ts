// The replay's charts, from a report alone: the learning curve, cumulative cost and cumulative
// successes of every policy, and the learned floor of each regime over the run.

import type { DatasetReport, PolicyName } from "./run-dataset.ts";
import { formatCompact, lineChart, type ChartSeries } from "./svg-chart.ts";

export type ChartName = "learning-curve" | "cumulative-cost" | "cumulative-quality" | "floors";

function policySeries(
  report: DatasetReport,
  y: (point: { success_rate_bps: number; cumulative_cost_micros: number; cumulative_successes: number }) => number,
): ChartSeries[] {
  return (Object.entries(report.curves) as [PolicyName, DatasetReport["curves"][PolicyName]][]).map(([name, points]) => ({
    name,
    dashed: name !== "adaptive",
    points: (points ?? []).map((p) => [p.records, y(p)] as const),
  }));
}

const usd = (micros: number): string => `$${formatCompact(micros / 100_000_000)}`;

export function datasetCharts(report: DatasetReport): Record<ChartName, string> {
  // The data set's id, not its long title: a chart title must fit the chart's width.
  const title = (what: string): string => `${report.dataset}: ${what} (${report.records.toLocaleString("en-US")} records)`;
  const floors: ChartSeries[] =
    report.adaptive === null
      ? []
      : report.regimes.map((regime, r) => ({
          name: regime,
          points: report.adaptive!.floors.map((sample) => [sample.record, sample.floor_bps[r]! / 100] as const),
        }));
  return {
    "learning-curve": lineChart({
      title: title("success rate per slice"),
      xLabel: "records replayed",
      yLabel: "success rate (%)",
      series: policySeries(report, (p) => p.success_rate_bps / 100),
    }),
    "cumulative-cost": lineChart({
      title: title("cumulative cost"),
      xLabel: "records replayed",
      yLabel: "cost (USD)",
      series: policySeries(report, (p) => p.cumulative_cost_micros),
      formatY: usd,
    }),
    "cumulative-quality": lineChart({
      title: title("cumulative successes"),
      xLabel: "records replayed",
      yLabel: "successes",
      series: policySeries(report, (p) => p.cumulative_successes),
    }),
    floors: lineChart({
      title: title("learned quality floor per regime"),
      xLabel: "records replayed",
      yLabel: "floor (%)",
      series: floors,
    }),
  };
}
