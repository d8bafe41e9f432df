// Settings of the TenantLedger read from the environment, with the documented defaults. A value
// outside its bounds falls back to the default here; src/worker/deployment-check.ts reports it on
// /health, so that a mistyped setting is never silently replaced.

import { parseSignerKey, type SignerKey } from "../ledger/signed-note.ts";

export interface LedgerConfig {
  readonly reservationTtlMs: number;
  readonly checkpointIntervalMs: number;
  readonly originPrefix: string;
  readonly signer: SignerKey | null;
}

/** Durations are whole milliseconds, 1 ms to one year: expiry times stay far inside safe integers. */
export const DURATION_MS_MAX = 365 * 24 * 60 * 60 * 1_000;
export const ORIGIN_PREFIX_DEFAULT = "calybris.local/ledger";

export interface LedgerEnv {
  readonly CHECKPOINT_SIGNING_KEY?: string | undefined;
  readonly CHECKPOINT_ORIGIN_PREFIX?: string | undefined;
  readonly RESERVATION_TTL_MS?: string | undefined;
  readonly CHECKPOINT_INTERVAL_MS?: string | undefined;
}

/** A duration setting in decimal digits (no sign, exponent or spaces), or null when absent or out of bounds. */
export function durationMs(text: string | undefined): number | null {
  if (text === undefined || !/^[1-9][0-9]{0,15}$/.test(text)) return null;
  const value = Number(text);
  return value <= DURATION_MS_MAX ? value : null;
}

export function ledgerConfig(env: LedgerEnv): LedgerConfig {
  const parsed = env.CHECKPOINT_SIGNING_KEY === undefined ? null : parseSignerKey(env.CHECKPOINT_SIGNING_KEY);
  return {
    reservationTtlMs: durationMs(env.RESERVATION_TTL_MS) ?? 10 * 60_000,
    checkpointIntervalMs: durationMs(env.CHECKPOINT_INTERVAL_MS) ?? 10_000,
    originPrefix: env.CHECKPOINT_ORIGIN_PREFIX ?? ORIGIN_PREFIX_DEFAULT,
    signer: parsed !== null && parsed.ok ? parsed.key : null,
  };
}

export function checkpointOrigin(config: LedgerConfig, tenantId: string): string {
  return `${config.originPrefix}/${tenantId}`;
}
