// The API's documented limits and formats, free of runtime types so the OpenAPI generator (which
// also runs in Node) imports them instead of copying them.

/** JSON bodies are limited to this many bytes. */
export const BODY_LIMIT_BYTES = 64 * 1024;
/**
 * POST /v1/chat/completions bodies (conversations with their history) are limited to this many
 * bytes; the proxy estimates input tokens from them, and every provider's own limit is far above.
 */
export const PROXY_BODY_LIMIT_BYTES = 1024 * 1024;
/** Lines per answer of GET /v1/chain, at most, and by default. */
export const CHAIN_LIMIT_MAX = 10_000;
export const CHAIN_LIMIT_DEFAULT = 1_000;
/**
 * Writes per minute and route (decide, outcomes, release) of a tenant created without its own
 * rate limit: 1,000 a second. Cloudflare documents a soft limit of about 1,000 requests a second
 * for one Durable Object, and every write of a tenant goes through its one TenantLedger object,
 * so this limit refuses what that object could not serve anyway instead of queueing it, while a
 * routing endpoint sits in front of every model call of its tenant and must not be the bottleneck.
 * (The old 600 a minute, 10 a second, refused 3,728 calls in 30 s of one tenant's 32 clients.)
 */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 60_000;
/** Bounds of a tenant's rate limit, set at creation or by PATCH /admin/tenants/:id. */
export const RATE_LIMIT_PER_MINUTE_MIN = 1;
export const RATE_LIMIT_PER_MINUTE_MAX = 1_000_000;
/** Idempotency-Key: 1-255 visible ASCII characters. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** Request-Id accepted from a client and echoed; anything else is replaced by a fresh UUID. */
export const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Hours of GET /v1/usage, at most (a week of hourly buckets), and by default. */
export const USAGE_HOURS_MAX = 168;
export const USAGE_HOURS_DEFAULT = 48;
/** Decisions of GET /v1/decisions/recent, at most and by default; it reads at most 8 entries per decision asked for. */
export const RECENT_DECISIONS_MAX = 50;
export const RECENT_DECISIONS_DEFAULT = 20;
