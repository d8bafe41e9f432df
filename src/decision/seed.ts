// Per-decision randomness, derived rather than drawn (DESIGN.md step 3): the kernel's 128-bit
// seed is SHA-256 of (tenant, idempotency key or decision id, policy hash), so a replay with the
// same snapshot reproduces the decision; the holdout (the tenant's holdout_bps) is a hash of (tenant, key) alone.

import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";

export interface DecisionSeed {
  readonly words: Uint32Array;
  readonly hex: string;
}

export function decisionSeed(tenantId: string, key: string, policyHash: string): DecisionSeed {
  const digest = sha256(utf8ToBytes(`calybris/seed/v1\n${tenantId}\n${key}\n${policyHash}`));
  const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i++) words[i] = view.getUint32(i * 4, false);
  return { words, hex: bytesToHex(digest.subarray(0, 16)) };
}

/** True for the holdoutBps share of requests that the baseline policy serves, fixed per (tenant, key). */
export function isHoldout(tenantId: string, key: string, holdoutBps: number): boolean {
  const digest = sha256(utf8ToBytes(`calybris/holdout/v1\n${tenantId}\n${key}`));
  const word = new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0, false);
  // word / 2^32 < 0.2, compared exactly in integers.
  return word * 10_000 < holdoutBps * 4_294_967_296;
}
