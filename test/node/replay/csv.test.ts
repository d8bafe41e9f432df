// RFC 4180 records over numbered lines (src/replay/csv.ts): quoted commas, doubled quotes, quoted
// fields spanning lines (a record is numbered by the line it starts on), empty fields, CRLF line
// ends, and the two malformed shapes a pack must report with file and line, never guess around.

import { describe, expect, test } from "vitest";
import { csvRows, textLines } from "../../../src/replay/csv.ts";
import { DataFileError, type CsvRow, type DataLine } from "../../../src/replay/data-reader.ts";
import { MemoryDataReader } from "../../../src/replay/memory-data-reader.ts";

const FILE = "folder/data.csv.gz";

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function rows(text: string): Promise<CsvRow[]> {
  return collect(csvRows(textLines(text), FILE));
}

/** The DataFileError a parse throws (or a failure when it throws nothing, or something else). */
async function parseError(text: string): Promise<DataFileError> {
  try {
    await rows(text);
  } catch (error) {
    expect(error).toBeInstanceOf(DataFileError);
    return error as DataFileError;
  }
  throw new Error("expected a DataFileError");
}

describe("textLines", () => {
  test("numbers lines from 1, strips LF and CRLF, drops only the final empty line", async () => {
    const lines = await collect(textLines("a,b\r\nc,d\n\ne\r\n"));
    expect(lines).toEqual<DataLine[]>([
      { text: "a,b", line: 1 },
      { text: "c,d", line: 2 },
      { text: "", line: 3 },
      { text: "e", line: 4 },
    ]);
  });

  test("a text without a final newline keeps its last line; an empty text has none", async () => {
    expect(await collect(textLines("x\ny"))).toEqual([
      { text: "x", line: 1 },
      { text: "y", line: 2 },
    ]);
    expect(await collect(textLines(""))).toEqual([]);
  });
});

describe("csvRows", () => {
  test("plain fields and a header, each row numbered by its line", async () => {
    expect(await rows("id,name\n1,ann\n2,bob\n")).toEqual([
      { fields: ["id", "name"], line: 1 },
      { fields: ["1", "ann"], line: 2 },
      { fields: ["2", "bob"], line: 3 },
    ]);
  });

  test("a quoted field may hold commas", async () => {
    expect(await rows('a,"b,c",d\n')).toEqual([{ fields: ["a", "b,c", "d"], line: 1 }]);
  });

  test("a doubled quote inside quotes is one quote", async () => {
    expect(await rows('"he said ""hi""",x\n""""\n')).toEqual([
      { fields: ['he said "hi"', "x"], line: 1 },
      { fields: ['"'], line: 2 },
    ]);
  });

  test("a quoted field spanning lines joins them with LF and the row keeps its starting line", async () => {
    const text = 'h1,h2,h3\n1,"first\nsecond\n\nthird",2\n3,4,5\n';
    expect(await rows(text)).toEqual([
      { fields: ["h1", "h2", "h3"], line: 1 },
      { fields: ["1", "first\nsecond\n\nthird", "2"], line: 2 },
      { fields: ["3", "4", "5"], line: 6 },
    ]);
  });

  test("a spanning field in a CRLF file holds LF, not CR", async () => {
    expect(await rows('a,"x\r\ny"\r\nb,c\r\n')).toEqual([
      { fields: ["a", "x\ny"], line: 1 },
      { fields: ["b", "c"], line: 3 },
    ]);
  });

  test("empty fields, quoted and not, are kept; blank lines between records are skipped", async () => {
    expect(await rows(',,\na,,b,\n\n"",x,""\n')).toEqual([
      { fields: ["", "", ""], line: 1 },
      { fields: ["a", "", "b", ""], line: 2 },
      { fields: ["", "x", ""], line: 4 },
    ]);
  });

  test("CRLF line ends never leak into the last field", async () => {
    expect(await rows("a,b\r\nc,d\r\n")).toEqual([
      { fields: ["a", "b"], line: 1 },
      { fields: ["c", "d"], line: 2 },
    ]);
  });

  test("a quote inside an unquoted field is a DataFileError naming the file and the line", async () => {
    const error = await parseError('h1,h2\nok,fine\nab"c,d\n');
    expect(error.file).toBe(FILE);
    expect(error.line).toBe(3);
    expect(error.message).toBe(`${FILE}:3: a quote inside an unquoted field`);
  });

  test("the stray quote is reported on its own line when the record started earlier", async () => {
    const error = await parseError('"multi\nline",x"y\n');
    expect(error.line).toBe(2);
  });

  test("a file ending inside quotes is a DataFileError naming the line the record started on", async () => {
    const error = await parseError('x,y\n1,2\n3,"open\nmore text\nstill open\n');
    expect(error.file).toBe(FILE);
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^folder\/data\.csv\.gz:3: the file ends inside a quoted field/);
  });

  test("rows already yielded before the error are whole", async () => {
    const seen: CsvRow[] = [];
    await expect(
      (async () => {
        for await (const row of csvRows(textLines('a,b\n"c\n'), FILE)) seen.push(row);
      })(),
    ).rejects.toBeInstanceOf(DataFileError);
    expect(seen).toEqual([{ fields: ["a", "b"], line: 1 }]);
  });
});

describe("MemoryDataReader", () => {
  test("csv, lines and list over in-memory files", async () => {
    const reader = new MemoryDataReader({ "f/b.csv.gz": "x\n", "f/a.csv.gz": 'a,"b,c"\n', "f/c.txt": "", "g/a.csv.gz": "" });
    expect(await collect(reader.csv("f/a.csv.gz"))).toEqual([{ fields: ["a", "b,c"], line: 1 }]);
    expect(await collect(reader.lines("f/b.csv.gz"))).toEqual([{ text: "x", line: 1 }]);
    expect(await reader.list("f", ".csv.gz")).toEqual(["f/a.csv.gz", "f/b.csv.gz"]);
  });

  test("a missing file is a DataFileError at line 0", () => {
    const reader = new MemoryDataReader({});
    expect(() => reader.lines("f/none.gz")).toThrow("f/none.gz:0: no such file");
  });
});
