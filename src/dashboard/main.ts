// The dashboard page's entry point (bundled by scripts/build-dashboard.ts): sign-in with an API
// key (and optionally the admin token) kept in sessionStorage, then every section loaded from the
// tenant's read endpoints. A section that fails says so in place; the others still render.

import type { BudgetJson, EvaluationJson, KeysJson, PolicyJson, RecentJson, RegimeJson, RegimesJson, UsageJson } from "./answers.ts";
import {
  ApiError,
  forgetCredentials,
  getJson,
  getText,
  sendJson,
  storeCredentials,
  storedCredentials,
  tenantOfKey,
  type Credentials,
} from "./api.ts";
import { pruneCharts } from "./charts.ts";
import { byId, el, fill } from "./dom.ts";
import { renderBudget } from "./sections/budget-section.ts";
import { renderDecisions } from "./sections/decisions-section.ts";
import { renderMix } from "./sections/mix-section.ts";
import { renderMoney } from "./sections/money-section.ts";
import { renderPolicy, type AdminActions } from "./sections/policy-section.ts";
import { renderProof } from "./sections/proof-section.ts";
import { renderRegimes } from "./sections/regimes-section.ts";
import { savingsAgainstBest } from "./series.ts";
import { verifyEntryProof, type ProofJson } from "./verify-entry.ts";

const SECTIONS = ["budget", "money", "mix", "regimes", "policy", "proof", "decisions"] as const;

function failed(id: (typeof SECTIONS)[number], error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  fill(byId(id), el("p", { class: "warning", role: "alert" }, `Could not load: ${message}`));
}

async function section(id: (typeof SECTIONS)[number], work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    failed(id, error);
  }
}

/** Savings need production's value per regime: one evaluation per regime that has outcomes. */
async function savings(key: string, evaluation: EvaluationJson, regimes: readonly RegimeJson[]) {
  const withOutcomes = [...new Set(evaluation.fixed.filter((f) => f.support > 0).map((f) => f.regime))];
  const perRegime = await Promise.all(
    withOutcomes.map(async (regime) => {
      const scoped = await getJson<EvaluationJson>(`/v1/evaluation?regime=${encodeURIComponent(regime)}`, key);
      const options = regimes.find((r) => r.regime === regime)?.options ?? [];
      const best = [...options].sort((a, b) => b.mean_bps - a.mean_bps)[0]?.option ?? "";
      return { regime, best, production: scoped.production.dr };
    }),
  );
  return savingsAgainstBest(perRegime, evaluation.fixed);
}

function adminActions(credentials: Credentials, reload: () => Promise<void>): AdminActions | null {
  const tenant = tenantOfKey(credentials.apiKey);
  const token = credentials.adminToken;
  if (token === null || tenant === null) return null;
  const base = `/admin/tenants/${tenant}`;
  const then = async (work: Promise<unknown>): Promise<void> => {
    await work;
    await reload();
  };
  return {
    promote: () => then(sendJson(`${base}/candidates/current/promote`, token, "POST", {})),
    rollback: () => then(sendJson(`${base}/rollback`, token, "POST")),
    discard: () => then(sendJson(`${base}/candidates/current`, token, "DELETE")),
  };
}

async function load(credentials: Credentials): Promise<void> {
  const key = credentials.apiKey;
  const tenant = tenantOfKey(key) ?? "";
  const [budget, usage, evaluation, regimesAnswer] = await Promise.all([
    getJson<BudgetJson>("/v1/budget", key),
    getJson<UsageJson>("/v1/usage?hours=48", key),
    getJson<EvaluationJson>("/v1/evaluation", key),
    getJson<RegimesJson>("/v1/regimes", key),
  ]);
  const regimes = regimesAnswer.regimes;
  byId("who").textContent = `Tenant ${tenant}${credentials.adminToken === null ? "" : " (operator)"}`;
  const reload = (): Promise<void> => load(credentials);
  let verify: (seq: number) => void = () => undefined;
  // The sections fetch apart from one another, so a slow one (savings: one evaluation per regime)
  // holds up none of the others. A decision's verify button looks the proof section's check up
  // only when clicked, so the decisions may render before it.
  await Promise.all([
    section("budget", async () => renderBudget(byId("budget"), budget, usage)),
    section("mix", async () => renderMix(byId("mix"), usage)),
    section("money", async () => renderMoney(byId("money"), evaluation, await savings(key, evaluation, regimes))),
    section("regimes", async () => renderRegimes(byId("regimes"), regimes, evaluation)),
    section("policy", async () =>
      renderPolicy(byId("policy"), await getJson<PolicyJson>("/v1/policy", key), adminActions(credentials, reload)),
    ),
    section("proof", async () => {
      const [keys, checkpoint] = await Promise.all([
        getJson<KeysJson>("/v1/keys", key),
        getText("/v1/checkpoints/latest", key).catch((error: unknown) => {
          if (error instanceof ApiError && error.code === "checkpoint_not_found") return null;
          throw error;
        }),
      ]);
      const origin = `${keys.origin_prefix}/${tenant}`;
      const check = async (seq: number) =>
        verifyEntryProof(await getJson<ProofJson>(`/v1/chain/proof/${seq}`, key), keys.verifier_key, origin);
      verify = renderProof(byId("proof"), { chainSize: budget.entries, checkpoint, verifierKey: keys.verifier_key }, check);
    }),
    section("decisions", async () =>
      renderDecisions(byId("decisions"), await getJson<RecentJson>("/v1/decisions/recent?limit=20", key), (seq) => verify(seq)),
    ),
  ]);
  pruneCharts();
}

function showSignedIn(signedIn: boolean): void {
  byId("panels").hidden = !signedIn;
  byId("sign-out").hidden = !signedIn;
}

async function start(credentials: Credentials): Promise<void> {
  const status = byId("sign-in-status");
  status.textContent = "Loading…";
  try {
    await load(credentials);
    showSignedIn(true);
    status.textContent = "Signed in.";
  } catch (error) {
    showSignedIn(false);
    const refused = error instanceof ApiError && error.status === 401;
    // A key the API refuses is not kept: the next visit asks again instead of failing again.
    if (refused) forgetCredentials();
    status.textContent = refused ? "That API key was not accepted." : `Could not load: ${String(error)}`;
  }
}

function main(): void {
  const form = byId<HTMLFormElement>("sign-in-form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const apiKey = byId<HTMLInputElement>("api-key").value.trim();
    const adminToken = byId<HTMLInputElement>("admin-token").value.trim();
    const credentials = { apiKey, adminToken: adminToken === "" ? null : adminToken };
    storeCredentials(credentials);
    form.reset();
    void start(credentials);
  });
  byId("sign-out").addEventListener("click", () => {
    forgetCredentials();
    showSignedIn(false);
    for (const id of SECTIONS) fill(byId(id));
    byId("who").textContent = "";
    byId("sign-in-status").textContent = "Signed out.";
  });
  const stored = storedCredentials();
  if (stored !== null) void start(stored);
}

main();
