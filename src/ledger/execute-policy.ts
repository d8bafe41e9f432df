// Sealing a policy lifecycle event (issue 12) as a pure step on a batch: one `policy` entry whose
// record is `{ policy: <event> }`. The ledger never reads the event: the lifecycle's rules and the
// record's shape belong to the learning layer, which src/ledger must not import; verify checks them.

import type { PolicyCommand, PolicyResult } from "./commands.ts";
import { ledgerFailure } from "./ledger-codes.ts";
import type { LedgerTxn } from "./txn.ts";

/**
 * tenant_unknown, then record_invalid (not an object, or no canonical form). A suspended tenant is
 * not refused: suspension stops the tenant's own traffic, while the lifecycle is the admin's, like
 * top-ups and tenant changes; and an event the Learner already applied must reach the chain, or the
 * chain would miss a configuration change (an admin may discard a candidate of a suspended tenant).
 */
export function applyPolicy(txn: LedgerTxn, cmd: PolicyCommand): PolicyResult {
  if (txn.tenant === null) return ledgerFailure("tenant_unknown", "no tenant in this ledger");
  const record: unknown = cmd.record;
  // An array or null would seal canonically, but no policy event is one: refuse it before the chain.
  if (typeof record !== "object" || record === null || Array.isArray(record)) {
    return ledgerFailure("record_invalid", "a policy event expected an object");
  }
  // append throws CanonicalError for a record without a canonical form; execute() answers record_invalid.
  const entry = txn.append("policy", cmd.nowMs, { policy: cmd.record });
  if (cmd.lifecycle !== undefined) txn.putKeyed("lifecycle", "state", cmd.lifecycle);
  return { ok: true, seq: entry.seq, fingerprint: entry.fpHex };
}
