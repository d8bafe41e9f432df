// Model-based test of the real TenantLedger Durable Object: 200 random runs of up to 60
// operations, each on a fresh object, every answer, balance and chain entry compared over RPC
// with the reference model of test/shared/ledger-model.ts (driver: ./ledger-model-driver.ts).
// Ten times as many runs with a fresh seed: ledger-model.slow.test.ts (`npm run test:slow`).

import { expect, test } from "vitest";
import { checkObjectAgainstModel } from "./ledger-model-driver.ts";
import { describeStats, expectCoverage } from "./ledger-model-stats.ts";

const RUNS = 200;
const OPS_MAX = 60;
const SEED = 20_260_101;

test(`the TenantLedger object agrees with the reference model over ${RUNS} runs of up to ${OPS_MAX} operations`, async () => {
  const stats = await checkObjectAgainstModel({ numRuns: RUNS, opsMax: OPS_MAX, seed: SEED, timeLimitMs: 150_000 });
  console.info(`ledger object model: ${describeStats(stats)}`);
  // Fewer runs than asked means the time limit cut the property short: a failure too.
  expect(stats.runs).toBe(RUNS);
  expectCoverage(stats);
}, 200_000);
