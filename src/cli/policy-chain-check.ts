// What `calybris verify` checks of `policy` entries (docs/chain-format.md, "policy"): each event's
// shape (policyEventProblem) and its continuity with the events before it, by replaying the
// lifecycle's rules (src/learning/lifecycle/lifecycle.ts) on hashes alone. It never reads the clock.

import type { PolicyEventCheck } from "../ledger/chain-verifier.ts";
import { HISTORY_MAX } from "../learning/lifecycle/lifecycle-state.ts";
import { policyEventProblem, type PolicyEventRecord } from "../learning/lifecycle/policy-event.ts";

/**
 * The lifecycle state as the chain shows it. A tenant's lifecycle starts at version 0 with no
 * history and nothing staged (initialLifecycleState), and every transition is sealed, so all of
 * that is known from seq 0 on. Only the first configuration's hash is not in the chain: the first
 * event's previous_hash names it.
 */
export class PolicyChainCheck implements PolicyEventCheck {
  private current: string | null = null;
  private version = 0;
  /** Hashes rollback returns to, newest last; bounded as the lifecycle bounds its history. */
  private readonly history: string[] = [];
  private candidate: { readonly hash: string; readonly seq: number } | null = null;

  accept(event: Readonly<Record<string, unknown>>, seq: number): string | null {
    const shape = policyEventProblem(event);
    if (shape !== null) return shape;
    const record = event as PolicyEventRecord;
    const problem = this.continuityProblem(record);
    if (problem !== null) return problem;
    this.apply(record, seq);
    return null;
  }

  /** The first rule the event breaks, in the order lifecycle.ts checks its transitions; or null. */
  private continuityProblem(event: PolicyEventRecord): string | null {
    const { op, config_hash: hash, previous_hash: previous, version } = event;
    if (this.current !== null && previous !== this.current) {
      return `previous_hash ${previous} is not the current configuration ${this.current}`;
    }
    const staged = this.candidate;
    const changesProduction = op === "promote" || op === "rollback";
    const expectedVersion = changesProduction ? this.version + 1 : this.version;
    if (op === "stage") {
      if (staged !== null) return `stage while candidate ${staged.hash} (staged at seq ${staged.seq}) is still staged`;
      if (hash === previous) return `stage of the current configuration ${hash}`;
    } else if (op === "discard" || op === "promote") {
      if (staged === null) return `${op} with no candidate staged`;
      if (hash !== staged.hash) return `${op} of ${hash}, but the staged candidate is ${staged.hash}`;
    } else {
      if (staged !== null) return `rollback while candidate ${staged.hash} (staged at seq ${staged.seq}) is still staged`;
      const back = this.history.at(-1);
      if (back === undefined) return "rollback with no previous configuration";
      if (hash !== back) return `rollback to ${hash}, but the previous configuration is ${back}`;
    }
    if (version !== expectedVersion) return `version ${version} where ${expectedVersion} was expected after ${op}`;
    return null;
  }

  private apply(event: PolicyEventRecord, seq: number): void {
    this.current = event.previous_hash;
    switch (event.op) {
      case "stage":
        this.candidate = { hash: event.config_hash, seq };
        return;
      case "discard":
        this.candidate = null;
        return;
      case "promote":
        this.history.push(event.previous_hash);
        if (this.history.length > HISTORY_MAX) this.history.shift();
        this.candidate = null;
        break;
      case "rollback":
        this.history.pop();
        break;
    }
    this.current = event.config_hash;
    this.version = event.version;
  }
}
