// The Content-Type of a JSON body (RFC 9110 section 8.3.1): application/json, with at most one
// charset parameter that names UTF-8. Bodies are always decoded as strict UTF-8 (RFC 8259 section
// 8.1), so a body declared in another charset would be read otherwise than its sender meant:
// it is refused instead. Pure; never throws.

/** Longer Content-Type values are refused unread: no client needs more for application/json. */
const CONTENT_TYPE_LENGTH_MAX = 256;
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED_STRING = '"(?:[^"\\\\]|\\\\.)*"';
const MEDIA_TYPE = new RegExp(`^(${TOKEN}/${TOKEN})`);
/** One `OWS ";" OWS [ name "=" value ]` step of the parameter list, anchored at its start. */
const PARAMETER = new RegExp(`^[ \\t]*;[ \\t]*(?:(${TOKEN})=(${TOKEN}|${QUOTED_STRING}))?`);
/** Labels of UTF-8 in the WHATWG Encoding Standard that a client plausibly sends; compared lowercased. */
const UTF8_LABELS = new Set(["utf-8", "utf8"]);

/** Null when the body may be read as UTF-8 JSON, else the refusal's detail. */
export function jsonContentTypeRefusal(header: string | undefined): string | null {
  const value = (header ?? "").trim();
  if (value.length > CONTENT_TYPE_LENGTH_MAX) return `content-type is longer than ${CONTENT_TYPE_LENGTH_MAX} characters`;
  const type = MEDIA_TYPE.exec(value)?.[1]?.toLowerCase();
  if (type !== "application/json")
    return `content-type must be application/json, got ${JSON.stringify(value.split(";")[0]!.trim().slice(0, 60))}`;
  let rest = value.slice(type.length);
  const charsets: string[] = [];
  // Each step consumes at least the ";", so the loop runs at most once per character.
  while (rest.trim().length > 0) {
    const match = PARAMETER.exec(rest);
    if (match === null) return "content-type parameters are malformed";
    const [step, name, raw] = match;
    if (name !== undefined && name.toLowerCase() === "charset") charsets.push(unquote(raw!).toLowerCase());
    rest = rest.slice(step.length);
  }
  if (charsets.length > 1) return "content-type names more than one charset";
  const charset = charsets[0];
  if (charset !== undefined && !UTF8_LABELS.has(charset))
    return `bodies are UTF-8; charset ${JSON.stringify(charset.slice(0, 40))} is not supported`;
  return null;
}

/** A parameter value without its quotes and quoted-pair backslashes (RFC 9110 section 5.6.4). */
function unquote(raw: string): string {
  return raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw;
}
