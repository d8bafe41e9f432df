// A DataReader over in-memory files: tests feed packs small slices (and broken files) this way.

import { csvRows, textLines } from "./csv.ts";
import { DataFileError, type CsvRow, type DataLine, type DataReader } from "./data-reader.ts";

export class MemoryDataReader implements DataReader {
  private readonly files: ReadonlyMap<string, string>;

  constructor(files: Record<string, string>) {
    this.files = new Map(Object.entries(files));
  }

  private text(file: string): string {
    const text = this.files.get(file);
    if (text === undefined) throw new DataFileError(file, 0, "no such file");
    return text;
  }

  lines(file: string): AsyncIterable<DataLine> {
    return textLines(this.text(file));
  }

  csv(file: string): AsyncIterable<CsvRow> {
    return csvRows(textLines(this.text(file)), file);
  }

  async list(folder: string, suffix: string): Promise<string[]> {
    const prefix = `${folder}/`;
    return [...this.files.keys()].filter((name) => name.startsWith(prefix) && name.endsWith(suffix)).sort();
  }
}
