// What the shadow counts per regime while a candidate is staged: decisions it shadowed, those
// where its choice differed from production's, and refusals it made that production did not.
// A plain JSON value of REGIMES_MAX-bounded arrays; addShadow returns a new tally, never mutates.

import { expectIntegerInRange } from "../../kernel/prng.ts";
import { REGIMES_MAX } from "../../kernel/units.ts";

export interface ShadowTally {
  readonly v: 1;
  readonly regimeCount: number;
  readonly decisions: readonly number[];
  readonly mismatches: readonly number[];
  /** Candidate refused (a gate or the budget) where production served. */
  readonly extraRefusals: readonly number[];
}

/** One live decision and its shadow: a choice is an option index, null when that side refused. */
export interface ShadowObservation {
  readonly regime: number;
  readonly productionChoice: number | null;
  readonly candidateChoice: number | null;
  readonly productionRefused: boolean;
  readonly candidateRefused: boolean;
}

export function emptyShadowTally(regimeCount: number): ShadowTally {
  expectIntegerInRange("regimeCount", regimeCount, 1, REGIMES_MAX);
  const zeros = (): number[] => new Array<number>(regimeCount).fill(0);
  return { v: 1, regimeCount, decisions: zeros(), mismatches: zeros(), extraRefusals: zeros() };
}

function bump(column: readonly number[], regime: number, by: boolean): readonly number[] {
  return by ? column.map((count, r) => (r === regime ? count + 1 : count)) : column;
}

/**
 * The tally with one more shadowed decision. A mismatch is any difference of outcome: another
 * option, or one side serving where the other refused. A refusal with a choice, or a choice
 * missing without a refusal, is a caller's bug and throws.
 */
export function addShadow(tally: ShadowTally, observation: ShadowObservation): ShadowTally {
  const { regime, productionChoice, candidateChoice, productionRefused, candidateRefused } = observation;
  expectIntegerInRange("regime", regime, 0, tally.regimeCount - 1);
  for (const [name, choice, refused] of [
    ["productionChoice", productionChoice, productionRefused],
    ["candidateChoice", candidateChoice, candidateRefused],
  ] as const) {
    if (typeof refused !== "boolean") throw new TypeError(`"${name}" refusal expected boolean, got ${typeof refused}`);
    if (refused !== (choice === null)) throw new RangeError(`"${name}" expected null exactly when refused, got ${String(choice)}`);
    if (choice !== null) expectIntegerInRange(name, choice, 0, Number.MAX_SAFE_INTEGER);
  }
  return {
    ...tally,
    decisions: bump(tally.decisions, regime, true),
    mismatches: bump(tally.mismatches, regime, productionChoice !== candidateChoice),
    extraRefusals: bump(tally.extraRefusals, regime, candidateRefused && !productionRefused),
  };
}

export interface ShadowCounts {
  readonly decisions: number;
  readonly mismatches: number;
  /** mismatches / decisions, or null before the first decision. */
  readonly mismatchShare: number | null;
  readonly extraRefusals: number;
}

export interface ShadowReport extends ShadowCounts {
  readonly byRegime: readonly (ShadowCounts & { readonly regime: number })[];
}

function countsOf(decisions: number, mismatches: number, extraRefusals: number): ShadowCounts {
  return { decisions, mismatches, mismatchShare: decisions === 0 ? null : mismatches / decisions, extraRefusals };
}

/** Totals and, per regime with at least one shadowed decision, count and share of mismatches. */
export function shadowReport(tally: ShadowTally): ShadowReport {
  const byRegime: (ShadowCounts & { readonly regime: number })[] = [];
  let decisions = 0;
  let mismatches = 0;
  let extraRefusals = 0;
  for (let regime = 0; regime < tally.regimeCount; regime++) {
    const seen = tally.decisions[regime]!;
    decisions += seen;
    mismatches += tally.mismatches[regime]!;
    extraRefusals += tally.extraRefusals[regime]!;
    if (seen > 0) byRegime.push({ regime, ...countsOf(seen, tally.mismatches[regime]!, tally.extraRefusals[regime]!) });
  }
  return { ...countsOf(decisions, mismatches, extraRefusals), byRegime };
}

/** Reads a stored tally back; a row without the layout throws (a corrupt row is a bug to surface). */
export function parseShadowTally(value: unknown): ShadowTally {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new TypeError(`"tally" expected an object`);
  const record: Partial<Record<keyof ShadowTally, unknown>> = value;
  if (record.v !== 1) throw new RangeError(`"v" expected 1, got ${String(record.v)}`);
  const regimeCount = expectIntegerInRange("regimeCount", record.regimeCount, 1, REGIMES_MAX);
  const column = (name: "decisions" | "mismatches" | "extraRefusals"): number[] => {
    const array = record[name];
    if (!Array.isArray(array) || array.length !== regimeCount) throw new RangeError(`"${name}" expected ${regimeCount} counts`);
    return array.map((count: unknown, r) => expectIntegerInRange(`${name}[${r}]`, count, 0, Number.MAX_SAFE_INTEGER));
  };
  const tally = {
    v: 1,
    regimeCount,
    decisions: column("decisions"),
    mismatches: column("mismatches"),
    extraRefusals: column("extraRefusals"),
  } as const;
  for (let r = 0; r < regimeCount; r++) {
    if (tally.mismatches[r]! > tally.decisions[r]! || tally.extraRefusals[r]! > tally.mismatches[r]!) {
      throw new RangeError(`regime ${r}: expected extraRefusals <= mismatches <= decisions`);
    }
  }
  return tally;
}
