// What the worker keeps per domain pack and isolate: one kernel with its reusable output (decide()
// is synchronous and its output is copied into the record before the first await, so concurrent
// requests cannot mix) and the holdout's baseline policy, the pack's warm start.

import type { KernelRun, PolicyEntry } from "../decision/decide-step.ts";
import type { TenantView } from "../decision/tenant-view.ts";
import type { DomainPack } from "../domain/domain-pack.ts";
import { packOf } from "../domain/packs.ts";
import { DecisionResult } from "../kernel/decision-result.ts";
import { Kernel } from "../kernel/kernel.ts";
import { toKernelPolicy } from "../learning/policy-snapshot.ts";
import { warmStartSnapshot } from "../learning/warm-start.ts";

export interface PackRuntime {
  readonly pack: DomainPack;
  readonly run: KernelRun;
  /**
   * The holdout's policy: the warm start, fixed, so it measures what learning adds, run with the
   * tenant's exploration share (0 must mean no exploration anywhere).
   */
  baseline(explorationBps: number): PolicyEntry;
}

const runtimes = new Map<DomainPack, PackRuntime>();

export function packRuntime(view: TenantView): PackRuntime {
  const pack = packOf(view.pack);
  let runtime = runtimes.get(pack);
  if (runtime === undefined) {
    // One kernel policy per exploration share in use: the kernel validates each policy object once.
    const baselines = new Map<number, PolicyEntry>();
    const snapshot = warmStartSnapshot(pack);
    runtime = {
      pack,
      run: { kernel: new Kernel(pack.catalog), out: new DecisionResult() },
      baseline: (explorationBps) => {
        let entry = baselines.get(explorationBps);
        if (entry === undefined) {
          entry = { snapshot, policy: toKernelPolicy(snapshot, explorationBps) };
          baselines.set(explorationBps, entry);
        }
        return entry;
      },
    };
    runtimes.set(pack, runtime);
  }
  return runtime;
}
