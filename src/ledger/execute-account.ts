// Account operations as pure steps on a batch: tenant creation and changes, top-ups, releases and
// expiry. Each validates first, then appends its entry (the only step that can throw), then
// writes the rows that depend on it, so a refused command leaves the batch untouched.

import { bytesToHex } from "@noble/hashes/utils.js";
import { release, topUp } from "./budget.ts";
import { budgetRecord, budgetView } from "./budget-view.ts";
import type {
  CreateTenantCommand,
  CreateTenantResult,
  ExpireCommand,
  ExpireResult,
  ReleaseCommand,
  ReleaseResult,
  TopUpCommand,
  TopUpResult,
  UpdateTenantCommand,
  UpdateTenantResult,
} from "./commands.ts";
import { genesisHash } from "./entry.ts";
import { ledgerFailure } from "./ledger-codes.ts";
import { checkMicros } from "./money.ts";
import type { TenantRow } from "./store.ts";
import type { LedgerTxn } from "./txn.ts";

export function createTenant(txn: LedgerTxn, cmd: CreateTenantCommand): CreateTenantResult {
  if (txn.tenant !== null || txn.head.size > 0) return ledgerFailure("tenant_exists", "this ledger already has a tenant");
  const amount = checkMicros(cmd.initialBudgetMicros, "initialBudgetMicros");
  if (typeof amount !== "number") return amount;
  const t = cmd.tenant;
  const before = txn.head;
  txn.head = { ...txn.head, headHex: bytesToHex(genesisHash(t.tenantId)) };
  const budget = { creditedMicros: amount, committedMicros: 0, reservedMicros: 0 };
  let entry;
  try {
    entry = txn.append("budget", cmd.nowMs, {
      op: "tenant_created",
      tenant_id: t.tenantId,
      name: t.name,
      status: t.status,
      mode: t.mode,
      allowed_provider_mask: t.allowedProviderMask,
      rate_limit_per_minute: t.rateLimitPerMinute,
      cost_cap_micros: t.costCapMicros,
      api_key_id: t.apiKeyId,
      amount_micros: amount,
      budget: budgetRecord(budget),
    });
  } catch (error) {
    // A record without a canonical form is refused; the genesis head must not outlive it.
    txn.head = before;
    throw error;
  }
  txn.setBudget(budget);
  txn.setTenant(t);
  return { ok: true, seq: entry.seq, fingerprint: entry.fpHex, budget: budgetView(budget) };
}

export function applyTopUp(txn: LedgerTxn, cmd: TopUpCommand): TopUpResult {
  if (txn.tenant === null) return ledgerFailure("tenant_unknown", "no tenant in this ledger");
  const amount = checkMicros(cmd.amountMicros, "amountMicros");
  if (typeof amount !== "number") return amount;
  const prior = txn.keyed("operation", `top_up:${cmd.topUpId}`);
  if (prior !== null) {
    const stored = JSON.parse(prior) as { amountMicros: number; seq: number; fingerprint: string };
    if (stored.amountMicros !== amount)
      return ledgerFailure("idempotency_key_reused", `top-up ${cmd.topUpId} was made with another amount`);
    return { ok: true, seq: stored.seq, fingerprint: stored.fingerprint, budget: budgetView(txn.budget()), replayed: true };
  }
  const next = topUp(txn.budget(), amount);
  if ("ok" in next) return next;
  const entry = txn.append("budget", cmd.nowMs, {
    op: "top_up",
    top_up_id: cmd.topUpId,
    amount_micros: amount,
    budget: budgetRecord(next),
  });
  txn.setBudget(next);
  txn.putKeyed("operation", `top_up:${cmd.topUpId}`, JSON.stringify({ amountMicros: amount, seq: entry.seq, fingerprint: entry.fpHex }));
  return { ok: true, seq: entry.seq, fingerprint: entry.fpHex, budget: budgetView(next), replayed: false };
}

export function applyRelease(txn: LedgerTxn, cmd: ReleaseCommand): ReleaseResult {
  const reservation = txn.reservation(cmd.reservationId);
  if (reservation === null) return ledgerFailure("reservation_unknown", `no reservation ${cmd.reservationId}`);
  if (reservation.status === "released") {
    const fingerprint = txn.keyed("operation", `release:${reservation.id}`) ?? "";
    return { ok: true, seq: reservation.resolvedSeq, fingerprint, releasedMicros: reservation.amountMicros, replayed: true };
  }
  if (reservation.status !== "open") {
    return ledgerFailure("reservation_already_resolved", `reservation ${reservation.id} is already ${reservation.status}`);
  }
  const next = release(txn.budget(), reservation.amountMicros);
  const entry = txn.append("budget", cmd.nowMs, {
    op: "release",
    reservation_id: reservation.id,
    amount_micros: reservation.amountMicros,
    budget: budgetRecord(next),
  });
  txn.setBudget(next);
  txn.putReservation({ ...reservation, status: "released", resolvedSeq: entry.seq });
  txn.putKeyed("operation", `release:${reservation.id}`, entry.fpHex);
  return { ok: true, seq: entry.seq, fingerprint: entry.fpHex, releasedMicros: reservation.amountMicros, replayed: false };
}

/** Releases every open reservation whose time is up, in one entry; a second run finds none. */
export function applyExpire(txn: LedgerTxn, cmd: ExpireCommand): ExpireResult {
  if (!Number.isSafeInteger(cmd.limit) || cmd.limit < 1) throw new RangeError(`expire "limit" expected integer >= 1, got ${cmd.limit}`);
  const due = txn.expiredReservations(cmd.nowMs, cmd.limit);
  if (due.length === 0) return { ok: true, expired: 0, releasedMicros: 0, seq: null };
  let budget = txn.budget();
  let total = 0;
  for (const reservation of due) {
    budget = release(budget, reservation.amountMicros);
    total += reservation.amountMicros;
  }
  const entry = txn.append("budget", cmd.nowMs, {
    op: "expire",
    reservation_ids: due.map((r) => r.id),
    amount_micros: total,
    budget: budgetRecord(budget),
  });
  txn.setBudget(budget);
  for (const reservation of due) txn.putReservation({ ...reservation, status: "expired", resolvedSeq: entry.seq });
  return { ok: true, expired: due.length, releasedMicros: total, seq: entry.seq };
}

export function updateTenant(txn: LedgerTxn, cmd: UpdateTenantCommand): UpdateTenantResult {
  if (txn.tenant === null) return ledgerFailure("tenant_unknown", "no tenant in this ledger");
  const next: TenantRow = { ...txn.tenant, ...cmd.changes };
  // The chain records what changed but never a secret: key hashes and webhook secrets stay out.
  const entry = txn.append("budget", cmd.nowMs, {
    op: cmd.op,
    status: next.status,
    mode: next.mode,
    api_key_id: next.apiKeyId,
    allowed_provider_mask: next.allowedProviderMask,
    rate_limit_per_minute: next.rateLimitPerMinute,
    cost_cap_micros: next.costCapMicros,
    budget: budgetRecord(txn.budget()),
  });
  txn.setTenant(next);
  return { ok: true, seq: entry.seq, fingerprint: entry.fpHex };
}
