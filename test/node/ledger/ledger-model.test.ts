// Model-based test of the pure ledger: 1,000 random runs of up to 100 operations (reservations,
// outcomes, releases, top-ups, expiries on a test clock, checkpoints, suspensions, policy events,
// reused ids, poisoned amounts, one-batch bursts and restarts), each answer and balance compared with the
// reference model in test/shared/ledger-model.ts. Ten times as many runs: ledger-model.slow.test.ts.

import { expect, test } from "vitest";
import { checkAgainstModel } from "./ledger-model-driver.ts";

const RUNS = 1_000;
const OPS_MAX = 100;

test(`the pure ledger agrees with the reference model over ${RUNS} runs of up to ${OPS_MAX} operations`, async () => {
  const stats = await checkAgainstModel(RUNS, OPS_MAX, 20_260_101);
  console.info(
    `ledger model: ${stats.runs} runs, ${stats.commands} commands (${stats.okResults} ok), ${stats.bursts} bursts, ${stats.restarts} restarts; refusals ${JSON.stringify(Object.fromEntries(stats.failures))}; events ${JSON.stringify(Object.fromEntries(stats.events))}`,
  );
  expect(stats.runs).toBe(RUNS);
  // Every refusal the model knows must actually have been exercised.
  for (const code of [
    "amount_invalid",
    "balance_limit_exceeded",
    "idempotency_key_reused",
    "decision_unknown",
    "decision_not_reserved",
    "outcome_already_recorded",
    "reservation_unknown",
    "reservation_already_resolved",
    "tenant_unknown",
    "tenant_exists",
    "record_invalid",
    "tenant_suspended",
    "webhook_id_reused",
    "outcome_model_not_offered",
  ]) {
    expect(stats.failures.get(code) ?? 0, code).toBeGreaterThan(0);
  }
  expect(stats.events.get("policy_sealed") ?? 0).toBeGreaterThan(0);
}, 120_000);
