import mysql from "mysql2";
import type { FieldPacket, Pool, PoolConnection, PoolOptions } from "mysql2";
import type { Column, ConnectionTestResult, DiscoveredObject, OperationContext, Row } from "../connector.js";
import type { ErrorPlace, QueryResult, SqlDriver, SqlSession, TableName } from "../sql-common/sql-driver.js";
import { qualified } from "../sql-common/sql-write.js";
import { mysqlDialect } from "./mysql-dialect.js";
import { describeMysqlError, failedMysqlTest } from "./mysql-errors.js";
import { discoverMysql, mysqlColumns } from "./mysql-introspect.js";
import type { Ask } from "./mysql-introspect.js";
import { columnTypeOfField, fromMysql, toMysql } from "./mysql-types.js";

export interface MysqlSettings {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string | undefined;
  readonly ssl: false | { readonly rejectUnauthorized: boolean };
  readonly connectTimeoutMs: number;
  readonly poolSize: number;
  readonly batchRows: number;
  readonly insertRows: number;
}

/** Most placeholders one prepared statement may have. */
const MAX_PLACEHOLDERS = 65_535;
const ignore = (): void => undefined;

/**
 * A pool of sessions to MySQL or MariaDB (mysql2). Results stream with backpressure; rows go in
 * as multi-row prepared INSERTs. Big integers, decimals and dates arrive as text and are
 * converted by column type, so nothing loses precision on the way.
 */
export class MysqlDriver implements SqlDriver {
  readonly dialect = mysqlDialect;
  readonly defaultSchema = undefined;
  readonly #settings: MysqlSettings;
  readonly #pool: Pool;

