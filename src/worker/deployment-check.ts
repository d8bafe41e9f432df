// What is wrong with the deployment's secrets and variables, as a list of problems (empty when
// all is well). Pure: no Workers APIs, no logging. A detail never repeats a secret's value or
// length, since /health publishes it; it names the setting, the rule and how to fix it.

import { DURATION_MS_MAX, durationMs, type LedgerEnv } from "../durable-objects/ledger-config.ts";
import { keyNameProblem } from "../ledger/note-key-pair.ts";
import { parseSignerKey } from "../ledger/signed-note.ts";

/**
 * isAdmin (api-keys.ts) refuses every request while the token is shorter than this, so a short
 * token disables the admin API. test/node/worker/deployment-check.test.ts holds the two equal.
 */
export const ADMIN_TOKEN_LENGTH_MIN = 16;
/**
 * The pepper is an HMAC-SHA256 key; RFC 2104 section 3 strongly discourages keys shorter than
 * the hash's output (32 bytes), and 32 random characters carry at least that much entropy.
 */
export const API_KEY_PEPPER_LENGTH_MIN = 32;

export interface DeploymentEnv extends LedgerEnv {
  readonly ADMIN_TOKEN?: string | undefined;
  readonly API_KEY_PEPPER?: string | undefined;
}

export type SettingName = keyof DeploymentEnv & string;
export const SETTING_CODES = ["setting_missing", "setting_too_short", "setting_malformed", "setting_out_of_range"] as const;
export type SettingCode = (typeof SETTING_CODES)[number];

export interface SettingProblem {
  readonly setting: SettingName;
  readonly code: SettingCode;
  readonly detail: string;
}

/** Every setting the check reads, in the order its problems are listed. */
export const CHECKED_SETTINGS = [
  "ADMIN_TOKEN",
  "API_KEY_PEPPER",
  "CHECKPOINT_SIGNING_KEY",
  "CHECKPOINT_ORIGIN_PREFIX",
  "RESERVATION_TTL_MS",
  "CHECKPOINT_INTERVAL_MS",
] as const satisfies readonly SettingName[];

function secretProblem(setting: SettingName, value: string | undefined, lengthMin: number): SettingProblem | null {
  if (value === undefined || value.length === 0) {
    return { setting, code: "setting_missing", detail: `${setting} is not set; set it with wrangler secret put ${setting}` };
  }
  if (value.length >= lengthMin) return null;
  return { setting, code: "setting_too_short", detail: `${setting} is shorter than ${lengthMin} characters` };
}

function signingKeyProblem(text: string | undefined): SettingProblem | null {
  const setting = "CHECKPOINT_SIGNING_KEY";
  if (text === undefined || text.length === 0) {
    return {
      setting,
      code: "setting_missing",
      detail: `${setting} is not set, so no checkpoint is signed; generate one with calybris keygen`,
    };
  }
  const parsed = parseSignerKey(text);
  if (parsed.ok) return null;
  // parseSignerKey's detail never echoes the key text, which is a private key.
  return {
    setting,
    code: "setting_malformed",
    detail: `${setting} is not signer key text (${parsed.code}: ${parsed.detail}), so no checkpoint is signed`,
  };
}

function originPrefixProblem(prefix: string | undefined): SettingProblem | null {
  if (prefix === undefined) return null;
  const problem = keyNameProblem(prefix);
  if (problem === null) return null;
  // tlog-checkpoint: an origin SHOULD be a schema-less URL without Unicode spaces or '+'.
  return {
    setting: "CHECKPOINT_ORIGIN_PREFIX",
    code: "setting_malformed",
    detail: `CHECKPOINT_ORIGIN_PREFIX ${problem} (got ${JSON.stringify(prefix)})`,
  };
}

function durationProblem(setting: "RESERVATION_TTL_MS" | "CHECKPOINT_INTERVAL_MS", text: string | undefined): SettingProblem | null {
  if (text === undefined || durationMs(text) !== null) return null;
  const detail = `${setting} must be whole milliseconds from 1 to ${DURATION_MS_MAX} (got ${JSON.stringify(text)}); the default is used instead`;
  return { setting, code: "setting_out_of_range", detail };
}

/** The deployment's configuration problems, one per setting at most, in CHECKED_SETTINGS order. */
export function deploymentProblems(env: DeploymentEnv): SettingProblem[] {
  const problems = [
    secretProblem("ADMIN_TOKEN", env.ADMIN_TOKEN, ADMIN_TOKEN_LENGTH_MIN),
    secretProblem("API_KEY_PEPPER", env.API_KEY_PEPPER, API_KEY_PEPPER_LENGTH_MIN),
    signingKeyProblem(env.CHECKPOINT_SIGNING_KEY),
    originPrefixProblem(env.CHECKPOINT_ORIGIN_PREFIX),
    durationProblem("RESERVATION_TTL_MS", env.RESERVATION_TTL_MS),
    durationProblem("CHECKPOINT_INTERVAL_MS", env.CHECKPOINT_INTERVAL_MS),
  ];
  return problems.filter((problem) => problem !== null);
}
