// The Node shell's DataReader: reads the shared data sets in place (../shared/data by default),
// gunzipping as it streams. A truncated or corrupt gzip file is reported with its name and the
// last line that decoded, never as a bare zlib error.

import { createReadStream } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { pipeline } from "node:stream";
import { fileURLToPath } from "node:url";
import { createGunzip } from "node:zlib";
import { csvRows } from "../replay/csv.ts";
import { DataFileError, type CsvRow, type DataLine, type DataReader } from "../replay/data-reader.ts";

/** ../shared/data beside the checkout, unless CALYBRIS_DATA names another folder. */
export function defaultDataDir(): string {
  return process.env.CALYBRIS_DATA ?? resolve(fileURLToPath(new URL("../../../shared/data", import.meta.url)));
}

export class GzipDataReader implements DataReader {
  readonly root: string;

  constructor(root = defaultDataDir()) {
    this.root = root;
  }

  async *lines(file: string): AsyncGenerator<DataLine> {
    const path = join(this.root, file);
    const source = createReadStream(path);
    // pipeline(), not pipe(): a read error (a missing file) must reach the gunzip stream and end it.
    const stream = file.endsWith(".gz") ? pipeline(source, createGunzip(), () => {}) : source;
    let failure: Error | null = null;
    const onError = (error: Error): void => {
      failure = error;
    };
    source.on("error", onError);
    stream.on("error", onError);
    const reader = createInterface({ input: stream, crlfDelay: Infinity });
    let line = 0;
    try {
      for await (const text of reader) {
        line++;
        yield { text, line };
      }
    } catch (error) {
      failure = error as Error;
    } finally {
      reader.close();
      source.destroy();
    }
    if (failure !== null) {
      if ((failure as NodeJS.ErrnoException).code === "ENOENT") {
        throw new DataFileError(file, line, `no such file in ${this.root} (set CALYBRIS_DATA to the data folder)`);
      }
      throw new DataFileError(file, line, `${(failure as Error).message} (after line ${line}; truncated or corrupt?)`);
    }
  }

  csv(file: string): AsyncIterable<CsvRow> {
    return csvRows(this.lines(file), file);
  }

  async list(folder: string, suffix: string): Promise<string[]> {
    try {
      const names = await readdir(join(this.root, folder));
      return names
        .filter((name) => name.endsWith(suffix))
        .sort()
        .map((name) => `${folder}/${name}`);
    } catch {
      throw new DataFileError(folder, 0, `cannot list the folder under ${this.root}`);
    }
  }
}
