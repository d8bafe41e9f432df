// Canonical bytes for chain records: RFC 8785 (JSON Canonicalization Scheme) restricted to
// integers, so any JCS library can reproduce them. Keys sort by UTF-16 code units, no
// whitespace, strings as ECMAScript JSON.stringify writes them. Refuses anything ambiguous.

export type CanonicalValue = null | boolean | number | string | readonly CanonicalValue[] | { readonly [key: string]: CanonicalValue };

const DEPTH_MAX = 16;

/** Error for a value that has no canonical form (a bug in the caller, not client data). */
export class CanonicalError extends Error {
  override readonly name = "CanonicalError";
}

/** JCS text of `value`. Throws CanonicalError for non-integers, -0, lone surrogates, cycles. */
export function canonicalJson(value: CanonicalValue): string {
  // When every value is canonical-ready and every object's keys are already in JCS order, the
  // native JSON.stringify writes exactly the JCS text, several times faster than encode().
  return isPresorted(value, 0) ? JSON.stringify(value) : encode(value, 0);
}

/**
 * True when JSON.stringify(value) is the JCS text: plain objects with keys in code-unit order,
 * safe integers other than -0, well-formed strings, depth within bounds. Anything else takes
 * the checking encoder, which also names the first offending path.
 */
function isPresorted(value: CanonicalValue, depth: number): boolean {
  if (depth > DEPTH_MAX) return false;
  if (value === null) return true;
  switch (typeof value) {
    case "boolean":
      return true;
    case "number":
      return Number.isSafeInteger(value) && !Object.is(value, -0);
    case "string":
      return value.isWellFormed();
    case "object": {
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isPresorted(value[i]!, depth + 1)) return false;
        return true;
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return false;
      const object = value as Record<string, CanonicalValue>;
      let previous = "";
      let first = true;
      for (const key in object) {
        if (!first && !(previous < key)) return false;
        const child = object[key];
        if (child === undefined || !key.isWellFormed() || !isPresorted(child, depth + 1)) return false;
        previous = key;
        first = false;
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * An error's path is built only while the error travels up (a sealed decision has ~150 values;
 * formatting a path for each of them cost a quarter of all sealing time).
 */
function within(error: unknown, step: string): never {
  if (error instanceof CanonicalError) throw new CanonicalError(error.message.replace(/^\$/, `$${step}`));
  throw error;
}

function encode(value: CanonicalValue, depth: number): string {
  if (depth > DEPTH_MAX) throw new CanonicalError(`$: nested deeper than ${DEPTH_MAX}`);
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      // Integers only: JCS's number serialisation is ECMAScript's, which for safe integers is plain digits.
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) {
        throw new CanonicalError(`$: expected safe integer, got ${String(value)}`);
      }
      return String(value);
    case "string":
      if (!value.isWellFormed()) throw new CanonicalError("$: string has a lone surrogate");
      return JSON.stringify(value);
    case "object":
      return Array.isArray(value) ? encodeArray(value, depth) : encodeObject(value as Record<string, CanonicalValue>, depth);
    default:
      throw new CanonicalError(`$: unsupported ${typeof value}`);
  }
}

function encodeArray(values: readonly CanonicalValue[], depth: number): string {
  let text = "[";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) text += ",";
    try {
      text += encode(values[i]!, depth + 1);
    } catch (error) {
      within(error, `[${i}]`);
    }
  }
  return `${text}]`;
}

/** Keys that JSON.stringify writes as themselves between quotes: almost every key of a record. */
const PLAIN_KEY = /^[A-Za-z0-9_\-.]*$/;

function encodeObject(object: Record<string, CanonicalValue>, depth: number): string {
  const prototype = Object.getPrototypeOf(object);
  if (prototype !== Object.prototype && prototype !== null) throw new CanonicalError("$: expected a plain object");
  // Default sort compares UTF-16 code units, which is exactly JCS's key order (RFC 8785 3.2.3).
  const keys = Object.keys(object).sort();
  let text = "{";
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const child = object[key];
    if (child === undefined) throw new CanonicalError(`$.${key}: undefined`);
    if (!key.isWellFormed()) throw new CanonicalError("$: key has a lone surrogate");
    if (k > 0) text += ",";
    text += PLAIN_KEY.test(key) ? `"${key}":` : `${JSON.stringify(key)}:`;
    try {
      text += encode(child, depth + 1);
    } catch (error) {
      within(error, `.${key}`);
    }
  }
  return `${text}}`;
}
