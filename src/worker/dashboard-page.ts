// The /dashboard page: landmarks, headings and the sign-in form as static markup; the script
// (/dashboard/app.js, generated from src/dashboard) fills each section. The style is inline and
// allowed by its hash; the page loads nothing from another origin.

/** Inline style; routes/dashboard.ts allows it by its SHA-256 in the Content-Security-Policy. */
export const DASHBOARD_STYLE = `
:root { color-scheme: light dark; --line: #8884; --muted: #6b6b6b; --accent: #2f6fdf; --warn: #b35900; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem; }
h1 { font-size: 1.5rem; margin: .25rem 0; }
h2 { font-size: 1.2rem; margin: 0 0 .5rem; }
h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
code, pre { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
pre { white-space: pre-wrap; background: #8881; border: 1px solid var(--line); border-radius: 4px; padding: .5rem; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: Canvas; padding: .25rem; }
header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: baseline; justify-content: space-between; }
.muted { color: var(--muted); }
.warning { color: var(--warn); font-weight: 600; }
#panels { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 30rem), 1fr)); align-items: start; }
#panels[hidden] { display: none; }
section { border: 1px solid var(--line); border-radius: 6px; padding: .75rem; min-width: 0; }
section.wide { grid-column: 1 / -1; }
form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; }
label { font-weight: 600; }
.field { display: grid; gap: .15rem; min-width: min(100%, 16rem); flex: 1; }
input, select { font: inherit; padding: .35rem; border: 1px solid var(--line); border-radius: 4px; background: transparent; color: inherit; max-width: 100%; }
select { margin: 0 0 .5rem .25rem; }
button { font: inherit; padding: .35rem 1rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.admin { background: transparent; color: inherit; }
button:disabled { opacity: .6; }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.facts { display: grid; grid-template-columns: fit-content(45%) minmax(0, 1fr); gap: .15rem 1rem; margin: 0 0 .5rem; }
.facts dt { font-weight: 600; } .facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; display: block; overflow-x: auto; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .2rem .4rem; text-align: left; vertical-align: top; }
figure { margin: 0; } figcaption { font-weight: 600; }
.plot { width: 100%; overflow: hidden; }
.u-legend { font-size: 13px; } .u-legend .u-label { overflow-wrap: anywhere; }
.bar { position: relative; display: inline-block; width: 8rem; height: .7rem; background: #8882; border-radius: 3px; }
.bar .range { position: absolute; top: 0; bottom: 0; background: var(--accent); opacity: .55; border-radius: 3px; }
.bar .tick { position: absolute; top: -2px; bottom: -2px; width: 2px; background: currentColor; }
details.regime { border-top: 1px solid var(--line); padding: .25rem 0; }
summary { cursor: pointer; }
ul.decisions { list-style: none; padding: 0; margin: 0; }
ul.decisions > li { border-top: 1px solid var(--line); padding: .35rem 0; }
ol.gates { columns: 2 14rem; margin: .25rem 0; }
.admin-controls { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .5rem 0; }
`;

/** The whole page; `styles` are the inline stylesheets (this page's and uPlot's), each allowed by hash. */
export function dashboardHtml(styles: readonly string[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Calybris dashboard</title>
${styles.map((style) => `<style>${style}</style>`).join("\n")}
</head>
<body>
<a class="skip" href="#main">Skip to the dashboard</a>
<header>
<h1>Calybris dashboard</h1>
<p id="who" role="status"></p>
</header>
<main id="main" tabindex="-1">
<section id="sign-in" aria-labelledby="sign-in-heading" class="wide">
<h2 id="sign-in-heading">Sign in</h2>
<form id="sign-in-form" autocomplete="off">
<div class="field"><label for="api-key">API key</label><input id="api-key" type="password" required autocomplete="off" spellcheck="false"></div>
<div class="field"><label for="admin-token">Admin token (operators only, optional)</label><input id="admin-token" type="password" autocomplete="off" spellcheck="false"></div>
<button type="submit">Sign in</button>
<button type="button" id="sign-out" hidden>Sign out</button>
</form>
<p class="muted">The key stays in this tab's sessionStorage and is sent only to this origin, as a Bearer token.</p>
<p id="sign-in-status" role="status" aria-live="polite"></p>
</section>
<div id="panels" hidden>
<section id="budget" aria-labelledby="budget-heading"><h2 id="budget-heading">Budget</h2></section>
<section id="money" aria-labelledby="money-heading"><h2 id="money-heading">Money: savings and regret</h2></section>
<section id="mix" aria-labelledby="mix-heading" class="wide"><h2 id="mix-heading">Routing mix</h2></section>
<section id="regimes" aria-labelledby="regimes-heading"><h2 id="regimes-heading">Per regime</h2></section>
<section id="policy" aria-labelledby="policy-heading"><h2 id="policy-heading">Policy</h2></section>
<section id="proof" aria-labelledby="proof-heading"><h2 id="proof-heading">Proof</h2></section>
<section id="decisions" aria-labelledby="decisions-heading"><h2 id="decisions-heading">Recent decisions</h2></section>
</div>
</main>
<noscript><p>This dashboard needs JavaScript; the same figures are in the API (<a href="/docs">/docs</a>).</p></noscript>
<script src="/dashboard/app.js"></script>
</body>
</html>
`;
}
