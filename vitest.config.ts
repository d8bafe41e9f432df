import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Two projects: the pure layers run in Node, the worker and Durable Objects inside workerd.
// Files in test/shared run in both, so golden vectors are checked on both engines.
const TEST_SECRETS = {
  ADMIN_TOKEN: "test-admin-token",
  API_KEY_PEPPER: "test-api-key-pepper-0123456789abcdef",
  CHECKPOINT_SIGNING_KEY: "PRIVATE+KEY+calybris-dev+aa25f12c+AbN+I7UFf1A9xxTk5F+E77hbtPViUFwrH2hXMhKhBJVX",
  PROVIDER_KEY_SECRET: "test-provider-key-secret-0123456789abcdef",
};

// Proxy mode in tests: every provider at a host under the reserved .test TLD (RFC 2606), so a call
// that escaped the tests' fetch mock could never reach a real provider, and a deployment-wide key
// per provider (test/workerd/proxy/ checks that none of them ever leaves the worker).
const TEST_PROVIDERS = ["openai", "anthropic", "google", "deepseek", "mistral", "meta"] as const;
const TEST_PROXY = Object.fromEntries(
  TEST_PROVIDERS.flatMap((provider) => [
    [`${provider.toUpperCase()}_BASE_URL`, `https://${provider}.upstream.test/v1`],
    [`${provider.toUpperCase()}_API_KEY`, `deployment-key-${provider}-SECRET-0123456789`],
  ]),
);

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
            miniflare: { bindings: { ...TEST_SECRETS, ...TEST_PROXY } },
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
