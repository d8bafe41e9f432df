// GET /openapi.json and GET /docs. (Placeholder until the OpenAPI generator lands.)
import type { Context } from "hono";
export function openApiRoute(c: Context): Response {
  return c.json({ openapi: "3.1.0" });
}
export function docsRoute(c: Context): Response {
  return c.html("<!doctype html><title>Calybris API</title>");
}
