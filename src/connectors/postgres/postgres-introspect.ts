import type pg from "pg";
import type { Column, DiscoveredObject } from "../connector.js";
import type { TableName } from "../sql-common/sql-driver.js";
import { columnTypeOfName } from "./postgres-types.js";

interface ColumnRow {
  table_schema: string;
  table_name: string;
  table_type: string;
  column_name: string;
  udt_name: string;
  is_nullable: string;
  numeric_precision: number | null;
  numeric_scale: number | null;
  estimate: number | null;
}

const COLUMNS = `
  SELECT c.table_schema, c.table_name, t.table_type, c.column_name, c.udt_name, c.is_nullable,
         c.numeric_precision, c.numeric_scale, cls.reltuples::float8 AS estimate
  FROM information_schema.columns c
  JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
  LEFT JOIN pg_namespace ns ON ns.nspname = c.table_schema
  LEFT JOIN pg_class cls ON cls.relnamespace = ns.oid AND cls.relname = c.table_name`;

function toColumn(row: ColumnRow): Column {
  return {
    name: row.column_name,
    type: columnTypeOfName(row.udt_name, row.numeric_precision, row.numeric_scale),
    nullable: row.is_nullable === "YES",
  };
}

/** Tables and views outside the system schemas, with columns, types and row estimates. */
export async function discoverPostgres(client: pg.ClientBase): Promise<DiscoveredObject[]> {
  const { rows } = await client.query<ColumnRow>(
    `${COLUMNS} WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema') AND c.table_schema NOT LIKE 'pg_toast%'
     ORDER BY c.table_schema, c.table_name, c.ordinal_position`,
  );
  const objects = new Map<string, DiscoveredObject & { columns: Column[] }>();
  for (const row of rows) {
    const id = `${row.table_schema}.${row.table_name}`;
    let object = objects.get(id);
    if (!object) {
      const estimate = row.estimate !== null && row.estimate >= 0 ? Math.round(row.estimate) : undefined;
      object = {
        kind: row.table_type === "VIEW" ? "view" : "table",
        name: row.table_name,
        schema: row.table_schema,
        columns: [],
        ...(estimate === undefined || row.table_type === "VIEW" ? {} : { rowEstimate: estimate }),
      };
      objects.set(id, object);
    }
    object.columns.push(toColumn(row));
  }
  return [...objects.values()];
}

/** A table's columns in order, or undefined when there is no such table. */
export async function postgresColumns(
  client: pg.ClientBase,
  table: TableName,
): Promise<Column[] | undefined> {
  const { rows } = await client.query<ColumnRow>(
    `${COLUMNS} WHERE c.table_schema = coalesce($1, current_schema()) AND c.table_name = $2 ORDER BY c.ordinal_position`,
    [table.schema ?? null, table.name],
  );
  return rows.length ? rows.map(toColumn) : undefined;
}
