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
  /** The holdout's policy: the warm start, fixed, so it measures what learning adds. */
  baseline(): PolicyEntry;
}

const runtimes = new Map<DomainPack, PackRuntime>();

export function packRuntime(view: TenantView): PackRuntime {
  const pack = packOf(view.pack);
  let runtime = runtimes.get(pack);
  if (runtime === undefined) {
    let baseline: PolicyEntry | null = null;
    runtime = {
      pack,
      run: { kernel: new Kernel(pack.catalog), out: new DecisionResult() },
      baseline: () => {
        if (baseline === null) {
          const snapshot = warmStartSnapshot(pack);
          baseline = { snapshot, policy: toKernelPolicy(snapshot) };
        }
        return baseline;
      },
    };
    runtimes.set(pack, runtime);
  }
  return runtime;
}
