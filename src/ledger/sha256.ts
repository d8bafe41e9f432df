// The chain's SHA-256. Pure JavaScript (@noble/hashes) by default, which runs everywhere; a Node
// process may swap in the native one (src/cli/node-sha256.ts) for speed: the replay seals a
// million entries. Both give the same digests; a test holds them to it.

import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { concatBytes, utf8ToBytes } from "@noble/hashes/utils.js";

export type Sha256 = (data: Uint8Array) => Uint8Array;
/** SHA-256(prefix || UTF-8(text)): an entry's fingerprint, without building the joined bytes. */
export type Sha256PrefixedText = (prefix: Uint8Array, text: string) => Uint8Array;

const noblePrefixedText: Sha256PrefixedText = (prefix, text) => nobleSha256(concatBytes(prefix, utf8ToBytes(text)));

let implementation: Sha256 = nobleSha256;
let prefixedText: Sha256PrefixedText = noblePrefixedText;

export function sha256(data: Uint8Array): Uint8Array {
  return implementation(data);
}

export function sha256PrefixedText(prefix: Uint8Array, text: string): Uint8Array {
  return prefixedText(prefix, text);
}

/** Replaces the implementations for this process (or restores the defaults when given none). */
export function useSha256(fn: Sha256 = nobleSha256, textFn: Sha256PrefixedText = noblePrefixedText): void {
  implementation = fn;
  prefixedText = textFn;
}
