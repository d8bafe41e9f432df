// What JSON.parse lets through and a sealed request must not hold: a member name given twice in
// one object (JSON.parse keeps the last value, while the request digest hashes bytes that also
// say the first; RFC 8259 section 4 leaves such objects' meaning to the receiver, RFC 7493 I-JSON
// section 2.3 forbids them) and a string that is not well-formed Unicode (a lone surrogate, which
// I-JSON section 2.1 forbids and which has no canonical JCS form). Pure, no dependency.

/** Longest name quoted back in a refusal. */
const NAME_SHOWN_MAX = 60;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** A refusal's detail for the first defect, or null when there is none. */
export type JsonDefect = string | null;

/**
 * Scans JSON text that JSON.parse accepted, once, left to right: each object keeps the set of its
 * member names as decoded (so "a" and "\u0061" are the same name), each string is decoded once.
 * Linear in the text's length (every character is read a bounded number of times), and the stack
 * of open containers never holds more entries than the text has brackets.
 */
export function jsonDefect(text: string): JsonDefect {
  // One entry per open container: the names seen so far for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) return "the body is not valid JSON";
      const value = JSON.parse(text.slice(i, end + 1)) as string;
      if (!isWellFormed(value)) return "strings must be well-formed Unicode: a lone surrogate (such as \\ud800) is not a character";
      if (expectName) {
        const names = open.at(-1)!;
        if (names.has(value)) return `member name ${JSON.stringify(value.slice(0, NAME_SHOWN_MAX))} appears twice in one object`;
        names.add(value);
        expectName = false;
      }
      i = end;
    } else if (c === 0x7b /* { */) {
      open.push(new Set());
      expectName = true;
    } else if (c === 0x5b /* [ */) {
      open.push(null);
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      open.pop();
      expectName = false;
    } else if (c === 0x2c /* , */) {
      expectName = open.at(-1) instanceof Set;
    }
  }
  return null;
}

/** Index of the quote that closes the string opened at `start`, or -1 when none does. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // The character after a backslash never ends the string: \" is a quote inside it, and the
    // four hex digits of \uXXXX hold neither a quote nor a backslash.
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return -1;
}

/** True when every surrogate code unit is half of a pair (String.prototype.isWellFormed, ES2024). */
export function isWellFormed(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = value.charCodeAt(i + 1);
    if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}
