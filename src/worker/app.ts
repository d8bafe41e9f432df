// The Hono app: request ids, CORS, the routes, and problem+json for everything that goes wrong,
// including unknown routes, wrong methods and unexpected errors (a generic 500 with the request
// id, never a stack trace).

import { Hono } from "hono";
import type { AppContext, AppEnv } from "./app-env.ts";
import { cors } from "hono/cors";
import { REQUEST_ID } from "./limits.ts";
import { problem } from "./problem.ts";
import {
  adminTenantRoute,
  createTenantRoute,
  modeRoute,
  requireAdmin,
  rotateApiKeyRoute,
  rotateWebhookSecretRoute,
  statusRoute,
  tenantSettingsRoute,
  policySettingsRoute,
  topUpRoute,
} from "./routes/admin.ts";
import { decideRoute } from "./routes/decide.ts";
import { outcomesRoute, releaseRoute } from "./routes/outcomes.ts";
import { evaluationRoute } from "./routes/evaluation.ts";
import {
  currentCandidateRoute,
  discardCandidateRoute,
  policyRoute,
  promoteRoute,
  rollbackRoute,
  stageCandidateRoute,
} from "./routes/lifecycle.ts";
import { apprenticeRoute, budgetRoute, chainRoute, checkpointRoute, keysRoute, proofRoute, regimesRoute } from "./routes/reads.ts";
import { docsRoute, openApiRoute } from "./routes/docs.ts";
import { checkDeployment, healthRoute } from "./routes/health.ts";
import { landingRoute } from "./routes/landing.ts";
import { dashboardRoute, dashboardScriptRoute } from "./routes/dashboard.ts";
import { recentDecisionsRoute, usageRoute } from "./routes/dashboard-reads.ts";
import { chatCompletionsRoute } from "./routes/chat-completions.ts";
import { feedbackRoute } from "./routes/feedback.ts";
import { deleteProviderKeyRoute, proxySettingsRoute, putProviderKeyRoute, readProxySettingsRoute } from "./routes/proxy-admin.ts";
import { PROXY_REQUEST_HEADERS } from "./proxy-terms.ts";

type Handler = (c: AppContext) => Response | Promise<Response>;
type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export function buildApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", async (c, next) => {
    const given = c.req.header("request-id");
    const requestId = given !== undefined && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    c.set("requestId", requestId);
    await next();
    c.res.headers.set("request-id", requestId);
  });
  app.use(
    "*",
    cors({
      origin: "*",
      allowHeaders: [
        "authorization",
        "content-type",
        "idempotency-key",
        "request-id",
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
        ...PROXY_REQUEST_HEADERS,
      ],
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      exposeHeaders: [
        "calybris-decision",
        "request-id",
        "ratelimit-limit",
        "ratelimit-remaining",
        "ratelimit-reset",
        "ratelimit-policy",
        "retry-after",
        "link",
        "calybris-chain-size",
      ],
      maxAge: 600,
    }),
  );
  app.use("*", checkDeployment);
  route(app, "/", { GET: landingRoute });
  route(app, "/health", { GET: healthRoute });
  route(app, "/openapi.json", { GET: openApiRoute });
  route(app, "/docs", { GET: docsRoute });
  route(app, "/v1/decide", { POST: decideRoute });
  route(app, "/v1/outcomes", { POST: outcomesRoute });
  route(app, "/v1/chat/completions", { POST: chatCompletionsRoute });
  route(app, "/v1/feedback", { POST: feedbackRoute });
  route(app, "/v1/decisions/:id/release", { POST: releaseRoute });
  route(app, "/v1/budget", { GET: budgetRoute });
  route(app, "/v1/chain", { GET: chainRoute });
  route(app, "/v1/chain/proof/:seq", { GET: proofRoute });
  route(app, "/v1/checkpoints/latest", { GET: checkpointRoute });
  route(app, "/v1/keys", { GET: keysRoute });
  route(app, "/v1/regimes", { GET: regimesRoute });
  route(app, "/v1/evaluation", { GET: evaluationRoute });
  route(app, "/v1/apprentice", { GET: apprenticeRoute });
  route(app, "/v1/usage", { GET: usageRoute });
  route(app, "/v1/decisions/recent", { GET: recentDecisionsRoute });
  route(app, "/v1/policy", { GET: policyRoute });
  route(app, "/dashboard", { GET: dashboardRoute });
  route(app, "/dashboard/app.js", { GET: dashboardScriptRoute });
  app.use("/admin/*", requireAdmin);
  route(app, "/admin/tenants", { POST: createTenantRoute });
  route(app, "/admin/tenants/:id", { GET: adminTenantRoute, PATCH: tenantSettingsRoute });
  route(app, "/admin/tenants/:id/api-key", { POST: rotateApiKeyRoute });
  route(app, "/admin/tenants/:id/webhook-secret", { POST: rotateWebhookSecretRoute });
  route(app, "/admin/tenants/:id/suspend", { POST: statusRoute("suspended") });
  route(app, "/admin/tenants/:id/resume", { POST: statusRoute("active") });
  route(app, "/admin/tenants/:id/mode", { POST: modeRoute });
  route(app, "/admin/tenants/:id/policy", { POST: policySettingsRoute });
  route(app, "/admin/tenants/:id/top-ups", { POST: topUpRoute });
  route(app, "/admin/tenants/:id/candidates", { POST: stageCandidateRoute });
  route(app, "/admin/tenants/:id/candidates/current", { GET: currentCandidateRoute, DELETE: discardCandidateRoute });
  route(app, "/admin/tenants/:id/candidates/current/promote", { POST: promoteRoute });
  route(app, "/admin/tenants/:id/rollback", { POST: rollbackRoute });
  route(app, "/admin/tenants/:id/proxy", { GET: readProxySettingsRoute, PATCH: proxySettingsRoute });
  route(app, "/admin/tenants/:id/provider-keys/:provider", { PUT: putProviderKeyRoute, DELETE: deleteProviderKeyRoute });
  app.notFound((c) => problem(c, "not_found", `no route ${c.req.method} ${new URL(c.req.url).pathname}`));
  app.onError((error, c) => {
    console.error(JSON.stringify({ requestId: c.get("requestId"), error: String(error) }));
    return problem(c, "internal_error", "an unexpected error occurred");
  });
  return app;
}

/** Registers a path's methods; any other method gets 405 with an Allow header. */
function route(app: Hono<AppEnv>, path: string, methods: Partial<Record<Method, Handler>>): void {
  for (const [method, handler] of Object.entries(methods)) app.on(method, path, handler as Handler);
  const allow = [...Object.keys(methods), "OPTIONS"].join(", ");
  app.all(path, (c) => {
    if (c.req.method === "OPTIONS") return c.body(null, 204);
    const response = problem(c, "method_not_allowed", `${c.req.method} is not allowed here; use ${allow}`);
    response.headers.set("allow", allow);
    return response;
  });
}
