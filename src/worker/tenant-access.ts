// Per-isolate access to a tenant: its API key checked (MAC first, so no Durable Object is ever
// touched for a forged key), its view and its policy snapshot cached for at most about a second
// (DESIGN.md step 2). The ledger re-checks key and suspension on every write, exactly.

import type { PolicyEntry } from "../decision/decide-step.ts";
import type { ShadowPolicy } from "../decision/shadow-step.ts";
import type { LifecycleState } from "../learning/lifecycle/lifecycle-state.ts";
import type { AppContext } from "./app-env.ts";
import type { KernelPolicy } from "../kernel/policy.ts";
import type { PolicySnapshot } from "../learning/policy-snapshot.ts";
import { toKernelPolicy } from "../learning/policy-snapshot.ts";
import type { TenantAnswer, TenantView } from "../durable-objects/ledger-rpc.ts";
import { parseApiKey, type ParsedKey } from "./api-keys.ts";
import { problem } from "./problem.ts";

export const CACHE_TTL_MS = 1000;
const CACHE_ENTRIES_MAX = 10_000;

export interface TenantContext {
  readonly key: ParsedKey;
  readonly view: TenantView;
  readonly ledger: DurableObjectStub<import("../durable-objects/tenant-ledger.ts").TenantLedger>;
}

export type { PolicyEntry };

interface Cached<T> {
  readonly value: T;
  readonly atMs: number;
}

const views = new Map<string, Cached<TenantView>>();
const policies = new Map<string, Cached<TenantPolicies>>();

/** What decides a tenant's requests: production's policy, the staged candidate's shadow, and the lifecycle. */
export interface TenantPolicies {
  readonly learned: PolicyEntry;
  readonly shadow: ShadowPolicy | null;
  readonly lifecycle: LifecycleState | null;
}
/** Kernel policies by content hash, so equal snapshots share one validated object. */
const byHash = new Map<string, KernelPolicy>();

function remember<T>(map: Map<string, Cached<T>>, key: string, value: T): void {
  if (map.size >= CACHE_ENTRIES_MAX) map.delete(map.keys().next().value!);
  map.set(key, { value, atMs: Date.now() });
}

const inFlight = new Map<string, Promise<unknown>>();

/**
 * One fetch per key at a time: when a cache entry expires under load, every request that misses
 * it shares the one call in flight instead of each making its own (no thundering herd).
 */
function singleFlight<T>(key: string, fetch: () => Promise<T>): Promise<T> {
  const pending = inFlight.get(key) as Promise<T> | undefined;
  if (pending !== undefined) return pending;
  const started = fetch().finally(() => inFlight.delete(key));
  inFlight.set(key, started);
  return started;
}

function fresh<T>(entry: Cached<T> | undefined): T | null {
  return entry !== undefined && Date.now() - entry.atMs < CACHE_TTL_MS ? entry.value : null;
}

/**
 * Keys whose MAC already checked out in this isolate, by header: the check is deterministic, so
 * remembering it saves an HMAC and a SHA-256 per request. Failures are not remembered.
 */
const checkedKeys = new Map<string, ParsedKey>();

function checkedKey(pepper: string, header: string | undefined): ParsedKey | null {
  if (header === undefined) return null;
  const known = checkedKeys.get(header);
  if (known !== undefined) return known;
  const key = parseApiKey(pepper, header);
  if (key === null) return null;
  if (checkedKeys.size >= CACHE_ENTRIES_MAX) checkedKeys.delete(checkedKeys.keys().next().value!);
  checkedKeys.set(header, key);
  return key;
}

export function ledgerStub(env: Env, tenantId: string): TenantContext["ledger"] {
  return env.TENANT_LEDGER.get(env.TENANT_LEDGER.idFromName(tenantId));
}

export function learnerStub(env: Env, tenantId: string): DurableObjectStub<import("../durable-objects/learner.ts").Learner> {
  return env.LEARNER.get(env.LEARNER.idFromName(tenantId));
}

/** The tenant behind the request's API key, or a 401 problem (one answer for every failure). */
export async function authenticate(c: AppContext): Promise<TenantContext | Response> {
  const key = checkedKey(c.env.API_KEY_PEPPER, c.req.header("authorization"));
  if (key === null) return problem(c, "unauthorized", "missing or invalid API key");
  const ledger = ledgerStub(c.env, key.tenantId);
  const cacheKey = `${key.tenantId}\u0000${key.secretHashHex}`;
  const cached = fresh(views.get(cacheKey));
  if (cached !== null) return { key, view: cached, ledger };
  const answer: TenantAnswer = await singleFlight(
    `tenant\u0000${cacheKey}`,
    async (): Promise<TenantAnswer> => await ledger.tenant(key.secretHashHex),
  );
  if (!answer.ok) {
    if (answer.code === "unauthorized") return problem(c, "unauthorized", "missing or invalid API key");
    return problem(c, answer.code, answer.detail);
  }
  remember(views, cacheKey, answer.tenant);
  return { key, view: answer.tenant, ledger };
}

/** Forget cached views of a tenant (after an admin change in this isolate). */
export function forgetTenant(tenantId: string): void {
  for (const key of views.keys()) if (key.startsWith(`${tenantId}\u0000`)) views.delete(key);
  policies.delete(tenantId);
}

function kernelPolicyOf(snapshot: PolicySnapshot): PolicyEntry {
  let policy = byHash.get(snapshot.hash);
  if (policy === undefined) {
    policy = toKernelPolicy(snapshot);
    if (byHash.size >= CACHE_ENTRIES_MAX) byHash.delete(byHash.keys().next().value!);
    byHash.set(snapshot.hash, policy);
  }
  return { snapshot, policy };
}

/**
 * The tenant's policies, from the isolate cache or its objects: the ledger's lifecycle (its one
 * authority) says which configuration runs and which is staged, and the Learner answers both
 * snapshots on its posteriors (adopting a newly promoted configuration as it does).
 */
export async function policyFor(env: Env, view: TenantView): Promise<TenantPolicies> {
  const tenantId = view.tenantId;
  const cached = fresh(policies.get(tenantId));
  if (cached !== null) return cached;
  const loaded: TenantPolicies = await singleFlight(`policy\u0000${tenantId}`, async (): Promise<TenantPolicies> => {
    const lifecycle = await ledgerStub(env, tenantId).lifecycle();
    if (!lifecycle.ok) throw new Error(lifecycle.detail);
    const state = lifecycle.state;
    const answer = await learnerStub(env, tenantId).policies(
      view.pack,
      state === null ? null : { current: state.current.config, candidate: state.candidate?.config ?? null },
    );
    return {
      learned: kernelPolicyOf(answer.production),
      shadow:
        answer.candidate === null || state === null || state.candidate === null
          ? null
          : {
              configHash: answer.candidate.configHash,
              entry: kernelPolicyOf(answer.candidate.snapshot),
              valueWeightBps: state.candidate.config.value_weight_bps,
            },
      lifecycle: state,
    };
  });
  remember(policies, tenantId, loaded);
  return loaded;
}
