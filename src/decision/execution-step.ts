// What one proxied decision did, as the ledger seals it (issue 14): which options the proxy may
// try, in which order; each attempt's execution record; and the settlement's cost from the usage
// the providers reported, priced exactly like a decision's worst case. Pure: the worker's proxy
// makes the calls and hands the reports here.

import type { DomainPack } from "../domain/domain-pack.ts";
import type { ExecutionCommand } from "../ledger/commands.ts";
import type { EntryRecord } from "../ledger/entry.ts";
import { optionCostMicros } from "../learning/option-cost.ts";
import { INPUT_TOKENS_MAX, OUTPUT_TOKENS_MAX } from "../kernel/units.ts";
import type { DecisionRecord } from "./decision-record.ts";

/** Attempts per proxied request, at most: the served option and two fallbacks bound its latency. */
export const PROXY_ATTEMPTS_MAX = 3;

/**
 * The options to try, in order: the option the ledger served, then the kernel's ranked options
 * after it (those before it did not fit the budget when the decision was sealed). Every ranked
 * option passed the gates, the client's cost cap among them. A fallback dearer than the
 * reservation is charged its actual cost at settlement like any outcome: from the available budget,
 * never below zero, the rest sealed as uncollected_micros. An apprentice decision serves the
 * tenant's own choice only.
 */
export function attemptPlan(record: DecisionRecord, servedRank: number): string[] {
  const result = record.result;
  if (record.apprentice !== null) return [record.apprentice.tenant_choice];
  if (result.ranked[servedRank] === undefined) return [];
  return result.ranked.slice(servedRank, servedRank + PROXY_ATTEMPTS_MAX);
}

/** How an attempt ended. Only `ok` and `cut` used tokens; the four after them fall back. */
export type AttemptStatus = "ok" | "cut" | "rate_limited" | "upstream_error" | "timeout" | "network_error" | "refused";

export function fallsBack(status: AttemptStatus): boolean {
  return status === "rate_limited" || status === "upstream_error" || status === "timeout" || status === "network_error";
}

export interface AttemptReport {
  readonly option: string;
  readonly provider: string;
  readonly status: AttemptStatus;
  /** The provider's HTTP status; null when none came (timeout, network error). */
  readonly httpStatus: number | null;
  readonly latencyMs: number;
  /** Tokens used (reported, or estimated for a cut stream); null for attempts that used none. */
  readonly usage: { readonly inputTokens: number; readonly outputTokens: number } | null;
  readonly finishReason: string | null;
}

/** Characters per token of the estimate for output a provider did not count (as request-mapping.ts estimates input). */
const CHARACTERS_PER_TOKEN = 4;

/**
 * Usage of an answer: exactly what the provider reported when the answer completed with both
 * counts. Otherwise (a stream cut midway, a host that reports no usage) an estimate: the reported
 * input or else the request's estimated input, and the larger of the reported output and
 * ceil(streamed characters / 4), since the client did receive that text.
 */
export function usageOf(
  reported: { readonly inputTokens: number | null; readonly outputTokens: number | null },
  estimatedInputTokens: number,
  streamedChars: number,
  complete: boolean,
): { readonly inputTokens: number; readonly outputTokens: number } {
  // Counts past the kernel's bounds are held at them, so that a huge report is priced, not refused.
  const bounded = (inputTokens: number, outputTokens: number) => ({
    inputTokens: Math.min(inputTokens, INPUT_TOKENS_MAX),
    outputTokens: Math.min(outputTokens, OUTPUT_TOKENS_MAX),
  });
  if (complete && reported.inputTokens !== null && reported.outputTokens !== null)
    return bounded(reported.inputTokens, reported.outputTokens);
  return bounded(
    reported.inputTokens ?? estimatedInputTokens,
    Math.max(reported.outputTokens ?? 0, Math.ceil(streamedChars / CHARACTERS_PER_TOKEN)),
  );
}

/** One attempt as sealed in its `execution` entry, keys in JCS order. */
function executionRecord(report: AttemptReport): EntryRecord {
  return {
    finish_reason: report.finishReason,
    http_status: report.httpStatus,
    input_tokens: report.usage?.inputTokens ?? 0,
    latency_ms: report.latencyMs,
    model: report.option,
    output_tokens: report.usage?.outputTokens ?? 0,
    provider: report.provider,
    status: report.status,
  };
}

/**
 * The ledger command's content for a finished proxy request: every attempt, what they cost at the
 * catalog's prices (the kernel's exact integer pricing), and the answering attempt as an outcome
 * record without result fields, for quality feedback to complete later.
 */
export function executionInput(
  pack: DomainPack,
  decisionFingerprint: string,
  reports: readonly AttemptReport[],
): Omit<ExecutionCommand, "type" | "nowMs"> {
  let actualCostMicros = 0;
  for (const report of reports) {
    if (report.usage === null) continue;
    actualCostMicros += optionCostMicros(pack, report.option, report.usage.inputTokens, report.usage.outputTokens) ?? 0;
  }
  const answered = reports.findLast((report) => report.status === "ok" || report.status === "cut");
  const served =
    answered === undefined || answered.usage === null
      ? null
      : {
          record: {
            input_tokens: answered.usage.inputTokens,
            latency_ms: answered.latencyMs,
            model: answered.option,
            output_tokens: answered.usage.outputTokens,
          },
          learnerExecution: {
            model: answered.option,
            input_tokens: answered.usage.inputTokens,
            output_tokens: answered.usage.outputTokens,
            latency_ms: answered.latencyMs,
            actual_cost_micros: actualCostMicros,
          },
        };
  return {
    decisionFingerprint,
    attempts: reports.map((report) => ({ option: report.option, record: executionRecord(report) })),
    actualCostMicros,
    served,
  };
}
