// Provider API keys at rest: AES-256-GCM (NIST SP 800-38D) under a key derived with HKDF-SHA256
// (RFC 5869) from the PROVIDER_KEY_SECRET secret. The tenant id and provider are the additional
// authenticated data, so a ciphertext copied to another tenant or provider does not open. A
// plaintext key lives only in this isolate's memory while a call uses it: it is never returned,
// logged or sealed, and nothing here ever puts it in an error message.

import { decodeBase64, encodeBase64 } from "../ledger/base64.ts";
import { PROVIDER_KEY_SECRET_LENGTH_MIN } from "./provider-env.ts";

const VERSION = "v1";
const IV_BYTES = 12;
const INFO = new TextEncoder().encode("calybris/provider-key/v1");

const derived = new Map<string, Promise<CryptoKey>>();

function aesKey(secret: string): Promise<CryptoKey> {
  let key = derived.get(secret);
  if (key === undefined) {
    key = (async () => {
      const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: INFO },
        material,
        { name: "AES-GCM", length: 256 },
        false,
        ["encrypt", "decrypt"],
      );
    })();
    // One secret per deployment; the map only ever holds the current one (and one before a rotation).
    if (derived.size >= 4) derived.clear();
    derived.set(secret, key);
  }
  return key;
}

function associatedData(tenantId: string, provider: string): Uint8Array {
  return new TextEncoder().encode(`calybris/provider-key/${VERSION}\n${tenantId}\n${provider}`);
}

/** The secret is usable: set and long enough. */
export function secretUsable(secret: string | undefined): secret is string {
  return secret !== undefined && secret.length >= PROVIDER_KEY_SECRET_LENGTH_MIN;
}

/** `v1.<base64 iv>.<base64 ciphertext and tag>` */
export async function encryptProviderKey(secret: string, tenantId: string, provider: string, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: associatedData(tenantId, provider) },
    await aesKey(secret),
    new TextEncoder().encode(plaintext),
  );
  return `${VERSION}.${encodeBase64(iv)}.${encodeBase64(new Uint8Array(sealed))}`;
}

/** The plaintext key, or null when the ciphertext does not open (another secret, tenant or provider; damage). */
export async function decryptProviderKey(secret: string, tenantId: string, provider: string, cipherText: string): Promise<string | null> {
  const [version, ivText, sealedText, ...rest] = cipherText.split(".");
  if (version !== VERSION || ivText === undefined || sealedText === undefined || rest.length > 0) return null;
  const iv = decodeBase64(ivText);
  const sealed = decodeBase64(sealedText);
  if (iv === undefined || sealed === undefined || iv.length !== IV_BYTES) return null;
  try {
    const opened = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv, additionalData: associatedData(tenantId, provider) },
      await aesKey(secret),
      sealed,
    );
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(opened);
  } catch {
    return null;
  }
}
