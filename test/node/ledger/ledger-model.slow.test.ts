// The model-based test of ledger-model.test.ts at ten times the runs (10,000 runs of up to 100
// operations) with a fresh random seed each time, printed on failure. Kept off `npm test` by the
// "**/*.slow.test.ts" exclude in vitest.config.ts; run it with `npm run test:slow`.

import { expect, test } from "vitest";
import { checkAgainstModel } from "./ledger-model-driver.ts";

const RUNS = 10_000;
const OPS_MAX = 100;

test(`the pure ledger agrees with the reference model over ${RUNS} runs of up to ${OPS_MAX} operations`, async () => {
  const stats = await checkAgainstModel(RUNS, OPS_MAX);
  console.info(`ledger model (slow): ${stats.runs} runs, ${stats.commands} commands, ${stats.bursts} bursts, ${stats.restarts} restarts`);
  expect(stats.runs).toBe(RUNS);
}, 1_800_000);
