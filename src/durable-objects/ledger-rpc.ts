// The TenantLedger's RPC contract: inputs and result unions shared by the worker and the object.
// Everything here crosses Durable Object RPC, so it is plain data; refusals are values.

import type {
  BudgetView,
  DecideCommand,
  DecideResult,
  ExecutionCommand,
  ExecutionResult,
  FeedbackCommand,
  OutcomeResult,
  PolicyResult,
  ReleaseResult,
} from "../ledger/commands.ts";
import type { PreparedDecision } from "../decision/decide-step.ts";
import type { PreparedOutcome } from "../decision/outcome-step.ts";
import type { EntryProofResult } from "../ledger/entry-proof.ts";
import type { LedgerFailure } from "../ledger/ledger-codes.ts";
import type { TallyRow, TenantRow } from "../ledger/store.ts";
import type { RateDecision } from "./rate-limit.ts";
import type { WebhookHeaders } from "../ledger/webhook-signature.ts";
import type { UsageRow } from "../ledger/usage.ts";

export type Unauthorized = { readonly ok: false; readonly code: "unauthorized"; readonly detail: string };
export type WebhookRefused = {
  readonly ok: false;
  readonly code: "webhook_signature_invalid" | "webhook_timestamp_stale" | "webhook_headers_missing";
  readonly detail: string;
};

export type { TenantView } from "../decision/tenant-view.ts";
import type { TenantView } from "../decision/tenant-view.ts";

/** A new tenant's row as the admin API sends it; the object sets status and creation time. */
export type CreateTenantInput = Omit<TenantRow, "status" | "createdAtMs"> & { readonly initialBudgetMicros: number };

/** A decide command as the worker sends it: a prepared decision; the object adds its clock and reservation TTL. */
export type DecideInput = Omit<DecideCommand, "type" | "reservationTtlMs" | "nowMs" | "candidates" | "record" | "learnerContext"> &
  PreparedDecision;

export type RateLimited = { readonly ok: false; readonly code: "rate_limited"; readonly detail: string };

/** A decision's answer; `line` is the sealed entry of a replayed decision, so the worker can answer it again. */
type DecisionAnswer =
  | { readonly result: DecideResult; readonly rate: RateDecision; readonly line?: string }
  | { readonly result: RateLimited; readonly rate: RateDecision }
  | { readonly result: Unauthorized | LedgerFailure; readonly rate: null };

export type DecideAnswer = DecisionAnswer & {
  /** The answers of the proxy settlements the call carried, in order; absent when it carried none. */
  readonly executions?: readonly ExecutionAnswer[];
};

/**
 * An outcome as the worker sends it: a prepared outcome (or, for a decision the proxy executed,
 * only its quality feedback) and the webhook that carried it.
 */
export type OutcomeInput = (PreparedOutcome | { readonly feedback: FeedbackCommand["result"] }) & {
  readonly headers: WebhookHeaders;
  /** The raw body exactly as received: the signature covers these bytes. */
  readonly body: string;
  readonly decisionFingerprint: string;
};

/**
 * The answer of a rate-limited write: the rate decision comes along for the RateLimit headers,
 * or null when the call was refused before the limiter ran (unauthorized, ledger not ready).
 */
export type RateLimitedAnswer<Result> =
  | { readonly result: Result | RateLimited; readonly rate: RateDecision }
  | { readonly result: Unauthorized | LedgerFailure; readonly rate: null };

export type OutcomeAnswer = RateLimitedAnswer<OutcomeResult | WebhookRefused>;

/** What the proxy did with a decision; the object adds its clock. Not rate-limited: its decision was. */
export type ExecutionInput = Omit<ExecutionCommand, "type" | "nowMs">;
export type ExecutionAnswer = ExecutionResult | Unauthorized;

/** Quality feedback by API key (POST /v1/feedback); its id is `feedback:<fingerprint>`. */
export type FeedbackInput = Omit<FeedbackCommand, "type" | "nowMs" | "feedbackId">;
export type FeedbackAnswer = RateLimitedAnswer<OutcomeResult>;

/** The tenant's proxy settings: its default regime and its provider keys' ciphertexts (only those set). */
export interface ProxySettings {
  readonly defaultRegime: string | null;
  readonly cipherTexts: Readonly<Record<string, string>>;
}
export type ProxySettingsAnswer = { readonly ok: true; readonly settings: ProxySettings } | Unauthorized | LedgerFailure;
export type ReleaseAnswer = RateLimitedAnswer<ReleaseResult>;

export type BudgetAnswer = { readonly ok: true; readonly budget: BudgetView; readonly entries: number } | Unauthorized | LedgerFailure;
/** Sealed decisions per regime over the days asked for: the evaluation's counts. */
export type TallyAnswer = { readonly ok: true; readonly rows: readonly TallyRow[] } | Unauthorized | LedgerFailure;
/** Hourly usage buckets from an hour on (the dashboard's series), and the hour the ledger is in now. */
export type UsageAnswer =
  { readonly ok: true; readonly rows: readonly UsageRow[]; readonly nowHour: number } | Unauthorized | LedgerFailure;
export type TenantAnswer = { readonly ok: true; readonly tenant: TenantView } | Unauthorized | LedgerFailure;
export type ChainPageAnswer =
  { readonly ok: true; readonly lines: string[]; readonly nextSeq: number | null; readonly size: number } | Unauthorized | LedgerFailure;
/** The proof itself, its refusals and its integrity failures are src/ledger/entry-proof.ts's. */
export type ProofAnswer = EntryProofResult | Unauthorized;
export type CheckpointAnswer =
  | { readonly ok: true; readonly note: string; readonly treeSize: number }
  | Unauthorized
  | LedgerFailure
  | { readonly ok: false; readonly code: "checkpoint_not_found"; readonly detail: string };

/**
 * A policy lifecycle event sealed as a `policy` entry: its seq and fingerprint, or the ledger's
 * refusal (tenant_unknown, record_invalid, or the object's start and integrity failures). Admin
 * only: the worker checks the admin token, so there is no API key and no rate limit.
 */
export type PolicyEventAnswer = PolicyResult;
