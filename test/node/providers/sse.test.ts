// The SSE decoder against the WHATWG HTML "event stream" rules: any split of the same bytes
// gives the same events (fast-check over cut points and line endings), comments and unknown
// fields are ignored, data lines join with LF, an unterminated event is dropped, and a line that
// never ends is refused before it can grow without bound.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { SSE_LINE_CHARS_MAX, SseDecoder } from "../../../src/providers/sse.ts";

function decodeAll(chunks: readonly string[]): { event: string; data: string }[] {
  const decoder = new SseDecoder();
  const events = chunks.flatMap((chunk) => decoder.push(chunk));
  return [...events, ...decoder.end()];
}

const STREAM = [
  ": a comment\n",
  'event: message_start\ndata: {"a":1}\n\n',
  "data: first\ndata: second\n\n",
  "id: 7\nretry: 10\ndata:no-space\n\n",
  "event: ping\ndata: {}\n\n",
  "data: unterminated",
].join("");

describe("SseDecoder", () => {
  test("decodes events as the specification says", () => {
    expect(decodeAll([STREAM])).toEqual([
      { event: "message_start", data: '{"a":1}' },
      { event: "message", data: "first\nsecond" },
      { event: "message", data: "no-space" },
      { event: "ping", data: "{}" },
    ]);
  });

  test("any split and any of CRLF, LF, CR gives the same events", () => {
    fc.assert(
      fc.property(fc.constantFrom("\n", "\r\n", "\r"), fc.uniqueArray(fc.nat(), { maxLength: 12 }), (newline, cuts) => {
        const text = STREAM.replaceAll("\n", newline);
        const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let start = 0;
        for (const point of points) {
          chunks.push(text.slice(start, point));
          start = point;
        }
        chunks.push(text.slice(start));
        expect(decodeAll(chunks)).toEqual(decodeAll([STREAM]));
      }),
      { numRuns: 300 },
    );
  });

  test("a CR at the end of one chunk and LF at the start of the next are one line end", () => {
    expect(decodeAll(["data: a\r", "\n\r", "\n"])).toEqual([{ event: "message", data: "a" }]);
  });

  test("refuses a line longer than the bound instead of buffering it", () => {
    const decoder = new SseDecoder();
    expect(() => decoder.push(`data: ${"x".repeat(SSE_LINE_CHARS_MAX)}`)).toThrow(RangeError);
  });
});
