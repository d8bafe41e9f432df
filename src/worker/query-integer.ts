// Integer query and path parameters, read one way for every route: decimal digits only, no sign,
// no leading zero, no exponent, and never past 2^53 - 1. Pure; the route says which range it takes.

/** The integer `text` spells, `fallback` when it is absent, or null when it is malformed. */
export function nonNegativeInteger(text: string | undefined, fallback: number): number | null {
  if (text === undefined) return fallback;
  return /^(0|[1-9][0-9]{0,15})$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : null;
}
