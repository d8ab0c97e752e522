import { parse } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { openForReading, readError, readLines } from "./file-io.js";
import type { CsvSettings, FileFormat, FileSource } from "./format.js";
import { formatError, serializeError } from "./format.js";

/** Rows are turned into text this many at a time, so a large list never becomes one huge string. */
const ROWS_PER_CHUNK = 1000;

/**
 * CSV files (.csv; .tsv defaults to a tab delimiter). Reading streams the file: with `header`
 * (the default) the first line names the columns and each row is an object of strings; without,
 * each row is a list of strings. Values are not converted: "42" stays a string. Writing takes a
 * list of objects (columns: every key, in the order first seen) or of lists; cells that are
 * objects are written as JSON, booleans as true/false, dates in ISO 8601, null as empty.
 *
 * @example await csvFormat.read(source, { delimiter: ",", header: true }) // [{ id: "1", name: "a" }]
 */
export const csvFormat: FileFormat = {
  append: "lines",
  read: async (source, csv) => {
    const { stream, report } = await openForReading(source);
    const parser = parse({
      delimiter: csv.delimiter,
      columns: csv.header,
      bom: true,
      skip_empty_lines: true,
      encoding: source.encoding === "utf-8" ? "utf8" : source.encoding,
    });
    stream.on("error", (error) => parser.destroy(error));
    stream.pipe(parser);
    const rows: unknown[] = [];
    try {
      for await (const row of parser) {
        rows.push(row);
        if (rows.length % ROWS_PER_CHUNK === 0) {
          source.signal.throwIfAborted();
          report();
        }
      }
    } catch (error) {
      const line = (error as { lines?: unknown }).lines;
      if (typeof line === "number") throw formatError(source.shown, "csv", (error as Error).message, line);
      throw readError(error, source);
    } finally {
      stream.destroy();
    }
    report();
    return rows;
  },
  serialize: (data, csv, shown) => {
    const rows = Array.isArray(data) ? data : [data];
    return { chunks: csvChunks(rows, csv, shown), rows: rows.length };
  },
};

/**
 * The column names on the first line of an existing CSV file, so that appended rows line up with
 * them; undefined when the file has no line yet.
 */
export async function csvHeaderOf(source: FileSource, csv: CsvSettings): Promise<string[] | undefined> {
  for await (const { text, line } of readLines(source)) {
    if (text.trim() === "") continue;
    try {
      return (parseSync(text, { delimiter: csv.delimiter }) as string[][])[0];
    } catch (error) {
      throw formatError(source.shown, "csv", (error as Error).message, line);
    }
  }
  return undefined;
}

function* csvChunks(rows: readonly unknown[], csv: CsvSettings, shown: string): Generator<string> {
  const objects = rows.length > 0 && rows.every(isRecord);
  if (!objects && !rows.every(Array.isArray)) {
    throw serializeError(shown, "csv", "CSV needs a list of objects (one per row) or a list of lists");
  }
  const columns = objects ? (csv.columns ?? columnsOf(rows as Record<string, unknown>[])) : undefined;
  if (objects && csv.columns) {
    const known = new Set(csv.columns);
    const extra = [...new Set(rows.flatMap((row) => Object.keys(row as object)))].filter(
      (key) => !known.has(key),
    );
    if (extra.length > 0) {
      throw serializeError(
        shown,
        "csv",
        `the rows have columns the file's header lacks: ${extra.join(", ")}`,
      );
    }
  }
  const format = (records: (readonly string[])[]): string =>
    stringify(records, { delimiter: csv.delimiter, eof: true });
  if (columns && csv.header) yield format([columns]);
  for (let start = 0; start < rows.length; start += ROWS_PER_CHUNK) {
    const batch = rows.slice(start, start + ROWS_PER_CHUNK).map((row, offset) => {
      const values = columns
        ? columns.map((column) => (row as Record<string, unknown>)[column])
        : (row as unknown[]);
      return values.map((value) => cell(value, shown, start + offset));
    });
    yield format(batch);
  }
}

function columnsOf(rows: readonly Record<string, unknown>[]): string[] {
  const columns = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) columns.add(key);
  return [...columns];
}

function cell(value: unknown, shown: string, row: number): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== "object") return String(value);
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw serializeError(shown, "csv", `row ${row + 1}: ${(error as Error).message.split("\n")[0]}`, error);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
