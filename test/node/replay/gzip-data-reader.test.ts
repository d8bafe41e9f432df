// The Node shell's DataReader (src/cli/gzip-data-reader.ts) on small files written to a temporary
// folder: gzip and plain lines, CSV through it, list() sorting and filtering, and the failures a
// data file can have (truncated, corrupt, missing), each a DataFileError naming file and line.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { defaultDataDir, GzipDataReader } from "../../../src/cli/gzip-data-reader.ts";
import { DataFileError } from "../../../src/replay/data-reader.ts";
import { drawU32 } from "../../../src/replay/draws.ts";

const BIG_LINES = 3_000;
/** How long a read may take before the test calls it hung (a local 40 KB file reads in milliseconds). */
const HANG_MS = 1_000;

let root = "";

/** Lines of a CSV that compresses poorly, so half of its gzip bytes hold many whole lines. */
function bigText(): string {
  const lines = ["n,a,b"];
  for (let i = 0; i < BIG_LINES; i++) lines.push(`${i},${drawU32(1, i, 0).toString(36)},${drawU32(2, i, 0).toString(16)}`);
  return `${lines.join("\n")}\n`;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "calybris-gzip-reader-"));
  mkdirSync(join(root, "set"));
  writeFileSync(join(root, "set/small.csv.gz"), gzipSync('id,text\r\n1,"a, b"\r\n2,"two\r\nlines"\r\n3,plain\r\n'));
  writeFileSync(join(root, "set/plain.csv"), "x,y\n1,2\n");
  writeFileSync(join(root, "set/b.csv.gz"), gzipSync("b\n"));
  writeFileSync(join(root, "set/a.csv.gz"), gzipSync("a\n"));
  writeFileSync(join(root, "set/notes.txt"), "not data\n");
  const big = gzipSync(bigText());
  writeFileSync(join(root, "set/truncated.csv.gz"), big.subarray(0, big.length >> 1));
  writeFileSync(join(root, "set/corrupt.csv.gz"), "this was never gzip\n");
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Reads every line; returns how many decoded and what was thrown (null if nothing), or "hung". */
async function readAll(reader: GzipDataReader, file: string): Promise<{ lines: number; error: unknown } | "hung"> {
  let lines = 0;
  const read = (async () => {
    try {
      for await (const line of reader.lines(file)) {
        expect(line.line).toBe(lines + 1);
        lines++;
      }
      return { lines, error: null as unknown };
    } catch (error) {
      return { lines, error };
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<"hung">((done) => {
    timer = setTimeout(() => done("hung"), HANG_MS);
  });
  try {
    return await Promise.race([read, hung]);
  } finally {
    clearTimeout(timer);
  }
}

describe("GzipDataReader", () => {
  test("lines of a gzip file, numbered from 1, without CRLF", async () => {
    const reader = new GzipDataReader(root);
    const lines = await collect(reader.lines("set/small.csv.gz"));
    expect(lines.map((l) => l.text)).toEqual(["id,text", '1,"a, b"', '2,"two', 'lines"', "3,plain"]);
    expect(lines.map((l) => l.line)).toEqual([1, 2, 3, 4, 5]);
  });

  test("csv of a gzip file: RFC 4180 records with their starting lines", async () => {
    const rows = await collect(new GzipDataReader(root).csv("set/small.csv.gz"));
    expect(rows).toEqual([
      { fields: ["id", "text"], line: 1 },
      { fields: ["1", "a, b"], line: 2 },
      { fields: ["2", "two\nlines"], line: 3 },
      { fields: ["3", "plain"], line: 5 },
    ]);
  });

  test("a file without .gz is read as plain text", async () => {
    expect(await collect(new GzipDataReader(root).csv("set/plain.csv"))).toEqual([
      { fields: ["x", "y"], line: 1 },
      { fields: ["1", "2"], line: 2 },
    ]);
  });

  test("a truncated gzip file is a DataFileError naming the file and the last line that decoded", async () => {
    const result = await readAll(new GzipDataReader(root), "set/truncated.csv.gz");
    expect(result).not.toBe("hung");
    const { lines, error } = result as { lines: number; error: unknown };
    expect(error).toBeInstanceOf(DataFileError);
    const e = error as DataFileError;
    // Half the compressed bytes decode to a good part of the file, but never all of it.
    expect(lines).toBeGreaterThan(100);
    expect(lines).toBeLessThan(BIG_LINES + 1);
    expect(e.file).toBe("set/truncated.csv.gz");
    expect(e.line).toBe(lines);
    expect(e.message).toMatch(new RegExp(`^set/truncated\\.csv\\.gz:${lines}: .*after line ${lines}; truncated or corrupt`));
  });

  test("csv over a truncated gzip file fails the same way", async () => {
    await expect(collect(new GzipDataReader(root).csv("set/truncated.csv.gz"))).rejects.toThrow(/^set\/truncated\.csv\.gz:\d+: /);
  });

  test("a file that is not gzip is a DataFileError at line 0", async () => {
    const result = await readAll(new GzipDataReader(root), "set/corrupt.csv.gz");
    expect(result).not.toBe("hung");
    const { lines, error } = result as { lines: number; error: unknown };
    expect(lines).toBe(0);
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as DataFileError).message).toMatch(/^set\/corrupt\.csv\.gz:0: /);
  });

  test("a missing plain file is a DataFileError: no such file", async () => {
    const result = await readAll(new GzipDataReader(root), "set/none.csv");
    expect(result).not.toBe("hung");
    const { error } = result as { lines: number; error: unknown };
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as DataFileError).message).toMatch(/^set\/none\.csv:0: no such file/);
  });

  // BUG: for a missing *.gz file the read stream's ENOENT never reaches the gunzip stream that
  // readline reads (pipe() does not forward errors), so the iteration never settles; the CLI then
  // exits with status 13 ("unsettled top-level await") instead of 2 and "no such file".
  test("a missing gzip file is a DataFileError: no such file", async () => {
    const result = await readAll(new GzipDataReader(root), "set/none.csv.gz");
    expect(result).not.toBe("hung");
    const { error } = result as { lines: number; error: unknown };
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as DataFileError).message).toMatch(/^set\/none\.csv\.gz:0: no such file/);
  });

  test("list() returns the folder's files with the suffix, sorted, as folder/name", async () => {
    const reader = new GzipDataReader(root);
    expect(await reader.list("set", ".csv.gz")).toEqual([
      "set/a.csv.gz",
      "set/b.csv.gz",
      "set/corrupt.csv.gz",
      "set/small.csv.gz",
      "set/truncated.csv.gz",
    ]);
    expect(await reader.list("set", ".txt")).toEqual(["set/notes.txt"]);
    expect(await reader.list("set", ".parquet")).toEqual([]);
  });

  test("list() of a missing folder is a DataFileError naming the folder", async () => {
    await expect(new GzipDataReader(root).list("nowhere", ".gz")).rejects.toThrow(/^nowhere:0: cannot list the folder/);
  });

  test("the default root is $CALYBRIS_DATA when set", () => {
    const saved = process.env.CALYBRIS_DATA;
    try {
      process.env.CALYBRIS_DATA = root;
      expect(defaultDataDir()).toBe(root);
      expect(new GzipDataReader().root).toBe(root);
    } finally {
      if (saved === undefined) delete process.env.CALYBRIS_DATA;
      else process.env.CALYBRIS_DATA = saved;
    }
  });
});
