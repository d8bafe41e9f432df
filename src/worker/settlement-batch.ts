// The proxy's settlements, batched per tenant and isolate: requests that finish within one short
// window send their executions to the tenant's ledger in one RPC, which the engine commits in one
// transaction. A settlement is off the answer's path (waitUntil), so the window costs the client
// nothing, while one RPC and one commit per request would double the ledger's work per call.

import type { ExecutionAnswer, ExecutionInput } from "../durable-objects/ledger-rpc.ts";
import { ledgerStub } from "./tenant-access.ts";

/** How long a batch collects settlements; bounded again by BATCH_MAX. */
const BATCH_WINDOW_MS = 2;
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
}

const open = new Map<string, Batch>();

/**
 * Queues one settlement. The request that opens a batch gets the promise of its sending and must
 * hand it to waitUntil: its timer sends the whole batch through a stub made in its own context.
 * The others get null and wait for nothing, so no request ever waits on another request's I/O
 * (workerd cancels a request that does, as hung).
 */
export function queueSettlement(
  env: Env,
  tenantId: string,
  secretHashHex: string,
  input: ExecutionInput,
  report: SettlementReport,
): Promise<void> | null {
  const key = `${tenantId}\u0000${secretHashHex}`;
  const joined = open.get(key);
  if (joined !== undefined && joined.inputs.length < BATCH_MAX) {
    joined.inputs.push(input);
    joined.reports.push(report);
    return null;
  }
  const batch: Batch = { tenantId, secretHashHex, inputs: [input], reports: [report] };
  open.set(key, batch);
  return new Promise<void>((resolve) => setTimeout(() => void send(env, key, batch).finally(resolve), BATCH_WINDOW_MS));
}

async function send(env: Env, key: string, batch: Batch): Promise<void> {
  if (open.get(key) === batch) open.delete(key);
  try {
    const answers = await ledgerStub(env, batch.tenantId).executions(batch.secretHashHex, batch.inputs);
    batch.reports.forEach((report, index) => report(answers[index]!));
  } catch (error) {
    for (const report of batch.reports) report({ ok: false, code: "rpc_failed", detail: String(error) });
  }
}
