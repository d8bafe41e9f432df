// Adversarial bodies, headers and paths against /v1/decide, /v1/outcomes and the admin routes
// (>= 2,000 requests): no answer is a 5xx, none carries NaN or Infinity, every refusal is
// problem+json, and afterwards the budget agrees with an independent reference and the chain verifies.
// The same run with ten times the requests is adversarial.slow.test.ts (npm run test:slow).

import { describe, it } from "vitest";
import { ONE_USD_MICROS } from "./helpers.ts";
import { expectSoundAfter, runAdversarial, startScenario } from "./adversarial-run.ts";

describe("adversarial requests", () => {
  it("never answer 5xx, never NaN, always problem+json; the budget is conserved and the chain verifies", { timeout: 120_000 }, async () => {
    const scenario = await startScenario(1_000_000 * ONE_USD_MICROS);
    await runAdversarial(scenario, 1);
    await expectSoundAfter(scenario, 2_000);
  });
});