  constructor(settings: MysqlSettings) {
    this.#settings = settings;
    this.#pool = mysql.createPool({ ...this.#config(), connectionLimit: settings.poolSize });
    this.#pool.on("connection", (connection) => {
      connection.on("error", ignore);
      connection.query("SET time_zone = '+00:00'");
    });
  }

  async session(context: OperationContext): Promise<SqlSession> {
    const connection = await new Promise<PoolConnection>((resolve, reject) =>
      this.#pool.getConnection((error, got) => (error ? reject(error) : resolve(got))),
    );
    return new MysqlSession(connection, this.#settings, context.signal, () =>
      this.#killQuery(connection.threadId),
    );
  }

  async test(_context: OperationContext): Promise<ConnectionTestResult> {
    const connection = mysql.createConnection(this.#config());
    connection.on("error", ignore);
    try {
      const [rows] = await connection
        .promise()
        .query("SELECT version() AS version, DATABASE() AS db, CURRENT_USER() AS user");
      const row = (rows as Record<string, string>[])[0] ?? {};
      return {
        ok: true,
        message: `connected to database ${row["db"]} on ${this.#settings.host}:${this.#settings.port} as ${row["user"]}`,
        details: { version: row["version"], tls: this.#settings.ssl !== false },
      };
    } catch (error) {
      return failedMysqlTest(error, this.#settings.host);
    } finally {
      connection.destroy();
    }
  }

  async discover(context: OperationContext): Promise<DiscoveredObject[]> {
    const session = (await this.session(context)) as MysqlSession;
    try {
      return await discoverMysql(session.ask);
    } finally {
      await session.release();
    }
  }

  describeError(error: unknown, place: ErrorPlace): Error {
    return describeMysqlError(error, place, this.#settings.host, (error as { rows?: string })?.rows);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#pool.end(() => resolve()));
  }

  /** Interrupts a session's running statement from another connection; the session stays usable. */
  async #killQuery(threadId: number | null): Promise<void> {
    if (threadId === null) return;
    const connection = mysql.createConnection(this.#config());
    connection.on("error", ignore);
    try {
      await connection.promise().query(`KILL QUERY ${Number(threadId)}`);
    } catch {
      // The statement may have ended meanwhile.
    } finally {
      connection.destroy();
    }
  }

  #config(): PoolOptions {
    const s = this.#settings;
    return {
      host: s.host,
      port: s.port,
      database: s.database,
      user: s.user,
      ...(s.password === undefined ? {} : { password: s.password }),
      ...(s.ssl === false ? {} : { ssl: { ...s.ssl } }),
      connectTimeout: s.connectTimeoutMs,
      charset: "utf8mb4",
      timezone: "Z",
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
    };
  }
}

class MysqlSession implements SqlSession {
  readonly #connection: PoolConnection;
  readonly #settings: MysqlSettings;
  readonly #signal: AbortSignal;
  readonly #onAbort: () => void;

  constructor(
    connection: PoolConnection,
    settings: MysqlSettings,
    signal: AbortSignal,
    killQuery: () => Promise<void>,
  ) {
    this.#connection = connection;
    this.#settings = settings;
    this.#signal = signal;
    // DDL is not transactional here: the session must stay usable to drop a staging table.
    this.#onAbort = () => void killQuery();
    signal.addEventListener("abort", this.#onAbort, { once: true });
  }

  readonly ask: Ask = async (sql, values) => {
    const [rows] = await this.#connection.promise().query(sql, values as unknown[]);
    return rows as Record<string, unknown>[];
  };

  async run(sql: string, values: readonly unknown[] = [], cleanup = false): Promise<number> {
    if (this.#signal.aborted && !cleanup) throw this.#signal.reason;
    const promise = this.#connection.promise();
    const [result] = values.length
      ? await promise.execute(sql, values.map(toMysql) as never[])
      : await promise.query(sql);
    return (result as { affectedRows?: number }).affectedRows ?? 0;
  }

  async query(
    sql: string,
    values: readonly unknown[],
    context: OperationContext,
    known?: readonly Column[],
  ): Promise<QueryResult> {
    if (this.#signal.aborted) throw this.#signal.reason;
    const options = { sql, rowsAsArray: true };
    const command = values.length
      ? this.#connection.execute({ ...options, values: values.map(toMysql) as never[] })
      : this.#connection.query(options);
    const stream = command.stream({ highWaterMark: this.#settings.batchRows });
    const first = await new Promise<FieldPacket[] | { affectedRows: number }>((resolve, reject) => {
      // An OK packet (INSERT, CREATE…) comes as 'fields' with nothing, then 'result'.
      command.once("fields", (fields: FieldPacket[] | undefined) => fields && resolve(fields));
      command.once("result", (result: unknown) => resolve(result as { affectedRows: number }));
      command.once("error", reject);
    });
    if (!Array.isArray(first)) {
      for await (const _item of stream) void _item;
      return { rowCount: first.affectedRows ?? 0 };
    }
    const columns: Column[] = first.map((field) => {
      const fromTable = known?.find((column) => column.name === field.name);
      return {
        name: field.name,
        type: fromTable?.type ?? columnTypeOfField(field),
        nullable: fromTable?.nullable ?? true,
      };
    });
    const types = columns.map((column) => column.type);
    const batchRows = this.#settings.batchRows;
    async function* batches() {
      let pending: Row[] = [];
      try {
        for await (const item of stream) {
          // A CALL ends with an OK packet; only arrays are rows.
          if (!Array.isArray(item)) continue;
          pending.push(item.map((value, index) => fromMysql(value, types[index] as Column["type"])));
          if (pending.length >= batchRows) {
            if (context.signal.aborted) throw context.signal.reason;
            yield { rows: pending };
            pending = [];
          }
        }
        if (pending.length) yield { rows: pending };
      } finally {
        stream.destroy();
      }
    }
    return { rows: { columns, [Symbol.asyncIterator]: batches } };
  }

  /** Multi-row prepared INSERTs of up to `insert_rows` rows, inside the caller's transaction. */
  async insert(
    table: TableName,
    columns: readonly Column[],
    rows: AsyncIterable<readonly Row[]>,
    context: OperationContext,
  ): Promise<number> {
    const list = columns.map((column) => mysqlDialect.quote(column.name)).join(", ");
    const perRow = `(${columns.map(() => "?").join(", ")})`;
    const chunk = Math.max(
      1,
      Math.min(this.#settings.insertRows, Math.floor(MAX_PLACEHOLDERS / Math.max(1, columns.length))),
    );
    const statement = (count: number) =>
      `INSERT INTO ${qualified(mysqlDialect, table)} (${list}) VALUES ${Array.from({ length: count }, () => perRow).join(", ")}`;
    let count = 0;
    for await (const batch of rows) {
      for (let start = 0; start < batch.length; start += chunk) {
        if (context.signal.aborted) throw context.signal.reason;
        const part = batch.slice(start, start + chunk);
        try {
          await this.run(statement(part.length), part.flat());
        } catch (error) {
          throw Object.assign(error as object, {
            rows: `rows ${count + start + 1}–${count + start + part.length}`,
          });
        }
      }
      count += batch.length;
    }
    return count;
  }

  columns(table: TableName): Promise<Column[] | undefined> {
    return mysqlColumns(this.ask, table);
  }

  async release(broken = false): Promise<void> {
    this.#signal.removeEventListener("abort", this.#onAbort);
    if (broken || this.#signal.aborted) this.#connection.destroy();
    else this.#connection.release();
  }
}
