// A dependency-free SVG line chart for replay reports: 1-2-5 ticks, compact labels (1.2k, 3.4M,
// 5.6G, 7.8T) and a legend that stays readable at 60 series. Identical input gives byte-identical
// output; it never writes a non-finite number or unescaped text, and never reads clock or random.

export interface ChartSeries {
  readonly name: string;
  readonly points: readonly (readonly [x: number, y: number])[];
  /** A baseline: drawn dashed ("4 4") whatever its place in the palette cycle. */
  readonly dashed?: boolean;
}

export interface LineChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  /** Whole pixels, 320..10000 by 150..10000; 720 by 400 by default. */
  readonly width?: number;
  readonly height?: number;
  /** Fixed y bounds, kept exactly; a missing bound comes from the data, rounded out to a tick. */
  readonly yMin?: number;
  readonly yMax?: number;
  /** Tick labels; by default compact labels with as many decimals as the tick step needs. */
  readonly formatY?: (y: number) => string;
  readonly formatX?: (x: number) => string;
}

export interface NiceScale {
  readonly lo: number;
  readonly hi: number;
  readonly step: number;
  readonly ticks: readonly number[];
}
type Points = readonly (readonly [number, number])[];

const SUFFIXES = ["", "k", "M", "G", "T", "P", "E"];
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
// The palette cycles every ten series; each cycle gets its own dash so 60 series stay distinct.
const CYCLE_DASHES = ["", "6 3", "2 2", "8 3 2 3", "1 3", "12 4"];
const BASELINE_DASH = "4 4";
const LEGEND_FULL_MAX = 12;
const LEGEND_EXTREMES = 5;
const LEGEND_NAME_CHARS_MAX = 22;
const INTERVALS_MAX = 7;
// Ticks are integer multiples of the step. A range at least a millionth of its magnitude keeps
// value / step under 1e8, so its float error stays well inside this tolerance.
const INDEX_EPSILON = 1e-7;
const SPAN_RELATIVE_MIN = 1e-6;
// Beyond this magnitude a range (hi - lo) can overflow to Infinity, so such points are skipped
// like NaN; below SPAN_MIN a step of span / 7 would underflow, so the range is padded instead.
const VALUE_ABS_MAX = 1e300;
const SPAN_MIN = 1e-200;
// Far-outside points are clipped anyway; clamping keeps their coordinates short decimal text.
const PIXEL_ABS_MAX = 1e6;

export function formatCompact(value: number): string {
  return compact(value, undefined);
}

// `step` is the spacing a label must keep visible (an axis's tick step). Without it, scaled
// values keep one decimal (1.2k) and values under 1000 three significant digits (0.25, 12.3).
function compact(value: number, step: number | undefined): string {
  if (!Number.isFinite(value)) return "n/a";
  if (value < 0) {
    const text = compact(-value, step);
    return text === "0" ? text : `-${text}`;
  }
  // toExponential, not Number(toPrecision): 1.795e308 rounded to three digits overflows.
  if (value >= 1e21) return value.toExponential(2).replace(/\.?0+e/, "e");
  let tier = 0;
  while (tier < SUFFIXES.length - 1 && value >= 1000 ** (tier + 1)) tier++;
  if (tier === 0) {
    // Significant digits, not decimals, so a step of 2e-200 still reads 2e-200, not 0.
    const digits = step === undefined || value === 0 ? 3 : Math.min(21, Math.max(1, Math.ceil(Math.log10(value / step) - 1e-9) + 1));
    const rounded = Number(value.toPrecision(digits)); // -0 prints as "0"
    return rounded >= 1000 ? compact(rounded, step) : String(rounded);
  }
  const unit = 1000 ** tier;
  const decimals = step === undefined ? 1 : Math.min(20, Math.max(0, Math.ceil(-Math.log10(step / unit) - 1e-9)));
  const text = (value / unit).toFixed(decimals);
  // 999.96k rounds to "1000.0": say 1M instead.
  if (Number(text) >= 1000 && tier < SUFFIXES.length - 1) return compact(1000 ** (tier + 1), step);
  return (text.includes(".") ? text.replace(/\.?0+$/, "") : text) + SUFFIXES[tier]!;
}

/** Ticks at 1, 2 or 5 x 10^k steps, at most eight; a kept bound stays exact, else rounds out. */
export function niceScale(lo: number, hi: number, keep: { readonly lo?: boolean; readonly hi?: boolean } = {}): NiceScale {
  if (!spannable(lo, hi)) throw new RangeError(`"range" expected lo < hi, finite and wider than a millionth, got ${lo}..${hi}`);
  const exponent = Math.floor(Math.log10((hi - lo) / INTERVALS_MAX));
  // Parsing the decimal text gives the double nearest the tick (0.6, never 0.6000000000000001)
  // at every exponent; arithmetic with 10 ** k is exact only up to 10^22.
  for (const multiple of [1, 2, 5, 10, 20]) {
    const at = (index: number): number => Number(`${index * multiple}e${exponent}`);
    const step = at(1);
    const first = keep.lo === true ? Math.ceil(lo / step - INDEX_EPSILON) : Math.floor(lo / step + INDEX_EPSILON);
    const last = keep.hi === true ? Math.floor(hi / step + INDEX_EPSILON) : Math.ceil(hi / step - INDEX_EPSILON);
    // A step of 20 x 10^k exceeds span / 3.5, so the last candidate always fits.
    if (last - first > INTERVALS_MAX && multiple !== 20) continue;
    if (last - first > 2 * INTERVALS_MAX) throw new Error(`unreachable: ${last - first} intervals`);
    const ticks: number[] = [];
    for (let index = first; index <= last; index++) ticks.push(at(index));
    return { lo: keep.lo === true ? lo : at(first), hi: keep.hi === true ? hi : at(last), step, ticks };
  }
  throw new Error("unreachable: a step of 20 x 10^k always fits");
}

