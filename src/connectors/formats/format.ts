import type { Readable } from "node:stream";
import { NonRetriableError } from "../../model/errors.js";
import type { Column, CsvOptions, FormatName, RowStream } from "../connector.js";

/**
 * Bytes a format reads: a file or an object, named for messages (`files:in/a.csv`). `open` gives
 * the whole content as a stream; `randomAccess`, when the storage has it, reads ranges (Parquet
 * keeps its index at the end of the file, so it reads the footer first, then one row group at a
 * time, instead of the whole file).
 */
export interface ByteInput {
  /** Connection and path, as shown in messages: `lake:raw/2024/orders.parquet`. */
  readonly shown: string;
  open(): Promise<Readable>;
  randomAccess?(): Promise<RandomAccess>;
}

/** Reads byte ranges of one file or object. */
export interface RandomAccess {
  readonly size: number;
  /** Bytes [start, end). */
  read(start: number, end: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

export interface FormatReadOptions {
  readonly csv?: CsvOptions;
  /** Declared columns (text formats): names and types instead of the header and inference. */
  readonly columns?: readonly Column[];
  readonly signal: AbortSignal;
}

export interface FormatWriteOptions {
  readonly csv?: CsvOptions;
  readonly signal: AbortSignal;
  /** Rows go after existing ones: no header, no opening bracket (csv and ndjson only). */
  readonly appending?: boolean;
  /** Called with the rows written so far, now and then. */
  readonly onRows?: (rows: number) => void;
}

/**
 * One file format: a streaming reader (bytes to rows) and a streaming writer (rows to bytes).
 * Writers are pulled: each chunk is produced when the consumer asks for it, so a slow target
 * holds the reader back instead of memory filling up.
 */
export interface DatasetFormat {
  readonly name: FormatName;
  /** Whether rows can be added at the end of an existing file. */
  readonly appendable: boolean;
  readonly mimeType: string;
  read(input: ByteInput, options: FormatReadOptions): Promise<RowStream>;
  write(rows: RowStream, options: FormatWriteOptions): AsyncIterable<Uint8Array>;
}

/** Rows per batch that readers hand out: large enough to be cheap, small enough to stay bounded. */
export const BATCH_ROWS = 10_000;

/**
 * The error for a file that is not what its format says, naming the file and the line or row.
 *
 * @example throw formatError("files:in/a.csv", "csv", "row has 3 fields, the header has 4", { line: 7 })
 */
export function formatError(
  shown: string,
  format: FormatName | "orc",
  reason: string,
  where: { line?: number; row?: number; column?: string } = {},
  cause?: unknown,
): NonRetriableError {
  const place = [
    where.line === undefined ? "" : `line ${where.line}`,
    where.row === undefined ? "" : `row ${where.row}`,
    where.column === undefined ? "" : `column "${where.column}"`,
  ]
    .filter(Boolean)
    .join(", ");
  return new NonRetriableError(
    `${shown}${place ? ` (${place})` : ""}: not valid ${format.toUpperCase()}: ${reason}`,
    {
      hint: `fix the file, or set \`format:\` if it is not ${format} (csv, json, ndjson, parquet, arrow)`,
      details: { file: shown, format, ...where },
      cause,
    },
  );
}

/** The error for a value a format cannot hold (a text in an int64 column, say). */
export function valueError(
  shown: string,
  reason: string,
  where: { line?: number; row?: number; column?: string },
): NonRetriableError {
  const place = [
    where.line === undefined ? "" : `line ${where.line}`,
    where.row === undefined ? "" : `row ${where.row}`,
    where.column ? `column "${where.column}"` : "",
  ]
    .filter(Boolean)
    .join(", ");
  return new NonRetriableError(`${shown}${place ? ` (${place})` : ""}: ${reason}`, {
    hint: "declare the column's type (`columns:`), or fix the data; the target was left as it was",
    details: { file: shown, ...where },
  });
}

/** Why the first bytes of a file cannot be text (CSV, JSON), if they cannot. */
export function binaryReason(chunk: Buffer, encoding: BufferEncoding | undefined): string | undefined {
  if (chunk.subarray(0, 4).toString("latin1") === "PAR1") return "it is a Parquet file";
  if (chunk.subarray(0, 6).toString("latin1") === "ARROW1") return "it is an Arrow IPC file";
  if (chunk.length >= 8 && chunk.readUInt32LE(0) === 0xffffffff) return "it looks like an Arrow IPC stream";
  if (encoding === "utf16le" || encoding === "ucs2" || encoding === "utf-16le") return undefined;
  if (chunk.subarray(0, 4096).includes(0)) return "it holds binary data (NUL bytes), not text";
  return undefined;
}

/** Reads a stream fully into one buffer, for small inputs (headers, the tail of a file). */
export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(parts);
}
