// The /docs page: one self-contained HTML string that fetches /openapi.json and renders every
// operation with a "try it" form. It loads nothing from elsewhere (wrangler dev may be offline)
// and puts document text into the DOM only through textContent, never as HTML.

/** Inline style; docs.ts allows it by its SHA-256 in the Content-Security-Policy. */
export const DOCS_STYLE = `
:root { color-scheme: light dark; --line: #8884; --muted: #7a7a7a; --accent: #2f6fdf; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 70rem; padding: 1rem 1.5rem 4rem; }
code, pre, textarea, input { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: #8881; border: 1px solid var(--line); border-radius: 4px; padding: .5rem; overflow: auto; max-height: 24rem; white-space: pre-wrap; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; }
nav ul { columns: 2 18rem; padding-left: 1rem; }
section.op { border-top: 1px solid var(--line); margin-top: 2rem; padding-top: .5rem; }
.method { display: inline-block; min-width: 3.5rem; border-radius: 3px; padding: 0 .4rem; margin-right: .5rem; color: #fff; background: var(--accent); text-align: center; }
.method.post { background: #1d8a4e; }
.muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
form { display: grid; gap: .5rem; margin: .5rem 0; }
label { display: grid; gap: .15rem; font-weight: 600; }
input, textarea { width: 100%; padding: .35rem; border: 1px solid var(--line); border-radius: 4px; background: transparent; color: inherit; }
textarea { min-height: 9rem; }
button { justify-self: start; padding: .4rem 1.2rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
`;

