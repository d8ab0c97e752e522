import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { DuckDBInstance } from "@duckdb/node-api";
import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import type {
  Column,
  ConnectionTestResult,
  DiscoveredObject,
  FileSource,
  OperationContext,
  Row,
} from "../connector.js";
import type { ErrorPlace, QueryResult, SqlDriver, SqlSession, TableName } from "../sql-common/sql-driver.js";
import { qualified } from "../sql-common/sql-write.js";
import { duckdbDialect } from "./duckdb-dialect.js";
import { describeDuckdbError, failedDuckdbTest } from "./duckdb-errors.js";
import { discoverDuckdb, duckdbColumns } from "./duckdb-introspect.js";
import { columnTypeOfDuckdb, fromDuckdb, toDuckdbParam } from "./duckdb-types.js";

export interface DuckdbSettings {
  /** Absolute path, or ":memory:". */
  readonly file: string;
  readonly shown: string;
  /** Relative file names in SQL (`SELECT * FROM 'flights.parquet'`) resolve here: DATA_PATH. */
  readonly dataPath: string;
  readonly threads: number | undefined;
  readonly memoryLimit: string | undefined;
  readonly batchRows: number;
}

/** DuckDB's result kinds (ResultType in its bindings). */
const QUERY_RESULT = 3;

/**
 * A DuckDB database (file or in memory): one instance, a connection per session. Rows go in
 * through the appender; files on the local disk are loaded by DuckDB's own readers.
 */
export class DuckdbDriver implements SqlDriver {
  readonly dialect = duckdbDialect;
  readonly defaultSchema = undefined;
  readonly loadFormats = ["csv", "parquet", "json", "ndjson"] as const;
  readonly #settings: DuckdbSettings;
  #instance: Promise<DuckDBInstance> | undefined;

  constructor(settings: DuckdbSettings) {
    this.#settings = settings;
  }

