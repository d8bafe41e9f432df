// Reading a JSON body safely: application/json in UTF-8 only, at most BODY_LIMIT_BYTES (read as a
// stream, so a lying Content-Length cannot get more in), strict UTF-8, JSON without duplicate
// member names or lone surrogates, then the zod schema. Every failure is a 4xx problem; nothing
// here can throw past the route.

import type { Context } from "hono";
import type { z } from "zod";
import { jsonContentTypeRefusal } from "./content-type.ts";
import { jsonDefect } from "./json-strict.ts";
import { BODY_LIMIT_BYTES } from "./limits.ts";
import { problem } from "./problem.ts";

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const ISSUES_SHOWN = 8;

export type Parsed<T> =
  { readonly ok: true; readonly value: T; readonly text: string } | { readonly ok: false; readonly response: Response };

async function readCapped(request: Request, limitBytes: number): Promise<Uint8Array | null> {
  const reader = request.body?.getReader();
  if (reader === undefined) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** A 400 naming the first schema issues (at most ISSUES_SHOWN, in an `issues` extension). */
export function schemaProblem(c: Context, error: z.ZodError): Response {
  const issues = error.issues.slice(0, ISSUES_SHOWN).map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
  const first = issues[0];
  return problem(c, "request_malformed", first === undefined ? "invalid body" : `${first.path || "body"}: ${first.message}`, { issues });
}

export async function readJson<Schema extends z.ZodType>(
  c: Context,
  schema: Schema,
  limitBytes: number = BODY_LIMIT_BYTES,
): Promise<Parsed<z.infer<Schema>>> {
  const fail = (response: Response): Parsed<z.infer<Schema>> => ({ ok: false, response });
  const typeRefusal = jsonContentTypeRefusal(c.req.header("content-type"));
  if (typeRefusal !== null) return fail(problem(c, "content_type_unsupported", typeRefusal));
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > limitBytes) return fail(problem(c, "body_too_large", `bodies are limited to ${limitBytes} bytes`));
  const bytes = await readCapped(c.req.raw, limitBytes);
  if (bytes === null) return fail(problem(c, "body_too_large", `bodies are limited to ${limitBytes} bytes`));
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return fail(problem(c, "body_not_utf8", "the body is not valid UTF-8"));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail(problem(c, "request_malformed", "the body is not valid JSON"));
  }
  // After JSON.parse, so the scan only ever sees valid JSON; before zod, which sees parsed values
  // only and so cannot tell which of two equal names the digest's bytes meant.
  const defect = jsonDefect(text);
  if (defect !== null) return fail(problem(c, "request_malformed", defect));
  const parsed = schema.safeParse(json);
  if (!parsed.success) return fail(schemaProblem(c, parsed.error));
  return { ok: true, value: parsed.data, text };
}
