// A byte-level JSON (RFC 8259) syntax check for the verifier's fast path. It may refuse valid
// JSON it finds unusual (nesting deeper than DEPTH_MAX), but it must never accept text that
// JSON.parse would refuse: the fast path relies on that to report exactly what ChainVerifier
// reports. Non-ASCII bytes are allowed in strings and flagged, so the caller can check UTF-8.
// One function with table lookups, no calls per token: this loop is the verifier's hot spot.

const DEPTH_MAX = 64;
const OBJECT = 1;
const ARRAY = 2;
// A string ends at a quote; a control byte, a backslash or a non-ASCII byte needs a closer look.
const STRING_SPECIAL = new Uint8Array(256);
for (let c = 0; c < 256; c++) STRING_SPECIAL[c] = c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x80 ? 1 : 0;
// Bytes that may follow a backslash besides "u" (RFC 8259 section 7).
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;
const HEX_DIGIT = new Uint8Array(256);
for (const c of "0123456789abcdefABCDEF") HEX_DIGIT[c.charCodeAt(0)] = 1;
const DIGIT = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) DIGIT[c] = 1;
// Reused across calls: scanning is synchronous, so no two scans share it at once.
const STACK = new Uint8Array(DEPTH_MAX);

/** Result of a scan: the index after the value, or -1 when refused; nonAscii says if a byte >= 0x80 was seen. */
export interface JsonScan {
  end: number;
  nonAscii: boolean;
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d;
}

/**
 * Checks that b[start..end) begins with one JSON value; out.end is the index just after it (no
 * trailing whitespace consumed), or -1 when refused. b[end] must be a newline: no JSON token can
 * hold one, so every inner loop stops there without a bounds check.
 */
export function scanJsonValue(b: Uint8Array, start: number, end: number, out: JsonScan): void {
  out.end = -1;
  out.nonAscii = false;
  if (b[end] !== 0x0a) throw new RangeError(`"end" expected the index of a newline, got ${end}`);
  let depth = 0;
  let i = start;
  let c = 0;
  let expectKey = false;
  // Every pass consumes at least one byte or returns, so there are at most end - start passes.
  for (let pass = 0; pass <= end - start; pass++) {
    c = b[i]!;
    while (isWhitespace(c)) c = b[++i]!;
    if (expectKey) {
      if (c !== 0x22) return;
      i = scanString(b, i, out);
      if (i < 0) return;
      c = b[i]!;
      while (isWhitespace(c)) c = b[++i]!;
      if (c !== 0x3a) return;
      c = b[++i]!;
      while (isWhitespace(c)) c = b[++i]!;
      expectKey = false;
    }
    if (c === 0x22) {
      i = scanString(b, i, out);
      if (i < 0) return;
    } else if (c === 0x7b || c === 0x5b) {
      if (depth === DEPTH_MAX) return;
      let j = i + 1;
      while (isWhitespace(b[j]!)) j++;
      // "{" + 2 is "}" and "[" + 2 is "]": an empty container is a whole value.
      if (b[j] === c + 2) {
        i = j + 1;
      } else {
        STACK[depth++] = c === 0x7b ? OBJECT : ARRAY;
        expectKey = c === 0x7b;
        i = j;
        continue;
      }
    } else if (c === 0x2d || DIGIT[c] === 1) {
      i = scanNumber(b, i);
      if (i < 0) return;
    } else if (c === 0x74 && b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65) {
      i += 4;
    } else if (c === 0x66 && b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65) {
      i += 5;
    } else if (c === 0x6e && b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c) {
      i += 4;
    } else {
      return;
    }
    // After a value: close containers until one goes on with a comma, or the value is whole.
    for (;;) {
      if (depth === 0) {
        if (i <= end) out.end = i;
        return;
      }
      c = b[i]!;
      while (isWhitespace(c)) c = b[++i]!;
      const top = STACK[depth - 1];
      if (c === 0x2c) {
        i++;
        expectKey = top === OBJECT;
        break;
      }
      if ((c === 0x7d && top === OBJECT) || (c === 0x5d && top === ARRAY)) {
        depth--;
        i++;
        continue;
      }
      return;
    }
  }
}

/** The index after the string whose opening quote is at i, or -1. */
function scanString(b: Uint8Array, i: number, out: JsonScan): number {
  for (;;) {
    let c = b[++i]!;
    while (STRING_SPECIAL[c] === 0) c = b[++i]!;
    if (c === 0x22) return i + 1;
    if (c < 0x20) return -1;
    if (c === 0x5c) {
      c = b[++i]!;
      if (c === 0x75) {
        if (HEX_DIGIT[b[i + 1]!] !== 1 || HEX_DIGIT[b[i + 2]!] !== 1 || HEX_DIGIT[b[i + 3]!] !== 1 || HEX_DIGIT[b[i + 4]!] !== 1) return -1;
        i += 4;
      } else if (SIMPLE_ESCAPE[c] !== 1) {
        return -1;
      }
    } else {
      out.nonAscii = true;
    }
  }
}

/** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? at i: the index after it, or -1. */
function scanNumber(b: Uint8Array, i: number): number {
  let c = b[i]!;
  if (c === 0x2d) c = b[++i]!;
  if (c === 0x30) c = b[++i]!;
  else if (DIGIT[c] === 1) while (DIGIT[c] === 1) c = b[++i]!;
  else return -1;
  if (c === 0x2e) {
    c = b[++i]!;
    if (DIGIT[c] !== 1) return -1;
    while (DIGIT[c] === 1) c = b[++i]!;
  }
  if (c === 0x65 || c === 0x45) {
    c = b[++i]!;
    if (c === 0x2b || c === 0x2d) c = b[++i]!;
    if (DIGIT[c] !== 1) return -1;
    while (DIGIT[c] === 1) c = b[++i]!;
  }
  return i;
}
