import type { Readable } from "node:stream";
import type { z } from "zod";
import type { SecretResolver, StepLogger, StepPaths } from "../plugins/runtime-types.js";

/**
 * The contract every kind of connection implements (seed 000's connectivity, seed 001's
 * DataStore). Each kind lives in its own folder under src/connectors/ with the same few files,
 * and registers through the plugin API like any other extension.
 */

/** Column types that survive a trip between engines and formats. */
export type ColumnType =
  | { readonly kind: "boolean" }
  | { readonly kind: "int32" }
  | { readonly kind: "int64" }
  | { readonly kind: "float64" }
  | { readonly kind: "decimal"; readonly precision: number; readonly scale: number }
  | { readonly kind: "text" }
  | { readonly kind: "uuid" }
  | { readonly kind: "date" }
  | { readonly kind: "time" }
  | { readonly kind: "timestamp" }
  | { readonly kind: "timestamptz" }
  | { readonly kind: "json" }
  | { readonly kind: "binary" };

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
}

/**
 * One row, values in column order. JavaScript representations: boolean; number (int32,
 * float64); bigint (int64); string (text, uuid, time, and decimal as its exact text); Date
 * (timestamp, timestamptz: an instant; date: midnight UTC); Uint8Array (binary); any JSON value
 * (json); null for NULL.
 */
export type Row = readonly unknown[];

export interface RowBatch {
  readonly rows: readonly Row[];
  /** Approximate size in bytes of what was read, for progress. */
  readonly bytes?: number;
}

/** Rows as a stream of batches: constant memory whatever the size. */
export interface RowStream extends AsyncIterable<RowBatch> {
  readonly columns: readonly Column[];
}

export type FormatName = "csv" | "json" | "ndjson" | "parquet" | "arrow";

export interface CsvOptions {
  readonly header?: boolean;
  readonly delimiter?: string;
  readonly quote?: string;
  readonly encoding?: BufferEncoding;
  readonly null?: string;
}

/** What a step names to read or write: a table, a query, or a file/object with a format. */
export type DatasetRef =
  | { readonly connection: string; readonly table: string; readonly schema?: string }
  | {
      readonly connection: string;
      readonly query: string;
      readonly params?: Readonly<Record<string, unknown>>;
    }
  | {
      readonly connection: string;
      readonly path: string;
      readonly format?: FormatName;
      readonly options?: CsvOptions;
      /** Names and types of the columns of a CSV, JSON or NDJSON file, instead of its header and inference. */
      readonly columns?: readonly Column[];
    };

export type WriteMode = "append" | "replace" | "upsert";

export type WriteTarget = DatasetRef & { readonly mode: WriteMode; readonly key?: readonly string[] };

export interface WriteResult {
  readonly rows: number;
  readonly bytes?: number;
}

/** What a connection operation may use: cancellation, progress and the step's log. */
export interface OperationContext {
  readonly signal: AbortSignal;
  progress?(done: { readonly rows: number; readonly bytes?: number }): void;
  readonly log?: StepLogger;
}

/** The outcome of `test`: what failed, in terms a person can act on. */
export type ConnectionTestResult =
  | { readonly ok: true; readonly message: string; readonly details?: Readonly<Record<string, unknown>> }
  | {
      readonly ok: false;
      readonly stage:
        "dns" | "refused" | "timeout" | "tls" | "auth" | "database" | "permission" | "not_found" | "other";
      readonly message: string;
      readonly hint?: string;
    };

/** One thing `discover` found. */
export interface DiscoveredObject {
  readonly kind: "table" | "view" | "file" | "object";
  /** Table name, or path relative to the connection's root. */
  readonly name: string;
  readonly schema?: string;
  readonly columns?: readonly Column[];
  readonly rowEstimate?: number;
  readonly size?: number;
  readonly mimeType?: string;
  readonly modifiedUtc?: string;
}

/** Byte-level access for file and object-storage connections (seed 000's COS capabilities). */
export interface ObjectAccess {
  get(path: string, context: OperationContext): Promise<Readable>;
  /** Writes atomically where the storage allows it (temporary name, then rename or complete). */
  put(path: string, body: Readable, context: OperationContext): Promise<{ bytes: number }>;
  list(prefix: string, context: OperationContext): AsyncIterable<DiscoveredObject>;
  delete(path: string, context: OperationContext): Promise<void>;
  stat(path: string, context: OperationContext): Promise<DiscoveredObject | undefined>;
}

/** A file of a known format, offered to a connection that can load it faster than row by row. */
export interface FileSource {
  readonly format: FormatName;
  readonly options?: CsvOptions;
  readonly columns: readonly Column[];
  open(): Promise<Readable>;
  readonly size?: number;
  /** The file's absolute path when it is on the local disk (engines that read files themselves). */
  readonly localPath?: string;
}

/** An open connection of some kind. */
export interface Connection {
  readonly name: string;
  readonly kind: string;
  test(context: OperationContext): Promise<ConnectionTestResult>;
  discover(context: OperationContext): Promise<DiscoveredObject[]>;
  /** Streams a table, a query's result, or a file. */
  read(ref: DatasetRef, context: OperationContext): Promise<RowStream>;
  /**
   * Writes rows. `replace` and `upsert` never leave a half-written target: they go through a
   * staging table or file and swap at the end; a cancelled or failed write leaves the target as
   * it was.
   */
  write(target: WriteTarget, rows: RowStream, context: OperationContext): Promise<WriteResult>;
  /** Runs statements (SQL connections); values are bound parameters, never spliced. */
  execute?(
    sql: string,
    params: Readonly<Record<string, unknown>>,
    context: OperationContext,
  ): Promise<{ readonly rowCount: number; readonly rows?: RowStream }>;
  /** The fastest path a database has for loading a file (PostgreSQL COPY, LOAD DATA…). */
  loadFile?(target: WriteTarget, file: FileSource, context: OperationContext): Promise<WriteResult>;
  /** The formats `loadFile` takes (absent: any); a caller falls back to `write` for the others. */
  readonly loadFormats?: readonly FormatName[];
  readonly objects?: ObjectAccess;
  /**
   * A file of this connection offered to another connection's `loadFile` (file and object-storage
   * connections): its format, columns (from its header or schema) and a way to open its bytes.
   */
  fileSource?(ref: DatasetRef, context: OperationContext): Promise<FileSource>;
  close(): Promise<void>;
}

/** What opening a connection may use: folders, and secrets to resolve `{ secret: NAME }`. */
export interface ConnectorEnvironment {
  readonly paths: StepPaths;
  readonly secrets: SecretResolver;
}

/** A kind of connection (postgres, mysql, sqlite, duckdb, localfs, s3, http), registered by a plugin. */
export interface ConnectorKind<Options = unknown> {
  readonly kind: string;
  readonly description: string;
  /** Schema of a connections.yml entry of this kind (without `name` and `type`). */
  readonly options: z.ZodType<Options>;
  open(name: string, options: Options, environment: ConnectorEnvironment): Promise<Connection>;
}
