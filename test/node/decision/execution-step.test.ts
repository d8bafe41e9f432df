// The pure proxy steps of src/decision/execution-step.ts: which options a proxied request tries,
// how usage is taken or estimated (reported counts win only for a complete answer), and the
// ledger input, whose cost is checked against list prices computed here with BigInt.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { DecisionRecord } from "../../../src/decision/decision-record.ts";
import {
  attemptPlan,
  executionInput,
  fallsBack,
  PROXY_ATTEMPTS_MAX,
  usageOf,
  type AttemptReport,
} from "../../../src/decision/execution-step.ts";
import { LLM_PACK } from "../../../src/domain/llm/pack.ts";
import { MODELS } from "../../../src/domain/llm/models.ts";
import { INPUT_TOKENS_MAX, OUTPUT_TOKENS_MAX } from "../../../src/kernel/units.ts";

const record = (ranked: string[], apprentice: string | null = null) =>
  ({ result: { ranked }, apprentice: apprentice === null ? null : { tenant_choice: apprentice } }) as unknown as DecisionRecord;

describe("attemptPlan", () => {
  test("the served option, then the ranked ones after it, at most three", () => {
    expect(attemptPlan(record(["a", "b", "c", "d"]), 0)).toEqual(["a", "b", "c"]);
    expect(attemptPlan(record(["a", "b", "c", "d"]), 2)).toEqual(["c", "d"]);
    expect(attemptPlan(record(["a"]), 0)).toEqual(["a"]);
    expect(attemptPlan(record(["a"]), 1)).toEqual([]);
    expect(attemptPlan(record(["a"]), -1)).toEqual([]);
    expect(PROXY_ATTEMPTS_MAX).toBe(3);
  });

  test("an apprentice decision calls the tenant's own choice only", () => {
    expect(attemptPlan(record(["a", "b"], "z"), 0)).toEqual(["z"]);
  });
});

test.each([
  ["ok", false],
  ["cut", false],
  ["refused", false],
  ["rate_limited", true],
  ["upstream_error", true],
  ["timeout", true],
  ["network_error", true],
] as const)("%s falls back: %s", (status, expected) => expect(fallsBack(status)).toBe(expected));

describe("usageOf", () => {
  test("a complete answer is charged exactly what the provider reported", () => {
    expect(usageOf({ inputTokens: 10, outputTokens: 3 }, 999, 4_000, true)).toEqual({ inputTokens: 10, outputTokens: 3 });
  });

  test("a cut stream: reported input or the estimate, and never less output than was delivered", () => {
    expect(usageOf({ inputTokens: null, outputTokens: null }, 50, 801, false)).toEqual({ inputTokens: 50, outputTokens: 201 });
    expect(usageOf({ inputTokens: 7, outputTokens: 1 }, 50, 40, false)).toEqual({ inputTokens: 7, outputTokens: 10 });
    expect(usageOf({ inputTokens: 7, outputTokens: 99 }, 50, 40, false)).toEqual({ inputTokens: 7, outputTokens: 99 });
  });

  test("counts stay within the kernel's bounds, so every usage can be priced", () => {
    fc.assert(
      fc.property(
        fc.option(fc.nat({ max: Number.MAX_SAFE_INTEGER })),
        fc.option(fc.nat({ max: Number.MAX_SAFE_INTEGER })),
        fc.nat({ max: 10 ** 9 }),
        fc.boolean(),
        (input, output, chars, complete) => {
          const usage = usageOf({ inputTokens: input, outputTokens: output }, 100, chars, complete);
          expect(usage.inputTokens).toBeLessThanOrEqual(INPUT_TOKENS_MAX);
          expect(usage.outputTokens).toBeLessThanOrEqual(OUTPUT_TOKENS_MAX);
          expect(Number.isSafeInteger(usage.inputTokens) && Number.isSafeInteger(usage.outputTokens)).toBe(true);
        },
      ),
    );
  });
});

describe("executionInput", () => {
  const report = (option: string, status: AttemptReport["status"], usage: AttemptReport["usage"]): AttemptReport => ({
    option,
    provider: "p",
    status,
    httpStatus: status === "ok" ? 200 : 429,
    latencyMs: 5,
    usage,
    finishReason: status === "ok" ? "stop" : null,
  });

  test("prices the usage at list prices and describes the answering attempt", () => {
    const model = MODELS.find((m) => m.id === "gpt-4.1")!;
    const expected = Number(
      (123n * BigInt(model.inputPriceMicrosPerMTok) + 45n * BigInt(model.outputPriceMicrosPerMTok) + 999_999n) / 1_000_000n,
    );
    const input = executionInput(LLM_PACK, "fp", [
      report("o3", "rate_limited", null),
      report("gpt-4.1", "ok", { inputTokens: 123, outputTokens: 45 }),
    ]);
    expect(input.actualCostMicros).toBe(expected);
    expect(input.attempts.map((a) => [a.option, a.record.status])).toEqual([
      ["o3", "rate_limited"],
      ["gpt-4.1", "ok"],
    ]);
    expect(input.served?.record).toEqual({ input_tokens: 123, latency_ms: 5, model: "gpt-4.1", output_tokens: 45 });
  });

  test("no answering attempt: nothing to charge and nothing to give feedback on", () => {
    const input = executionInput(LLM_PACK, "fp", [report("o3", "timeout", null)]);
    expect(input).toMatchObject({ actualCostMicros: 0, served: null });
  });
});
