// JCS (RFC 8785) restricted to integers, as the chain hashes it: key order by UTF-16 code units,
// no whitespace, strings as ECMAScript writes them, and a refusal for every value that has no
// single canonical spelling. Golden strings from RFC 8785 and by hand; fast-check round trips
// and a differential check against a small independent encoder.

import { Buffer } from "node:buffer";
import { hash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { CanonicalError, canonicalJson, type CanonicalValue } from "../../../src/ledger/canonical.ts";
import { canonicalEntry, canonicalOfLine, sealEntry } from "../../../src/ledger/entry.ts";

const canonical = (value: unknown): string => canonicalJson(value as CanonicalValue);

describe("key order", () => {
  test("sorts by UTF-16 code units, not by insertion, numeric value or code point", () => {
    // JS enumerates integer-like keys first and in numeric order ("9" before "10"); JCS sorts them
    // as strings. U+1F600 is the surrogate pair D83D DE00, so it sorts before U+FB01 although its
    // code point is larger.
    const value = { a: 1, B: 2, "\u00e9": 3, "\u{1F600}": 4, "10": 5, "9": 6, "\ufb01": 7 };
    expect(Object.keys(value).slice(0, 2)).toEqual(["9", "10"]);
    expect(canonical(value)).toBe('{"10":5,"9":6,"B":2,"a":1,"\u00e9":3,"\u{1F600}":4,"\ufb01":7}');
  });

  test("orders the RFC 8785 section 3.2.3 example as the RFC does", () => {
    const value = {
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis",
    };
    expect(canonical(value)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  test("sorts nested objects too, and keeps array order", () => {
    expect(canonical({ z: [{ b: 1, a: 2 }, 3, { d: { y: 0, x: 0 } }], a: {} })).toBe('{"a":{},"z":[{"a":2,"b":1},3,{"d":{"x":0,"y":0}}]}');
  });
});

describe("spelling", () => {
  test.each<[string, unknown, string]>([
    ["null", null, "null"],
    ["true", true, "true"],
    ["false", false, "false"],
    ["zero", 0, "0"],
    ["a negative integer", -42, "-42"],
    ["2^53 - 1", 2 ** 53 - 1, "9007199254740991"],
    ["-(2^53 - 1)", -(2 ** 53 - 1), "-9007199254740991"],
    ["an empty object", {}, "{}"],
    ["an empty array", [], "[]"],
    ["an object without a prototype", Object.assign(Object.create(null) as object, { b: 1, a: [true, null] }), '{"a":[true,null],"b":1}'],
    // RFC 8785 section 3.2.2.2: control characters as \u00XX in lower case, the short escapes,
    // and nothing else escaped (not "/", not non-ASCII).
    ["the RFC 8785 string example", '\u20ac$\u000f\nA\'B"\\\\"/', '"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"'],
    ["U+2028 and U+2029 unescaped", "\u2028\u2029", '"\u2028\u2029"'],
    ["DEL and U+0080 unescaped", "\u007f\u0080", '"\u007f\u0080"'],
    ["every short escape", "\b\f\n\r\t", '"\\b\\f\\n\\r\\t"'],
  ])("writes %s", (_, value, expected) => {
    expect(canonical(value)).toBe(expected);
  });

  test("puts no whitespace between tokens", () => {
    expect(canonical({ list: [1, 2, { k: "a b" }], s: " " })).toBe('{"list":[1,2,{"k":"a b"}],"s":" "}');
  });
});

describe("golden records", () => {
  const prevHex = "ab".repeat(32);
  const topUp = { op: "top_up", top_up_id: "t-1", amount_micros: 5_000, budget: { credited: 15_000, committed: 0, reserved: 0 } };
  const decision = {
    decision: { tier: 2, option: "claude-sonnet", reasons: ["floor_met"] },
    ledger: {
      decision_id: "d-7",
      request_digest: "00ff",
      budget_verdict: "pass",
      served_rank: 1,
      served_option: "gpt-mini",
      reservation_id: "d-7",
      reserved_micros: 1_200,
      expires_at_ms: 1_700_000_060_000,
      budget: { credited: 15_000, committed: 0, reserved: 1_200 },
    },
  };

  test("a top-up record", () => {
    expect(canonical(topUp)).toBe(
      '{"amount_micros":5000,"budget":{"committed":0,"credited":15000,"reserved":0},"op":"top_up","top_up_id":"t-1"}',
    );
  });

  test("a decision record", () => {
    expect(canonical(decision)).toBe(
      '{"decision":{"option":"claude-sonnet","reasons":["floor_met"],"tier":2},' +
        '"ledger":{"budget":{"committed":0,"credited":15000,"reserved":1200},"budget_verdict":"pass","decision_id":"d-7",' +
        '"expires_at_ms":1700000060000,"request_digest":"00ff","reservation_id":"d-7","reserved_micros":1200,"served_option":"gpt-mini","served_rank":1}}',
    );
  });

  test("an entry: header fields sorted around the record, fp first on the export line, SHA-256(prev || canonical)", () => {
    const expected = `{"kind":"budget","prev":"${prevHex}","record":${canonical(topUp)},"seq":3,"ts":1700000000000}`;
    expect(canonicalEntry(3, "budget", 1_700_000_000_000, prevHex, topUp)).toBe(expected);
    const sealed = sealEntry(Buffer.from(prevHex, "hex"), 3, "budget", 1_700_000_000_000, topUp);
    const fpHex = hash("sha256", Buffer.concat([Buffer.from(prevHex, "hex"), Buffer.from(expected, "utf8")]), "hex");
    expect(sealed.fpHex).toBe(fpHex);
    expect(sealed.line).toBe(`{"fp":"${fpHex}",${expected.slice(1)}`);
    expect(canonicalOfLine(sealed.line)).toBe(expected);
  });
});

describe("refusals", () => {
  class Point {
    x = 1;
  }
  const nested = (depth: number, wrap: (inner: unknown) => unknown): unknown => {
    let value: unknown = 0;
    for (let i = 0; i < depth; i++) value = wrap(value);
    return value;
  };
  const cycle: Record<string, unknown> = { a: 1 };
  cycle.self = cycle;
  const holey = [1, , 3];

  test.each<[string, unknown]>([
    ["a float", 1.5],
    ["a float inside a record", { amount_micros: 0.1 }],
    ["-0", -0],
    ["-0 inside an array", [0, -0]],
    ["NaN", Number.NaN],
    ["Infinity", Infinity],
    ["-Infinity", -Infinity],
    ["1e9999", 1e9999],
    ["2^53", 2 ** 53],
    ["-(2^53)", -(2 ** 53)],
    ["1e21", 1e21],
    ["a lone high surrogate", "a\uD800"],
    ["a lone low surrogate", "\uDC00b"],
    ["surrogates in the wrong order", "\uDE00\uD83D"],
    ["a key with a lone surrogate", { "\uD800": 1 }],
    ["undefined", undefined],
    ["undefined in an object", { a: undefined }],
    ["undefined in an array", [undefined]],
    ["an array hole", holey],
    ["a class instance", new Point()],
    ["a Date", new Date(0)],
    ["a Map", new Map([["a", 1]])],
    ["a Uint8Array", new Uint8Array(2)],
    ["a boxed number", Object(1)],
    ["a bigint", 1n],
    ["a symbol", Symbol("s")],
    ["a function", () => 1],
    ["arrays nested 17 deep", nested(17, (inner) => [inner])],
    ["objects nested 17 deep", nested(17, (inner) => ({ k: inner }))],
    ["a cycle", cycle],
  ])("refuses %s with a CanonicalError", (_, value) => {
    // Only CanonicalError becomes record_invalid (execute.ts); any other throw would fail a batch.
    expect(() => canonical(value)).toThrow(CanonicalError);
  });

  test("accepts nesting up to 16 deep", () => {
    expect(canonical(nested(16, (inner) => [inner]))).toBe(`${"[".repeat(16)}0${"]".repeat(16)}`);
    expect(canonical(nested(16, (inner) => ({ k: inner })))).toBe(`${'{"k":'.repeat(16)}0${"}".repeat(16)}`);
  });

  test("names where the bad value is", () => {
    expect(() => canonical({ ledger: { budget: [0, 1.5] } })).toThrow("$.ledger.budget[1]: expected safe integer, got 1.5");
  });
});

describe("properties", () => {
  const integer = fc.oneof(fc.maxSafeInteger(), fc.constantFrom(0, 1, -1, 2 ** 31 - 1, 2 ** 53 - 1, -(2 ** 53 - 1)));
  const text = fc.oneof(
    fc.string({ unit: "binary" }),
    fc.constantFrom("", "\u2028", "\u{1F600}", "\u0000", '"\\/', "10", "9", "__proto__"),
  );
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constant(null),
      fc.boolean(),
      integer,
      text,
      fc.array(tie("value"), { maxLength: 5 }),
      fc.dictionary(text, tie("value"), { maxKeys: 5 }),
    ),
  }));

  /** An independent encoder: a hand-written code-unit comparison instead of Array.prototype.sort's. */
  function reference(input: unknown): string {
    if (Array.isArray(input)) return `[${input.map(reference).join(",")}]`;
    if (typeof input === "object" && input !== null) {
      const keys = Object.keys(input).sort((left, right) => {
        for (let i = 0; i < Math.min(left.length, right.length); i++) {
          const difference = left.charCodeAt(i) - right.charCodeAt(i);
          if (difference !== 0) return difference;
        }
        return left.length - right.length;
      });
      return `{${keys.map((key) => `${JSON.stringify(key)}:${reference((input as Record<string, unknown>)[key])}`).join(",")}}`;
    }
    return JSON.stringify(input);
  }

  test("canonicalJson(JSON.parse(canonicalJson(x))) === canonicalJson(x)", () => {
    fc.assert(
      fc.property(value, (x) => {
        const once = canonical(x);
        expect(canonical(JSON.parse(once))).toBe(once);
      }),
      { numRuns: 2_000 },
    );
  });

  test("agrees with an independent encoder", () => {
    fc.assert(
      fc.property(value, (x) => {
        expect(canonical(x)).toBe(reference(x));
      }),
      { numRuns: 2_000 },
    );
  });

  test("is the same for every insertion order of the keys", () => {
    fc.assert(
      fc.property(fc.dictionary(text, value, { maxKeys: 8 }), (x) => {
        const reversed = Object.fromEntries(Object.entries(x).reverse());
        expect(canonical(reversed)).toBe(canonical(x));
      }),
      { numRuns: 1_000 },
    );
  });

  test("refuses every non-integer number, wherever it sits", () => {
    const bad = fc.oneof(fc.double({ noInteger: true }), fc.constantFrom(-0, 2 ** 53, -(2 ** 53), Infinity, -Infinity, Number.NaN));
    fc.assert(
      fc.property(value, bad, fc.boolean(), (x, number, inArray) => {
        const poisoned = inArray ? [x, number] : { x, bad: number };
        expect(() => canonical(poisoned)).toThrow(CanonicalError);
      }),
      { numRuns: 1_000 },
    );
  });
});
