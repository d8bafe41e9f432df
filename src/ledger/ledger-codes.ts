// Result codes of the ledger with stable numbers (each command's checks, in their order, are in
// its execute-*.ts step). They cross Durable
// Object RPC inside result unions ({ ok: false, code }), because a thrown error keeps only its
// message. Never renumber; append. Numbers start at 100 to stay apart from the kernel's gates.

export const LedgerCode = {
  amount_invalid: 100,
  balance_limit_exceeded: 101,
  budget_exhausted: 102,
  reservation_unknown: 103,
  reservation_already_resolved: 104,
  idempotency_key_reused: 105,
  decision_unknown: 106,
  decision_not_reserved: 107,
  tenant_unknown: 108,
  tenant_exists: 109,
  ledger_integrity_failed: 110,
  storage_unavailable: 111,
  record_invalid: 112,
  outcome_already_recorded: 113,
  tenant_suspended: 114,
  webhook_id_reused: 115,
  outcome_model_not_offered: 116,
  decision_not_executed: 117,
} as const;

export type LedgerCodeName = keyof typeof LedgerCode;

export interface LedgerFailure {
  readonly ok: false;
  readonly code: LedgerCodeName;
  readonly detail: string;
}

export function ledgerFailure(code: LedgerCodeName, detail: string): LedgerFailure {
  return { ok: false, code, detail };
}
