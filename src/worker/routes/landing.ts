// GET / answers a small static page: what Calybris is, and links to the API reference, the
// OpenAPI document and /health. No script at all; its one inline style is allowed by SHA-256
// (CSP Level 3 "hash-source", as in docs.ts) and nothing else may load.

import type { Context } from "hono";
import { hashSource } from "./docs.ts";

export const LANDING_STYLE = `
:root { color-scheme: light dark; }
body { font: 16px/1.55 system-ui, sans-serif; margin: 0 auto; max-width: 40rem; padding: 2rem 1.5rem; }
ul { padding-left: 1.2rem; }
code { font: 14px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
`;

export const LANDING_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Calybris</title>
<style>${LANDING_STYLE}</style>
</head>
<body>
<main>
<h1>Calybris</h1>
<p>Calybris is a decision engine: for every request it picks the option (an LLM model, or a
processing tier) that gives the most value for its cost, under fail-closed safety gates and a
per-tenant budget. It seals every decision into a hash-chained log with signed checkpoints, so
that anyone can later prove what was decided and why.</p>
<ul>
<li><a href="/docs">/docs</a>: the interactive API reference</li>
<li><a href="/dashboard">/dashboard</a>: a tenant's budget, savings, routing, policy and proofs (sign in with an API key)</li>
<li><a href="/openapi.json">/openapi.json</a>: the OpenAPI 3.1 document</li>
<li><a href="/health">/health</a>: whether this deployment is up and configured</li>
</ul>
</main>
</body>
</html>
`;

let contentSecurityPolicy: string | null = null;

/** No default source, no script; only the page's own style, and it may not be framed or post forms. */
function landingPolicy(): string {
  return [
    "default-src 'none'",
    `style-src ${hashSource(LANDING_STYLE)}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function landingRoute(c: Context): Response {
  contentSecurityPolicy ??= landingPolicy();
  return c.body(LANDING_HTML, 200, {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": contentSecurityPolicy,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "public, max-age=300",
  });
}
