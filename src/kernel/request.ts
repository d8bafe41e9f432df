// A decision request in kernel form and its boundary check. Every field is a safe integer in a
// documented range; UNSET (-1) marks an optional field the client left out. The same table
// serves the typed error at the boundary and gate 1 inside the kernel, so they cannot disagree.

import * as units from "./units.ts";

// Module consts, not imported bindings: gate 1 runs on every decision, and V8 folds a module's own
// const into compiled code but reloads an import through its live cell on every use (kernel.ts).
const { BPS_SCALE, COST_MICROS_MAX, INPUT_TOKENS_MAX, LATENCY_MS_MAX, MASK_ALL, OUTPUT_TOKENS_MAX, REGIMES_MAX, UNSET, VALUE_MICROS_MAX } =
  units;

export interface KernelRequest {
  /** Index into the policy's regimes; UNSET when the domain did not recognise the regime. */
  regimeIndex: number;
  inputTokens: number;
  maxOutputTokens: number;
  /** What a successful answer is worth to the client, in microcents. */
  valueMicros: number;
  riskBps: number;
  /** The client's own quality floor, or UNSET. It always wins over a learned floor. */
  clientFloorBps: number;
  maxLatencyMs: number;
  maxCostMicros: number;
  requiredCapabilityMask: number;
  /** Providers the client accepts (MASK_ALL for any) and refuses (0 for none). */
  providerAllowMask: number;
  providerDenyMask: number;
}

export type KernelRequestField = keyof KernelRequest;

/** [field, min, max, optional]: optional fields also accept UNSET. */
export const REQUEST_BOUNDS: readonly (readonly [KernelRequestField, number, number, boolean])[] = [
  ["regimeIndex", 0, REGIMES_MAX - 1, true],
  ["inputTokens", 1, INPUT_TOKENS_MAX, false],
  ["maxOutputTokens", 1, OUTPUT_TOKENS_MAX, false],
  ["valueMicros", 0, VALUE_MICROS_MAX, false],
  ["riskBps", 0, BPS_SCALE, false],
  ["clientFloorBps", 0, BPS_SCALE, true],
  ["maxLatencyMs", 1, LATENCY_MS_MAX, true],
  ["maxCostMicros", 0, COST_MICROS_MAX, true],
  ["requiredCapabilityMask", 0, MASK_ALL, false],
  ["providerAllowMask", 0, MASK_ALL, false],
  ["providerDenyMask", 0, MASK_ALL, false],
];

function inRange(value: number, min: number, max: number): boolean {
  // Number.isSafeInteger refuses NaN, +-Infinity and fractions; -0 is refused explicitly.
  return Number.isSafeInteger(value) && value >= min && value <= max && !(value === 0 && 1 / value < 0);
}

function inRangeOrUnset(value: number, min: number, max: number): boolean {
  return value === UNSET || inRange(value, min, max);
}

/**
 * Gate 1's check: REQUEST_BOUNDS written out field by field, because reading fields by a
 * variable name is a slow generic lookup on the hot path. A test keeps the two in step.
 */
export function requestInBounds(r: KernelRequest): boolean {
  return (
    inRangeOrUnset(r.regimeIndex, 0, REGIMES_MAX - 1) &&
    inRange(r.inputTokens, 1, INPUT_TOKENS_MAX) &&
    inRange(r.maxOutputTokens, 1, OUTPUT_TOKENS_MAX) &&
    inRange(r.valueMicros, 0, VALUE_MICROS_MAX) &&
    inRange(r.riskBps, 0, BPS_SCALE) &&
    inRangeOrUnset(r.clientFloorBps, 0, BPS_SCALE) &&
    inRangeOrUnset(r.maxLatencyMs, 1, LATENCY_MS_MAX) &&
    inRangeOrUnset(r.maxCostMicros, 0, COST_MICROS_MAX) &&
    inRange(r.requiredCapabilityMask, 0, MASK_ALL) &&
    inRange(r.providerAllowMask, 0, MASK_ALL) &&
    inRange(r.providerDenyMask, 0, MASK_ALL)
  );
}

/** Index in REQUEST_BOUNDS of the first field out of bounds, or -1 (the table-driven check). */
export function firstFieldOutOfBounds(request: KernelRequest): number {
  for (let i = 0; i < REQUEST_BOUNDS.length; i++) {
    const bound = REQUEST_BOUNDS[i]!;
    const value = request[bound[0]];
    // Written so that NaN, +-Infinity, fractions and -0 all fail: no comparison with NaN is true.
    const inRange = Number.isSafeInteger(value) && value >= bound[1] && value <= bound[2];
    const unset = bound[3] && value === UNSET;
    if (!(inRange || unset) || Object.is(value, -0)) return i;
  }
  return -1;
}

/** The typed error for a request the kernel refuses before it runs. */
export class KernelInputError extends Error {
  override readonly name = "KernelInputError";
  readonly field: string;
  readonly got: unknown;
  readonly expected: string;
  constructor(field: string, got: unknown, expected: string) {
    super(`"${field}" expected ${expected}, got ${describe(got)}`);
    this.field = field;
    this.got = got;
    this.expected = expected;
  }
}

function describe(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string") return JSON.stringify(value.slice(0, 40));
  return value === null ? "null" : typeof value;
}

/** Builds a KernelRequest from untrusted input or throws KernelInputError naming the field. */
export function parseKernelRequest(raw: unknown): KernelRequest {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new KernelInputError("request", raw, "an object");
  }
  const source = raw as Record<string, unknown>;
  const request = {} as Record<KernelRequestField, number>;
  for (const [name, min, max, optional] of REQUEST_BOUNDS) {
    const value = Object.hasOwn(source, name) ? source[name] : optional ? UNSET : undefined;
    const ok =
      typeof value === "number" &&
      Number.isSafeInteger(value) &&
      !Object.is(value, -0) &&
      ((value >= min && value <= max) || (optional && value === UNSET));
    if (!ok) {
      throw new KernelInputError(name, value, `integer in [${min}, ${max}]${optional ? " or -1 (unset)" : ""}`);
    }
    request[name] = value;
  }
  return request;
}
