// triesRegretShare on tables small enough to add up by hand.

import { describe, expect, it } from "vitest";
import { triesRegretShare } from "../../../src/replay/exploration-floor.ts";
import { RecordTableBuilder, type OptionOutcome } from "../../../src/replay/record-table.ts";

const outcome = (success: boolean, costMicros: number): OptionOutcome => ({ success, qualityBps: success ? 10_000 : 0, costMicros });

function table(rows: readonly { regime: number; outcomes: readonly OptionOutcome[] }[]) {
  const builder = new RecordTableBuilder(rows[0]!.outcomes.length);
  rows.forEach((row, i) =>
    builder.push({
      id: `r${i}`,
      regimeIndex: row.regime,
      inputTokens: 1,
      maxOutputTokens: 1,
      valueMicros: 100,
      riskBps: 0,
      event: false,
      outcomes: row.outcomes,
    }),
  );
  return builder.build();
}

describe("triesRegretShare", () => {
  // Regime 0, two records: option 0 nets 100 - 10 and 0 - 10 (mean 40); option 1 nets 100 - 50 twice (mean 50, best).
  // Regime 1, one record: option 0 nets 100 - 0 (best); option 1 nets 0 - 20.
  const t = table([
    { regime: 0, outcomes: [outcome(true, 10), outcome(true, 50)] },
    { regime: 0, outcomes: [outcome(false, 10), outcome(true, 50)] },
    { regime: 1, outcomes: [outcome(true, 0), outcome(false, 20)] },
  ]);

  it("charges each other option's mean shortfall per try, against hindsight's net value", () => {
    // Hindsight: 100 (regime 0) + 100 (regime 1) = 200. One try each: (50 - 40) + (100 - -20) = 130.
    expect(triesRegretShare(t, 2, 1)).toBe(0.65);
    expect(triesRegretShare(t, 2, 2)).toBe(1.3);
    expect(triesRegretShare(t, 2, 0)).toBe(0);
  });

  it("replaces every record's value when a value level is given", () => {
    // Value 1,000: regime 0 nets 980 and 1,900 (best); regime 1 nets 1,000 (best) and -20. Hindsight 2,900.
    // One try each: (1,900 - 980) / 2 + (1,000 + 20) = 1,480.
    expect(triesRegretShare(t, 2, 1, 1_000)).toBe(Math.round((1_480 / 2_900) * 10_000) / 10_000);
  });

  it("is null when hindsight's net value is not positive, and skips a regime without records", () => {
    const losing = table([{ regime: 0, outcomes: [outcome(false, 5), outcome(false, 7)] }]);
    expect(triesRegretShare(losing, 1, 10)).toBeNull();
    expect(triesRegretShare(t, 3, 1)).toBe(0.65);
  });
});
