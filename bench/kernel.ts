// npm run bench:kernel — decisions per second of the integer kernel on one core, with GC and heap
// growth during the timed loop, against a naive object-and-float version of the same policy
// measured in the same run. Prints one JSON line. With BENCH_BASELINE=<another checkout> it also
// times that checkout's kernel (its LLM pack and warm start) on the same requests, runs
// interleaved with this one's, so a change to the kernel is measured before and after in one run.

import { resolve } from "node:path";
import { PerformanceObserver, performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import type { DecisionInput } from "../src/kernel/decision-input.ts";
import { LLM_PACK } from "../src/domain/llm/pack.ts";
import { DecisionResult } from "../src/kernel/decision-result.ts";
import { Kernel } from "../src/kernel/kernel.ts";
import { DecisionCode } from "../src/kernel/result-codes.ts";
import { warmStartPolicy } from "../src/learning/warm-start.ts";
import { benchRequests } from "./kernel-requests.ts";
import { naiveDecide } from "./naive-kernel.ts";

const REQUESTS = 4096; // a power of two: the loop indexes with a mask
const DECISIONS_PER_RUN = Number(process.env.BENCH_DECISIONS ?? 30_000_000);
const RUNS = 3;

const policy = warmStartPolicy(LLM_PACK);
const inputs = benchRequests(REQUESTS, policy, LLM_PACK.regimes.length);
const kernel = new Kernel(LLM_PACK.catalog);
const out = new DecisionResult();

let scored = 0;
for (const input of inputs) if (kernel.decide(input, out) === DecisionCode.ok) scored++;

let gcEvents = 0;
const gcKinds: Record<string, number> = {};
let counting = false;
const GC_KIND_NAMES: Record<number, string> = { 1: "minor", 2: "major", 4: "incremental", 8: "weakcb", 16: "minor_mark_sweep" };
const observer = new PerformanceObserver((list) => {
  if (!counting) return;
  for (const entry of list.getEntries()) {
    gcEvents++;
    const kind = GC_KIND_NAMES[(entry as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? "other";
    gcKinds[kind] = (gcKinds[kind] ?? 0) + 1;
  }
});
observer.observe({ entryTypes: ["gc"] });

interface Decider {
  decide(input: DecisionInput, out: DecisionResult): number;
}

function timedRunOf(
  k: Decider,
  ins: readonly DecisionInput[],
  o: DecisionResult,
  decisions: number,
): { perSecond: number; checksum: number } {
  let checksum = 0;
  const mask = REQUESTS - 1;
  const start = performance.now();
  for (let i = 0; i < decisions; i++) {
    checksum += k.decide(ins[i & mask]!, o) + o.chosen;
  }
  const seconds = (performance.now() - start) / 1000;
  return { perSecond: decisions / seconds, checksum };
}

const timedRun = (decisions: number): { perSecond: number; checksum: number } => timedRunOf(kernel, inputs, out, decisions);

/** The baseline checkout's kernel on the same request set, built from its own pack and warm start. */
async function baselineKernel(root: string): Promise<{ kernel: Decider; inputs: DecisionInput[]; out: DecisionResult; options: number }> {
  const at = (path: string): string => pathToFileURL(resolve(root, path)).href;
  const { LLM_PACK: pack } = (await import(at("src/domain/llm/pack.ts"))) as { LLM_PACK: typeof LLM_PACK };
  const { Kernel: BaselineKernel } = (await import(at("src/kernel/kernel.ts"))) as { Kernel: typeof Kernel };
  const { DecisionResult: BaselineResult } = (await import(at("src/kernel/decision-result.ts"))) as {
    DecisionResult: typeof DecisionResult;
  };
  const { warmStartPolicy: baselinePolicy } = (await import(at("src/learning/warm-start.ts"))) as {
    warmStartPolicy: typeof warmStartPolicy;
  };
  const basePolicy = baselinePolicy(pack);
  return {
    kernel: new BaselineKernel(pack.catalog),
    inputs: benchRequests(REQUESTS, basePolicy, pack.regimes.length),
    out: new BaselineResult(),
    options: pack.catalog.optionCount,
  };
}

const baselineRoot = process.env.BENCH_BASELINE;
const baseline = baselineRoot === undefined ? null : await baselineKernel(baselineRoot);
timedRun(2_000_000); // warm-up: let the JIT settle before measuring
if (baseline !== null) timedRunOf(baseline.kernel, baseline.inputs, baseline.out, 2_000_000);
// Start from a collected heap (npm run bench:kernel passes --expose-gc), so a major collection
// owed to the setup's garbage does not land in the timed loop; then let its GC entries arrive
// (they are delivered asynchronously) before counting starts.
(globalThis as { gc?: () => void }).gc?.();
await new Promise((resolve) => setTimeout(resolve, 50));
const heapBefore = process.memoryUsage().heapUsed;
counting = true;
const runs = [0, 1, 2].slice(0, RUNS).map(() => timedRun(DECISIONS_PER_RUN).perSecond);
const heapAfter = process.memoryUsage().heapUsed;
// Interleaved with runs of this kernel, so both see the same machine state.
const baselineRuns: number[] = [];
const pairedRuns: number[] = [];
if (baseline !== null) {
  for (let r = 0; r < RUNS; r++) {
    baselineRuns.push(timedRunOf(baseline.kernel, baseline.inputs, baseline.out, DECISIONS_PER_RUN).perSecond);
    pairedRuns.push(timedRun(DECISIONS_PER_RUN).perSecond);
  }
}
// GC entries arrive asynchronously: give the observer a turn before reading the count.
await new Promise((resolve) => setTimeout(resolve, 50));
counting = false;
observer.disconnect();

let propensityChecksum = 0;
const propensityDecisions = 500_000;
const propensityStart = performance.now();
for (let i = 0; i < propensityDecisions; i++) {
  if (kernel.decide(inputs[i & (REQUESTS - 1)]!, out) === DecisionCode.ok) kernel.propensity(out);
  propensityChecksum += out.propensityPpm;
}
const withPropensity = propensityDecisions / ((performance.now() - propensityStart) / 1000);

const naiveDecisions = 300_000;
let naiveChecksum = 0;
for (let i = 0; i < 50_000; i++) naiveChecksum += naiveDecide(LLM_PACK.catalog, inputs[i & (REQUESTS - 1)]!)?.chosen ?? -1;
const naiveStart = performance.now();
for (let i = 0; i < naiveDecisions; i++) naiveChecksum += naiveDecide(LLM_PACK.catalog, inputs[i & (REQUESTS - 1)]!)?.chosen ?? -1;
const naivePerSecond = naiveDecisions / ((performance.now() - naiveStart) / 1000);

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
const median = medianOf(runs);
console.log(
  JSON.stringify({
    bench: "kernel",
    decisions_per_sec: Math.round(median),
    runs: runs.map(Math.round),
    gc_during_timed_loop: gcEvents,
    gc_kinds: gcKinds,
    heap_bytes_per_decision: Math.max(0, heapAfter - heapBefore) / (DECISIONS_PER_RUN * runs.length),
    naive_decisions_per_sec: Math.round(naivePerSecond),
    speedup_vs_naive: Number((median / naivePerSecond).toFixed(1)),
    scored_share: scored / REQUESTS,
    decide_with_propensity_per_sec: Math.round(withPropensity),
    options: LLM_PACK.catalog.optionCount,
    requests: REQUESTS,
    decisions_per_run: DECISIONS_PER_RUN,
    node: process.version,
    checksum: (propensityChecksum + naiveChecksum) % 1000,
    ...(baseline === null
      ? {}
      : {
          baseline: baselineRoot,
          baseline_options: baseline.options,
          baseline_decisions_per_sec: Math.round(medianOf(baselineRuns)),
          paired_decisions_per_sec: Math.round(medianOf(pairedRuns)),
          ratio_to_baseline: Number((medianOf(pairedRuns) / medianOf(baselineRuns)).toFixed(3)),
        }),
  }),
);
