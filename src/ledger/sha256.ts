// The chain's SHA-256. Pure JavaScript (@noble/hashes) by default, which runs everywhere; a Node
// process may swap in the native one (src/cli/node-sha256.ts) for speed: the replay seals a
// million entries. Both give the same digests; a test holds them to it.

import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";

export type Sha256 = (data: Uint8Array) => Uint8Array;

let implementation: Sha256 = nobleSha256;

export function sha256(data: Uint8Array): Uint8Array {
  return implementation(data);
}

/** Replaces the implementation for this process (or restores the default when given none). */
export function useSha256(fn: Sha256 = nobleSha256): void {
  implementation = fn;
}
