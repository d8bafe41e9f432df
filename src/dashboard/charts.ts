// Charts: uPlot (bundled from npm, drawn on canvas, no HTML strings, so it runs under Trusted
// Types 'none') in a <figure> with a caption, a spoken summary and the numbers as a table, since
// a canvas says nothing to a screen reader. Charts follow their container's width.

import uPlot from "uplot";
import { el, table } from "./dom.ts";

const PALETTE = ["#2f6fdf", "#d9480f", "#1d8a4e", "#9c36b5", "#e8590c", "#0b7285", "#c2255c", "#5c940d", "#364fc7", "#862e9c"];
const HEIGHT_PX = 220;
const charts = new Set<uPlot>();
let resizeBound = false;

export interface ChartSeries {
  readonly label: string;
  readonly values: readonly number[];
  readonly kind: "line" | "bars";
  /** Formats a value for the legend and the table. */
  readonly format: (value: number) => string;
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
  const color = PALETTE[index % PALETTE.length]!;
  const bars = series.kind === "bars" ? { paths: uPlot.paths.bars!({ size: [0.7, 40] }), fill: `${color}99` } : {};
  return { label: series.label, stroke: color, width: 2, value: (_u, value) => (value === null ? "-" : series.format(value)), ...bars };
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
  const data = [spec.x.slice(), ...spec.series.map((s) => s.values.slice())] as uPlot.AlignedData;
  const options: uPlot.Options = {
    width: widthOf(host),
    height: HEIGHT_PX,
    scales: { x: { time: true } },
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
    .map((seconds, i) => [hourText(seconds), ...spec.series.map((s) => s.format(s.values[i] ?? 0))])
    .filter((cells, i) => spec.series.some((s) => (s.values[i] ?? 0) !== 0) || i === spec.x.length - 1 || cells.length === 0);
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
