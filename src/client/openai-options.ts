// Pointing the official OpenAI SDK at Calybris: its base URL is the deployment's /v1, its API
// key is the tenant's Calybris key (sent as Authorization: Bearer, as Calybris expects), and the
// request's terms travel as default Calybris-* headers. Use model "calybris/auto" or
// "calybris/<regime>"; the answer's Calybris-Decision header names the decision for feedback.

import type { DecideInput } from "./client.ts";

/** The terms of /v1/decide that proxy mode reads from headers. */
export interface ProxyTerms {
  readonly regime?: string;
  readonly valueMicros: number;
  readonly riskBps: number;
  readonly qualityFloorBps?: number;
  readonly maxCostMicros?: number;
  readonly maxLatencyMs?: number;
  readonly capabilities?: DecideInput["capabilities"];
  readonly providers?: DecideInput["providers"];
  readonly tenantChoice?: string;
  readonly attemptTimeoutMs?: number;
}

/** The options of `new OpenAI({...})`: baseURL, apiKey and defaultHeaders. */
export interface OpenAiOptions {
  readonly baseURL: string;
  readonly apiKey: string;
  readonly defaultHeaders: Record<string, string>;
}

export function proxyHeaders(terms: ProxyTerms): Record<string, string> {
  const headers: Record<string, string> = {
    "Calybris-Value-Micros": String(terms.valueMicros),
    "Calybris-Risk-Bps": String(terms.riskBps),
  };
  const optional: [string, string | number | undefined][] = [
    ["Calybris-Regime", terms.regime],
    ["Calybris-Quality-Floor-Bps", terms.qualityFloorBps],
    ["Calybris-Max-Cost-Micros", terms.maxCostMicros],
    ["Calybris-Max-Latency-Ms", terms.maxLatencyMs],
    ["Calybris-Capabilities", terms.capabilities?.join(",")],
    ["Calybris-Providers-Allow", terms.providers?.allow?.join(",")],
    ["Calybris-Providers-Deny", terms.providers?.deny?.join(",")],
    ["Calybris-Tenant-Choice", terms.tenantChoice],
    ["Calybris-Attempt-Timeout-Ms", terms.attemptTimeoutMs],
  ];
  for (const [name, value] of optional) if (value !== undefined) headers[name] = String(value);
  return headers;
}

export function openAiOptions(options: { readonly baseUrl: string; readonly apiKey: string; readonly terms: ProxyTerms }): OpenAiOptions {
  return { baseURL: `${options.baseUrl.replace(/\/+$/, "")}/v1`, apiKey: options.apiKey, defaultHeaders: proxyHeaders(options.terms) };
}

/** The decision fingerprint in a Calybris-Decision header (model=<id>; fp=<hex>), or null. */
export function decisionFingerprint(header: string | null | undefined): string | null {
  return /(?:^|;\s*)fp=([0-9a-f]{64})(?:$|;)/.exec(header ?? "")?.[1] ?? null;
}
