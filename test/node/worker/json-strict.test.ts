// The body reader's strict scan (src/worker/json-strict.ts): JSON.parse keeps the last of two
// equal member names and lets lone surrogates through; the scan must refuse both, however the
// names are spelled and however deep they sit, and must accept every other JSON text.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { isWellFormed, jsonDefect } from "../../../src/worker/json-strict.ts";

/** Every code unit of a string as a \uXXXX escape: the same string, spelled as differently as JSON allows. */
function escapeAll(value: string): string {
  return `"${Array.from({ length: value.length }, (_, i) => `\\u${value.charCodeAt(i).toString(16).padStart(4, "0")}`).join("")}"`;
}

/** JSON text of a value with every string (names too) fully escaped: parses to the same value. */
function stringifyEscaped(value: unknown): string {
  if (typeof value === "string") return escapeAll(value);
  if (Array.isArray(value)) return `[${value.map(stringifyEscaped).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value)
      .map(([name, inner]) => `${escapeAll(name)} : ${stringifyEscaped(inner)}`)
      .join(" , ")}}`;
  }
  return JSON.stringify(value);
}

const json = fc.jsonValue({ maxDepth: 4 });

describe("jsonDefect accepts", () => {
  test("every JSON text without repeated names, as JSON.stringify writes it and fully escaped", () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(jsonDefect(JSON.stringify(value))).toBeNull();
        const escaped = stringifyEscaped(value);
        expect(JSON.parse(escaped)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(jsonDefect(escaped)).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  test.each([
    ['{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}', "the same name in different objects"],
    ['{"a":"\\"a\\":1,","b":"{\\"b\\":2}"}', "names inside string values"],
    ['{"\\\\":1,"\\\\\\\\":2}', "backslashes before the closing quote"],
    ['{"a":1,"A":2,"a ":3}', "names that differ in case or spacing"],
    ['{"\\ud83d\\ude00":1,"😀 ":2}', "a surrogate pair, escaped"],
    ['[1,{"x":[],"y":{}},"z"]', "arrays around objects"],
    ["{}", "an empty object"],
  ])("%s (%s)", (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(jsonDefect(text)).toBeNull();
  });

  test("100,000 levels of nesting in one pass", () => {
    const depth = 100_000;
    expect(jsonDefect(`${"[".repeat(depth)}${"]".repeat(depth)}`)).toBeNull();
    expect(jsonDefect(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`)).toBeNull();
  });
});

describe("jsonDefect refuses", () => {
  test("any object of any JSON value with one of its names repeated, spelled either way", () => {
    const withObject = fc.dictionary(fc.string({ maxLength: 6 }), json, { minKeys: 1, maxKeys: 5 });
    fc.assert(
      fc.property(withObject, fc.nat(), fc.boolean(), fc.nat(3), (object, pick, escaped, depth) => {
        const names = Object.keys(object);
        const name = names[pick % names.length]!;
        const inner = `{${escaped ? escapeAll(name) : JSON.stringify(name)}:0,${JSON.stringify(object).slice(1)}`;
        const text = `${'{"outer":['.repeat(depth)}${inner}${"]}".repeat(depth)}`;
        expect(() => JSON.parse(text)).not.toThrow();
        expect(jsonDefect(text)).toMatch(/appears twice/);
      }),
      { numRuns: 500 },
    );
  });

  test.each([
    ['{"a":1,"a":2}', "the plain case: JSON.parse keeps 2"],
    ['{"a":1,"\\u0061":2}', "the same name, once escaped"],
    ['{"\\u0041":1,"\\u0041":2}', "both escaped"],
    ['{"x":{"y":[{"a":1,"b":2,"a":3}]}}', "deep inside"],
    ['{"":1,"":2}', "the empty name"],
    ['{"a\\/b":1,"a/b":2}', "an escaped solidus"],
  ])("%s (%s)", (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(jsonDefect(text)).toMatch(/appears twice/);
  });

  test.each([
    ['"\\ud800"', "a lone high surrogate"],
    ['"\\udc00"', "a lone low surrogate"],
    ['"x\\ud83d"', "a high surrogate at the end"],
    ['"\\ude00\\ud83d"', "a pair in the wrong order"],
    ['{"\\ud800":1}', "a lone surrogate in a name"],
    ['{"a":["ok",{"b":"\\udfff"}]}', "deep inside"],
    ['"\ud800"', "a raw lone surrogate (never from the UTF-8 decoder, but refused all the same)"],
  ])("%s (%s)", (text) => {
    expect(jsonDefect(text)).toMatch(/lone surrogate/);
  });
});

describe("isWellFormed", () => {
  test("agrees with String.prototype.isWellFormed on any string of code units", () => {
    const units = fc.array(fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0xd7ff, max: 0xe000 })), { maxLength: 12 });
    fc.assert(
      fc.property(units, (codes) => {
        const value = String.fromCharCode(...codes);
        expect(isWellFormed(value)).toBe((value as unknown as { isWellFormed(): boolean }).isWellFormed());
      }),
      { numRuns: 2_000 },
    );
  });
});
