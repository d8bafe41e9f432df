// How packs read their data: an injected reader, so pack code stays pure and tests can feed it
// rows from memory. The Node shell (src/cli/gzip-data-reader.ts) reads gzip files in place.
// Every error about data names the file and the line, so a bad row can be found by hand.

export interface DataLine {
  readonly text: string;
  /** 1-based line number in the decompressed file. */
  readonly line: number;
}

export interface CsvRow {
  readonly fields: readonly string[];
  /** 1-based line on which the record starts (a quoted field may span lines). */
  readonly line: number;
}

export interface DataReader {
  /** Lines of a (gzip) text file relative to the data folder, without line endings. */
  lines(file: string): AsyncIterable<DataLine>;
  /** RFC 4180 records of a (gzip) CSV file, header included as the first row. */
  csv(file: string): AsyncIterable<CsvRow>;
  /** Names of the files in a folder (relative to the data folder) that end with `suffix`, sorted. */
  list(folder: string, suffix: string): Promise<string[]>;
}

export class DataFileError extends Error {
  override readonly name = "DataFileError";
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.file = file;
    this.line = line;
  }
}

/** Parses a finite decimal number or throws a DataFileError naming the column. */
export function numberField(
  row: CsvRow | { fields: readonly string[]; line: number },
  index: number,
  file: string,
  column: string,
): number {
  const text = row.fields[index];
  if (text === undefined) throw new DataFileError(file, row.line, `missing column ${JSON.stringify(column)}`);
  const value = text.trim() === "" ? Number.NaN : Number(text);
  if (!Number.isFinite(value))
    throw new DataFileError(
      file,
      row.line,
      `column ${JSON.stringify(column)}: expected a number, got ${JSON.stringify(text.slice(0, 40))}`,
    );
  return value;
}

/** Index of each named column in a header row, or a DataFileError naming the first one missing. */
export function headerIndex(header: CsvRow, file: string, columns: readonly string[]): Record<string, number> {
  const index: Record<string, number> = {};
  for (const column of columns) {
    const at = header.fields.indexOf(column);
    if (at < 0) throw new DataFileError(file, header.line, `header has no column ${JSON.stringify(column)}`);
    index[column] = at;
  }
  return index;
}

/** Checks a row's width against its header. */
export function expectWidth(row: CsvRow, width: number, file: string): void {
  if (row.fields.length !== width) {
    throw new DataFileError(file, row.line, `expected ${width} fields, got ${row.fields.length} (truncated or malformed row)`);
  }
}
