// Reads a JSONL export in blocks of complete lines, never the whole file: each block ends with a
// newline and owns its ArrayBuffer (so it can be transferred to a worker thread); a line split
// by a read carries over into the next block. What follows the last newline is the tail.

import { open } from "node:fs/promises";

const NEWLINE = 0x0a;

export interface ExportBlock {
  /** Complete lines, each ending with a newline. */
  readonly bytes: Uint8Array;
  /** File offset of bytes[0]. */
  readonly offset: number;
}

export interface ExportEnd {
  /** Bytes after the last newline: a torn tail when not zero. */
  readonly tailBytes: number;
  /** File offset of a complete line longer than lineBytesMax, which was not read; else null. */
  readonly overlongLineOffset: number | null;
}

export interface ReadOptions {
  readonly blockBytes: number;
  /** A line longer than this is not held in memory: only counted, or refused if it is complete. */
  readonly lineBytesMax: number;
}

/** Yields blocks of complete lines in file order, then returns what follows the last newline. */
export async function* readExportBlocks(path: string, options: ReadOptions): AsyncGenerator<ExportBlock, ExportEnd> {
  const handle = await open(path, "r");
  try {
    let buffer = new Uint8Array(options.blockBytes);
    let filled = 0;
    let bufferOffset = 0;
    // Bytes of an overlong partial line that were counted and dropped instead of kept.
    let skipped = 0;
    for (;;) {
      if (buffer.length - filled < options.blockBytes) buffer = grown(buffer, filled, options.blockBytes);
      const { bytesRead } = await handle.read(buffer, filled, options.blockBytes, bufferOffset + skipped + filled);
      if (bytesRead === 0) return { tailBytes: skipped + filled, overlongLineOffset: null };
      filled += bytesRead;
      const last = buffer.lastIndexOf(NEWLINE, filled - 1);
      // Inside an overlong line only its length is kept; a newline now completes it: refuse it.
      if (skipped > 0 && last >= 0) return { tailBytes: 0, overlongLineOffset: bufferOffset };
      if (last < 0) {
        if (skipped > 0 || filled > options.lineBytesMax) {
          skipped += filled;
          filled = 0;
        }
        continue;
      }
      // The partial line after the last newline starts the next block; the block keeps the rest.
      const next = new Uint8Array(filled - last - 1 + options.blockBytes);
      next.set(buffer.subarray(last + 1, filled));
      yield { bytes: buffer.subarray(0, last + 1), offset: bufferOffset };
      bufferOffset += last + 1;
      filled -= last + 1;
      buffer = next;
    }
  } finally {
    await handle.close();
  }
}

/** A buffer with room for `room` more bytes after the first `filled`; grows geometrically. */
function grown(buffer: Uint8Array, filled: number, room: number): Uint8Array<ArrayBuffer> {
  const bigger = new Uint8Array(Math.max(filled + room, 2 * buffer.length));
  bigger.set(buffer.subarray(0, filled));
  return bigger;
}
