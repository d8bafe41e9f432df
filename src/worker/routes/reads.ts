// Read routes of a tenant: budget, the chain as JSONL pages, an inclusion proof, the latest
// signed checkpoint; and the public verifier key. Reads never write.

import type { AppContext } from "../app-env.ts";
import { parseSignerKey, verifierKeyText } from "../../ledger/signed-note.ts";
import { problem } from "../problem.ts";
import { entryProofJson } from "../proof-json.ts";
import { authenticate, learnerStub } from "../tenant-access.ts";

import { CHAIN_LIMIT_DEFAULT, CHAIN_LIMIT_MAX } from "../limits.ts";
import { nonNegativeInteger } from "../query-integer.ts";
const RPC_PAGE = 1_000;

export async function budgetRoute(c: AppContext): Promise<Response> {
  const tenant = await authenticate(c);
  if (tenant instanceof Response) return tenant;
  const answer = await tenant.ledger.budget(tenant.key.secretHashHex);
  if (!answer.ok) return problem(c, answer.code, answer.detail);
  const b = answer.budget;
  return c.json({
    credited_micros: b.creditedMicros,
    committed_micros: b.committedMicros,
    reserved_micros: b.reservedMicros,
    available_micros: b.availableMicros,
    entries: answer.entries,
  });
}

/** GET /v1/chain?from=&limit=: JSONL, streamed from the ledger in pages. */
export async function chainRoute(c: AppContext): Promise<Response> {
  const tenant = await authenticate(c);
  if (tenant instanceof Response) return tenant;
  const from = nonNegativeInteger(c.req.query("from"), 0);
  const limit = nonNegativeInteger(c.req.query("limit"), CHAIN_LIMIT_DEFAULT);
  if (from === null || limit === null || limit < 1 || limit > CHAIN_LIMIT_MAX) {
    return problem(c, "request_malformed", `from must be an integer >= 0 and limit an integer in [1, ${CHAIN_LIMIT_MAX}]`);
  }
  const first = await tenant.ledger.chainPage(tenant.key.secretHashHex, from, Math.min(limit, RPC_PAGE));
  if (!first.ok) return problem(c, first.code, first.detail);
  const end = Math.min(first.size, from + limit);
  const encoder = new TextEncoder();
  let next = from + first.lines.length;
  let pending: string[] = first.lines;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (pending.length > 0) {
        controller.enqueue(encoder.encode(`${pending.join("\n")}\n`));
        pending = [];
        return;
      }
      if (next >= end) return controller.close();
      const page = await tenant.ledger.chainPage(tenant.key.secretHashHex, next, Math.min(RPC_PAGE, end - next));
      if (!page.ok || page.lines.length === 0) return controller.close();
      next += page.lines.length;
      pending = page.lines;
    },
  });
  const headers: Record<string, string> = {
    "content-type": "application/x-ndjson; charset=utf-8",
    "calybris-chain-size": String(first.size),
  };
  if (end < first.size) headers.link = `</v1/chain?from=${end}&limit=${limit}>; rel="next"`;
  return new Response(stream, { status: 200, headers });
}

export async function proofRoute(c: AppContext): Promise<Response> {
  const tenant = await authenticate(c);
  if (tenant instanceof Response) return tenant;
  const seq = nonNegativeInteger(c.req.param("seq"), -1);
  if (seq === null || seq < 0) return problem(c, "request_malformed", "seq must be an integer >= 0");
  const answer = await tenant.ledger.proof(tenant.key.secretHashHex, seq);
  if (!answer.ok) return problem(c, answer.code, answer.detail);
  return c.json(entryProofJson(answer));
}

export async function checkpointRoute(c: AppContext): Promise<Response> {
  const tenant = await authenticate(c);
  if (tenant instanceof Response) return tenant;
  const answer = await tenant.ledger.latestCheckpoint(tenant.key.secretHashHex);
  if (!answer.ok) return problem(c, answer.code, answer.detail);
  return c.body(answer.note, 200, { "content-type": "text/plain; charset=utf-8", "calybris-tree-size": String(answer.treeSize) });
}

/** GET /v1/keys: the public verifier key of checkpoint signatures, in its standard text form. */
export function keysRoute(c: AppContext): Response {
  const parsed = c.env.CHECKPOINT_SIGNING_KEY === undefined ? null : parseSignerKey(c.env.CHECKPOINT_SIGNING_KEY);
  if (parsed === null || !parsed.ok) return problem(c, "signing_key_missing", "no checkpoint signing key is configured");
  return c.json({
    verifier_key: verifierKeyText(parsed.key),
    key_name: parsed.key.name,
    key_id: parsed.key.keyId.toString(16).padStart(8, "0"),
    algorithm: "Ed25519",
    format: "C2SP signed-note verifier key",
    origin_prefix: c.env.CHECKPOINT_ORIGIN_PREFIX,
  });
}

/** GET /v1/regimes: per regime the floor and its source, Beta means and counts per tier, statistics. */
export async function regimesRoute(c: AppContext): Promise<Response> {
  const tenant = await authenticate(c);
  if (tenant instanceof Response) return tenant;
  try {
    return c.json(await learnerStub(c.env, tenant.view.tenantId).regimes(tenant.view.pack));
  } catch {
    return problem(c, "policy_unavailable", "the tenant's Learner could not be reached");
  }
}

/** GET /v1/apprentice: how often Calybris agreed with the tenant's own routing, and what it would have saved. */
export async function apprenticeRoute(c: AppContext): Promise<Response> {
  const tenant = await authenticate(c);
  if (tenant instanceof Response) return tenant;
  try {
    const report = await learnerStub(c.env, tenant.view.tenantId).apprentice(tenant.view.pack);
    return c.json({ mode: tenant.view.mode, ...report });
  } catch {
    return problem(c, "policy_unavailable", "the tenant's Learner could not be reached");
  }
}
