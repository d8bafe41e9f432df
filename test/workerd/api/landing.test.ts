// GET / inside workerd: a static HTML page that says what Calybris is and links /docs,
// /openapi.json and /health (each of which answers), under a CSP that allows only its own inline
// style, checked by hashing the served style with WebCrypto rather than with the code under test.

import { describe, expect, it } from "vitest";
import { call } from "./helpers.ts";

async function sha256Base64(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...digest));
}

describe("GET /", () => {
  it("is HTML that says what Calybris is and links the reference, the document and /health", async () => {
    const response = await call("/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await response.text();
    expect(html).toMatch(/^<!doctype html>/);
    const paragraph = /<p>([\s\S]*?)<\/p>/.exec(html)![1]!.replace(/\s+/g, " ");
    expect(paragraph).toContain("Calybris is a decision engine");
    expect(paragraph.split(/(?<=\.) /)).toHaveLength(2);
    const links = [...html.matchAll(/<a href="([^"]*)"/g)].map((match) => match[1]);
    expect(links).toEqual(["/docs", "/dashboard", "/openapi.json", "/health"]);
    for (const link of links) expect((await call(link!)).status, link).toBe(200);
  });

  it("runs no script and allows exactly its own inline style", async () => {
    const response = await call("/");
    const html = await response.text();
    const csp = response.headers.get("content-security-policy") ?? "";
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(csp.split("; ")).toEqual([
      "default-src 'none'",
      `style-src 'sha256-${await sha256Base64(style)}'`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ]);
    expect(html).not.toMatch(/<script\b|\bon[a-z]+\s*=|style\s*=|javascript:/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
  });

  it("answers 405 with Allow to other methods", async () => {
    const response = await call("/", { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, OPTIONS");
  });
});
