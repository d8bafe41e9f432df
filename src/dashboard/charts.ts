// Charts: uPlot (bundled from npm, drawn on canvas, no HTML strings, so it runs under Trusted
// Types 'none') in a <figure> with a caption, a spoken summary and the numbers as a table, since
// a canvas says nothing to a screen reader. Charts follow their container's width.

import uPlot from "uplot";
import { el, table } from "./dom.ts";

const HEIGHT_PX = 220;
const BUCKET_S = 3_600;
const charts = new Set<uPlot>();
let resizeBound = false;

export interface ChartSeries {
  readonly label: string;
  readonly values: readonly number[];
  readonly kind: "line" | "bars";
  /** Formats a value for the legend and the table. */
  readonly format: (value: number) => string;
  /** What the legend and the table show instead of the drawn values (a stacked series' own counts). */
  readonly own?: readonly number[];
}

export interface ChartSpec {
  readonly id: string;
  readonly caption: string;
  /** One sentence that says what the chart shows, for assistive technology. */
  readonly summary: string;
  /** Seconds since the epoch, one per point. */
  readonly x: readonly number[];
  readonly series: readonly ChartSeries[];
}

function widthOf(container: HTMLElement): number {
  return Math.max(240, Math.floor(container.clientWidth || 320));
}

function seriesOptions(series: ChartSeries, index: number): uPlot.Series {
  // Hues a golden angle apart: neighbours in a stack of twenty models still differ.
  const hue = Math.round((215 + index * 137.508) % 360);
  const bars =
    series.kind === "bars"
      ? {
          paths: uPlot.paths.bars!({ size: [0.7, 40] }),
          fill: `hsl(${hue} 65% 55% / 0.75)`,
          points: { show: false },
        }
      : {};
  const own = series.own;
  const value = (_u: uPlot, drawn: number | null, _series: number, index: number | null): string => {
    const shown = own !== undefined && index !== null ? (own[index] ?? null) : drawn;
    return shown === null ? "-" : series.format(shown);
  };
  return { label: series.label, stroke: `hsl(${hue} 65% 45%)`, width: 2, value, ...bars };
}

function hourText(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 13).replace("T", " ") + ":00 UTC";
}

/** Draws the chart into `host` (replacing what it held) and returns the figure. */
export function drawChart(host: HTMLElement, spec: ChartSpec): HTMLElement {
  const plot = el("div", { class: "plot", "data-chart": spec.id });
  const figure = el(
    "figure",
    { id: spec.id, "aria-labelledby": `${spec.id}-caption`, "aria-describedby": `${spec.id}-summary` },
    el("figcaption", { id: `${spec.id}-caption` }, spec.caption),
    el("p", { id: `${spec.id}-summary`, class: "muted" }, spec.summary),
    plot,
    el("details", null, el("summary", null, `${spec.caption}: the numbers`), dataTable(spec)),
  );
  host.replaceChildren(figure);
  // A bar of zero is no bar: null draws nothing where a zero would draw a hairline.
  const drawn = (s: ChartSeries): (number | null)[] => s.values.map((value) => (s.kind === "bars" && value === 0 ? null : value));
  const data = [spec.x.slice(), ...spec.series.map(drawn)] as uPlot.AlignedData;
  const options: uPlot.Options = {
    width: widthOf(host),
    height: HEIGHT_PX,
    // Half a bucket of room on each side, so the first and last hours' bars are drawn whole.
    scales: { x: { time: true, range: (_u, min, max) => [min - BUCKET_S / 2, max + BUCKET_S / 2] } },
    series: [
      { label: "hour (UTC)", value: (_u, seconds) => (seconds === null ? "-" : hourText(seconds)) },
      ...spec.series.map(seriesOptions),
    ],
    axes: [{}, { size: 60 }],
    legend: { live: true },
  };
  const chart = new uPlot(options, data, plot);
  // The canvas is described by the figure; uPlot's own wrapper is only decoration to a reader.
  chart.root.setAttribute("aria-hidden", "true");
  charts.add(chart);
  bindResize();
  return figure;
}

function dataTable(spec: ChartSpec): HTMLTableElement {
  const rows = spec.x
    .map((seconds, i) => ({ i, cells: [hourText(seconds), ...spec.series.map((s) => s.format((s.own ?? s.values)[i] ?? 0))] }))
    .filter(({ i }) => spec.series.some((s) => (s.values[i] ?? 0) !== 0))
    .map(({ cells }) => cells);
  return table(spec.caption, ["Hour", ...spec.series.map((s) => s.label)], rows);
}

/** Forgets charts whose figure left the page, so a redraw does not leak them. */
export function pruneCharts(): void {
  for (const chart of charts) {
    if (!chart.root.isConnected) {
      chart.destroy();
      charts.delete(chart);
    }
  }
}

function bindResize(): void {
  if (resizeBound) return;
  resizeBound = true;
  let pending = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => {
      for (const chart of charts) {
        const host = chart.root.closest("figure")?.parentElement;
        if (host instanceof HTMLElement) chart.setSize({ width: widthOf(host), height: HEIGHT_PX });
      }
    });
  });
}
