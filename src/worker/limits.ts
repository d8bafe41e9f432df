// The API's documented limits and formats, free of runtime types so the OpenAPI generator (which
// also runs in Node) imports them instead of copying them.

/** JSON bodies are limited to this many bytes. */
export const BODY_LIMIT_BYTES = 64 * 1024;
/** Lines per answer of GET /v1/chain, at most, and by default. */
export const CHAIN_LIMIT_MAX = 10_000;
export const CHAIN_LIMIT_DEFAULT = 1_000;
/** Decisions per minute of a tenant created without its own rate limit. */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;
/** Idempotency-Key: 1-255 visible ASCII characters. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** Request-Id accepted from a client and echoed; anything else is replaced by a fresh UUID. */
export const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
