// Lint: typescript-eslint's recommended rules everywhere, src/ kept apart from bench/, and the
// kernel's purity rules (DESIGN.md "Layers"): src/kernel imports only kernel files and never
// touches the clock, randomness, crypto, the network, the console or timers.
import tseslint from "typescript-eslint";

const impure = ["Date", "fetch", "crypto", "console", "setTimeout", "setInterval", "clearTimeout",
  "clearInterval", "setImmediate", "queueMicrotask", "performance", "process", "scheduler", "navigator"];

export default tseslint.config(
  { ignores: ["node_modules/", ".wrangler/", "worker-configuration.d.ts", "bench/out/"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // Benchmarks build on the production code, never the other way round: bench-only routes,
    // RPCs and counters live under bench/ (bench/worker/bench-worker.ts), never in src/.
    files: ["src/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/bench/**"], message: "src/ never imports bench code." }] }],
    },
  },
  {
    files: ["src/kernel/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [
          { regex: "^(?!\\./)", message: "src/kernel imports only kernel files (./*.ts)." },
          { group: ["../*"], message: "src/kernel imports only kernel files." },
        ],
      }],
      "no-restricted-globals": ["error", ...impure.map((name) => ({ name, message: `src/kernel is pure: no ${name}.` }))],
      "no-restricted-properties": ["error",
        { object: "Math", property: "random", message: "src/kernel is pure: randomness comes from the seed." },
        { object: "globalThis", message: "src/kernel is pure: no globals." },
      ],
      "no-restricted-syntax": ["error",
        { selector: "ImportExpression", message: "src/kernel has no dynamic imports." },
        { selector: "NewExpression[callee.name='Date']", message: "src/kernel is pure: no Date." },
      ],
    },
  },
);
