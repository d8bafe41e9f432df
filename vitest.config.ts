import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Two projects: the pure layers run in Node, the worker and Durable Objects inside workerd.
// Files in test/shared run in both, so golden vectors are checked on both engines.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.ts", "test/shared/**/*.test.ts"],
          exclude: ["**/*.slow.test.ts"],
        },
      },
      {
        plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
        test: {
          name: "workerd",
          include: ["test/workerd/**/*.test.ts", "test/shared/**/*.test.ts"],
          exclude: ["**/*.slow.test.ts"],
        },
      },
    ],
  },
});
