import { randomBytes } from "node:crypto";
import { NonRetriableError } from "../../model/errors.js";
import type { Column, OperationContext, WriteMode } from "../connector.js";
import type { SqlDialect, SqlSession, TableName } from "./sql-driver.js";

/** Fills a table that exists: from a row stream, or a file loaded by the engine. */
export type TableFill = (session: SqlSession, table: TableName) => Promise<number>;

export interface TableWrite {
  readonly table: TableName;
  readonly mode: WriteMode;
  readonly key?: readonly string[];
  /** The source's columns: the new table's definition when the target does not exist. */
  readonly columns: readonly Column[];
  readonly fill: TableFill;
}

/**
 * Writes into a table without ever leaving it half-written (the contract's promise):
 * - append: one transaction (the table is created first when missing, and dropped again on
 *   failure where DDL is not transactional);
 * - replace: a staging table with the target's definition (or the source's when the target is
 *   missing) is filled, then swapped in atomically;
 * - upsert: a staging table is filled, then merged with INSERT … ON CONFLICT / ON DUPLICATE KEY
 *   in one transaction.
 * On failure or cancellation the transaction is rolled back and the staging table dropped.
 */
export async function writeTable(
  session: SqlSession,
  dialect: SqlDialect,
  write: TableWrite,
  context: OperationContext,
): Promise<number> {
  const existing = await session.columns(write.table);
  if (existing) checkColumnsExist(write, existing);
  if (write.mode === "upsert") checkKey(write, existing);
  if (write.mode === "append") return append(session, dialect, write, existing !== undefined, context);
  return throughStaging(session, dialect, write, existing !== undefined, context);
}

async function append(
  session: SqlSession,
  dialect: SqlDialect,
  write: TableWrite,
  exists: boolean,
  context: OperationContext,
): Promise<number> {
  const created = !exists;
  if (created && !dialect.transactionalDdl)
    await session.run(createTable(dialect, write.table, write.columns));
  return inTransaction(
    session,
    async () => {
      if (created && dialect.transactionalDdl)
        await session.run(createTable(dialect, write.table, write.columns));
      return fill(session, write, write.table, context);
    },
    async () => {
      if (created && !dialect.transactionalDdl)
        await session.run(`DROP TABLE IF EXISTS ${qualified(dialect, write.table)}`, [], true);
    },
  );
}

async function throughStaging(
  session: SqlSession,
  dialect: SqlDialect,
  write: TableWrite,
  exists: boolean,
  context: OperationContext,
): Promise<number> {
  if (write.mode === "replace" && exists && !dialect.createLike) {
    // Embedded engines: emptying and refilling in one transaction keeps indexes, views and
    // constraints, and readers see the old rows until COMMIT.
    return inTransaction(session, async () => {
      await session.run(`DELETE FROM ${qualified(dialect, write.table)}`);
      return fill(session, write, write.table, context);
    });
  }
  const staging = stagingName(write.table);
  const create =
    write.mode === "replace" && exists && dialect.createLike
      ? dialect.createLike(staging, write.table)
      : createTable(
          dialect,
          staging,
          write.columns,
          write.mode === "upsert" && !exists ? write.key : undefined,
        );
  const publish = async (): Promise<void> => {
    if (!exists) await session.run(dialect.rename(staging, write.table));
    else if (write.mode === "replace")
      for (const statement of dialect.swap(write.table, staging)) await session.run(statement);
    else {
      const columns = write.columns.map((column) => column.name);
      await session.run(dialect.upsert(write.table, staging, columns, write.key ?? []));
      await session.run(`DROP TABLE ${qualified(dialect, staging)}`);
    }
  };
  if (dialect.transactionalDdl) {
    return inTransaction(session, async () => {
      await session.run(create);
      const rows = await fill(session, write, staging, context);
      await publish();
      return rows;
    });
  }
  // DDL commits by itself here (MySQL): fill the staging table in one transaction, publish with
  // one atomic statement (RENAME TABLE swaps both names at once), drop the staging table on failure.
  await session.run(create);
  try {
    const rows = await inTransaction(session, () => fill(session, write, staging, context));
    if (write.mode === "upsert" && exists) await inTransaction(session, publish);
    else await publish();
    return rows;
  } catch (error) {
    await session.run(`DROP TABLE IF EXISTS ${qualified(dialect, staging)}`, [], true).catch(() => undefined);
    throw error;
  }
}

