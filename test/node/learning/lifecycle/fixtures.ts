// Shared fixtures of the lifecycle tests: the one list of hostile values every input check must
// refuse, configurations of the LLM pack, and verdicts built from pass flags.

import { LLM_PACK } from "../../../../src/domain/llm/pack.ts";
import { CRITERION_NAMES, type GateVerdict } from "../../../../src/learning/lifecycle/gate.ts";
import { defaultPolicyConfig, parsePolicyConfig, type PolicyConfig } from "../../../../src/learning/lifecycle/policy-config.ts";

/** Values no integer field may take (after noble-hashes' shared list). */
export const HOSTILE_NUMBERS: readonly unknown[] = [
  NaN,
  -0,
  1.5,
  2 ** 53,
  Infinity,
  -Infinity,
  1e9999,
  -1,
  "3",
  3n,
  null,
  true,
  {},
  [1],
  new Proxy({}, { get: () => 1 }),
  { valueOf: () => 3 },
];

export const LLM_DEFAULT: PolicyConfig = defaultPolicyConfig(LLM_PACK);

/** The default LLM configuration with some fields changed, checked by the parser. */
export function llmConfig(changes: Record<string, unknown> = {}): PolicyConfig {
  const parsed = parsePolicyConfig({ ...LLM_DEFAULT, ...changes });
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.config;
}

/** A verdict on `candidateHash` whose criteria pass as given (all four by default). */
export function verdictOf(candidateHash: string, passes: readonly boolean[] = [true, true, true, true]): GateVerdict {
  const criteria = CRITERION_NAMES.map((name, i) => ({ name, pass: passes[i]!, detail: `${name} ${passes[i] ? "passes" : "fails"}` }));
  return { candidateHash, promotable: criteria.every((criterion) => criterion.pass), criteria };
}
