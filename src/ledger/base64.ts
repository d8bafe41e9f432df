// Standard base64 (RFC 4648 section 4, with padding) for signed notes and checkpoints.
// Pure code that runs unchanged in Node and workerd: no Buffer, no atob/btoa.
// Decoding is strict and must never accept two spellings of the same bytes.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Maps a character code below 128 to its 6-bit value, or -1 when it is not in the alphabet.
const DECODE_TABLE: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let index = 0; index < ALPHABET.length; index++) table[ALPHABET.charCodeAt(index)] = index;
  return table;
})();

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array || (ArrayBuffer.isView(value) && value.constructor.name === "Uint8Array");
}

/** Encodes bytes as standard, padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  if (!isBytes(bytes)) throw new TypeError(`"bytes" expected Uint8Array, got type=${typeof bytes}`);
  let out = "";
  for (let index = 0; index < bytes.length; index += 3) {
    const b0 = bytes[index] ?? 0;
    const b1 = bytes[index + 1] ?? 0;
    const b2 = bytes[index + 2] ?? 0;
    const remaining = bytes.length - index;
    out += ALPHABET.charAt(b0 >> 2);
    out += ALPHABET.charAt(((b0 & 0x03) << 4) | (b1 >> 4));
    out += remaining > 1 ? ALPHABET.charAt(((b1 & 0x0f) << 2) | (b2 >> 6)) : "=";
    out += remaining > 2 ? ALPHABET.charAt(b2 & 0x3f) : "=";
  }
  return out;
}

function sextet(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 128 ? (DECODE_TABLE[code] ?? -1) : -1;
}

/**
 * Decodes standard, padded base64, or returns undefined when the text is not its canonical
 * spelling. Canonical means: length a multiple of 4, padding only at the end, and the unused
 * low bits of the last character zero (RFC 4648 section 3.5 lets decoders reject those). Without
 * the last rule, flipping one bit of a signature line could give a different note that still
 * verifies, and notes must not be malleable.
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (typeof text !== "string") throw new TypeError(`"text" expected string, got type=${typeof text}`);
  if (text.length % 4 !== 0) return undefined;
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let written = 0;
  for (let index = 0; index < text.length; index += 4) {
    const isLastGroup = index + 4 === text.length;
    const s0 = sextet(text, index);
    const s1 = sextet(text, index + 1);
    const s2 = isLastGroup && padding === 2 ? 0 : sextet(text, index + 2);
    const s3 = isLastGroup && padding >= 1 ? 0 : sextet(text, index + 3);
    if (s0 < 0 || s1 < 0 || s2 < 0 || s3 < 0) return undefined;
    const group = (s0 << 18) | (s1 << 12) | (s2 << 6) | s3;
    const keep = isLastGroup ? 3 - padding : 3;
    // Bits that fall outside the decoded bytes must be zero, or the spelling is not canonical.
    if (keep < 3 && (group & ((1 << (8 * (3 - keep))) - 1)) !== 0) return undefined;
    for (let shift = 16, count = 0; count < keep; count++, shift -= 8) out[written++] = (group >> shift) & 0xff;
  }
  return out;
}
