import Database from "better-sqlite3";
import type { Column, ConnectionTestResult, DiscoveredObject, OperationContext, Row } from "../connector.js";
import type { ErrorPlace, QueryResult, SqlDriver, SqlSession, TableName } from "../sql-common/sql-driver.js";
import { qualified } from "../sql-common/sql-write.js";
import { sqliteDialect } from "./sqlite-dialect.js";
import { describeSqliteError, failedSqliteTest } from "./sqlite-errors.js";
import { discoverSqlite, sqliteColumns } from "./sqlite-introspect.js";
import { columnTypeOfDeclared, columnTypeOfValue, fromSqlite, toSqlite } from "./sqlite-types.js";

export interface SqliteSettings {
  /** Absolute path, or ":memory:". */
  readonly file: string;
  /** The path as written in connections.yml, for messages. */
  readonly shown: string;
  readonly create: boolean;
  readonly busyTimeoutMs: number;
  readonly batchRows: number;
}

/**
 * An SQLite file. Each session opens its own handle (WAL mode: readers do not block the writer),
 * so a read can stream while a write goes on; `:memory:` shares one handle.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = sqliteDialect;
  readonly defaultSchema = undefined;
  readonly #settings: SqliteSettings;
  #shared: Database.Database | undefined;
  readonly #open = new Set<Database.Database>();

  constructor(settings: SqliteSettings) {
    this.#settings = settings;
  }

  async session(_context: OperationContext): Promise<SqlSession> {
    if (this.#settings.file === ":memory:") {
      this.#shared ??= this.#openHandle();
      return new SqliteSession(this.#shared, this.#settings.batchRows, () => undefined);
    }
    const db = this.#openHandle();
    this.#open.add(db);
    return new SqliteSession(db, this.#settings.batchRows, () => {
      this.#open.delete(db);
      db.close();
    });
  }

  async test(_context: OperationContext): Promise<ConnectionTestResult> {
    try {
      const db =
        this.#settings.file === ":memory:" ? (this.#shared ??= this.#openHandle()) : this.#openHandle();
      try {
        const { version } = db.prepare("SELECT sqlite_version() AS version").get() as { version: string };
        db.prepare("SELECT count(*) FROM sqlite_master").get();
        return {
          ok: true,
          message: `opened ${this.#settings.shown} (SQLite ${version})`,
          details: { version },
        };
      } finally {
        if (db !== this.#shared) db.close();
      }
    } catch (error) {
      return failedSqliteTest(error, this.#settings.shown);
    }
  }

  async discover(context: OperationContext): Promise<DiscoveredObject[]> {
    const session = (await this.session(context)) as SqliteSession;
    try {
      return discoverSqlite(session.db);
    } finally {
      await session.release();
    }
  }

  describeError(error: unknown, place: ErrorPlace): Error {
    return describeSqliteError(error, place, this.#settings.shown);
  }

  async close(): Promise<void> {
    for (const db of [...this.#open].reverse()) db.close();
    this.#open.clear();
    this.#shared?.close();
    this.#shared = undefined;
  }

  #openHandle(): Database.Database {
    const db = new Database(this.#settings.file, {
      fileMustExist: !this.#settings.create,
      timeout: this.#settings.busyTimeoutMs,
    });
    if (this.#settings.file !== ":memory:") db.pragma("journal_mode = WAL");
    return db;
  }
}

class SqliteSession implements SqlSession {
  readonly db: Database.Database;
  readonly #batchRows: number;
  readonly #close: () => void;

  constructor(db: Database.Database, batchRows: number, close: () => void) {
    this.db = db;
    this.#batchRows = batchRows;
    this.#close = close;
  }

  async run(sql: string, values: readonly unknown[] = []): Promise<number> {
    return this.db.prepare(sql).run(...values.map((value) => toSqlite(value))).changes;
  }

  async query(
    sql: string,
    values: readonly unknown[],
    context: OperationContext,
    known?: readonly Column[],
  ): Promise<QueryResult> {
    const statement = this.db.prepare(sql).safeIntegers(true);
    const bound = values.map((value) => toSqlite(value));
    if (!statement.reader) return { rowCount: statement.run(...bound).changes };
    const declared = statement.columns();
    const iterator = statement.raw(true).iterate(...bound) as IterableIterator<unknown[]>;
    const batchRows = this.#batchRows;
    const take = (): unknown[][] => {
      const batch: unknown[][] = [];
      for (
        let next = iterator.next();
        !next.done;
        next = batch.length < batchRows ? iterator.next() : { done: true, value: undefined }
      ) {
        batch.push(next.value);
      }
      return batch;
    };
    const first = take();
    // Columns without a declared type (expressions) take the type of their first value.
    const columns: Column[] = declared.map((column, index) => {
      const fromTable = known?.find((k) => k.name === column.name);
      const firstValue = first.find((row) => row[index] !== null)?.[index];
      return {
        name: column.name,
        type: fromTable?.type ?? columnTypeOfDeclared(column.type) ?? columnTypeOfValue(firstValue),
        nullable: fromTable?.nullable ?? true,
      };
    });
    const convert = (rows: unknown[][]): Row[] =>
      rows.map((row) => row.map((value, index) => fromSqlite(value, (columns[index] as Column).type)));
    async function* batches() {
      try {
        let batch = first;
        while (batch.length > 0) {
          yield { rows: convert(batch) };
          if (batch.length < batchRows) break;
          if (context.signal.aborted) throw context.signal.reason;
          batch = take();
        }
      } finally {
        iterator.return?.();
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
    const names = columns.map((column) => sqliteDialect.quote(column.name)).join(", ");
    const statement = this.db.prepare(
      `INSERT INTO ${qualified(sqliteDialect, table)} (${names}) VALUES (${columns.map(() => "?").join(", ")})`,
    );
    const types = columns.map((column) => column.type);
    const insertBatch = this.db.transaction((batch: readonly Row[]) => {
      for (const row of batch) statement.run(...row.map((value, index) => toSqlite(value, types[index])));
    });
    let count = 0;
    for await (const batch of rows) {
      if (context.signal.aborted) throw context.signal.reason;
      // Inside the caller's transaction, db.transaction becomes a savepoint: one batch at a time.
      insertBatch(batch);
      count += batch.length;
    }
    return count;
  }

  async columns(table: TableName): Promise<Column[] | undefined> {
    return sqliteColumns(this.db, table);
  }

  async release(): Promise<void> {
    if (this.db.inTransaction) this.db.exec("ROLLBACK");
    this.#close();
  }
}