  async session(context: OperationContext): Promise<SqlSession> {
    const connection = await (await this.#open()).connect();
    return new DuckdbSession(connection, this.#settings.batchRows, context.signal);
  }

  async test(_context: OperationContext): Promise<ConnectionTestResult> {
    try {
      const connection = await (await this.#open()).connect();
      try {
        const version = (await connection.runAndReadAll("SELECT version()")).getRows()[0]?.[0];
        return {
          ok: true,
          message: `opened ${this.#settings.shown} (DuckDB ${String(version)})`,
          details: { version },
        };
      } finally {
        connection.closeSync();
      }
    } catch (error) {
      return failedDuckdbTest(error, this.#settings.shown);
    }
  }

  async discover(_context: OperationContext): Promise<DiscoveredObject[]> {
    const connection = await (await this.#open()).connect();
    try {
      return await discoverDuckdb(connection);
    } finally {
      connection.closeSync();
    }
  }

  describeError(error: unknown, place: ErrorPlace): Error {
    return describeDuckdbError(error, place, this.#settings.shown);
  }

  /**
   * DuckDB reads the file itself (read_csv, read_parquet, read_json): no row passes through
   * JavaScript. A file that is not on the local disk (an S3 object) is spooled to a temporary file first.
   */
  async loadFile(
    session: SqlSession,
    table: TableName,
    file: FileSource,
    context: OperationContext,
  ): Promise<number> {
    if (file.localPath) return this.#load(session, table, file, file.localPath, context);
    const dir = await mkdtemp(join(tmpdir(), "octoflow-duckdb-"));
    try {
      const local = join(dir, `load.${file.format}`);
      await pipeline(await file.open(), createWriteStream(local), { signal: context.signal });
      return await this.#load(session, table, file, local, context);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async #load(
    session: SqlSession,
    table: TableName,
    file: FileSource,
    path: string,
    context: OperationContext,
  ): Promise<number> {
    const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;
    const csv = file.options ?? {};
    const reader =
      file.format === "parquet"
        ? `read_parquet(${literal(path)})`
        : file.format === "csv"
          ? `read_csv(${[
              literal(path),
              `header = ${csv.header === false ? "false" : "true"}`,
              ...(csv.delimiter ? [`delim = ${literal(csv.delimiter)}`] : []),
              ...(csv.quote ? [`quote = ${literal(csv.quote)}`] : []),
              `nullstr = ${literal(csv.null ?? "")}`,
              ...(csv.header === false
                ? [`names = [${file.columns.map((c) => literal(c.name)).join(", ")}]`]
                : []),
            ].join(", ")})`
          : `read_json(${literal(path)}, format = ${file.format === "ndjson" ? "'newline_delimited'" : "'array'"})`;
    const list = file.columns.map((column) => duckdbDialect.quote(column.name)).join(", ");
    const rows = await session.run(
      `INSERT INTO ${qualified(duckdbDialect, table)} (${list}) SELECT ${list} FROM ${reader}`,
    );
    context.progress?.({ rows, ...(file.size === undefined ? {} : { bytes: file.size }) });
    return rows;
  }

  async close(): Promise<void> {
    const instance = this.#instance;
    this.#instance = undefined;
    if (instance) (await instance.catch(() => undefined))?.closeSync();
  }

  #open(): Promise<DuckDBInstance> {
    if (!this.#instance) {
      const s = this.#settings;
      const config: Record<string, string> = { file_search_path: s.dataPath };
      if (s.threads !== undefined) config["threads"] = String(s.threads);
      if (s.memoryLimit !== undefined) config["memory_limit"] = s.memoryLimit;
      this.#instance = DuckDBInstance.create(s.file, config);
      this.#instance.catch(() => (this.#instance = undefined));
    }
    return this.#instance;
  }
}

class DuckdbSession implements SqlSession {
  readonly #connection: DuckDBConnection;
  readonly #batchRows: number;
  readonly #signal: AbortSignal;
  readonly #onAbort: () => void;

  constructor(connection: DuckDBConnection, batchRows: number, signal: AbortSignal) {
    this.#connection = connection;
    this.#batchRows = batchRows;
    this.#signal = signal;
    this.#onAbort = () => connection.interrupt();
    signal.addEventListener("abort", this.#onAbort, { once: true });
  }

  async run(sql: string, values: readonly unknown[] = [], cleanup = false): Promise<number> {
    if (this.#signal.aborted && !cleanup) throw this.#signal.reason;
    const result = await this.#connection.run(sql, values.length ? values.map(toDuckdbParam) : undefined);
    return result.rowsChanged;
  }

  async query(sql: string, values: readonly unknown[], context: OperationContext): Promise<QueryResult> {
    if (this.#signal.aborted) throw this.#signal.reason;
    const result = await this.#connection.stream(sql, values.length ? values.map(toDuckdbParam) : undefined);
    if (result.returnType !== QUERY_RESULT) return { rowCount: result.rowsChanged };
    const columns: Column[] = result.columnNames().map((name, index) => ({
      name,
      type: columnTypeOfDuckdb(result.columnType(index)),
      nullable: true,
    }));
    const types = columns.map((column) => column.type);
    const batchRows = this.#batchRows;
    async function* batches() {
      let pending: Row[] = [];
      for (;;) {
        if (context.signal.aborted) throw context.signal.reason;
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        for (const row of chunk.getRows() as DuckDBValue[][]) {
          pending.push(row.map((value, index) => fromDuckdb(value, types[index] as Column["type"])));
        }
        while (pending.length >= batchRows) {
          yield { rows: pending.slice(0, batchRows) };
          pending = pending.slice(batchRows);
        }
      }
      if (pending.length) yield { rows: pending };
    }
    return { rows: { columns, [Symbol.asyncIterator]: batches } };
  }

  /** The appender, in the caller's transaction; source columns are matched to the table's by name. */
  async insert(
    table: TableName,
    columns: readonly Column[],
    rows: AsyncIterable<readonly Row[]>,
    context: OperationContext,
  ): Promise<number> {
    const tableColumns = (await this.columns(table)) ?? [];
    const positions = tableColumns.map((column) =>
      columns.findIndex((c) => c.name.toLowerCase() === column.name.toLowerCase()),
    );
    const appender = await this.#connection.createAppender(table.name, table.schema ?? null);
    let count = 0;
    try {
      for await (const batch of rows) {
        if (context.signal.aborted) throw context.signal.reason;
        for (const row of batch) {
          for (const position of positions) {
            if (position < 0) appender.appendDefault();
            else appendValue(appender, row[position]);
          }
          appender.endRow();
        }
        count += batch.length;
      }
      appender.flushSync();
    } finally {
      try {
        appender.closeSync();
      } catch {
        // Closing flushes; after a failure the caller rolls the transaction back anyway.
      }
    }
    return count;
  }

  columns(table: TableName): Promise<Column[] | undefined> {
    return duckdbColumns(this.#connection, table);
  }

  async release(): Promise<void> {
    this.#signal.removeEventListener("abort", this.#onAbort);
    this.#connection.closeSync();
  }
}

type Appender = Awaited<ReturnType<DuckDBConnection["createAppender"]>>;

/** Appends one value; DuckDB casts text to the column's type (decimals, timestamps, JSON). */
function appendValue(appender: Appender, value: unknown): void {
  if (value === null || value === undefined) appender.appendNull();
  else if (typeof value === "boolean") appender.appendBoolean(value);
  else if (typeof value === "bigint") appender.appendVarchar(String(value));
  else if (typeof value === "number") appender.appendDouble(value);
  else if (typeof value === "string") appender.appendVarchar(value);
  else if (value instanceof Date) appender.appendVarchar(value.toISOString());
  else if (value instanceof Uint8Array) appender.appendBlob(value);
  else appender.appendVarchar(JSON.stringify(value));
}
