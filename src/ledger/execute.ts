// Dispatches one command to its pure step. A record without a canonical form is refused as
// record_invalid before anything is written; any other throw is a bug and fails the batch.

import type { LedgerCommand, ResultOf } from "./commands.ts";
import { CanonicalError } from "./canonical.ts";
import { applyCheckpoint } from "./execute-checkpoint.ts";
import { applyDecide, applyOutcome } from "./execute-decision.ts";
import { applyExecution, applyFeedback, applyProxySetting } from "./execute-execution.ts";
import { applyExpire, applyRelease, applyTopUp, createTenant, updateTenant } from "./execute-account.ts";
import { applyPolicy } from "./execute-policy.ts";
import { ledgerFailure } from "./ledger-codes.ts";
import type { LedgerTxn } from "./txn.ts";

export function execute<C extends LedgerCommand>(txn: LedgerTxn, command: C): ResultOf[C["type"]] {
  try {
    return dispatch(txn, command) as ResultOf[C["type"]];
  } catch (error) {
    if (error instanceof CanonicalError) return ledgerFailure("record_invalid", error.message) as ResultOf[C["type"]];
    throw error;
  }
}

function dispatch(txn: LedgerTxn, command: LedgerCommand): ResultOf[LedgerCommand["type"]] {
  switch (command.type) {
    case "create_tenant":
      return createTenant(txn, command);
    case "top_up":
      return applyTopUp(txn, command);
    case "decide":
      return applyDecide(txn, command);
    case "outcome":
      return applyOutcome(txn, command);
    case "execution":
      return applyExecution(txn, command);
    case "feedback":
      return applyFeedback(txn, command);
    case "proxy_setting":
      return applyProxySetting(txn, command);
    case "release":
      return applyRelease(txn, command);
    case "expire":
      return applyExpire(txn, command);
    case "checkpoint":
      return applyCheckpoint(txn, command);
    case "update_tenant":
      return updateTenant(txn, command);
    case "policy":
      return applyPolicy(txn, command);
    case "outbox_settle":
      for (const id of command.delivered) txn.deleteOutbox(id);
      for (const row of command.retry) txn.putOutbox(row);
      return { ok: true };
  }
}
