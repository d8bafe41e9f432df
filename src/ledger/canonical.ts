// Canonical bytes for chain records: RFC 8785 (JSON Canonicalization Scheme) restricted to
// integers, so any JCS library can reproduce them. Keys sort by UTF-16 code units, no
// whitespace, strings as ECMAScript JSON.stringify writes them. Refuses anything ambiguous.

export type CanonicalValue =
  | null
  | boolean
  | number
  | string
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue };

const DEPTH_MAX = 16;

/** Error for a value that has no canonical form (a bug in the caller, not client data). */
export class CanonicalError extends Error {
  override readonly name = "CanonicalError";
}

/** JCS text of `value`. Throws CanonicalError for non-integers, -0, lone surrogates, cycles. */
export function canonicalJson(value: CanonicalValue): string {
  return encode(value, 0, "$");
}

function encode(value: CanonicalValue, depth: number, path: string): string {
  if (depth > DEPTH_MAX) throw new CanonicalError(`${path}: nested deeper than ${DEPTH_MAX}`);
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      // Integers only: JCS's number serialisation is ECMAScript's, which for safe integers is plain digits.
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) {
        throw new CanonicalError(`${path}: expected safe integer, got ${String(value)}`);
      }
      return String(value);
    case "string":
      if (!value.isWellFormed()) throw new CanonicalError(`${path}: string has a lone surrogate`);
      return JSON.stringify(value);
    case "object":
      return Array.isArray(value) ? encodeArray(value, depth, path) : encodeObject(value as Record<string, CanonicalValue>, depth, path);
    default:
      throw new CanonicalError(`${path}: unsupported ${typeof value}`);
  }
}

function encodeArray(values: readonly CanonicalValue[], depth: number, path: string): string {
  const parts: string[] = [];
  for (let i = 0; i < values.length; i++) parts.push(encode(values[i]!, depth + 1, `${path}[${i}]`));
  return `[${parts.join(",")}]`;
}

function encodeObject(object: Record<string, CanonicalValue>, depth: number, path: string): string {
  const prototype = Object.getPrototypeOf(object);
  if (prototype !== Object.prototype && prototype !== null) throw new CanonicalError(`${path}: expected a plain object`);
  // Default sort compares UTF-16 code units, which is exactly JCS's key order (RFC 8785 3.2.3).
  const keys = Object.keys(object).sort();
  const parts: string[] = [];
  for (const key of keys) {
    const child = object[key];
    if (child === undefined) throw new CanonicalError(`${path}.${key}: undefined`);
    if (!key.isWellFormed()) throw new CanonicalError(`${path}: key has a lone surrogate`);
    parts.push(`${JSON.stringify(key)}:${encode(child, depth + 1, `${path}.${key}`)}`);
  }
  return `{${parts.join(",")}}`;
}
