// Shared fixtures of the TenantLedger's workerd tests: fresh objects, a tenant, signed outcomes,
// the chain export, the public development verifier key, and a typed window onto the object's
// private fields for the few steps that RPC cannot reach (expiry 10 minutes ahead, a direct alarm()).

import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { sha256 } from "@noble/hashes/sha2.js";
import { expect } from "vitest";
import type { LedgerConfig } from "../../../src/durable-objects/ledger-config.ts";
import type { CreateTenantInput, DecideInput, OutcomeAnswer, OutcomeInput } from "../../../src/durable-objects/ledger-rpc.ts";
import type { TenantLedger } from "../../../src/durable-objects/tenant-ledger.ts";
import { verifyExportBytes, type VerifyReport } from "../../../src/ledger/chain-verifier.ts";
import type { CanonicalValue } from "../../../src/ledger/canonical.ts";
import type { LedgerEngine } from "../../../src/ledger/engine.ts";
import type { EntryRecord } from "../../../src/ledger/entry.ts";
import type { LedgerFailure } from "../../../src/ledger/ledger-codes.ts";
import { parseVerifierKey, type VerifierKey } from "../../../src/ledger/signed-note.ts";
import { signWebhook } from "../../../src/ledger/webhook-signature.ts";

export type LedgerStub = DurableObjectStub<TenantLedger>;

/** What the tests pass as the tenant's API key hash; the object compares it in constant time. */
export const API_KEY_HASH_HEX = "ab".repeat(32);
export const WRONG_KEY_HASH_HEX = "cd".repeat(32);
/** "whsec_" + base64 of 24 bytes: a Standard Webhooks secret (at least 16 bytes). */
export const WEBHOOK_SECRET = `whsec_${btoa("calybris-workerd-tests-24")}`;
/** RESERVATION_TTL_MS in wrangler.toml; the tests assert that the object reads the same value. */
export const RESERVATION_TTL_MS = 600_000;
/** CHECKPOINT_INTERVAL_MS in wrangler.toml: the alarm signs at most one checkpoint this often. */
export const CHECKPOINT_INTERVAL_MS = 10_000;
/** CHECKPOINT_ORIGIN_PREFIX in wrangler.toml: checkpoint origins are "<prefix>/<tenant id>". */
export const ORIGIN_PREFIX = "calybris.local/ledger";

/**
 * The public verifier key of docs/dev-signing-key.md (the signer half is CHECKPOINT_SIGNING_KEY in
 * vitest.config.ts). Spelled out because workerd cannot read the docs folder; the Node suite's
 * signed-note.test.ts checks that the document and the derivation agree.
 */
export const DEV_VERIFIER_KEY_TEXT = "calybris-dev+aa25f12c+AbERWinwN80ibphf4Xo7GtD4prrbuEvV9GXHkIBMM0Hg";

export const devVerifier: VerifierKey = (() => {
  const parsed = parseVerifierKey(DEV_VERIFIER_KEY_TEXT);
  if (!parsed.ok) throw new Error(`dev verifier key refused: ${parsed.code}`);
  return parsed.key;
})();

let objectCounter = 0;

/** A name no other test or earlier run can have used, so every caller gets a fresh object. */
export function freshName(prefix: string): string {
  objectCounter++;
  return `${prefix}-${objectCounter}-${crypto.randomUUID().slice(0, 8)}`;
}

export function ledgerStub(name: string): LedgerStub {
  return env.TENANT_LEDGER.get(env.TENANT_LEDGER.idFromName(name));
}

export function tenantInput(tenantId: string, initialBudgetMicros: number, rateLimitPerMinute = 1_000_000): CreateTenantInput {
  return {
    tenantId,
    name: `Tenant ${tenantId}`,
    initialBudgetMicros,
    allowedProviderMask: 0xffff,
    rateLimitPerMinute,
    costCapMicros: -1,
    apiKeyHashHex: API_KEY_HASH_HEX,
    apiKeyId: "key-1",
    webhookSecret: WEBHOOK_SECRET,
    mode: "live",
    pack: "llm",
  };
}

export function checkpointOrigin(tenantId: string): string {
  return `${ORIGIN_PREFIX}/${tenantId}`;
}

export type WebhookAuth = "valid" | "bad_signature" | "stale";

export interface OutcomeSpec {
  readonly webhookId: string;
  readonly decisionFingerprint: string;
  /** The option that ran; "model-a" (the one candidate of most fixtures' decisions) by default. */
  readonly model?: string;
  readonly actualCostMicros: number;
  readonly record?: EntryRecord;
  readonly learnerOutcome?: CanonicalValue;
  readonly auth?: WebhookAuth;
}

/** The body an outcome is signed over: the same spec gives the same bytes (a retry), another spec others. */
export function outcomeSpecBody(spec: OutcomeSpec): string {
  return JSON.stringify({
    decision_fingerprint: spec.decisionFingerprint,
    model: spec.model ?? "model-a",
    actual_cost_micros: String(spec.actualCostMicros),
  });
}

/**
 * Posts an outcome as a webhook sender would: the body signed with the tenant's secret, now.
 * Answers the ledger's result (the rate decision beside it is left out).
 */
