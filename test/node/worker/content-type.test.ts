// Content-Type of JSON bodies (src/worker/content-type.ts): application/json, optionally with
// a charset that names UTF-8 in any case, quoted or not; anything that would make a client and
// the server read the same bytes differently is refused.

import { describe, expect, test } from "vitest";
import { jsonContentTypeRefusal } from "../../../src/worker/content-type.ts";

describe("jsonContentTypeRefusal accepts", () => {
  test.each([
    "application/json",
    "Application/JSON",
    "application/json; charset=utf-8",
    "application/json;charset=UTF-8",
    "application/json; charset=Utf-8",
    'application/json; charset="utf-8"',
    'application/json; CHARSET="UTF-8"',
    "application/json; charset=utf8",
    "application/json ; charset=utf-8",
    "application/json;\tcharset=utf-8",
    "application/json;",
    "application/json; profile=x; charset=utf-8",
    'application/json; note="a;b=c"; charset=utf-8',
  ])("%j", (header) => {
    expect(jsonContentTypeRefusal(header)).toBeNull();
  });
});

describe("jsonContentTypeRefusal refuses", () => {
  test.each([
    [undefined, /application\/json/],
    ["", /application\/json/],
    ["text/plain", /application\/json/],
    ["application/jsonx", /application\/json/],
    ["application/json+x", /application\/json/],
    ["application/json, text/plain", /malformed/],
    ["application/json; charset=latin1", /not supported/],
    ["application/json; charset=iso-8859-1", /not supported/],
    ["application/json; charset=utf-16", /not supported/],
    ["application/json; charset=utf-16le", /not supported/],
    ['application/json; charset="latin1"', /not supported/],
    ['application/json; charset="utf-8 "', /not supported/],
    ["application/json; charset=", /malformed/],
    ["application/json; charset", /malformed/],
    ["application/json; charset=utf-8; charset=latin1", /more than one/],
    ["application/json; charset=utf-8; charset=utf-8", /more than one/],
    ['application/json; charset="utf-8', /malformed/],
    [`application/json; x=${"y".repeat(300)}`, /longer than/],
  ])("%j", (header, reason) => {
    expect(jsonContentTypeRefusal(header)).toMatch(reason);
  });
});
