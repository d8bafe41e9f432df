// Settings of the TenantLedger read from the environment, with the documented defaults.

import { parseSignerKey, type SignerKey } from "../ledger/signed-note.ts";

export interface LedgerConfig {
  readonly reservationTtlMs: number;
  readonly checkpointIntervalMs: number;
  readonly originPrefix: string;
  readonly signer: SignerKey | null;
}

interface LedgerEnv {
  readonly CHECKPOINT_SIGNING_KEY?: string;
  readonly CHECKPOINT_ORIGIN_PREFIX?: string;
  readonly RESERVATION_TTL_MS?: string;
  readonly CHECKPOINT_INTERVAL_MS?: string;
}

function positiveInteger(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

export function ledgerConfig(env: LedgerEnv): LedgerConfig {
  const parsed = env.CHECKPOINT_SIGNING_KEY === undefined ? null : parseSignerKey(env.CHECKPOINT_SIGNING_KEY);
  return {
    reservationTtlMs: positiveInteger(env.RESERVATION_TTL_MS, 10 * 60_000),
    checkpointIntervalMs: positiveInteger(env.CHECKPOINT_INTERVAL_MS, 10_000),
    originPrefix: env.CHECKPOINT_ORIGIN_PREFIX ?? "calybris.local/ledger",
    signer: parsed !== null && parsed.ok ? parsed.key : null,
  };
}

export function checkpointOrigin(config: LedgerConfig, tenantId: string): string {
  return `${config.originPrefix}/${tenantId}`;
}
