// The shadow of a decision (issue 12, "Shadow"): the staged candidate configuration decides the
// same request with the same seed, after production has decided and its record was built. Its
// choice, its exact propensity and its exact probability of choosing what production chose are
// sealed beside production's; serving, the budget and learning never read them. Pure.

import type { DomainPack } from "../domain/domain-pack.ts";
import { DecisionResult } from "../kernel/decision-result.ts";
import type { DecisionInput as KernelDecisionInput } from "../kernel/decision-input.ts";
import { DecisionCode } from "../kernel/result-codes.ts";
import type { KernelRun, PolicyEntry } from "./decide-step.ts";

/** The candidate as the worker holds it: its configuration's hash and its policy (snapshot + kernel form). */
export interface ShadowPolicy {
  readonly configHash: string;
  readonly entry: PolicyEntry;
  /** The candidate configuration's value weight, bps: its kernel sees the client's value x this. */
  readonly valueWeightBps: number;
}

/** The shadow as sealed in the decision record, keys in JCS order. */
export type ShadowRecord = {
  /** The candidate's decision code (0 ok), and its choice or null when it refused. */
  readonly chosen: string | null;
  readonly code: number;
  readonly config_hash: string;
  readonly policy_hash: string;
  /** Its exact propensity of its own choice. */
  readonly propensity: { readonly denominator: number; readonly numerator: number };
  /** Its exact probability of choosing production's choice (the option production served at rank 0). */
  readonly served_probability: { readonly denominator: number; readonly numerator: number };
};

/** One scratch result per kernel run, so the shadow never overwrites production's. */
const scratch = new WeakMap<KernelRun, DecisionResult>();

/**
 * Runs the candidate on production's kernel input with its own policy. `productionChoice` is the
 * option index production chose (-1 when it refused): the candidate's probability of it is what
 * off-policy evaluation of the candidate weighs each outcome by.
 */
export function shadowDecision(
  pack: DomainPack,
  run: KernelRun,
  input: KernelDecisionInput,
  shadow: ShadowPolicy,
  productionChoice: number,
): { readonly record: ShadowRecord; readonly costsMicros: readonly number[] } {
  let out = scratch.get(run);
  if (out === undefined) {
    out = new DecisionResult();
    scratch.set(run, out);
  }
  const code = run.kernel.decide({ ...input, policy: shadow.entry.policy }, out);
  if (code === DecisionCode.ok) run.kernel.propensity(out);
  const [numerator, denominator] = productionChoice < 0 ? [0, 1] : run.kernel.probabilityOf(out, productionChoice);
  const ok = code === DecisionCode.ok;
  return {
    record: {
      chosen: ok ? pack.options[out.chosen]!.id : null,
      code,
      config_hash: shadow.configHash,
      policy_hash: shadow.entry.snapshot.hash,
      propensity: ok ? { denominator: out.propensityDenominator, numerator: out.propensityNumerator } : { denominator: 1, numerator: 0 },
      served_probability: { denominator, numerator },
    },
    // What the candidate would reserve, in rank order: the ledger judges its budget refusals.
    costsMicros: Array.from(out.rankedCostMicros.subarray(0, out.rankedCount)),
  };
}
