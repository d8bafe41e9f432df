// The proxy's settlements, batched per tenant and isolate. Requests that finish within one short
// window send their executions to the tenant's ledger together, and the next decision the isolate
// asks of that ledger carries them (takeSettlements): its batch commits both, so under load a
// settlement costs the ledger no call and no commit of its own. A settlement is off the answer's
// path (waitUntil), so the window costs the client nothing; when no decision comes in time, the
// window's timer sends the batch in one RPC of its own.

import type { ExecutionAnswer, ExecutionInput } from "../durable-objects/ledger-rpc.ts";
import { ledgerStub } from "./tenant-access.ts";

/** How long a batch waits for a decision to carry it before it goes alone; bounded again by BATCH_MAX. */
const BATCH_WINDOW_MS = 10;
export const BATCH_MAX = 64;

/** What becomes of one settlement, for the log: the ledger's answer, or the RPC's failure. */
export type SettlementReport = (
  answer: ExecutionAnswer | { readonly ok: false; readonly code: "rpc_failed"; readonly detail: string },
) => void;

interface Batch {
  readonly tenantId: string;
  readonly secretHashHex: string;
  readonly inputs: ExecutionInput[];
  readonly reports: SettlementReport[];
  /** A decision took the batch: its timer sends nothing. */
  taken: boolean;
}

const open = new Map<string, Batch>();

const batchKey = (tenantId: string, secretHashHex: string): string => `${tenantId}\u0000${secretHashHex}`;

/**
 * Queues one settlement. The request that opens a batch gets the promise of its window and must
 * hand it to waitUntil: its timer sends the batch, if no decision took it, through a stub made in
 * its own context. The others get null and wait for nothing, so no request ever waits on another
 * request's I/O (workerd cancels a request that does, as hung).
 */
export function queueSettlement(
  env: Env,
  tenantId: string,
  secretHashHex: string,
  input: ExecutionInput,
  report: SettlementReport,
): Promise<void> | null {
  const key = batchKey(tenantId, secretHashHex);
  const joined = open.get(key);
  if (joined !== undefined && joined.inputs.length < BATCH_MAX) {
    joined.inputs.push(input);
    joined.reports.push(report);
    return null;
  }
  const batch: Batch = { tenantId, secretHashHex, inputs: [input], reports: [report], taken: false };
  open.set(key, batch);
  return new Promise<void>((resolve) => setTimeout(() => void send(env, key, batch).finally(resolve), BATCH_WINDOW_MS));
}

/** Settlements a decision call carries to the ledger, and where their answers go. */
export interface CarriedSettlements {
  readonly inputs: readonly ExecutionInput[];
  /** Hands each settlement its answer: the ledger's, or the call's failure. */
  answer(answers: readonly ExecutionAnswer[] | undefined, failure?: unknown): void;
}

/** Takes the tenant's open batch for a decision call with the same key to carry; null when none waits. */
export function takeSettlements(tenantId: string, secretHashHex: string): CarriedSettlements | null {
  const key = batchKey(tenantId, secretHashHex);
  const batch = open.get(key);
  if (batch === undefined) return null;
  open.delete(key);
  batch.taken = true;
  return { inputs: batch.inputs, answer: (answers, failure) => deliver(batch, answers, failure) };
}

async function send(env: Env, key: string, batch: Batch): Promise<void> {
  if (batch.taken) return;
  if (open.get(key) === batch) open.delete(key);
  try {
    deliver(batch, await ledgerStub(env, batch.tenantId).executions(batch.secretHashHex, batch.inputs));
  } catch (error) {
    deliver(batch, undefined, error);
  }
}

function deliver(batch: Batch, answers: readonly ExecutionAnswer[] | undefined, failure?: unknown): void {
  batch.reports.forEach((report, index) => {
    const answer = answers?.[index];
    report(answer ?? { ok: false, code: "rpc_failed", detail: String(failure ?? "the ledger gave no answer for this settlement") });
  });
}