/** Escapes text for XML content and attributes; control characters and lone surrogates, which
 *  XML 1.0 forbids even escaped, become U+FFFD. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, "\ufffd")
    .replace(/[&<>"']/g, (ch) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "#39" }[ch]!};`);
}

export function lineChart(spec: LineChartSpec): string {
  const width = checkPixels("width", spec.width ?? 720, 320);
  const height = checkPixels("height", spec.height ?? 400, 150);
  checkBound("yMin", spec.yMin);
  checkBound("yMax", spec.yMax);
  if (spec.yMin !== undefined && spec.yMax !== undefined && !spannable(spec.yMin, spec.yMax)) {
    throw new RangeError(`"yMin" expected below "yMax" by a millionth, got ${spec.yMin} and ${spec.yMax}`);
  }
  const kept = spec.series.map((series) => series.points.filter(([x, y]) => usable(x) && usable(y)));
  const xScale = scaleFor(kept, 0, undefined, undefined);
  const yScale = scaleFor(kept, 1, spec.yMin, spec.yMax);
  const legend = legendRows(spec.series, kept);
  const left = 72,
    top = 44,
    right = width - (legend.length > 0 ? 184 : 24),
    bottom = height - 52;
  const mapX = (x: number): string => pixel(left + ((x - xScale.lo) / (xScale.hi - xScale.lo)) * (right - left));
  const mapY = (y: number): string => pixel(bottom - ((y - yScale.lo) / (yScale.hi - yScale.lo)) * (bottom - top));
  const formatX = spec.formatX ?? ((x: number) => compact(x, xScale.step));
  const formatY = spec.formatY ?? ((y: number) => compact(y, yScale.step));
  // The clip id names its geometry, so charts inlined in one HTML page share an id only when
  // they share the rectangle too.
  const clipId = `calybris-plot-${left}-${top}-${right - left}-${bottom - top}`;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" font-family="system-ui, sans-serif" font-size="11">`,
    `<title>${escapeXml(spec.title)}</title>`,
    `<defs><clipPath id="${clipId}"><rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}"/></clipPath></defs>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${pixel(width / 2)}" y="24" text-anchor="middle" font-size="14" font-weight="600">${escapeXml(spec.title)}</text>`,
    `<g stroke="#e6e6e6">`,
    ...yScale.ticks.map((y) => `<line x1="${left}" y1="${mapY(y)}" x2="${right}" y2="${mapY(y)}"/>`),
    ...xScale.ticks.map((x) => `<line x1="${mapX(x)}" y1="${top}" x2="${mapX(x)}" y2="${bottom}"/>`),
    `</g>`,
    `<path d="M${left} ${top}V${bottom}H${right}" fill="none" stroke="#444"/>`,
    `<g fill="#444">`,
    ...yScale.ticks.map((y) => `<text x="${left - 6}" y="${pixel(Number(mapY(y)) + 4)}" text-anchor="end">${escapeXml(formatY(y))}</text>`),
    ...xScale.ticks.map((x) => `<text x="${mapX(x)}" y="${bottom + 16}" text-anchor="middle">${escapeXml(formatX(x))}</text>`),
    `<text x="${pixel((left + right) / 2)}" y="${height - 12}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`,
    `<text transform="rotate(-90)" x="${pixel(-(top + bottom) / 2)}" y="16" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
    `</g>`,
    `<g clip-path="url(#${clipId})" fill="none" stroke-width="1.5" stroke-linejoin="round">`,
    ...kept.flatMap((points, index) => {
      const [first] = points;
      if (first === undefined) return [];
      const name = `<title>${escapeXml(spec.series[index]!.name)}</title>`;
      const style = seriesStyle(index, spec.series[index]!.dashed === true);
      // One point draws no line, so it gets a dot.
      if (points.length === 1)
        return [
          `<circle cx="${mapX(first[0])}" cy="${mapY(first[1])}" r="3" ${style} fill="${PALETTE[index % PALETTE.length]!}">${name}</circle>`,
        ];
      return [`<polyline points="${points.map(([x, y]) => `${mapX(x)},${mapY(y)}`).join(" ")}" ${style}>${name}</polyline>`];
    }),
    `</g>`,
  ];
  if (kept.every((points) => points.length === 0)) {
    out.push(
      `<text x="${pixel((left + right) / 2)}" y="${pixel((top + bottom) / 2)}" text-anchor="middle" font-size="14" fill="#777">no data</text>`,
    );
  }
  legend.forEach((row, rowIndex) => {
    const y = top + 10 + rowIndex * 18;
    if (row.index !== undefined) {
      out.push(
        `<line x1="${right + 16}" y1="${y - 4}" x2="${right + 40}" y2="${y - 4}" stroke-width="2" ${seriesStyle(row.index, spec.series[row.index]!.dashed === true)}/>`,
      );
    }
    out.push(`<text x="${right + 46}" y="${y}">${escapeXml(row.text)}</text>`);
  });
  out.push(`</svg>`, "");
  return out.join("\n");
}

interface LegendRow {
  readonly text: string;
  readonly index?: number;
}

// Past a dozen entries a legend is unreadable, so it counts the series and names the ones with
// the highest and lowest last value, which are the ones a reader asks about.
function legendRows(series: readonly ChartSeries[], kept: readonly Points[]): LegendRow[] {
  const row = (index: number): LegendRow => ({ text: shorten(series[index]!.name), index });
  if (series.length <= LEGEND_FULL_MAX) return series.map((_, index) => row(index));
  const ranked = kept
    .flatMap((points, index) => {
      const last = points.at(-1);
      return last === undefined ? [] : [{ index, y: last[1] }];
    })
    .sort((a, b) => b.y - a.y || a.index - b.index);
  const shown = ranked.length <= 2 * LEGEND_EXTREMES ? ranked : [...ranked.slice(0, LEGEND_EXTREMES), ...ranked.slice(-LEGEND_EXTREMES)];
  const more = series.length - shown.length;
  return [
    { text: `${series.length} series, by last value` },
    ...shown.slice(0, LEGEND_EXTREMES).map(({ index }) => row(index)),
    ...(more > 0 ? [{ text: `… ${more} more` }] : []),
    ...shown.slice(LEGEND_EXTREMES).map(({ index }) => row(index)),
  ];
}

function shorten(name: string): string {
  const chars = Array.from(name);
  return chars.length <= LEGEND_NAME_CHARS_MAX ? name : `${chars.slice(0, LEGEND_NAME_CHARS_MAX - 1).join("")}…`;
}

function seriesStyle(index: number, dashed: boolean): string {
  const dash = dashed ? BASELINE_DASH : CYCLE_DASHES[Math.floor(index / PALETTE.length) % CYCLE_DASHES.length]!;
  return `stroke="${PALETTE[index % PALETTE.length]!}"${dash === "" ? "" : ` stroke-dasharray="${dash}"`}`;
}

// The data's extent on one axis, with fixed bounds taking precedence. A single value, a constant
// series or data on the wrong side of a fixed bound is padded rather than divided by zero.
function scaleFor(kept: readonly Points[], axis: 0 | 1, min: number | undefined, max: number | undefined): NiceScale {
  let dataLo = Infinity,
    dataHi = -Infinity;
  for (const points of kept)
    for (const point of points) {
      dataLo = Math.min(dataLo, point[axis]);
      dataHi = Math.max(dataHi, point[axis]);
    }
  const empty = dataLo > dataHi;
  let lo = min ?? (empty ? (max ?? 1) - 1 : dataLo);
  let hi = max ?? (empty ? lo + 1 : dataHi);
  // Two fixed bounds were checked by the caller and are kept as given.
  if ((min === undefined || max === undefined) && !spannable(lo, hi)) {
    const anchor = min ?? max ?? (lo + hi) / 2;
    const pad = Math.abs(anchor) * 0.1 >= SPAN_MIN ? Math.abs(anchor) * 0.1 : 1;
    if (min !== undefined) hi = min + 2 * pad;
    else if (max !== undefined) lo = max - 2 * pad;
    else [lo, hi] = [anchor - pad, anchor + pad];
  }
  return niceScale(lo, hi, { lo: min !== undefined, hi: max !== undefined });
}

// Wider than SPAN_MIN, else span / 7 underflows; wider than a millionth of the magnitude, else
// value / step loses the precision INDEX_EPSILON allows for.
function spannable(lo: number, hi: number): boolean {
  const span = hi - lo;
  return Number.isFinite(span) && span >= SPAN_MIN && span > Math.max(Math.abs(lo), Math.abs(hi)) * SPAN_RELATIVE_MIN;
}

function usable(value: number): boolean {
  return Number.isFinite(value) && Math.abs(value) <= VALUE_ABS_MAX;
}

function pixel(value: number): string {
  return String(Math.round(Math.min(PIXEL_ABS_MAX, Math.max(-PIXEL_ABS_MAX, value)) * 10) / 10);
}

function checkPixels(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > 10000)
    throw new RangeError(`"${name}" expected an integer in ${min}..10000, got ${value}`);
  return value;
}

function checkBound(name: string, value: number | undefined): void {
  if (value !== undefined && !usable(value)) throw new RangeError(`"${name}" expected a finite number within ±1e300, got ${value}`);
}
