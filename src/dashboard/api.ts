// The dashboard's HTTP calls: same-origin fetches with the API key (or the admin token) as a
// Bearer token. Both live in sessionStorage only, so they go when the tab closes; nothing is
// sent anywhere but this origin (the page's CSP has connect-src 'self').

const API_KEY = "calybris.apiKey";
const ADMIN_TOKEN = "calybris.adminToken";

export interface Credentials {
  readonly apiKey: string;
  readonly adminToken: string | null;
}

export function storedCredentials(): Credentials | null {
  const apiKey = sessionStorage.getItem(API_KEY);
  return apiKey === null ? null : { apiKey, adminToken: sessionStorage.getItem(ADMIN_TOKEN) };
}

export function storeCredentials(credentials: Credentials): void {
  sessionStorage.setItem(API_KEY, credentials.apiKey);
  if (credentials.adminToken === null) sessionStorage.removeItem(ADMIN_TOKEN);
  else sessionStorage.setItem(ADMIN_TOKEN, credentials.adminToken);
}

export function forgetCredentials(): void {
  sessionStorage.removeItem(API_KEY);
  sessionStorage.removeItem(ADMIN_TOKEN);
}

/** The tenant id inside an API key "cal_live_<tenant id>_<secret>" (tenant ids hold no underscore). */
export function tenantOfKey(apiKey: string): string | null {
  const match = /^cal_live_([a-z0-9][a-z0-9-]{1,30}[a-z0-9])_/.exec(apiKey);
  return match === null ? null : match[1]!;
}

/** An answer that was not 2xx, with the problem's title and detail when it sent one (RFC 9457). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | null;
  constructor(status: number, code: string | null, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function call(path: string, token: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: "application/json" };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, {
    method: init.method ?? "GET",
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  if (response.ok) return response;
  let code: string | null = null;
  let detail = `${response.status} ${response.statusText}`;
  try {
    const problem = (await response.json()) as { code?: string; title?: string; detail?: string };
    code = problem.code ?? null;
    detail = [problem.title, problem.detail].filter(Boolean).join(": ") || detail;
  } catch {
    // Not a problem document: the status line says enough.
  }
  throw new ApiError(response.status, code, `${init.method ?? "GET"} ${path}: ${detail}`);
}

export async function getJson<T>(path: string, token: string): Promise<T> {
  return (await (await call(path, token)).json()) as T;
}

export async function getText(path: string, token: string): Promise<string> {
  return (await call(path, token)).text();
}

export async function sendJson<T>(path: string, token: string, method: "POST" | "DELETE", body?: unknown): Promise<T> {
  return (await (await call(path, token, body === undefined ? { method } : { method, body })).json()) as T;
}
