// GET /dashboard answers the dashboard page and GET /dashboard/app.js its bundled script. The page's
// Content-Security-Policy allows its script from this origin only ('self': the bundle is a file,
// not inline), its two stylesheets by hash, fetches to this origin, and Trusted Types with no
// policy at all: neither the page's code nor uPlot writes HTML strings, so no sink needs one.

import type { Context } from "hono";
import { hashSource, strictPolicy } from "./docs.ts";
import { DASHBOARD_STYLE, dashboardHtml } from "../dashboard-page.ts";
import { DASHBOARD_SCRIPT, UPLOT_STYLE } from "../generated/dashboard-assets.ts";

let page: { html: string; policy: string } | null = null;

function dashboardPage(): { html: string; policy: string } {
  const styles = [UPLOT_STYLE, DASHBOARD_STYLE];
  const policy = strictPolicy("'self'", styles.map(hashSource).join(" "));
  return { html: dashboardHtml(styles), policy };
}

const SHARED_HEADERS = { "x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "cache-control": "no-cache" };

export function dashboardRoute(c: Context): Response {
  page ??= dashboardPage();
  return c.body(page.html, 200, { "content-type": "text/html; charset=utf-8", "content-security-policy": page.policy, ...SHARED_HEADERS });
}

export function dashboardScriptRoute(c: Context): Response {
  return c.body(DASHBOARD_SCRIPT, 200, { "content-type": "text/javascript; charset=utf-8", ...SHARED_HEADERS });
}
