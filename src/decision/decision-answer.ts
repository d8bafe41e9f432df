// The /v1/decide answer, a pure function of the sealed record and the ledger's result, so a
// retried request (same Idempotency-Key) gets byte for byte the answer of the first one. A
// decision is either served (the model, its fallbacks, the explanation) or refused by a gate,
// and a refusal still names the sealed entry that proves it.

import type { DomainPack } from "../domain/domain-pack.ts";
import { DecisionCode, GATE_NAMES, VERDICT_NAMES, refusedByRequestGate, type DecisionCodeName } from "../kernel/result-codes.ts";
import type { DecideResult } from "../ledger/commands.ts";
import type { DecisionRecord } from "./decision-record.ts";

/** The ledger's answer to a sealed decision. */
export type SealedDecision = Extract<DecideResult, { ok: true }>;

export interface GateVerdict {
  readonly gate: number;
  readonly name: string;
  readonly verdict: string;
}

export type DecisionAnswer =
  | { readonly served: true; readonly body: Record<string, unknown>; readonly modelId: string }
  | {
      readonly served: false;
      readonly code: Exclude<DecisionCodeName, "ok">;
      readonly detail: string;
      readonly sealed: { decision_id: string; fingerprint: string; seq: number; gates: GateVerdict[] };
    };

export function decisionAnswer(pack: DomainPack, record: DecisionRecord, ledger: SealedDecision): DecisionAnswer {
  const sealed = { decision_id: ledger.decisionId, fingerprint: ledger.fingerprint, seq: ledger.seq, gates: gateList(record, ledger) };
  if (ledger.budgetVerdict === "fail") {
    return { served: false, code: "budget_exhausted", detail: "no ranked option's worst-case cost fits the available budget", sealed };
  }
  const refusedBy = record.apprentice?.refused_by ?? null;
  if (ledger.servedRank < 0 && refusedBy !== null && !refusedByRequestGate(record.result.code)) {
    return {
      served: false,
      code: refusedBy,
      detail: `in apprentice mode your own choice must keep the admin's rules: ${refusedBy}`,
      sealed,
    };
  }
  if (ledger.servedRank < 0) {
    const name = record.result.code_name;
    // A sealed refusal without a failed gate would be a ledger bug: never answer it as served.
    const code = name === "ok" ? "budget_exhausted" : name;
    return { served: false, code, detail: `refused by gate ${record.result.code}: ${name}`, sealed };
  }
  const body = servedBody(pack, record, ledger);
  return { served: true, body, modelId: (body.model as { id: string }).id };
}

function modelRef(pack: DomainPack, id: string): { id: string; provider: string; tier: string } {
  const option = pack.options.find((candidate) => candidate.id === id);
  return { id, provider: option?.provider ?? "unknown", tier: option?.tier ?? "unknown" };
}

function terms(values: readonly number[], utility: number): Record<string, number> {
  return {
    quality_adjusted_value_micros: values[0] ?? 0,
    risk_penalty_micros: values[1] ?? 0,
    cost_micros: values[2] ?? 0,
    latency_penalty_micros: values[3] ?? 0,
    utility_micros: utility,
  };
}

/** The gate list with the budget gate's verdict as the ledger settled it. */
function gateList(record: DecisionRecord, ledger: SealedDecision): GateVerdict[] {
  return record.result.verdicts.map((verdict, index) => {
    const gate = index + 1;
    const settled = gate === DecisionCode.budget_exhausted ? ledger.budgetVerdict : VERDICT_NAMES[verdict]!;
    return { gate, name: GATE_NAMES[index]!, verdict: settled };
  });
}

/**
 * The utility terms of the option actually served: the kernel's choice, a fallback the budget
 * could cover, or the apprentice tenant's own choice. Null only for an apprentice's choice that
 * the kernel could not rank (it failed an option gate): there are no terms to show for it.
 */
function servedUtility(record: DecisionRecord, served: string): Record<string, number> | null {
  const result = record.result;
  const rank = result.ranked.indexOf(served);
  if (rank < 0) return null;
  // Records sealed before ranked terms existed explain the kernel's choice and the runner-up only.
  const sealed = result.ranked_terms as DecisionRecord["result"]["ranked_terms"] | undefined;
  if (sealed === undefined)
    return rank === 0
      ? terms(result.chosen_terms, result.chosen_utility_micros)
      : rank === 1
        ? terms(result.runner_up_terms, result.runner_up_utility_micros)
        : null;
  return terms(sealed[rank]!, result.ranked_utility_micros[rank]!);
}

function servedBody(pack: DomainPack, record: DecisionRecord, ledger: SealedDecision): Record<string, unknown> {
  const result = record.result;
  const served = record.apprentice?.tenant_choice ?? result.ranked[ledger.servedRank]!;
  const runnerUp = result.runner_up;
  return {
    decision_id: ledger.decisionId,
    fingerprint: ledger.fingerprint,
    seq: ledger.seq,
    model: modelRef(pack, served),
    served_rank: ledger.servedRank,
    fallbacks:
      record.apprentice !== null
        ? []
        : result.ranked
            .map((id, rank) => ({ ...modelRef(pack, id), worst_case_cost_micros: result.ranked_cost_micros[rank]!, rank }))
            .filter((entry) => entry.rank !== ledger.servedRank)
            .map(({ rank: _rank, ...entry }) => entry),
    reserved_micros: ledger.reservedMicros,
    floor: { bps: result.floor_bps, source: result.floor_source, raised_bps: result.floor_raised_bps },
    utility: {
      chosen: servedUtility(record, served),
      runner_up:
        runnerUp === null ? null : { model: modelRef(pack, runnerUp), ...terms(result.runner_up_terms, result.runner_up_utility_micros) },
    },
    gates: gateList(record, ledger),
    propensity: {
      ppm: result.propensity.ppm,
      numerator: result.propensity.numerator,
      denominator: result.propensity.denominator,
      explored: result.explored,
    },
    policy: record.policy,
    holdout: record.holdout,
    mode: record.tenant.mode,
    anomaly: record.anomaly,
    apprentice:
      record.apprentice === null
        ? null
        : {
            would_choose: record.apprentice.kernel_choice === null ? null : modelRef(pack, record.apprentice.kernel_choice),
            agrees: record.apprentice.agrees,
            kernel_code: result.code_name,
          },
    replayed: ledger.replayed,
  };
}
