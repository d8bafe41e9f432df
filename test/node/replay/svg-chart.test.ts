// The SVG line chart (src/replay/svg-chart.ts): byte-identical output, escaping of hostile names,
// NaN and Infinity never written, empty and constant data, the 60-series legend, 1-2-5 ticks,
// compact number goldens, and well-formed XML checked by a small tokenizer written here.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { formatCompact, lineChart, niceScale, type ChartSeries, type LineChartSpec } from "../../../src/replay/svg-chart.ts";

const ENTITY = /&(?:amp|lt|gt|quot|#39);/g;

// Enough of XML 1.0 for what the chart writes: one root element, quoted attributes without
// duplicates, balanced tags, and text and attribute values holding only the five escapes.
function checkWellFormed(xml: string): void {
  const stack: string[] = [];
  let roots = 0;
  let at = 0;
  const clean = (text: string, where: string): void => {
    const bare = text.replace(ENTITY, "");
    if (/[<>&]/.test(bare)) throw new Error(`raw markup character in ${where}: ${JSON.stringify(text)}`);
    if (/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u.test(text)) throw new Error(`character XML forbids in ${where}`);
  };
  while (at < xml.length) {
    const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>/y;
    tag.lastIndex = at;
    const match = tag.exec(xml);
    if (match === null) {
      const text = /[^<]+/y;
      text.lastIndex = at;
      const run = text.exec(xml);
      if (run === null) throw new Error(`malformed tag at ${at}: ${xml.slice(at, at + 40)}`);
      if (stack.length === 0 && run[0].trim() !== "") throw new Error("text outside the root");
      clean(run[0], "text");
      at += run[0].length;
      continue;
    }
    const [whole, closing, name, attributes, selfClosing] = match;
    const names = [...attributes!.matchAll(/([\w:.-]+)="([^"]*)"/g)].map(([, key, value]) => {
      clean(value!, `attribute ${key}`);
      return key;
    });
    if (new Set(names).size !== names.length) throw new Error(`duplicate attribute in <${name}>`);
    if (closing === "/") {
      if (stack.pop() !== name) throw new Error(`unbalanced </${name}>`);
    } else {
      if (stack.length === 0 && ++roots > 1) throw new Error("more than one root");
      if (selfClosing !== "/") stack.push(name!);
    }
    at += whole.length;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join("> <")}>`);
  if (roots !== 1) throw new Error("no root element");
}

// Every numeric attribute the chart writes for geometry.
function geometryNumbers(svg: string): string[] {
  const values = [...svg.matchAll(/ (?:x|y|x1|y1|x2|y2|cx|cy)="([^"]*)"/g)].map((m) => m[1]!);
  const points = [...svg.matchAll(/ points="([^"]*)"/g)].flatMap((m) => m[1]!.split(/[ ,]/));
  return [...values, ...points];
}

function polylines(svg: string): string[][] {
  return [...svg.matchAll(/<polyline points="([^"]*)"/g)].map((m) => m[1]!.split(" "));
}

function tickLabels(svg: string, anchor: "end" | "middle"): string[] {
  return [...svg.matchAll(new RegExp(`<text x="[^"]*" y="[^"]*" text-anchor="${anchor}">([^<]*)</text>`, "g"))].map((m) => m[1]!);
}

function chart(series: readonly ChartSeries[], extra: Partial<LineChartSpec> = {}): string {
  const svg = lineChart({ title: "Learning curve", xLabel: "records", yLabel: "success rate", series, ...extra });
  checkWellFormed(svg);
  return svg;
}

const POLICIES: ChartSeries[] = [
  {
    name: "bandit",
    points: [
      [0, 0.41],
      [1000, 0.62],
      [2000, 0.71],
      [3000, 0.74],
    ],
  },
  {
    name: "always-large",
    points: [
      [0, 0.8],
      [3000, 0.8],
    ],
    dashed: true,
  },
  {
    name: "random",
    points: [
      [0, 0.5],
      [1500, 0.49],
      [3000, 0.51],
    ],
  },
];

describe("well-formedness checker", () => {
  test("refuses what it must refuse", () => {
    for (const bad of ["<a><b></a></b>", "<a>x & y</a>", '<a b="1" b="2"/>', "<a/><b/>", "<a>", "<a>\u0001</a>", "text<a/>"]) {
      expect(() => checkWellFormed(bad), bad).toThrow();
    }
    checkWellFormed('<a b="&amp;&#39;"><c/>x &lt; y</a>');
  });
});

describe("lineChart", () => {
  test("is a standalone svg document with a title, labels and a legend", () => {
    const svg = chart(POLICIES);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" ')).toBe(true);
    expect(svg.endsWith("</svg>\n")).toBe(true);
    expect(svg).toContain("<title>Learning curve</title>");
    for (const text of ["records", "success rate", "bandit", "always-large", "random"]) expect(svg).toContain(`>${text}</text>`);
    expect(polylines(svg)).toHaveLength(3);
    expect(svg).toContain('stroke-dasharray="4 4"');
    expect(svg).not.toContain("no data");
  });

  test("identical input gives byte-identical output, also from a fresh copy", () => {
    const copy = JSON.parse(JSON.stringify(POLICIES)) as ChartSeries[];
    expect(chart(POLICIES)).toBe(chart(POLICIES));
    expect(chart(copy)).toBe(chart(POLICIES));
  });

  test("escapes hostile titles, labels, names and formatter output", () => {
    const hostile = `<script>&"'`;
    const svg = chart(
      [
        {
          name: hostile,
          points: [
            [0, 1],
            [1, 2],
          ],
        },
      ],
      {
        title: hostile,
        xLabel: hostile,
        yLabel: hostile,
        formatY: () => "<b>",
        formatX: () => "&x",
      },
    );
    expect(svg).toContain("&lt;script&gt;&amp;&quot;&#39;");
    expect(svg.toLowerCase()).not.toContain("<script");
    expect(svg).not.toContain("<b>");
    expect(svg).toContain(">&amp;x</text>");
  });

  test("control characters and lone surrogates become U+FFFD, keeping the XML well-formed", () => {
    const svg = chart(
      [
        {
          name: "a\u0000b\u001bc\ud800d\uffff",
          points: [
            [0, 1],
            [1, 2],
          ],
        },
      ],
      { title: "t\u0007" },
    );
    expect(svg).toContain("a\ufffdb\ufffdc\ufffdd\ufffd");
    expect(svg).toContain("t\ufffd");
    expect(chart([{ name: "emoji \u{1f600} stays", points: [] }])).toContain("emoji \u{1f600} stays");
  });

  test("skips NaN, ±Infinity and beyond-1e300 points and never writes them", () => {
    const svg = chart([
      {
        name: "gappy",
        points: [
          [0, 1],
          [1, NaN],
          [NaN, 2],
          [2, Infinity],
          [-Infinity, 3],
          [3, -Infinity],
          [4, 3],
          [5, 1e308],
          [-1e301, 0],
        ],
      },
    ]);
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(polylines(svg)).toEqual([["72,348", "536,44"]]);
    expect(tickLabels(svg, "middle")).toEqual(["0", "1", "2", "3", "4", "records"]);
  });

  test("no series, empty series and all-NaN series render a valid chart saying no data", () => {
    for (const series of [
      [],
      [{ name: "empty", points: [] }],
      [
        {
          name: "nan",
          points: [
            [NaN, NaN],
            [1, NaN],
          ] as const,
        },
      ],
    ]) {
      const svg = chart(series);
      expect(svg).toContain(">no data</text>");
      expect(svg).not.toMatch(/NaN|Infinity|<polyline|<circle/);
      expect(tickLabels(svg, "end").length).toBeGreaterThanOrEqual(2);
    }
    expect(chart([{ name: "empty", points: [] }])).toContain(">empty</text>");
    expect(chart([], { yMin: 5 })).toContain(">no data</text>");
    expect(chart([], { yMax: -5 })).toContain(">no data</text>");
  });

  test("a constant series, a single point and a constant x pad the range instead of dividing by zero", () => {
    for (const points of [
      [
        [0, 5],
        [1, 5],
        [2, 5],
      ],
      [[3, 5]],
      [
        [7, 0],
        [7, 0],
      ],
      [[1e-250, -1e-250]],
      [
        [1e13, 1e13],
        [2e13, 1e13],
      ],
    ] as const) {
      const svg = chart([{ name: "flat", points }]);
      expect(svg).not.toMatch(/NaN|Infinity/);
      expect(tickLabels(svg, "end").length).toBeGreaterThanOrEqual(4);
    }
    const single = chart([{ name: "one", points: [[3, 5]] }]);
    expect(single).toContain('<circle cx="304" cy="196" r="3"');
    expect(tickLabels(single, "end")).toEqual(["4.4", "4.6", "4.8", "5", "5.2", "5.4", "5.6"]);
  });

  test("fixed y bounds are kept; far-outside points are clipped with short coordinates", () => {
    const svg = chart(
      [
        {
          name: "wild",
          points: [
            [0, -1e300],
            [1, 0.5],
            [2, 1e300],
          ],
        },
      ],
      { yMin: 0, yMax: 1 },
    );
    expect(tickLabels(svg, "end")).toEqual(["0", "0.2", "0.4", "0.6", "0.8", "1"]);
    expect(polylines(svg)).toEqual([["72,1000000", "304,196", "536,-1000000"]]);
    expect(svg).toMatch(/<g clip-path="url\(#calybris-plot-72-44-464-304\)"/);
    // Data wholly below a lone yMin still yields a range above it.
    expect(
      tickLabels(
        chart(
          [
            {
              name: "low",
              points: [
                [0, -3],
                [1, -2],
              ],
            },
          ],
          { yMin: 0 },
        ),
        "end",
      ),
    ).toEqual(["0", "0.5", "1", "1.5", "2"]);
  });

  test("any data and bounds: deterministic, well-formed, geometry rounded to 0.1 px, no exponent", () => {
    const bound = fc.double({ min: -1e300, max: 1e300, noNaN: true });
    const bounds: fc.Arbitrary<{ yMin?: number; yMax?: number }> = fc.oneof(
      fc.constant({}),
      bound.map((yMin) => ({ yMin })),
      bound.map((yMax) => ({ yMax })),
      fc
        .tuple(bound, fc.double({ min: 1e-5, max: 1e5, noNaN: true }))
        .map(([yMin, width]) => ({ yMin, yMax: yMin + Math.max(Math.abs(yMin), 1) * width })),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            name: fc.string({ unit: "binary" }),
            points: fc.array(fc.tuple(fc.double(), fc.double()), { maxLength: 8 }),
            dashed: fc.boolean(),
          }),
          { maxLength: 14 },
        ),
        bounds,
        (series, extra) => {
          fc.pre(extra.yMax === undefined || (Number.isFinite(extra.yMax) && Math.abs(extra.yMax) <= 1e300));
          const svg = chart(series, extra);
          expect(svg).not.toMatch(/NaN|Infinity/);
          for (const value of geometryNumbers(svg)) expect(value).toMatch(/^-?\d+(\.\d)?$/);
          expect(chart(series, extra)).toBe(svg);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("the legend lists up to 12 series, then the count and the five highest and lowest", () => {
    const many = (count: number): ChartSeries[] =>
      Array.from({ length: count }, (_, i) => ({
        name: `regime-${i}`,
        points: [
          [0, 0.5],
          [10, (i * 37) % 60],
        ],
      }));
    const twelve = chart(many(12));
    for (let i = 0; i < 12; i++) expect(twelve).toContain(`>regime-${i}</text>`);
    expect(twelve).not.toContain("series, by last value");

    const svg = chart(many(60));
    expect(polylines(svg)).toHaveLength(60);
    expect(svg).toContain(">60 series, by last value</text>");
    expect(svg).toContain(">… 50 more</text>");
    const legend = [...svg.matchAll(/<text x="582" y="\d+">regime-(\d+)<\/text>/g)].map((m) => Number(m[1]));
    const last = (i: number): number => (i * 37) % 60;
    expect(legend.map(last)).toEqual([59, 58, 57, 56, 55, 4, 3, 2, 1, 0]);
    // Ten colours times six dashes: every one of the 60 lines looks different.
    const styles = [...svg.matchAll(/<polyline points="[^"]*" (stroke="[^"]*"(?: stroke-dasharray="[^"]*")?)>/g)].map((m) => m[1]);
    expect(new Set(styles).size).toBe(60);
  });

  test("the legend shortens long names; the line's own title keeps the whole name", () => {
    const name = "x".repeat(30) + "\u{1f600}";
    const svg = chart([
      {
        name,
        points: [
          [0, 1],
          [1, 2],
        ],
      },
    ]);
    expect(svg).toContain(`>${"x".repeat(21)}…</text>`);
    expect(svg).toContain(`<title>${name}</title>`);
  });

  test("cost axes up to 1e13 get readable distinct labels", () => {
    const cost = chart([
      {
        name: "cost",
        points: [
          [0, 0],
          [1, 9.3e12],
        ],
      },
    ]);
    expect(tickLabels(cost, "end")).toEqual(["0", "2T", "4T", "6T", "8T", "10T"]);
    const narrow = tickLabels(
      chart([
        {
          name: "c",
          points: [
            [0, 1e6],
            [1, 1.3e6],
          ],
        },
      ]),
      "end",
    );
    expect(narrow).toEqual(["1M", "1.05M", "1.1M", "1.15M", "1.2M", "1.25M", "1.3M"]);
    const mixed = tickLabels(
      chart([
        {
          name: "c",
          points: [
            [0, 0],
            [1, 1.2e6],
          ],
        },
      ]),
      "end",
    );
    expect(mixed).toEqual(["0", "200k", "400k", "600k", "800k", "1M", "1.2M"]);
    const tiny = tickLabels(
      chart([
        {
          name: "c",
          points: [
            [0, 1e-9],
            [1, 1.3e-9],
          ],
        },
      ]),
      "end",
    );
    expect(tiny).toEqual(["1e-9", "1.05e-9", "1.1e-9", "1.15e-9", "1.2e-9", "1.25e-9", "1.3e-9"]);
    expect(tickLabels(chart([], { yMin: 0, yMax: 1e-199 }), "end")).toEqual(["0", "2e-200", "4e-200", "6e-200", "8e-200", "1e-199"]);
    const fractions = tickLabels(
      chart([
        {
          name: "c",
          points: [
            [0, 0.2],
            [1, 0.35],
          ],
        },
      ]),
      "end",
    );
    expect(fractions).toEqual(["0.2", "0.25", "0.3", "0.35"]);
  });

  test("refuses a bad spec with one message template", () => {
    expect(() => lineChart({ title: "", xLabel: "", yLabel: "", series: [], width: 100 })).toThrow(
      '"width" expected an integer in 320..10000, got 100',
    );
    expect(() => lineChart({ title: "", xLabel: "", yLabel: "", series: [], height: 400.5 })).toThrow(RangeError);
    expect(() => lineChart({ title: "", xLabel: "", yLabel: "", series: [], yMin: NaN })).toThrow('"yMin" expected a finite number');
    expect(() => lineChart({ title: "", xLabel: "", yLabel: "", series: [], yMax: Infinity })).toThrow('"yMax" expected a finite number');
    expect(() => lineChart({ title: "", xLabel: "", yLabel: "", series: [], yMin: 1, yMax: 1 })).toThrow('"yMin" expected below "yMax"');
    expect(() => lineChart({ title: "", xLabel: "", yLabel: "", series: [], yMin: 1, yMax: 1 + 2 ** -52 })).toThrow(
      '"yMin" expected below "yMax"',
    );
  });
});

describe("niceScale", () => {
  test("rounds a data range out to 1-2-5 ticks", () => {
    expect(niceScale(0, 0.93)).toEqual({ lo: 0, hi: 1, step: 0.2, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
    expect(niceScale(0.13, 0.97, { lo: true, hi: true })).toEqual({
      lo: 0.13,
      hi: 0.97,
      step: 0.1,
      ticks: [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
    });
    expect(niceScale(-7, 3).ticks).toEqual([-8, -6, -4, -2, 0, 2, 4]);
    expect(niceScale(0, 1e13).ticks).toEqual([0, 2e12, 4e12, 6e12, 8e12, 1e13]);
  });

  test("refuses an empty, inverted or unbounded range", () => {
    for (const [lo, hi] of [
      [1, 1],
      [2, 1],
      [NaN, 1],
      [0, Infinity],
      [-1e308, 1e308],
      [0, 1e-300],
      [1, 1 + 2 ** -52],
      [1e300, 1e300 + 1e285],
    ] as const) {
      expect(() => niceScale(lo, hi)).toThrow(RangeError);
    }
  });

  test("any range gets 4 to 8 clean, evenly spaced ticks covering it", () => {
    const bound = fc.double({ min: -1e300, max: 1e300, noNaN: true });
    fc.assert(
      fc.property(bound, bound, (a, b) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        fc.pre(hi - lo >= 1e-200 && hi - lo > Math.max(Math.abs(lo), Math.abs(hi)) * 1e-6);
        const scale = niceScale(lo, hi);
        expect(scale.ticks.length).toBeGreaterThanOrEqual(4);
        expect(scale.ticks.length).toBeLessThanOrEqual(8);
        expect(String(scale.step)).toMatch(/^(1|2|5)(0*|e[+-]\d+)$|^0\.0*(1|2|5)$/);
        const tolerance = scale.step * 1e-6;
        expect(scale.lo).toBeLessThanOrEqual(lo + tolerance);
        expect(scale.hi).toBeGreaterThanOrEqual(hi - tolerance);
        scale.ticks.forEach((tick, i) => {
          expect(Number(tick.toPrecision(15))).toBe(tick);
          expect(Math.abs(tick - (scale.ticks[0]! + i * scale.step))).toBeLessThanOrEqual(Math.abs(tick) * 1e-12 + tolerance);
        });
      }),
      { numRuns: 2000 },
    );
  });
});

describe("formatCompact", () => {
  test.each([
    [0, "0"],
    [-0, "0"],
    [1, "1"],
    [0.25, "0.25"],
    [0.123456, "0.123"],
    [12.345, "12.3"],
    [999, "999"],
    [999.96, "1k"],
    [1000, "1k"],
    [1234, "1.2k"],
    [1500, "1.5k"],
    [12345, "12.3k"],
    [123456, "123.5k"],
    [999_950, "1M"],
    [3.4e6, "3.4M"],
    [5.6e9, "5.6G"],
    [7.8e12, "7.8T"],
    [1e13, "10T"],
    [2.5e15, "2.5P"],
    [1e18, "1E"],
    [1.5e21, "1.5e+21"],
    [1e-7, "1e-7"],
    [-1234, "-1.2k"],
    [-0.25, "-0.25"],
    [-1e-7, "-1e-7"],
    [NaN, "n/a"],
    [Infinity, "n/a"],
    [-Infinity, "n/a"],
  ])("%s -> %s", (value, text) => {
    expect(formatCompact(value)).toBe(text);
  });

  test("any double reads back within 5%, in the compact grammar", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = formatCompact(value);
        const match = /^(-?\d+(?:\.\d+)?(?:e[+-]\d+)?)([kMGTPE]?)$/.exec(text);
        expect(match, text).not.toBeNull();
        // Compared in mantissa space: 1.8e+308 read back whole would overflow to Infinity.
        const [mantissa, exponent] = match![1]!.split("e");
        const scale = 1000 ** ["", "k", "M", "G", "T", "P", "E"].indexOf(match![2]!) * 10 ** Number(exponent ?? 0);
        expect(Math.abs(Number(mantissa) - value / scale)).toBeLessThanOrEqual(Math.abs(value / scale) * 0.05);
      }),
      { numRuns: 2000 },
    );
  });
});
