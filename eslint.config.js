// Lint: typescript-eslint's recommended rules everywhere; the layer table of DESIGN.md ("Layers
// and who may import whom"), one rule per folder of src; and the kernel's purity rules: src/kernel
// imports only kernel files and never touches the clock, randomness, crypto, the network, the
// console or timers.
import tseslint from "typescript-eslint";

const LAYERS = [
  "kernel",
  "domain",
  "learning",
  "ledger",
  "decision",
  "providers",
  "durable-objects",
  "worker",
  "replay",
  "client",
  "cli",
  "dashboard",
];

/**
 * What each folder of src may import besides itself (arrows point inward): worker ->
 * durable-objects -> decision -> learning / ledger / domain -> kernel; replay and cli use the
 * pure layers, never the objects or the worker. The migrations' SQL belongs to the objects.
 */
const MAY_IMPORT = {
  kernel: [],
  domain: ["kernel"],
  ledger: [],
  learning: ["domain", "kernel", "ledger"],
  decision: ["learning", "ledger", "domain", "kernel"],
  providers: ["domain", "kernel"],
  "durable-objects": ["decision", "learning", "ledger", "domain", "kernel", "providers", "migrations"],
  worker: ["durable-objects", "decision", "learning", "ledger", "domain", "kernel", "providers"],
  replay: ["decision", "learning", "ledger", "domain", "kernel"],
  client: ["worker", "decision", "learning", "ledger", "domain", "kernel"],
  cli: ["replay", "decision", "learning", "ledger", "domain", "kernel"],
  // The dashboard's browser code checks proofs with the ledger's own pure modules, and nothing else.
  dashboard: ["ledger"],
};
/** Runtime-specific modules: Node's only in the CLI, workerd's only in the shells that run there. */
const RUNTIME_MODULES = { cli: ["cloudflare:*"], "durable-objects": ["node:*"], worker: ["node:*"], client: ["node:*", "cloudflare:*"] };

function layerRules(layer) {
  const forbidden = [...LAYERS, "migrations"].filter((other) => other !== layer && !MAY_IMPORT[layer].includes(other));
  const runtime = RUNTIME_MODULES[layer] ?? ["node:*", "cloudflare:*"];
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${forbidden.join("|")})/`,
              message: `src/${layer} may import only ${["itself", ...MAY_IMPORT[layer]].join(", ")} (DESIGN.md, layers).`,
            },
            {
              group: runtime,
              message: `src/${layer} may not import ${runtime.join(" or ")} modules: it runs where they are not available.`,
            },
            // Benchmarks build on the production code, never the other way round: bench-only routes,
            // RPCs and counters live under bench/ (bench/worker/bench-worker.ts), never in src/.
            { group: ["**/bench/**"], message: "src/ never imports bench code." },
          ],
        },
      ],
    },
  };
}

const impure = [
  "Date",
  "fetch",
  "crypto",
  "console",
  "setTimeout",
  "setInterval",
  "clearTimeout",
  "clearInterval",
  "setImmediate",
  "queueMicrotask",
  "performance",
  "process",
  "scheduler",
  "navigator",
];

export default tseslint.config(
  { ignores: ["node_modules/", ".wrangler/", "worker-configuration.d.ts", "bench/out/", "src/worker/generated/", "screenshots/"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  ...LAYERS.filter((layer) => layer !== "kernel").map(layerRules),
  {
    files: ["src/kernel/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: "^(?!\\./)", message: "src/kernel imports only kernel files (./*.ts)." },
            { group: ["../*"], message: "src/kernel imports only kernel files." },
          ],
        },
      ],
      "no-restricted-globals": ["error", ...impure.map((name) => ({ name, message: `src/kernel is pure: no ${name}.` }))],
      "no-restricted-properties": [
        "error",
        { object: "Math", property: "random", message: "src/kernel is pure: randomness comes from the seed." },
        { object: "globalThis", message: "src/kernel is pure: no globals." },
      ],
      "no-restricted-syntax": [
        "error",
        { selector: "ImportExpression", message: "src/kernel has no dynamic imports." },
        { selector: "NewExpression[callee.name='Date']", message: "src/kernel is pure: no Date." },
      ],
    },
  },
);
