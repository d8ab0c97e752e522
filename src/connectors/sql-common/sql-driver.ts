import type {
  Column,
  ColumnType,
  ConnectionTestResult,
  DiscoveredObject,
  FileSource,
  FormatName,
  OperationContext,
  RowStream,
} from "../connector.js";
import type { SqlTextRules } from "./sql-text.js";

/**
 * What each database kind supplies so that one `SqlConnection` can implement the Connection
 * contract for all of them (Kysely's Dialect/Driver split): a dialect that writes SQL text, and a
 * driver that opens sessions and classifies its errors. Each kind's folder holds one of each.
 */

/** A table, optionally in a schema (PostgreSQL schema, MySQL database, DuckDB schema). */
export interface TableName {
  readonly schema?: string;
  readonly name: string;
}

/** How an engine spells things: identifiers, placeholders, column types and the swap/merge statements. */
export interface SqlDialect {
  readonly rules: SqlTextRules;
  quote(identifier: string): string;
  /** The placeholder of the index-th bound value (1-based): `$1` or `?`. */
  placeholder(index: number): string;
  /** The column type written in CREATE TABLE for a portable type. */
  columnType(type: ColumnType): string;
  /** The type of a primary-key column, when it must differ (MySQL cannot index LONGTEXT). */
  keyColumnType?(type: ColumnType): string;
  /** True when CREATE/DROP/RENAME take part in transactions (all but MySQL). */
  readonly transactionalDdl: boolean;
  /**
   * CREATE TABLE for `staging` with the definition (columns, keys, indexes) of `like`; replace
   * then fills it and swaps it in. Without it, replace deletes and refills in one transaction.
   */
  createLike?(staging: TableName, like: TableName): string;
  /** ALTER TABLE … RENAME for a table that keeps its schema. */
  rename(from: TableName, to: TableName): string;
  /** Statements that put `staging` in place of `target` (which exists) as one atomic change. */
  swap(target: TableName, staging: TableName): string[];
  /** INSERT … SELECT from staging into target that updates rows whose key exists. */
  upsert(target: TableName, staging: TableName, columns: readonly string[], key: readonly string[]): string;
}

/** A dedicated database session (one physical connection) for a read or a write. */
export interface SqlSession {
  /**
   * Runs one statement with positional values; gives the rows it changed. `cleanup` statements
   * (ROLLBACK, dropping a staging table) run even after cancellation.
   */
  run(sql: string, values?: readonly unknown[], cleanup?: boolean): Promise<number>;
  /**
   * Streams one statement's result in batches (cursor, streaming query or chunk fetch). The
   * columns are known when the promise resolves. `known`: the columns of the table being read,
   * from introspection, for engines whose result metadata loses types (MariaDB's JSON).
   */
  query(
    sql: string,
    values: readonly unknown[],
    context: OperationContext,
    known?: readonly Column[],
  ): Promise<QueryResult>;
  /** Inserts rows into an existing table the fastest way the engine has (COPY, appender, …). */
  insert(
    table: TableName,
    columns: readonly Column[],
    rows: AsyncIterable<readonly (readonly unknown[])[]>,
    context: OperationContext,
  ): Promise<number>;
  /** The table's columns, or undefined when it does not exist. */
  columns(table: TableName): Promise<Column[] | undefined>;
  /** Gives the session back; `broken` closes it instead (after a failure mid-protocol). */
  release(broken?: boolean): Promise<void>;
}

/** A statement's outcome: a row stream when it returns rows, else the rows it changed. */
export type QueryResult =
  | { readonly rows: RowStream; readonly rowCount?: undefined }
  | { readonly rows?: undefined; readonly rowCount: number };

/** Where an error happened, for messages that name the connection, table, file and row. */
export interface ErrorPlace {
  readonly connection: string;
  readonly table?: string;
  readonly file?: string;
  /** What was being done: "reading", "writing", "running the query", … */
  readonly action: string;
}

/** A database kind's driver: sessions, test, discover, and the one place its error codes are read. */
export interface SqlDriver {
  readonly dialect: SqlDialect;
  /** The schema unqualified table names resolve to (public, the MySQL database, main). */
  readonly defaultSchema: string | undefined;
  session(context: OperationContext): Promise<SqlSession>;
  test(context: OperationContext): Promise<ConnectionTestResult>;
  discover(context: OperationContext): Promise<DiscoveredObject[]>;
  /** Turns a driver error into an OctoflowError naming the place; cancellation passes through. */
  describeError(error: unknown, place: ErrorPlace): Error;
  /** Loads a file straight into a table (COPY FROM STDIN, read_csv…), when the engine can. */
  loadFile?(
    session: SqlSession,
    table: TableName,
    file: FileSource,
    context: OperationContext,
  ): Promise<number>;
  /** The formats `loadFile` takes. */
  readonly loadFormats?: readonly FormatName[];
  close(): Promise<void>;
}
