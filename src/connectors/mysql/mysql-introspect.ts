import type { Column, DiscoveredObject } from "../connector.js";
import type { TableName } from "../sql-common/sql-driver.js";
import { columnTypeOfInfo } from "./mysql-types.js";

/** Runs a query and gives its rows as objects (the session's plain query). */
export type Ask = (sql: string, values: readonly unknown[]) => Promise<Record<string, unknown>[]>;

interface ColumnRow {
  TABLE_SCHEMA: string;
  TABLE_NAME: string;
  TABLE_TYPE: string;
  TABLE_ROWS: number | string | null;
  COLUMN_NAME: string;
  DATA_TYPE: string;
  COLUMN_TYPE: string;
  NUMERIC_PRECISION: number | string | null;
  NUMERIC_SCALE: number | string | null;
  IS_NULLABLE: string;
}

const COLUMNS = `
  SELECT c.TABLE_SCHEMA, c.TABLE_NAME, t.TABLE_TYPE, t.TABLE_ROWS, c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE,
         c.NUMERIC_PRECISION, c.NUMERIC_SCALE, c.IS_NULLABLE
  FROM information_schema.COLUMNS c
  JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME`;

/**
 * MariaDB's JSON is LONGTEXT with a json_valid CHECK named after the column: the constraint is
 * the only trace of the type. (MySQL has a real JSON type and no TABLE_NAME in this view.)
 */
async function jsonColumns(ask: Ask, schema: string | null, table: string | null): Promise<Set<string>> {
  try {
    const rows = await ask(
      `SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS
       WHERE CONSTRAINT_SCHEMA = coalesce(?, DATABASE()) AND (? IS NULL OR TABLE_NAME = ?)`,
      [schema, table, table],
    );
    const found = new Set<string>();
    for (const row of rows) {
      const match = /^json_valid\(`(.+)`\)$/i.exec(String(row["CHECK_CLAUSE"]));
      if (match) found.add(`${String(row["TABLE_NAME"])}.${match[1]}`);
    }
    return found;
  } catch {
    return new Set();
  }
}

function toColumn(row: ColumnRow, json: Set<string>): Column {
  const number = (value: number | string | null) => (value === null ? null : Number(value));
  return {
    name: row.COLUMN_NAME,
    type: columnTypeOfInfo(
      row.DATA_TYPE,
      row.COLUMN_TYPE,
      number(row.NUMERIC_PRECISION),
      number(row.NUMERIC_SCALE),
      json.has(`${row.TABLE_NAME}.${row.COLUMN_NAME}`),
    ),
    nullable: row.IS_NULLABLE === "YES",
  };
}

/** A table's columns in order, or undefined when there is no such table. */
export async function mysqlColumns(ask: Ask, table: TableName): Promise<Column[] | undefined> {
  const rows = (await ask(
    `${COLUMNS} WHERE c.TABLE_SCHEMA = coalesce(?, DATABASE()) AND c.TABLE_NAME = ? ORDER BY c.ORDINAL_POSITION`,
    [table.schema ?? null, table.name],
  )) as unknown as ColumnRow[];
  if (rows.length === 0) return undefined;
  const json = await jsonColumns(ask, table.schema ?? null, table.name);
  return rows.map((row) => toColumn(row, json));
}

/** Tables and views of the connection's database, with columns and InnoDB's row estimates. */
export async function discoverMysql(ask: Ask): Promise<DiscoveredObject[]> {
  const rows = (await ask(
    `${COLUMNS} WHERE c.TABLE_SCHEMA = DATABASE() ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`,
    [],
  )) as unknown as ColumnRow[];
  const json = await jsonColumns(ask, null, null);
  const objects = new Map<string, DiscoveredObject & { columns: Column[] }>();
  for (const row of rows) {
    let object = objects.get(row.TABLE_NAME);
    if (!object) {
      const view = row.TABLE_TYPE === "VIEW";
      object = {
        kind: view ? "view" : "table",
        name: row.TABLE_NAME,
        schema: row.TABLE_SCHEMA,
        columns: [],
        ...(view || row.TABLE_ROWS === null ? {} : { rowEstimate: Number(row.TABLE_ROWS) }),
      };
      objects.set(row.TABLE_NAME, object);
    }
    object.columns.push(toColumn(row, json));
  }
  return [...objects.values()];
}
