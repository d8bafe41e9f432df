import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Two projects: the pure layers run in Node, the worker and Durable Objects inside workerd.
// Files in test/shared run in both, so golden vectors are checked on both engines.
const TEST_SECRETS = {
  ADMIN_TOKEN: "test-admin-token",
  API_KEY_PEPPER: "test-api-key-pepper-0123456789abcdef",
  CHECKPOINT_SIGNING_KEY: "PRIVATE+KEY+calybris-dev+aa25f12c+AbN+I7UFf1A9xxTk5F+E77hbtPViUFwrH2hXMhKhBJVX",
};

// `npm run test:slow` (CALYBRIS_SLOW=1) also runs the *.slow.test.ts suites with the big counts.
const SLOW = process.env.CALYBRIS_SLOW === "1";
const EXCLUDE = SLOW ? [] : ["**/*.slow.test.ts"];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.ts", "test/shared/**/*.test.ts"],
          exclude: EXCLUDE,
          // Says in one line when the real-data suites skip; under CI their data must be there.
          globalSetup: ["test/node/support/global-setup.ts"],
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            // Test secrets: the public development values of .dev.vars.example.
            miniflare: { bindings: TEST_SECRETS },
          }),
        ],
        test: {
          name: "workerd",
          include: ["test/workerd/**/*.test.ts", "test/shared/**/*.test.ts"],
          exclude: EXCLUDE,
        },
      },
    ],
  },
});
