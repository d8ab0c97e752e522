import { extname } from "node:path";
import { NonRetriableError } from "../../model/errors.js";

/** The formats the file step reads and writes. */
export const FILE_TYPES = ["json", "yaml", "csv", "ndjson", "text"] as const;
export type FileType = (typeof FILE_TYPES)[number];

/** Text encodings a data file may use. */
export const FILE_ENCODINGS = ["utf8", "utf-8", "utf16le", "latin1", "ascii"] as const;
export type FileEncoding = (typeof FILE_ENCODINGS)[number];

const TYPE_BY_EXTENSION: Readonly<Record<string, FileType>> = {
  ".json": "json",
  ".yaml": "yaml",
  ".yml": "yaml",
  ".csv": "csv",
  ".tsv": "csv",
  ".ndjson": "ndjson",
  ".jsonl": "ndjson",
};

/**
 * The format a file name implies: by extension, else text.
 *
 * @example typeFromPath("out/report.jsonl") // "ndjson"
 */
export function typeFromPath(path: string): FileType {
  return TYPE_BY_EXTENSION[extname(path).toLowerCase()] ?? "text";
}

/** A file being read: where it is, how it is shown in messages, and the step's signal and progress. */
export interface FileSource {
  /** The absolute path, already checked to be inside DATA_PATH. */
  readonly absolute: string;
  /** The path as the flow named it (relative to DATA_PATH), for messages. */
  readonly shown: string;
  readonly encoding: FileEncoding;
  readonly signal: AbortSignal;
  /** Called now and then with the bytes read so far. */
  progress(done: number, total: number): void;
}

/** CSV settings; other formats ignore them. */
export interface CsvSettings {
  readonly delimiter: string;
  /** true: the first line names the columns and rows are objects; false: rows are arrays. */
  readonly header: boolean;
  /** When appending to a CSV file: its header's columns, which appended rows must follow. */
  readonly columns?: readonly string[];
}

/** A value turned into file text, chunk by chunk so that large lists never become one huge string. */
export interface Serialized {
  readonly chunks: Iterable<string>;
  /** Rows or items written, for formats that have them. */
  readonly rows?: number;
}

/** One format: how to read a whole file and how to turn a value into its text. */
export interface FileFormat {
  read(source: FileSource, csv: CsvSettings): Promise<unknown>;
  /** The text of a whole file holding `data`. */
  serialize(data: unknown, csv: CsvSettings, shown: string): Serialized;
  /**
   * How `mode: append` works: "lines" adds lines at the end (text, ndjson, csv); "list" reads the
   * file's list, adds the items and rewrites the file atomically (json, yaml).
   */
  readonly append: "lines" | "list";
}

/**
 * The error for a file that is not in the format it claims: names the file and, when known, the
 * line (and column), then says what to check.
 *
 * @example throw formatError("in/a.json", "json", "unexpected token '}'", 3, 7)
 */
export function formatError(
  shown: string,
  type: FileType,
  reason: string,
  line?: number,
  column?: number,
): NonRetriableError {
  const place =
    line === undefined ? shown : column === undefined ? `${shown}:${line}` : `${shown}:${line}:${column}`;
  const where = line === undefined ? "" : ` (line ${line})`;
  return new NonRetriableError(`${place}: not valid ${type.toUpperCase()}${where}: ${reason}`, {
    hint: `fix the file, or set \`type:\` if it is not ${type} (json, yaml, csv, ndjson, text)`,
    details: {
      file: shown,
      ...(line === undefined ? {} : { line }),
      ...(column === undefined ? {} : { column }),
    },
  });
}

/** The error for a value that cannot be written in a format (a BigInt in JSON, a cycle…). */
export function serializeError(
  shown: string,
  type: FileType,
  reason: string,
  cause?: unknown,
): NonRetriableError {
  return new NonRetriableError(`cannot write ${shown} as ${type}: ${reason}`, {
    hint: "the file was left as it was; fix the data (a jq_expression on an earlier step helps) or pick another `type`",
    cause,
  });
}

/** Removes a byte-order mark at the start of decoded text. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
