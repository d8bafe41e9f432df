// The model-based test of ledger-model.test.ts at ten times the runs (2,000 runs of up to 60
// operations, each on a fresh TenantLedger object) with a fresh seed each time, printed first so
// that a failure can be replayed. Kept off `npm test` by the "**/*.slow.test.ts" exclude in
// vitest.config.ts; run it with `npm run test:slow`.

import { expect, test } from "vitest";
import { checkObjectAgainstModel } from "./ledger-model-driver.ts";
import { describeStats, expectCoverage } from "./ledger-model-stats.ts";

const RUNS = 2_000;
const OPS_MAX = 60;

test(`the TenantLedger object agrees with the reference model over ${RUNS} runs of up to ${OPS_MAX} operations`, async () => {
  const seed = (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) >>> 0;
  console.info(`ledger object model (slow): seed ${seed}`);
  const stats = await checkObjectAgainstModel({ numRuns: RUNS, opsMax: OPS_MAX, seed, timeLimitMs: 1_500_000 });
  console.info(`ledger object model (slow), seed ${seed}: ${describeStats(stats)}`);
  expect(stats.runs).toBe(RUNS);
  expectCoverage(stats);
}, 1_800_000);
