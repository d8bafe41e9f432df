// The store's memo of recent rows (src/durable-objects/recent-rows.ts): it keeps the newest
// `capacity` rows, a rewrite refreshes a row's age, and it never answers for a row it dropped.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { RecentRows } from "../../../src/durable-objects/recent-rows.ts";

describe("RecentRows", () => {
  test("keeps the last value written of exactly the newest `capacity` keys (against a model)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer()), { maxLength: 60 }),
        (capacity, writes) => {
          const memo = new RecentRows<number>(capacity);
          const order: string[] = [];
          const last = new Map<string, number>();
          for (const [k, value] of writes) {
            const key = `k${k}`;
            memo.set(key, value);
            const at = order.indexOf(key);
            if (at >= 0) order.splice(at, 1);
            order.push(key);
            last.set(key, value);
          }
          const kept = new Set(order.slice(-capacity));
          expect(memo.size).toBe(kept.size);
          for (let k = 0; k <= 12; k++) {
            const key = `k${k}`;
            expect(memo.get(key)).toBe(kept.has(key) ? last.get(key) : undefined);
          }
        },
      ),
    );
  });

  test("a rewritten row is the newest again", () => {
    const memo = new RecentRows<string>(2);
    memo.set("a", "1");
    memo.set("b", "2");
    memo.set("a", "3");
    memo.set("c", "4");
    expect([memo.get("a"), memo.get("b"), memo.get("c")]).toEqual(["3", undefined, "4"]);
  });

  test("refuses a capacity that is not a positive integer", () => {
    for (const capacity of [0, -1, 1.5, Number.NaN]) expect(() => new RecentRows(capacity)).toThrow(RangeError);
  });
});
