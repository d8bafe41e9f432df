// A staged candidate inside a replay's production run (issue 12, "Replay"): at every publish its
// policy is production's learned content under the candidate's configuration (as the Learner
// builds it); it decides every record in shadow (src/decision/shadow-step.ts), the ledger counts
// its mismatches and refusals, and every delivered outcome goes to an evaluation book as the
// Learner's does. It never changes what production serves or learns. Beside what the Learner
// keeps, it records the candidate's exact probability of every option per record: with the
// table's outcomes, the exact value the gate's estimate estimates.

import { kernelInputOfRecord, type DecisionRecord } from "../decision/decision-record.ts";
import { weighted } from "../decision/decide-step.ts";
import type { ShadowPolicy } from "../decision/shadow-step.ts";
import type { DomainPack } from "../domain/domain-pack.ts";
import { DecisionResult } from "../kernel/decision-result.ts";
import { Kernel } from "../kernel/kernel.ts";
import type { KernelRequest } from "../kernel/request.ts";
import { DecisionCode } from "../kernel/result-codes.ts";
import { EMPTY_META, recordOutcomes, shapeOf, type BookMeta } from "../learning/evaluation/evaluation-book.ts";
import { emptyEvaluationState, type EvaluationState } from "../learning/evaluation/evaluation-state.ts";
import type { OutcomePayload } from "../learning/learner-input.ts";
import { configHash, type PolicyConfig } from "../learning/lifecycle/policy-config.ts";
import { underConfig } from "../learning/lifecycle/running-config.ts";
import { emptyShadowTally, type ShadowTally } from "../learning/lifecycle/shadow-tally.ts";
import { buildSnapshot, toKernelPolicy, type PolicyContent } from "../learning/policy-snapshot.ts";
import type { ShadowTallyRow } from "../ledger/store.ts";
import { replayConfigProblem } from "./replay-config.ts";

/** What the shadow leaves at the end of a run: the gate's inputs and each record's shadow choice. */
export interface CandidateShadowRun {
  readonly config: PolicyConfig;
  readonly configHash: string;
  /** The ledger's count of the candidate's shadowed decisions, mismatches and extra refusals, per regime. */
  readonly tally: ShadowTally;
  /** The candidate's own evaluation sums, as the Learner keeps them per staged configuration: what the gate reads. */
  readonly evaluation: EvaluationState;
  readonly meta: BookMeta;
  /** The candidate's choice per record (an option index), -1 where it refused or the record was not decided. */
  readonly choices: Int32Array;
  /** Its exact probability of each option, at [record x options + option]; all 0 where it refused. */
  readonly probabilities: Float64Array;
}

export class CandidateShadow {
  private readonly pack: DomainPack;
  private readonly config: PolicyConfig;
  private readonly hash: string;
  private readonly optionIndex: ReadonlyMap<string, number>;
  /** The whole book, whose prequential model scores the candidate's terms; unreported, as in the Learner. */
  private readonly whole: EvaluationState;
  private readonly evaluation: EvaluationState;
  private meta: BookMeta = EMPTY_META;
  private readonly choices: Int32Array;
  private readonly probabilities: Float64Array;
  /** Its own kernel: the probabilities are read from a second run of the shadow's decision. */
  private readonly kernel: Kernel;
  private readonly out = new DecisionResult();
  private current: ShadowPolicy | null = null;

  constructor(pack: DomainPack, config: PolicyConfig, records: number) {
    const problem = replayConfigProblem(config, pack);
    // The CLI and the results script check the candidate first: reaching here with one is a bug.
    if (problem !== null) throw new RangeError(`candidate: ${problem}`);
    this.pack = pack;
    this.config = config;
    this.hash = configHash(config);
    this.optionIndex = new Map(pack.options.map((option, i) => [option.id, i]));
    this.whole = emptyEvaluationState(shapeOf(pack));
    this.evaluation = emptyEvaluationState(shapeOf(pack));
    this.choices = new Int32Array(records).fill(-1);
    this.probabilities = new Float64Array(records * pack.options.length);
    this.kernel = new Kernel(pack.catalog);
  }

