// Commands the ledger accepts and the results it answers. Results are unions that survive
// Durable Object RPC; domain refusals are results, never exceptions.

import type { CanonicalValue } from "./canonical.ts";
import type { EntryRecord } from "./entry.ts";
import type { LedgerFailure } from "./ledger-codes.ts";
import type { SignerKey } from "./signed-note.ts";
import type { OutboxRow, TenantMode, TenantRow, TenantStatus } from "./store.ts";

export interface BudgetView {
  readonly creditedMicros: number;
  readonly committedMicros: number;
  readonly reservedMicros: number;
  readonly availableMicros: number;
}

export interface CreateTenantCommand {
  readonly type: "create_tenant";
  readonly tenant: TenantRow;
  readonly initialBudgetMicros: number;
  readonly nowMs: number;
}

export interface TopUpCommand {
  readonly type: "top_up";
  readonly topUpId: string;
  readonly amountMicros: number;
  readonly nowMs: number;
}

export interface DecideCommand {
  readonly type: "decide";
  readonly decisionId: string;
  /** Client Idempotency-Key, or null; a retry with the same key gets the stored decision. */
  readonly idempotencyKey: string | null;
  /** Digest of the request body: the same key with another body is refused, not replayed. */
  readonly requestDigestHex: string;
  /** Ranked options with worst-case costs; empty when a kernel gate refused the request. */
  readonly candidates: readonly { readonly option: string; readonly costMicros: number }[];
  readonly record: EntryRecord;
  /** What the Learner will need with this decision's outcome (regime, tier, propensity...). */
  readonly learnerContext: CanonicalValue;
  /** What the evaluation counts of it: its regime, and the policy's propensity of its first-ranked option (null when none or not the policy's draw). */
  readonly tally: {
    readonly regime: number;
    readonly propensity: { readonly numerator: number; readonly denominator: number } | null;
    /**
     * The staged candidate's shadow of this decision, for the promotion gate's counts: whether its
     * choice differs from production's, whether a kernel gate refused it, and the worst-case costs
     * of what it ranked (the ledger judges them against the same budget production's were).
     */
    readonly shadow: {
      readonly configHash: string;
      readonly mismatch: boolean;
      readonly refused: boolean;
      readonly costsMicros: readonly number[];
    } | null;
  };
  readonly reservationTtlMs: number;
  readonly nowMs: number;
}

export interface OutcomeCommand {
  readonly type: "outcome";
  /**
   * Standard Webhooks webhook-id: a repeat with the same body answers the first result and
   * applies nothing; a repeat with another body is refused (webhook_id_reused).
   */
  readonly webhookId: string;
  /** Digest of the signed body, so that a reused webhook-id is told from a retry. */
  readonly requestDigestHex: string;
  readonly decisionFingerprint: string;
  /** The option that ran (execution.model): the decision must have offered it. */
  readonly model: string;
  readonly actualCostMicros: number;
  readonly record: EntryRecord;
  /** What the Learner learns from, merged with the decision's learnerContext into the outbox. */
  readonly learnerOutcome: CanonicalValue;
  readonly nowMs: number;
}

/**
 * What the proxy did with a decision (issue 14): every attempt at a provider, in order, each
 * sealed as an `execution` entry; the last one settles the reservation with the usage the
 * providers reported, exactly as an outcome would (release, then charge up to what is available).
 * A decision is executed at most once.
 */
export interface ExecutionCommand {
  readonly type: "execution";
  readonly decisionFingerprint: string;
  /** At least one attempt; `option` must be one the decision offered, `record` is sealed as is. */
  readonly attempts: readonly { readonly option: string; readonly record: EntryRecord }[];
  /** What all attempts cost at catalog prices (a refused attempt costs nothing, a cut stream what it used). */
  readonly actualCostMicros: number;
  /**
   * The attempt that answered, as an outcome record without its result fields (model, tokens,
   * latency) and as the Learner takes it; quality feedback adds the result later. Null when no
   * attempt answered: such a decision takes no feedback.
   */
  readonly served: { readonly record: EntryRecord; readonly learnerExecution: EntryRecord } | null;
  readonly nowMs: number;
}

/**
 * Quality feedback on a decision the proxy executed: sealed as an `outcome` entry that carries
 * the execution's settlement (settled_seq) and moves no money, and queued for the Learner.
 */
export interface FeedbackCommand {
  readonly type: "feedback";
  /** The signed webhook's webhook-id, or `feedback:<fingerprint>` for POST /v1/feedback. */
  readonly feedbackId: string;
  readonly requestDigestHex: string;
  readonly decisionFingerprint: string;
  /** success, quality_bps and business_outcome_micros, each possibly null. */
  readonly result: EntryRecord;
  readonly nowMs: number;
}

