// The `policy` chain entry's record (issue 12, "Chain entries"): one per lifecycle event, with
// canonical values only (integers, strings, booleans, null; no undefined), and the checks a
// verifier runs on one record alone. Chain continuity (previous_hash) is the verifier's to fold.

import { checkedInteger, describeValue, plainEntries } from "./field-check.ts";
import { CRITERION_NAMES as CRITERIA, type GateCriterion } from "./gate.ts";
import { configHash, parsePolicyConfig, type PolicyConfig } from "./policy-config.ts";

export const POLICY_OPS = ["stage", "promote", "rollback", "discard"] as const;
export type PolicyOp = (typeof POLICY_OPS)[number];

/** Every key is always present (a fixed field set is simpler to verify); null where it does not apply. */
export type PolicyEventRecord = {
  readonly op: PolicyOp;
  /**
   * stage, discard: the candidate's hash; promote: the promoted one's; rollback: the one
   * returned to. It is configHash(config) whenever config is given.
   */
  readonly config_hash: string;
  /** The production configuration's hash before the event. */
  readonly previous_hash: string;
  /** The production configuration's version after the event (unchanged by stage and discard). */
  readonly version: number;
  /** The configuration itself on stage, promote and rollback; null on discard. */
  readonly config: PolicyConfig | null;
  /** The gate's criteria on promote (forced or not); null otherwise. */
  readonly verdict: readonly GateCriterion[] | null;
  /** True when a promotion went through over a failing gate. */
  readonly forced: boolean;
  /** The human's reason given with force (sealed even when the gate passed); null otherwise. */
  readonly reason: string | null;
};

const KEYS: readonly (keyof PolicyEventRecord)[] = [
  "op",
  "config_hash",
  "previous_hash",
  "version",
  "config",
  "verdict",
  "forced",
  "reason",
];
const HASH = /^[0-9a-f]{64}$/;

function verdictProblem(value: unknown): string | null {
  if (!Array.isArray(value) || value.length !== CRITERIA.length) return `"verdict" expected the ${CRITERIA.length} criteria`;
  for (let i = 0; i < CRITERIA.length; i++) {
    const entries = plainEntries(value[i]);
    const criterion = entries === null ? null : Object.fromEntries(entries);
    const shaped =
      criterion !== null &&
      entries!.length === 3 &&
      criterion.name === CRITERIA[i] &&
      typeof criterion.pass === "boolean" &&
      typeof criterion.detail === "string";
    if (!shaped) return `"verdict[${i}]" expected {name: "${CRITERIA[i]}", pass, detail}`;
  }
  return null;
}

/** Null when the record is a well-formed `policy` record on its own; else the first problem. */
export function policyEventProblem(value: unknown): string | null {
  const entries = plainEntries(value);
  if (entries === null) return `policy record expected an object, got ${describeValue(value)}`;
  const record: Record<string, unknown> = Object.fromEntries(entries);
  const keys = Object.keys(record);
  if (keys.length !== KEYS.length || !KEYS.every((key) => keys.includes(key)))
    return `policy record expected exactly the keys ${KEYS.join(", ")}`;
  const op = record.op;
  if (typeof op !== "string" || !(POLICY_OPS as readonly string[]).includes(op)) return `"op" expected one of ${POLICY_OPS.join(", ")}`;
  for (const name of ["config_hash", "previous_hash"] as const) {
    if (typeof record[name] !== "string" || !HASH.test(record[name])) return `"${name}" expected 64 lowercase hex digits`;
  }
  const version = checkedInteger("version", record.version, 0, Number.MAX_SAFE_INTEGER);
  if (typeof version === "string") return version;
  if (op === "discard") {
    if (record.config !== null) return `"config" expected null on discard`;
  } else {
    const parsed = parsePolicyConfig(record.config);
    if (!parsed.ok) return `"config" ${parsed.problem}`;
    if (configHash(parsed.config) !== record.config_hash) return `"config_hash" is not the hash of "config"`;
  }
  if (op === "promote") {
    const problem = verdictProblem(record.verdict);
    if (problem !== null) return problem;
  } else if (record.verdict !== null) return `"verdict" expected null on ${op}`;
  if (typeof record.forced !== "boolean") return `"forced" expected boolean`;
  if (record.forced && op !== "promote") return `"forced" expected false on ${op}`;
  if (record.reason !== null && (typeof record.reason !== "string" || record.reason.trim() === "")) return `"reason" expected null or text`;
  if (op === "promote" && record.forced === (record.verdict as readonly GateCriterion[]).every((criterion) => criterion.pass)) {
    return `"forced" expected ${!record.forced} for this verdict: a promotion is forced exactly when a criterion failed`;
  }
  if (record.forced && record.reason === null) return `"reason" expected with a forced promotion`;
  if (record.reason !== null && op !== "promote") return `"reason" expected null on ${op}`;
  return null;
}
