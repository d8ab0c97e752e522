import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import Cursor from "pg-cursor";
import copyStreams from "pg-copy-streams";
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
import { postgresDialect } from "./postgres-dialect.js";
import { describePostgresError, failedTest } from "./postgres-errors.js";
import { discoverPostgres, postgresColumns } from "./postgres-introspect.js";
import { PARSERS, columnTypeOfOid, copyText } from "./postgres-types.js";

/** What a postgres connection needs once its options are resolved (password included). */
export interface PostgresSettings {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string | undefined;
  readonly ssl: false | { readonly rejectUnauthorized: boolean };
  readonly connectTimeoutMs: number;
  readonly schema: string;
  readonly poolSize: number;
  readonly batchRows: number;
  readonly applicationName: string;
}

const TYPES = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    PARSERS[oid] ?? pg.types.getTypeParser(oid, format ?? "text")) as typeof pg.types.getTypeParser,
};

/** A pool of sessions to one PostgreSQL database; rows go in through COPY and out through cursors. */
export class PostgresDriver implements SqlDriver {
  readonly dialect = postgresDialect;
  readonly defaultSchema: string;
  readonly loadFormats = ["csv"] as const;
  readonly #settings: PostgresSettings;
  readonly #pool: pg.Pool;

  constructor(settings: PostgresSettings) {
    this.#settings = settings;
    this.defaultSchema = settings.schema;
    this.#pool = new pg.Pool({ ...this.#clientConfig(), max: settings.poolSize });
    // An idle client whose server went away must not crash the process; the next checkout reconnects.
    this.#pool.on("error", () => undefined);
  }

