// SHA-256 for the CLI on Node's native OpenSSL, the hash the chain verifier is given in Node.
// Measured on the 2-core bench VM (Node 22, OpenSSL 3.5): the one-shot crypto.hash() costs about
// 1.0 µs for 33 bytes and 2.1 µs for 1 KB with a Buffer result, createHash().update().digest()
// 2.4 µs and 3.3 µs, so this uses hash(). A string result skips the Buffer allocation and costs
// about 0.4 µs and 1.2 µs: the fast path (block-check.ts) uses the latin1 and hex forms.

import { hash } from "node:crypto";

/** SHA-256 as chain-verifier.ts expects it. The Buffer returned is a Uint8Array the caller owns. */
export function nodeSha256(data: Uint8Array): Uint8Array {
  return hash("sha256", data, "buffer");
}

/** The digest as a 32-character latin1 ("binary") string: one char per byte, no Buffer allocated. */
export function sha256Latin1(data: Uint8Array): string {
  return hash("sha256", data, "binary");
}

/** The digest as 64 lowercase hex characters. */
export function sha256Hex(data: Uint8Array): string {
  return hash("sha256", data, "hex");
}

/**
 * SHA-256(prefix || UTF-8(text)): the text written natively after the prefix into one buffer,
 * hashed one-shot. About 3.4 µs for a 1.4 KB entry here, against 6.2 µs through createHash().
 */
export function nodeSha256PrefixedText(prefix: Uint8Array, text: string): Uint8Array {
  const buffer = Buffer.allocUnsafe(prefix.length + Buffer.byteLength(text));
  buffer.set(prefix);
  buffer.write(text, prefix.length);
  return hash("sha256", buffer, "buffer");
}