/** Inline script; docs.ts allows it by its SHA-256. It must never assign document text to innerHTML. */
export const DOCS_SCRIPT = `
"use strict";
(() => {
  const METHODS = ["get", "post", "put", "patch", "delete"];
  const secrets = { ApiKey: "", AdminToken: "" };
  const main = document.getElementById("operations");
  let doc = null;
  let uid = 0;

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  function add(parent, ...children) { for (const child of children) parent.append(child); return parent; }
  function pointer(ref) {
    if (typeof ref !== "string" || !ref.startsWith("#/")) return undefined;
    return ref.slice(2).split("/").reduce((node, part) => (node == null ? undefined : node[part.replaceAll("~1", "/").replaceAll("~0", "~")]), doc);
  }
  function resolve(node) {
    for (let hops = 0; node && typeof node.$ref === "string" && hops < 16; hops++) node = pointer(node.$ref);
    return node;
  }
  function inline(node, depth) {
    if (depth > 12 || node === null || typeof node !== "object") return node;
    if (typeof node.$ref === "string") return inline(resolve(node), depth + 1);
    if (Array.isArray(node)) return node.map((item) => inline(item, depth + 1));
    const out = {};
    for (const [key, value] of Object.entries(node)) out[key] = inline(value, depth + 1);
    return out;
  }
  // A small, text-only Markdown subset: "## " headings, "- " lists, paragraphs and \`code\`.
  function prose(text, into) {
    for (const block of String(text || "").split(/\\n{2,}/)) {
      const lines = block.split("\\n");
      if (lines.every((line) => line.startsWith("- "))) {
        const list = el("ul");
        for (const line of lines) list.append(inlineCode(el("li"), line.slice(2)));
        into.append(list);
      } else if (block.startsWith("## ")) into.append(el("h2", block.slice(3)));
      else into.append(inlineCode(el("p"), block));
    }
    return into;
  }
  function inlineCode(node, text) {
    text.split("\`").forEach((part, index) => node.append(index % 2 ? el("code", part) : document.createTextNode(part)));
    return node;
  }
  function schemaText(schema) { return JSON.stringify(inline(schema, 0), null, 2); }
  function field(form, labelText, control, hint) {
    const id = "f" + (++uid);
    control.id = id;
    const label = el("label", labelText);
    label.htmlFor = id;
    label.append(control);
    if (hint) label.append(el("span", hint, "muted"));
    form.append(label);
    return control;
  }

  function renderOperation(path, method, op) {
    const id = "op-" + (op.operationId || method + path).replace(/[^A-Za-z0-9_-]/g, "-");
    const section = el("section", null, "op");
    section.id = id;
    section.setAttribute("aria-labelledby", id + "-h");
    const heading = add(el("h3"), el("span", method.toUpperCase(), "method " + method), el("code", path));
    heading.id = id + "-h";
    add(section, heading, el("p", op.summary || ""));
    if (op.description) prose(op.description, section);
    const schemes = (op.security || []).flatMap((requirement) => Object.keys(requirement));
    section.append(el("p", "Auth: " + (schemes.length ? schemes.join(" or ") : "none"), "muted"));
    const params = (op.parameters || []).map(resolve).filter(Boolean);
    if (params.length) {
      section.append(el("h4", "Parameters"));
      const table = add(el("table"), add(el("tr"), el("th", "Name"), el("th", "In"), el("th", "Required"), el("th", "Description")));
      for (const p of params) add(table, add(el("tr"), add(el("td"), el("code", p.name)), el("td", p.in), el("td", p.required ? "yes" : "no"), el("td", p.description || "")));
      section.append(table);
    }
    const body = op.requestBody && resolve(op.requestBody);
    const bodyMedia = body && body.content && body.content["application/json"];
    if (bodyMedia) add(section, el("h4", "Request body (application/json)"), el("p", body.description || ""), el("pre", schemaText(bodyMedia.schema)));
    section.append(el("h4", "Responses"));
    const responses = add(el("table"), add(el("tr"), el("th", "Status"), el("th", "Description"), el("th", "Content"), el("th", "Headers")));
    for (const [status, raw] of Object.entries(op.responses || {})) {
      const r = resolve(raw) || {};
      const description = prose(r.description, el("td"));
      add(responses, add(el("tr"), el("td", status), description, el("td", Object.keys(r.content || {}).join(", ")), el("td", Object.keys(r.headers || {}).join(", "))));
    }
    section.append(responses);
    const ok = Object.entries(op.responses || {}).find(([status]) => status.startsWith("2"));
    const okMedia = ok && ok[1].content && ok[1].content["application/json"];
    if (okMedia) add(section, add(el("details"), el("summary", "Success schema"), el("pre", schemaText(okMedia.schema))));
    section.append(tryIt(path, method, op, schemes, params, bodyMedia));
    return section;
  }

  function tryIt(path, method, op, schemes, params, bodyMedia) {
    const details = add(el("details"), el("summary", "Try it"));
    const form = el("form");
    const scheme = schemes[0];
    let token = null;
    if (scheme) {
      token = field(form, scheme === "AdminToken" ? "Admin token" : "API key (cal_live_...)", el("input"));
      token.type = "password";
      token.autocomplete = "off";
      token.value = secrets[scheme] || "";
      token.addEventListener("input", () => { secrets[scheme] = token.value; });
    }
    const inputs = params.map((p) => {
      const input = field(form, p.name + " (" + p.in + (p.required ? ", required" : "") + ")", el("input"));
      const example = p.example !== undefined ? p.example : p.schema && p.schema.default;
      if (example !== undefined && p.in !== "header") input.value = String(example);
      return { p, input };
    });
    const signing = op["x-webhook-signature"];
    const secret = signing ? field(form, "Webhook secret (whsec_...)", el("input"), "When given, this page fills webhook-id, webhook-timestamp and webhook-signature by signing the body.") : null;
    const textarea = bodyMedia ? field(form, "JSON body", el("textarea")) : null;
    if (textarea) textarea.value = bodyMedia.example === undefined ? "{}" : JSON.stringify(bodyMedia.example, null, 2);
    const button = add(el("button", "Send"));
    button.type = "submit";
    const output = el("div");
    output.setAttribute("aria-live", "polite");
    add(form, button, output);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send({ path, method, token, inputs, secret, textarea, output, button }).catch((error) => { output.replaceChildren(el("p", "Request failed: " + error.message)); });
    });
    return add(details, form);
  }

  async function send(f) {
    f.button.disabled = true;
    try {
      const headers = new Headers();
      const query = new URLSearchParams();
      let url = f.path;
      const body = f.textarea ? f.textarea.value : undefined;
      if (f.secret && f.secret.value) await sign(f.secret.value, f.inputs, body || "");
      for (const { p, input } of f.inputs) {
        if (input.value === "") continue;
        if (p.in === "path") url = url.replace("{" + p.name + "}", encodeURIComponent(input.value));
        else if (p.in === "query") query.set(p.name, input.value);
        else if (p.in === "header") headers.set(p.name, input.value);
      }
      if (f.token && f.token.value) headers.set("authorization", "Bearer " + f.token.value);
      if (body !== undefined) headers.set("content-type", "application/json");
      const queryText = query.toString();
      const response = await fetch(url + (queryText ? "?" + queryText : ""), { method: f.method.toUpperCase(), headers, body });
      const text = await response.text();
      let shown = text;
      try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch { /* not JSON: show it as sent */ }
      const headerText = [...response.headers].map(([name, value]) => name + ": " + value).join("\\n");
      f.output.replaceChildren(el("p", "Status " + response.status + " " + response.statusText), el("h5", "Headers"), el("pre", headerText), el("h5", "Body"), el("pre", shown));
    } finally {
      f.button.disabled = false;
    }
  }

  // Standard Webhooks: v1,base64(HMAC-SHA256(base64-decode(secret without "whsec_"), id.timestamp.body)).
  async function sign(secretText, inputs, body) {
    const byName = (name) => inputs.find(({ p }) => p.name === name);
    const idField = byName("webhook-id"), timeField = byName("webhook-timestamp"), signatureField = byName("webhook-signature");
    if (!idField || !timeField || !signatureField) return;
    if (!idField.input.value) idField.input.value = "msg_" + crypto.randomUUID();
    timeField.input.value = String(Math.floor(Date.now() / 1000));
    const raw = Uint8Array.from(atob(secretText.replace(/^whsec_/, "")), (ch) => ch.charCodeAt(0));
    const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const message = new TextEncoder().encode(idField.input.value + "." + timeField.input.value + "." + body);
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, message));
    signatureField.input.value = "v1," + btoa(String.fromCharCode(...mac));
  }

  function renderCodes(table) {
    const section = add(el("section"), el("h2", "Problem codes"));
    section.setAttribute("aria-label", "Problem codes");
    const rows = add(el("table"), add(el("tr"), el("th", "Code"), el("th", "Status"), el("th", "Title"), el("th", "Type")));
    for (const [code, spec] of Object.entries(table || {})) add(rows, add(el("tr"), add(el("td"), el("code", code)), el("td", spec.status), el("td", spec.title), el("td", spec.type)));
    return add(section, rows);
  }

  function render() {
    document.getElementById("title").textContent = doc.info.title + " " + doc.info.version;
    prose(doc.info.description, document.getElementById("about"));
    const toc = el("ul");
    main.replaceChildren();
    const byTag = new Map();
    for (const [path, item] of Object.entries(doc.paths || {})) {
      for (const method of METHODS) {
        if (!item[method]) continue;
        const tag = (item[method].tags || ["other"])[0];
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag).push(renderOperation(path, method, item[method]));
      }
    }
    for (const [tag, sections] of byTag) {
      main.append(el("h2", tag));
      for (const section of sections) {
        const link = el("a", section.querySelector("h3").textContent);
        link.href = "#" + section.id;
        toc.append(add(el("li"), link));
        main.append(section);
      }
    }
    document.getElementById("toc").append(toc);
    main.append(renderCodes(doc["x-problem-codes"]));
  }

  fetch("/openapi.json", { headers: { accept: "application/json" } })
    .then((response) => { if (!response.ok) throw new Error("GET /openapi.json answered " + response.status); return response.json(); })
    .then((document_) => { doc = document_; render(); })
    .catch((error) => { main.replaceChildren(el("p", "Could not load the API description: " + error.message)); });
})();
`;

/** The whole page: the style and script above, inline, and nothing loaded from anywhere else. */
export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Calybris API reference</title>
<style>${DOCS_STYLE}</style>
</head>
<body>
<a class="skip" href="#operations">Skip to the operations</a>
<header>
<h1 id="title">Calybris API</h1>
<div id="about"></div>
<p>The machine-readable description is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
</header>
<nav id="toc" aria-label="Operations"><h2>Operations</h2></nav>
<main id="operations" tabindex="-1"><p role="status">Loading /openapi.json...</p></main>
<noscript><p>This page needs JavaScript to render; read <a href="/openapi.json">/openapi.json</a> directly.</p></noscript>
<script>${DOCS_SCRIPT}</script>
</body>
</html>
`;
