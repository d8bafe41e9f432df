// The --key argument of `calybris verify`: verifier key text, or a file holding it (alone, or as
// the only verifier key line, as in docs/dev-signing-key.md). Never echoes what it was given,
// since a mistaken argument may be a private key.

import { readFileSync, statSync } from "node:fs";
import { parseVerifierKey, type VerifierKey } from "../ledger/signed-note.ts";

const KEY_FILE_BYTES_MAX = 64 * 1024;
const SIGNER_PREFIX = "PRIVATE+KEY+";

export type KeyArgResult = { readonly ok: true; readonly key: VerifierKey } | { readonly ok: false; readonly message: string };

export function verifierKeyArg(argument: string): KeyArgResult {
  if (argument.startsWith(SIGNER_PREFIX)) return signerRefused();
  const parsed = parseVerifierKey(argument);
  if (parsed.ok) return parsed;
  const text = readKeyFile(argument);
  if (text === null)
    return { ok: false, message: `--key is neither verifier key text (${parsed.code}: ${parsed.detail}) nor a readable file` };
  const whole = parseVerifierKey(text.trim());
  if (whole.ok) return whole;
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const keys = lines.flatMap((line) => {
    const key = parseVerifierKey(line);
    return key.ok ? [key.key] : [];
  });
  if (keys.length === 1) return { ok: true, key: keys[0]! };
  if (keys.length > 1) return { ok: false, message: `the --key file holds ${keys.length} verifier keys; pass the one to trust` };
  if (lines.some((line) => line.startsWith(SIGNER_PREFIX))) return signerRefused();
  return { ok: false, message: "the --key file holds no verifier key (<name>+<8 hex key id>+<base64 key>)" };
}

function signerRefused(): KeyArgResult {
  return { ok: false, message: "--key got a signer (private) key: pass the verifier key, and keep the signer key secret" };
}

function readKeyFile(path: string): string | null {
  try {
    const stats = statSync(path);
    if (!stats.isFile() || stats.size > KEY_FILE_BYTES_MAX) return null;
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}