/**
 * Stores (or with null removes) one proxy setting: `default_regime`, or `provider_key:<provider>`
 * whose value is AES-GCM ciphertext (src/worker/provider-keys.ts). Not sealed: no secret, not
 * even encrypted, enters the chain.
 */
export interface ProxySettingCommand {
  readonly type: "proxy_setting";
  readonly name: string;
  readonly value: string | null;
  readonly nowMs: number;
}

export interface ReleaseCommand {
  readonly type: "release";
  readonly reservationId: string;
  readonly nowMs: number;
}

export interface ExpireCommand {
  readonly type: "expire";
  readonly nowMs: number;
  readonly limit: number;
}

export interface CheckpointCommand {
  readonly type: "checkpoint";
  readonly origin: string;
  readonly signer: SignerKey;
  readonly nowMs: number;
}

export interface UpdateTenantCommand {
  readonly type: "update_tenant";
  readonly op: "suspend" | "resume" | "rotate_api_key" | "rotate_webhook_secret" | "set_mode" | "set_limits";
  readonly changes: Partial<
    Pick<
      TenantRow,
      "status" | "mode" | "apiKeyHashHex" | "apiKeyId" | "webhookSecret" | "rateLimitPerMinute" | "allowedProviderMask" | "costCapMicros"
    >
  > & {
    readonly status?: TenantStatus;
    readonly mode?: TenantMode;
  };
  readonly nowMs: number;
}

/**
 * Seals one policy lifecycle event (issue 12) as a `policy` entry whose record is
 * `{ policy: record }`. The ledger does not read the event: its shape and the lifecycle's rules
 * are the learning layer's (src/learning/lifecycle), checked by `calybris verify`. No budget change.
 */
export interface PolicyCommand {
  readonly type: "policy";
  readonly record: EntryRecord;
  /**
   * The lifecycle's state after this event (opaque JSON, src/learning/lifecycle), kept beside the
   * entry in the same transaction: the chain and the state that decides can never disagree.
   */
  readonly lifecycle?: string;
  readonly nowMs: number;
}

export interface OutboxSettleCommand {
  readonly type: "outbox_settle";
  readonly delivered: readonly string[];
  /** Undelivered rows with their next attempt; they replace the stored rows. */
  readonly retry: readonly OutboxRow[];
}

export type LedgerCommand =
  | CreateTenantCommand
  | TopUpCommand
  | DecideCommand
  | OutcomeCommand
  | ExecutionCommand
  | FeedbackCommand
  | ProxySettingCommand
  | ReleaseCommand
  | ExpireCommand
  | CheckpointCommand
  | UpdateTenantCommand
  | PolicyCommand
  | OutboxSettleCommand;

export interface Sealed {
  readonly seq: number;
  readonly fingerprint: string;
}

export type CreateTenantResult = ({ ok: true; budget: BudgetView } & Sealed) | LedgerFailure;
export type TopUpResult = ({ ok: true; budget: BudgetView; replayed: boolean } & Sealed) | LedgerFailure;
export type DecideResult =
  | ({
      ok: true;
      decisionId: string;
      /** Rank of the option the budget could cover (0 = the kernel's choice), or -1 when blocked. */
      servedRank: number;
      reservationId: string | null;
      reservedMicros: number;
      budgetVerdict: "pass" | "fail" | "not_evaluated";
      replayed: boolean;
    } & Sealed)
  | LedgerFailure;
/** What settling a decision's reservation moved, as outcomes and executions answer it. */
type Settled = {
  decisionFingerprint: string;
  committedMicros: number;
  releasedMicros: number;
  uncollectedMicros: number;
} & Sealed;
export type OutcomeResult = ({ ok: true; replayed: boolean } & Settled) | LedgerFailure;
export type ExecutionResult = ({ ok: true } & Settled) | LedgerFailure;
export type ProxySettingResult = { ok: true } | LedgerFailure;
export type ReleaseResult = ({ ok: true; releasedMicros: number; replayed: boolean } & Sealed) | LedgerFailure;
export type ExpireResult = { ok: true; expired: number; releasedMicros: number; seq: number | null };
export type CheckpointResult = { ok: true; treeSize: number; note: string; signed: boolean } | LedgerFailure;
export type UpdateTenantResult = ({ ok: true } & Sealed) | LedgerFailure;
export type PolicyResult = ({ ok: true } & Sealed) | LedgerFailure;
export type OutboxSettleResult = { ok: true };

export interface ResultOf {
  create_tenant: CreateTenantResult;
  top_up: TopUpResult;
  decide: DecideResult;
  outcome: OutcomeResult;
  execution: ExecutionResult;
  feedback: OutcomeResult;
  proxy_setting: ProxySettingResult;
  release: ReleaseResult;
  expire: ExpireResult;
  checkpoint: CheckpointResult;
  update_tenant: UpdateTenantResult;
  policy: PolicyResult;
  outbox_settle: OutboxSettleResult;
}