  /** The candidate's policy beside production's snapshot `version` of the learned content. */
  publish(learned: PolicyContent, version: number): ShadowPolicy {
    const snapshot = buildSnapshot(underConfig(learned, this.config, this.pack), version);
    const current = {
      configHash: this.hash,
      entry: { snapshot, policy: toKernelPolicy(snapshot) },
      valueWeightBps: this.config.value_weight_bps,
    };
    this.current = current;
    return current;
  }

  /** Keeps record `index`'s shadow choice, decided on `request`, and the candidate's probabilities. */
  observe(index: number, record: DecisionRecord, request: KernelRequest): void {
    const shadow = record.shadow;
    if (shadow === undefined) throw new Error(`record ${index} has no shadow although a candidate is staged`);
    if (shadow.code !== DecisionCode.ok) return;
    this.choices[index] = this.optionIndex.get(shadow.chosen!)!;
    this.recordProbabilities(index, record, request);
  }

  /**
   * Decides the shadow once more, on the same input and seed as shadow-step.ts did (so the same
   * choice, which is asserted), and keeps the candidate's exact probability of every option.
   */
  private recordProbabilities(index: number, record: DecisionRecord, request: KernelRequest): void {
    const input = kernelInputOfRecord(record, weighted(request, this.config.value_weight_bps), this.current!.entry.policy);
    const code = this.kernel.decide(input, this.out);
    if (code !== DecisionCode.ok || this.pack.options[this.out.chosen]!.id !== record.shadow!.chosen) {
      throw new Error(`record ${index}: the shadow's decision did not repeat (code ${code})`);
    }
    this.kernel.propensity(this.out);
    const m = this.pack.options.length;
    let numerators = 0;
    let common = 0;
    for (let option = 0; option < m; option++) {
      const [numerator, denominator] = this.kernel.probabilityOf(this.out, option);
      if (numerator > 0) {
        // Every option's probability has the same denominator, so they must add up to exactly 1.
        if (common !== 0 && denominator !== common) throw new Error(`record ${index}: probabilities over different denominators`);
        common = denominator;
      }
      numerators += numerator;
      this.probabilities[index * m + option] = numerator / denominator;
    }
    if (numerators !== common) throw new Error(`record ${index}: the candidate's probabilities add up to ${numerators}/${common}`);
  }

  /** The outbox's payloads as delivered to the Learner, in chain order. */
  deliver(payloads: readonly OutcomePayload[]): void {
    // No day buckets: a replay asks for the whole run only, so a day's terms go to a scratch state.
    const scratch = emptyEvaluationState(shapeOf(this.pack));
    this.meta = recordOutcomes(
      this.whole,
      this.meta,
      this.pack,
      payloads,
      () => scratch,
      (hash) => {
        if (hash !== this.hash) throw new Error(`an outcome shadowed by configuration ${hash}, not the staged ${this.hash}`);
        return this.evaluation;
      },
    );
  }

  /** The run's result, with the ledger's shadow counts (`readShadowTally`: LedgerStore's, of the candidate's hash). */
  finish(readShadowTally: (configHash: string) => readonly ShadowTallyRow[]): CandidateShadowRun {
    return {
      config: this.config,
      configHash: this.hash,
      tally: tallyOfRows(readShadowTally(this.hash), this.pack.regimes.length),
      evaluation: this.evaluation,
      meta: this.meta,
      choices: this.choices,
      probabilities: this.probabilities,
    };
  }
}

/** The ledger's rows as the lifecycle's tally: regimes without a row have counted nothing. */
function tallyOfRows(rows: readonly ShadowTallyRow[], regimeCount: number): ShadowTally {
  const empty = emptyShadowTally(regimeCount);
  const column = (name: "decisions" | "mismatches" | "extraRefusals"): number[] => {
    const counts = [...empty[name]];
    for (const row of rows) counts[row.regime] = row[name];
    return counts;
  };
  return { ...empty, decisions: column("decisions"), mismatches: column("mismatches"), extraRefusals: column("extraRefusals") };
}