export async function postOutcome(stub: LedgerStub, spec: OutcomeSpec): Promise<OutcomeAnswer["result"]> {
  const body = outcomeSpecBody(spec);
  const nowSeconds = Math.floor(Date.now() / 1000);
  // Stale: ten minutes old, twice the Standard Webhooks tolerance this ledger allows (300 s).
  const timestampSeconds = spec.auth === "stale" ? nowSeconds - 600 : nowSeconds;
  let signature = signWebhook(WEBHOOK_SECRET, spec.webhookId, timestampSeconds, body);
  if (spec.auth === "bad_signature") signature = signWebhook(WEBHOOK_SECRET, spec.webhookId, timestampSeconds, `${body} `);
  const answer = await stub.outcome(
    API_KEY_HASH_HEX,
    synthetic<OutcomeInput>({
      headers: { id: spec.webhookId, timestamp: String(timestampSeconds), signature },
      body,
      decisionFingerprint: spec.decisionFingerprint,
      model: spec.model ?? "model-a",
      actualCostMicros: spec.actualCostMicros,
      record: spec.record ?? { quality_bps: 9_000 },
      learnerOutcome: spec.learnerOutcome ?? { success: true, quality_bps: 9_000 },
    }),
  );
  return answer.result;
}

/**
 * The ledger object seals any canonical record, while its RPC types name the production decision
 * and outcome. These suites drive it with small synthetic records, and with hostile ones it must
 * refuse at run time (a number without a canonical form), so they cross that type here, once.
 */
export function synthetic<Input extends DecideInput | OutcomeInput>(input: Record<string, unknown>): Input {
  return input as unknown as Input;
}

/** A synthetic decision of one candidate, "model-a", reserving `costMicros`. */
export function decideInput(decisionId: string, costMicros: number, idempotencyKey: string | null = null): DecideInput {
  return synthetic<DecideInput>({
    decisionId,
    idempotencyKey,
    requestDigestHex: `digest-${decisionId}`,
    candidates: [{ option: "model-a", costMicros }],
    record: { request: decisionId },
    learnerContext: { regime: "coding" },
    tally: { regime: 0, propensity: null, shadow: null },
  });
}

/** Every line of the chain through chainPage, `pageSize` at a time (bounded by the size it reports). */
export async function chainLines(stub: LedgerStub, pageSize = 1000): Promise<string[]> {
  const lines: string[] = [];
  for (let from = 0, pages = 0; ; pages++) {
    const page = await stub.chainPage(API_KEY_HASH_HEX, from, pageSize);
    if (!page.ok) throw new Error(`chainPage(${from}) refused: ${page.code}`);
    lines.push(...page.lines);
    if (page.nextSeq === null) return lines;
    if (pages > page.size) throw new Error("chainPage does not advance");
    from = page.nextSeq;
  }
}

/** The JSONL export exactly as `calybris verify` reads it: lines joined with "\n" plus a final "\n". */
export function exportText(lines: readonly string[]): string {
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

export function verifyLines(lines: readonly string[], tenantId: string): VerifyReport {
  return verifyExportBytes(new TextEncoder().encode(exportText(lines)), { sha256, verifierKey: devVerifier, tenantId });
}

/** Exports the whole chain and asserts that it verifies, signatures included, with `entries` entries. */
export async function expectChainVerifies(stub: LedgerStub, tenantId: string, entries: number): Promise<VerifyReport> {
  const report = verifyLines(await chainLines(stub), tenantId);
  expect(report, JSON.stringify(report)).toMatchObject({ ok: true, entries, damage: null, tornTail: null });
  expect(report.checkpointsVerified).toBe(report.checkpoints);
  return report;
}

/** The object's private fields that the tests read; never written through this view. */
export interface TenantLedgerInternals {
  readonly engine: LedgerEngine | null;
  readonly integrity: LedgerFailure | null;
  readonly config: LedgerConfig;
  alarm(): Promise<void>;
}

export function internals(instance: TenantLedger): TenantLedgerInternals {
  return instance as unknown as TenantLedgerInternals;
}

/** Runs `callback` inside the object with its engine (which must be open). */
export function withEngine<R>(
  stub: LedgerStub,
  callback: (engine: LedgerEngine, ledger: TenantLedgerInternals, state: DurableObjectState) => R | Promise<R>,
): Promise<R> {
  return runInDurableObject(stub, (instance: TenantLedger, state) => {
    const ledger = internals(instance);
    if (ledger.engine === null) throw new Error("the ledger's engine is not open");
    return callback(ledger.engine, ledger, state);
  });
}

export type SqlRow = Record<string, SqlStorageValue>;

/** Every row of every table of the object's SQLite (internal _cf_ tables aside), for before/after comparisons. */
export function dumpTables(sql: SqlStorage): Record<string, SqlRow[]> {
  const tables = sql
    .exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .toArray()
    .map((row) => row.name);
  return Object.fromEntries(tables.map((name) => [name, sql.exec<SqlRow>(`SELECT * FROM "${name}" ORDER BY 1, 2`).toArray()]));
}
