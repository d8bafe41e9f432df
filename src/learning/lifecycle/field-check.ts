// The one message template every lifecycle input check uses, after noble-hashes and the kernel:
// `"exploration_bps" expected integer in [0, 5000], got 5001`. Checks return the problem as a
// string (or null) instead of throwing: a client's malformed configuration is data, not a bug.

/** Renders a refused value: -0 as such, strings quoted, a missing field as "nothing". */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string") return `string ${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value)}`;
  if (Array.isArray(value)) return "array";
  return `type=${typeof value}`;
}

/** The value when it is a safe integer in [min, max] other than -0; else the problem, as a string. */
export function checkedInteger(name: string, value: unknown, min: number, max: number): number | string {
  const fits = typeof value === "number" && Number.isSafeInteger(value) && value >= min && value <= max && !Object.is(value, -0);
  return fits ? value : `"${name}" expected integer in [${min}, ${max}], got ${describeValue(value)}`;
}

/**
 * The own data properties of a plain JSON object (prototype Object.prototype or null), or null
 * for anything else: arrays, class instances, and objects with accessors, whose value could
 * change between the check and the use.
 */
export function plainEntries(value: unknown): [string, unknown][] | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return null;
  if (Object.getOwnPropertySymbols(value).length > 0) return null;
  const entries: [string, unknown][] = [];
  for (const key of Object.getOwnPropertyNames(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor === undefined || !("value" in descriptor) || descriptor.enumerable !== true) return null;
    entries.push([key, descriptor.value]);
  }
  return entries;
}