async function fill(
  session: SqlSession,
  write: TableWrite,
  table: TableName,
  context: OperationContext,
): Promise<number> {
  checkAborted(context);
  const rows = await write.fill(session, table);
  checkAborted(context);
  return rows;
}

/** BEGIN, work, COMMIT; ROLLBACK (then `undo`) on any failure. */
export async function inTransaction<T>(
  session: SqlSession,
  work: () => Promise<T>,
  undo?: () => Promise<void>,
): Promise<T> {
  await session.run("BEGIN");
  try {
    const result = await work();
    await session.run("COMMIT");
    return result;
  } catch (error) {
    await session.run("ROLLBACK", [], true).catch(() => undefined);
    if (undo) await undo().catch(() => undefined);
    throw error;
  }
}

/** `schema.table`, each part quoted. */
export function qualified(dialect: SqlDialect, table: TableName): string {
  return table.schema
    ? `${dialect.quote(table.schema)}.${dialect.quote(table.name)}`
    : dialect.quote(table.name);
}

/** CREATE TABLE from portable columns, with a primary key when one is given. */
export function createTable(
  dialect: SqlDialect,
  table: TableName,
  columns: readonly Column[] | undefined,
  key?: readonly string[],
): string {
  const definitions = (columns ?? []).map((column) => {
    const inKey = key?.includes(column.name) ?? false;
    const type =
      inKey && dialect.keyColumnType ? dialect.keyColumnType(column.type) : dialect.columnType(column.type);
    return `${dialect.quote(column.name)} ${type}${column.nullable || inKey ? "" : " NOT NULL"}`;
  });
  if (key?.length) definitions.push(`PRIMARY KEY (${key.map((k) => dialect.quote(k)).join(", ")})`);
  return `CREATE TABLE ${qualified(dialect, table)} (${definitions.join(", ")})`;
}

function stagingName(table: TableName): TableName {
  const suffix = `_octoflow_${randomBytes(4).toString("hex")}`;
  return { ...table, name: `${table.name.slice(0, 63 - suffix.length)}${suffix}` };
}

function checkAborted(context: OperationContext): void {
  if (context.signal.aborted) throw context.signal.reason;
}

function checkColumnsExist(write: TableWrite, existing: readonly Column[]): void {
  const names = new Set(existing.map((column) => column.name.toLowerCase()));
  const missing = write.columns.filter((column) => !names.has(column.name.toLowerCase()));
  if (missing.length === 0) return;
  throw new NonRetriableError(
    `table ${write.table.name} has no column ${missing.map((c) => `"${c.name}"`).join(", ")} that the source has`,
    {
      hint: `add the column${missing.length > 1 ? "s" : ""} to the table, select only the table's columns in the source, or drop the table so that it is created from the source`,
    },
  );
}

function checkKey(write: TableWrite, existing: readonly Column[] | undefined): void {
  if (!write.key?.length) {
    throw new NonRetriableError(
      `mode upsert into ${write.table.name} needs key: the columns that identify a row`,
      {
        hint: "write e.g. { table: flights, mode: upsert, key: [id] }",
      },
    );
  }
  const names = new Set((existing ?? write.columns).map((column) => column.name.toLowerCase()));
  const unknown = write.key.filter((name) => !names.has(name.toLowerCase()));
  if (unknown.length) {
    throw new NonRetriableError(`upsert key ${unknown.join(", ")} is not a column of ${write.table.name}`, {
      hint: `columns: ${[...names].join(", ")}`,
    });
  }
}
