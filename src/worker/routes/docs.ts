// GET /openapi.json answers the OpenAPI document (serialized once per isolate); GET /docs answers
// the self-contained reference page under a Content-Security-Policy that allows its own inline
// script and style by SHA-256 hash (CSP Level 3, "hash-source") and nothing from elsewhere.

import type { Context } from "hono";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { encodeBase64 } from "../../ledger/base64.ts";
import { DOCS_HTML, DOCS_SCRIPT, DOCS_STYLE } from "../docs-page.ts";
import { openApiDocument } from "../openapi.ts";

let documentText: string | null = null;
let contentSecurityPolicy: string | null = null;

/** A CSP hash-source for an inline script or style: its SHA-256, base64 (CSP Level 3). */
export const hashSource = (text: string): string => `'sha256-${encodeBase64(sha256(utf8ToBytes(text)))}'`;

/**
 * No default source, so anything not named is refused; the script may only fetch this origin;
 * Trusted Types forbid every HTML-string sink, so a document string can never become markup.
 */
function docsPolicy(): string {
  return strictPolicy(hashSource(DOCS_SCRIPT), hashSource(DOCS_STYLE));
}

/** The pages' policy: only the given script and style sources, fetches to this origin, no framing, no HTML sinks. */
export function strictPolicy(scriptSource: string, styleSource: string): string {
  return [
    "default-src 'none'",
    `script-src ${scriptSource}`,
    `style-src ${styleSource}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join("; ");
}

export function openApiRoute(c: Context): Response {
  documentText ??= JSON.stringify(openApiDocument());
  return c.body(documentText, 200, { "content-type": "application/json; charset=utf-8", "cache-control": "public, max-age=300" });
}

export function docsRoute(c: Context): Response {
  contentSecurityPolicy ??= docsPolicy();
  return c.body(DOCS_HTML, 200, {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": contentSecurityPolicy,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "public, max-age=300",
  });
}
