// API keys: "cal_live_<tenant id>_<secret>". The secret is 24 random bytes and an 8-byte MAC of
// them (HMAC-SHA256 with the server's API_KEY_PEPPER), base64url. The worker checks the MAC
// before touching any Durable Object, so a guessed key never creates storage; the tenant's
// object then compares SHA-256(secret) in constant time with the hash it stores.

import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, concatBytes, utf8ToBytes } from "@noble/hashes/utils.js";

const PREFIX = "cal_live_";
const RANDOM_BYTES = 24;
const MAC_BYTES = 8;
/** Tenant ids: lowercase letters, digits and dashes, 3-32 long, so the key splits unambiguously. */
export const TENANT_ID = /^[a-z0-9](?:[a-z0-9-]{1,30})[a-z0-9]$/;

export interface ParsedKey {
  readonly tenantId: string;
  /** The secret part as sent; its SHA-256 is what the tenant's object stores. */
  readonly secret: string;
  readonly secretHashHex: string;
}

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

function mac(pepper: string, tenantId: string, random: Uint8Array): Uint8Array {
  return hmac(sha256, utf8ToBytes(pepper), concatBytes(utf8ToBytes(`calybris/api-key/v1\n${tenantId}\n`), random)).subarray(0, MAC_BYTES);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

export function secretHashHex(secret: string): string {
  return bytesToHex(sha256(utf8ToBytes(secret)));
}

/** A new key for a tenant, from caller-supplied randomness (crypto.getRandomValues in the worker). */
export function mintApiKey(pepper: string, tenantId: string, random: Uint8Array): { key: string; secretHashHex: string; keyId: string } {
  if (random.length !== RANDOM_BYTES) throw new RangeError(`"random" expected ${RANDOM_BYTES} bytes, got ${random.length}`);
  const secret = base64url(concatBytes(random, mac(pepper, tenantId, random)));
  const hash = secretHashHex(secret);
  return { key: `${PREFIX}${tenantId}_${secret}`, secretHashHex: hash, keyId: hash.slice(0, 12) };
}

export const API_KEY_RANDOM_BYTES = RANDOM_BYTES;

/** Authorization values longer than this are refused unread: no key or admin token comes near it. */
const AUTHORIZATION_LENGTH_MAX = 1024;
/**
 * credentials = auth-scheme 1*SP token (RFC 9110 section 11.4); the token is visible ASCII, a
 * superset of RFC 6750's b64token, so that an operator's admin token needs no particular alphabet.
 */
const CREDENTIALS = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) +([!-~]+)$/;

/**
 * The token of an "Authorization: Bearer <token>" header, or null. The scheme is matched without
 * regard to case, as RFC 9110 section 11.1 says of every auth-scheme ("bearer" is "Bearer").
 * API keys and the admin token are both read through here, so the two can never disagree.
 */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined || header.length > AUTHORIZATION_LENGTH_MAX) return null;
  const match = CREDENTIALS.exec(header.trim());
  if (match === null || match[1]!.toLowerCase() !== "bearer") return null;
  return match[2]!;
}

/** The key's parts when it is well formed and carries a valid MAC, else null (one outcome for every failure). */
export function parseApiKey(pepper: string, header: string | undefined): ParsedKey | null {
  const key = bearerToken(header);
  if (key === null || !key.startsWith(PREFIX) || key.length > 200) return null;
  const rest = key.slice(PREFIX.length);
  // Tenant ids have no "_", while base64url secrets may: split at the first one.
  const split = rest.indexOf("_");
  if (split < 0) return null;
  const tenantId = rest.slice(0, split);
  const secret = rest.slice(split + 1);
  const bytes = fromBase64url(secret);
  if (!TENANT_ID.test(tenantId) || bytes === null || bytes.length !== RANDOM_BYTES + MAC_BYTES) return null;
  if (!equalBytes(bytes.subarray(RANDOM_BYTES), mac(pepper, tenantId, bytes.subarray(0, RANDOM_BYTES)))) return null;
  return { tenantId, secret, secretHashHex: secretHashHex(secret) };
}

/** Constant-time check of the admin bearer token. */
export function isAdmin(adminToken: string | undefined, header: string | undefined): boolean {
  const token = bearerToken(header);
  if (adminToken === undefined || adminToken.length < 16 || token === null) return false;
  return equalBytes(sha256(utf8ToBytes(token)), sha256(utf8ToBytes(adminToken)));
}