  async session(context: OperationContext): Promise<SqlSession> {
    const client = await this.#pool.connect();
    return new PostgresSession(client, this.#settings.batchRows, context.signal);
  }

  async test(_context: OperationContext): Promise<ConnectionTestResult> {
    const client = new pg.Client(this.#clientConfig());
    client.on("error", () => undefined);
    try {
      await client.connect();
      const { rows } = await client.query<{ version: string; database: string; user: string }>(
        "SELECT version() AS version, current_database() AS database, current_user AS user",
      );
      const row = rows[0] as { version: string; database: string; user: string };
      return {
        ok: true,
        message: `connected to database ${row.database} on ${this.#settings.host}:${this.#settings.port} as ${row.user}`,
        details: { version: row.version, tls: this.#settings.ssl !== false },
      };
    } catch (error) {
      return failedTest(error, this.#settings.host);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async discover(_context: OperationContext): Promise<DiscoveredObject[]> {
    const client = await this.#pool.connect();
    try {
      return await discoverPostgres(client);
    } finally {
      client.release();
    }
  }

  describeError(error: unknown, place: ErrorPlace): Error {
    return describePostgresError(error, place, this.#settings.host);
  }

  /** CSV bytes go straight into COPY … FROM STDIN: no row is parsed in JavaScript. */
  async loadFile(
    session: SqlSession,
    table: TableName,
    file: FileSource,
    context: OperationContext,
  ): Promise<number> {
    const options = file.options ?? {};
    const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;
    const settings = [
      "FORMAT csv",
      `HEADER ${options.header === false ? "false" : "true"}`,
      ...(options.delimiter ? [`DELIMITER ${literal(options.delimiter)}`] : []),
      ...(options.quote ? [`QUOTE ${literal(options.quote)}`] : []),
      ...(options.null !== undefined ? [`NULL ${literal(options.null)}`] : []),
      ...(options.encoding && !/^utf-?8$/i.test(options.encoding)
        ? [`ENCODING ${literal(encodingName(options.encoding))}`]
        : []),
    ];
    const columns = file.columns.map((column) => postgresDialect.quote(column.name)).join(", ");
    const sql = `COPY ${qualified(postgresDialect, table)} (${columns}) FROM STDIN (${settings.join(", ")})`;
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        context.progress?.({ rows: 0, bytes });
        done(null, chunk);
      },
    });
    return (session as PostgresSession).copyIn(sql, await file.open(), counter, context.signal);
  }

  close(): Promise<void> {
    return this.#pool.end();
  }

  #clientConfig(): pg.ClientConfig {
    const s = this.#settings;
    return {
      host: s.host,
      port: s.port,
      database: s.database,
      user: s.user,
      ...(s.password === undefined ? {} : { password: s.password }),
      ssl: s.ssl === false ? false : { ...s.ssl },
      connectionTimeoutMillis: s.connectTimeoutMs,
      application_name: s.applicationName,
      // Unqualified names in queries resolve to the connection's schema first.
      options: `-c search_path=${postgresDialect.quote(s.schema)},public`,
      types: TYPES,
    };
  }
}

const ignore = (): void => undefined;

function encodingName(encoding: string): string {
  return { latin1: "LATIN1", binary: "LATIN1", ascii: "SQL_ASCII", utf16le: "UTF16" }[encoding] ?? encoding;
}

/** One checked-out client. Cancelling closes its socket: the server then rolls back whatever was open. */
class PostgresSession implements SqlSession {
  readonly #client: pg.PoolClient;
  readonly #batchRows: number;
  readonly #signal: AbortSignal;
  readonly #onAbort: () => void;

  constructor(client: pg.PoolClient, batchRows: number, signal: AbortSignal) {
    this.#client = client;
    this.#batchRows = batchRows;
    this.#signal = signal;
    this.#onAbort = () =>
      (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    signal.addEventListener("abort", this.#onAbort, { once: true });
    // A socket closed under a checked-out client (cancel, pg_terminate_backend) fails the
    // operation in progress; the client's own 'error' event must not crash the process.
    client.on("error", ignore);
  }

  async run(sql: string, values: readonly unknown[] = [], cleanup = false): Promise<number> {
    if (!cleanup) this.#checkAborted();
    const result = await this.#client.query(sql, values as unknown[]);
    return result.rowCount ?? 0;
  }

  async query(sql: string, values: readonly unknown[], context: OperationContext): Promise<QueryResult> {
    this.#checkAborted();
    const cursor = this.#client.query(
      new Cursor<Row>(sql, values as unknown[], { rowMode: "array", types: TYPES }),
    );
    const first = await readCursor(cursor, this.#batchRows);
    if (first.fields.length === 0) {
      await cursor.close();
      return { rowCount: first.rowCount };
    }
    const columns: Column[] = first.fields.map((field) => ({
      name: field.name,
      type: columnTypeOfOid(field.dataTypeID, field.dataTypeModifier),
      nullable: true,
    }));
    const batchRows = this.#batchRows;
    async function* batches() {
      try {
        let batch = first.rows;
        while (batch.length > 0) {
          yield { rows: batch };
          if (batch.length < batchRows) break;
          if (context.signal.aborted) throw context.signal.reason;
          batch = (await readCursor(cursor, batchRows)).rows;
        }
      } finally {
        await cursor.close().catch(() => undefined);
      }
    }
    return { rows: { columns, [Symbol.asyncIterator]: batches } };
  }

  async insert(
    table: TableName,
    columns: readonly Column[],
    rows: AsyncIterable<readonly Row[]>,
    context: OperationContext,
  ): Promise<number> {
    const list = columns.map((column) => postgresDialect.quote(column.name)).join(", ");
    let count = 0;
    async function* lines() {
      for await (const batch of rows) {
        let text = "";
        for (const row of batch) text += `${row.map(copyText).join("\t")}\n`;
        count += batch.length;
        yield text;
      }
    }
    await this.copyIn(
      `COPY ${qualified(postgresDialect, table)} (${list}) FROM STDIN`,
      Readable.from(lines()),
      undefined,
      context.signal,
    );
    return count;
  }

  /** Pipes bytes into a COPY … FROM STDIN; gives the rows the server counted. */
  async copyIn(
    sql: string,
    source: Readable,
    through: Transform | undefined,
    signal: AbortSignal,
  ): Promise<number> {
    this.#checkAborted();
    const copy = this.#client.query(copyStreams.from(sql));
    if (through) await pipeline(source, through, copy, { signal });
    else await pipeline(source, copy, { signal });
    return copy.rowCount;
  }

  columns(table: TableName): Promise<Column[] | undefined> {
    return postgresColumns(this.#client, table);
  }

  async release(broken = false): Promise<void> {
    this.#signal.removeEventListener("abort", this.#onAbort);
    this.#client.off("error", ignore);
    this.#client.release(broken || this.#signal.aborted ? true : undefined);
  }

  #checkAborted(): void {
    if (this.#signal.aborted) throw this.#signal.reason;
  }
}

interface CursorBatch {
  readonly rows: Row[];
  readonly fields: readonly pg.FieldDef[];
  readonly rowCount: number;
}

function readCursor(cursor: Cursor<Row>, count: number): Promise<CursorBatch> {
  return new Promise((resolve, reject) => {
    cursor.read(count, (error, rows, result) => {
      if (error) reject(error);
      else resolve({ rows, fields: result?.fields ?? [], rowCount: result?.rowCount ?? 0 });
    });
  });
}
