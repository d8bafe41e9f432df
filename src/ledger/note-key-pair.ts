// A new checkpoint key pair as text: the signer key and its verifier key in the formats that
// signed-note.ts parses (golang.org/x/mod/sumdb/note), derived from a seed the caller supplies.
// Pure: it never draws randomness itself, so the CLI shell owns where the 32 bytes come from.

import { generateSignerKey, signerKeyText, verifierKeyText } from "./signed-note.ts";

/** The public development key's name (docs/dev-signing-key.md), never to be reused by a real key. */
export const DEV_KEY_NAME = "calybris-dev";
export const KEY_SEED_BYTES = 32;

const WHITE_SPACE = /\p{White_Space}/u;
// In u-mode a surrogate pair is one code point, so this matches only lone surrogates.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
// C0 controls; newline and tab are white space, so they are refused one check earlier.
const CONTROL = /[\u0000-\u001F]/;

export type KeyPairResult =
  | { readonly ok: true; readonly signerKey: string; readonly verifierKey: string }
  | { readonly ok: false; readonly code: "key_name_invalid"; readonly detail: string };

/**
 * Why a key name is refused, as a predicate ("contains '+'"), or null when it is valid. The rules
 * are signed-note's ("Format": non-empty, no '+', no Unicode space) plus what signed-note.ts also
 * refuses (text with no UTF-8 form, control characters). signed-note.ts stays the authority:
 * generateSignerKey checks the name again, and a test holds the two to the same answer. The same
 * rules are tlog-checkpoint's advice for an origin line, so the worker checks its origin prefix
 * with this too.
 */
export function keyNameProblem(name: string): string | null {
  if (name.length === 0) return "is empty";
  if (name.includes("+")) return "contains '+'";
  if (WHITE_SPACE.test(name)) return "contains a space or other Unicode white space";
  if (LONE_SURROGATE.test(name)) return "contains a lone surrogate, which has no UTF-8 form";
  if (CONTROL.test(name)) return "contains a control character";
  return null;
}

/** The signer and verifier key text of the Ed25519 key with this name and 32-byte seed. */
export function noteKeyPair(name: string, seed32: Uint8Array): KeyPairResult {
  const problem = keyNameProblem(name);
  if (problem !== null) return { ok: false, code: "key_name_invalid", detail: `the key name ${problem} (got ${JSON.stringify(name)})` };
  const key = generateSignerKey(name, seed32);
  return { ok: true, signerKey: signerKeyText(key), verifierKey: verifierKeyText(key) };
}
