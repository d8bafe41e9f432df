// Server-Sent Events, both ways (WHATWG HTML, 9.2 "Server-sent events"): an incremental decoder
// that turns arbitrary text chunks into events (lines end in CRLF, LF or CR; "data" lines join
// with LF; a blank line dispatches), and the encoder of the proxy's own events. Pure.

import type { SseEvent } from "./chat.ts";

/** Longest line kept while waiting for its end: a provider that never ends a line cannot grow memory. */
export const SSE_LINE_CHARS_MAX = 1_048_576;

export class SseDecoder {
  private buffer = "";
  private event = "";
  private data: string[] = [];
  /** A CR ended the last chunk: an LF that starts the next chunk belongs to it. */
  private pendingCr = false;

  /** Feeds decoded text; returns the events it completed. Throws RangeError on an overlong line. */
  push(text: string): SseEvent[] {
    let input = text;
    if (this.pendingCr && input.startsWith("\n")) input = input.slice(1);
    this.pendingCr = false;
    this.buffer += input;
    const events: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(this.buffer.slice(start, i), events);
      if (c === 13) {
        if (i + 1 === this.buffer.length) this.pendingCr = true;
        else if (this.buffer.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    if (this.buffer.length > SSE_LINE_CHARS_MAX) throw new RangeError(`an SSE line is longer than ${SSE_LINE_CHARS_MAX} characters`);
    return events;
  }

  /** The end of the stream: an event still being built is dropped, as the specification says. */
  end(): SseEvent[] {
    this.buffer = "";
    this.data = [];
    this.event = "";
    return [];
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === "") {
      if (this.data.length > 0) events.push({ event: this.event === "" ? "message" : this.event, data: this.data.join("\n") });
      this.data = [];
      this.event = "";
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
  }
}

/** One `data:` event as OpenAI streams them: the JSON on one line, then a blank line. */
export function sseData(data: string): string {
  return `data: ${data}\n\n`;
}
