// The replay's input after a pack mapped its data: one row per record with the request the
// kernel sees and, per option, the outcome that option would have had. Every policy reads the
// same table, so all of them are compared on the same outcomes (real or modelled draws).
// Columnar typed arrays: 494,021 KDD records cost a few tens of megabytes, not objects.

export interface OptionOutcome {
  readonly success: boolean;
  /** Quality of the answer in bps (10,000 for a correct one, 0 for a wrong one, graded otherwise). */
  readonly qualityBps: number;
  /** What serving the record with this option really costs, in microcents. */
  readonly costMicros: number;
}

export interface RecordInput {
  readonly id: string;
  readonly regimeIndex: number;
  readonly inputTokens: number;
  readonly maxOutputTokens: number;
  readonly valueMicros: number;
  readonly riskBps: number;
  /** The record holds an event a miss would let through (an attack, a large adverse move...). */
  readonly event: boolean;
  /** Per option, in the pack's option order. */
  readonly outcomes: readonly OptionOutcome[];
}

export interface RecordTable {
  readonly count: number;
  readonly optionCount: number;
  readonly ids: readonly string[];
  readonly regime: Int32Array;
  readonly inputTokens: Int32Array;
  readonly maxOutputTokens: Int32Array;
  readonly valueMicros: Float64Array;
  readonly riskBps: Int32Array;
  readonly event: Uint8Array;
  /** Per record and option at [record * optionCount + option]. */
  readonly success: Uint8Array;
  readonly qualityBps: Int32Array;
  readonly costMicros: Float64Array;
}

function isIntegerIn(x: number, min: number, max: number): boolean {
  return Number.isSafeInteger(x) && x >= min && x <= max;
}

export class RecordTableBuilder {
  readonly optionCount: number;
  private readonly rows: RecordInput[] = [];

  constructor(optionCount: number) {
    this.optionCount = optionCount;
  }

  get count(): number {
    return this.rows.length;
  }

  /** Adds a record; throws a RangeError naming the field when a pack maps something out of range. */
  push(record: RecordInput): void {
    const bad = (field: string, value: unknown): never => {
      throw new RangeError(`record ${record.id}: "${field}" out of range: ${String(value)}`);
    };
    if (!isIntegerIn(record.regimeIndex, 0, 63)) bad("regimeIndex", record.regimeIndex);
    if (!isIntegerIn(record.inputTokens, 1, 10_000_000)) bad("inputTokens", record.inputTokens);
    if (!isIntegerIn(record.maxOutputTokens, 1, 1_000_000)) bad("maxOutputTokens", record.maxOutputTokens);
    if (!isIntegerIn(record.valueMicros, 0, Number.MAX_SAFE_INTEGER)) bad("valueMicros", record.valueMicros);
    if (!isIntegerIn(record.riskBps, 0, 10_000)) bad("riskBps", record.riskBps);
    if (record.outcomes.length !== this.optionCount) bad("outcomes", record.outcomes.length);
    for (const [o, outcome] of record.outcomes.entries()) {
      if (!isIntegerIn(outcome.qualityBps, 0, 10_000)) bad(`outcomes[${o}].qualityBps`, outcome.qualityBps);
      if (!isIntegerIn(outcome.costMicros, 0, Number.MAX_SAFE_INTEGER)) bad(`outcomes[${o}].costMicros`, outcome.costMicros);
    }
    this.rows.push(record);
  }

  build(): RecordTable {
    const n = this.rows.length;
    const m = this.optionCount;
    const table: RecordTable = {
      count: n,
      optionCount: m,
      ids: this.rows.map((row) => row.id),
      regime: new Int32Array(n),
      inputTokens: new Int32Array(n),
      maxOutputTokens: new Int32Array(n),
      valueMicros: new Float64Array(n),
      riskBps: new Int32Array(n),
      event: new Uint8Array(n),
      success: new Uint8Array(n * m),
      qualityBps: new Int32Array(n * m),
      costMicros: new Float64Array(n * m),
    };
    this.rows.forEach((row, i) => {
      table.regime[i] = row.regimeIndex;
      table.inputTokens[i] = row.inputTokens;
      table.maxOutputTokens[i] = row.maxOutputTokens;
      table.valueMicros[i] = row.valueMicros;
      table.riskBps[i] = row.riskBps;
      table.event[i] = row.event ? 1 : 0;
      row.outcomes.forEach((outcome, o) => {
        table.success[i * m + o] = outcome.success ? 1 : 0;
        table.qualityBps[i * m + o] = outcome.qualityBps;
        table.costMicros[i * m + o] = outcome.costMicros;
      });
    });
    return table;
  }
}
