// RFC 4180 CSV over lines: quoted fields may hold commas, doubled quotes and line breaks, so a
// record can span lines (RouterBench and RouteLLM prompts do). Fed line by line, it yields whole
// records with the line each started on; a file that ends inside quotes is an error there.

import { DataFileError, type CsvRow, type DataLine } from "./data-reader.ts";

export async function* csvRows(lines: AsyncIterable<DataLine>, file: string): AsyncGenerator<CsvRow> {
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let startLine = 0;
  for await (const { text, line } of lines) {
    if (!quoted) {
      if (text === "") continue;
      fields = [];
      field = "";
      startLine = line;
    } else {
      field += "\n";
    }
    let i = 0;
    while (i < text.length) {
      const ch = text[i]!;
      if (quoted) {
        if (ch === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          quoted = false;
          // RFC 4180: a closing quote ends the field; only a comma or the line's end may follow.
          if (i + 1 < text.length && text[i + 1] !== ",") throw new DataFileError(file, line, "text after a closing quote");
        } else {
          field += ch;
        }
        i++;
        continue;
      }
      if (ch === '"' && field === "") quoted = true;
      else if (ch === ",") {
        fields.push(field);
        field = "";
      } else if (ch === '"') {
        throw new DataFileError(file, line, "a quote inside an unquoted field");
      } else field += ch;
      i++;
    }
    if (!quoted) {
      fields.push(field);
      yield { fields, line: startLine };
    }
  }
  if (quoted) throw new DataFileError(file, startLine, "the file ends inside a quoted field (truncated?)");
}

/** Lines of an in-memory text, numbered from 1: the memory reader and tests use it. */
export async function* textLines(text: string): AsyncGenerator<DataLine> {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  for (let i = 0; i < lines.length; i++) yield { text: lines[i]!, line: i + 1 };
}
