// adversarial.test.ts with ten times the requests (>= 20,000); runs under `npm run test:slow`.

import { describe, it } from "vitest";
import { ONE_USD_MICROS } from "./helpers.ts";
import { expectSoundAfter, runAdversarial, startScenario } from "./adversarial-run.ts";

describe("adversarial requests (slow, 10x)", () => {
  it(
    "never answer 5xx, never NaN, always problem+json; the budget is conserved and the chain verifies",
    { timeout: 1_500_000 },
    async () => {
      const scenario = await startScenario(1_000_000 * ONE_USD_MICROS);
      await runAdversarial(scenario, 10);
      await expectSoundAfter(scenario, 20_000);
    },
  );
});
