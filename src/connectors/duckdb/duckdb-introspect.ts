import type { DuckDBConnection } from "@duckdb/node-api";
import type { Column, DiscoveredObject } from "../connector.js";
import type { TableName } from "../sql-common/sql-driver.js";
import { duckdbDialect } from "./duckdb-dialect.js";
import { columnTypeOfDuckdb } from "./duckdb-types.js";

/** A table's columns in order (types read from a zero-row SELECT), or undefined when it does not exist. */
export async function duckdbColumns(
  connection: DuckDBConnection,
  table: TableName,
): Promise<Column[] | undefined> {
  const exists = await connection.runAndReadAll(
    "SELECT column_name, is_nullable FROM information_schema.columns WHERE table_schema = coalesce(?, current_schema()) AND table_name = ? ORDER BY ordinal_position",
    [table.schema ?? null, table.name],
  );
  const rows = exists.getRows() as [string, string][];
  if (rows.length === 0) return undefined;
  const name = table.schema
    ? `${duckdbDialect.quote(table.schema)}.${duckdbDialect.quote(table.name)}`
    : duckdbDialect.quote(table.name);
  const probe = await connection.run(`SELECT * FROM ${name} LIMIT 0`);
  return probe.columnNames().map((column, index) => ({
    name: column,
    type: columnTypeOfDuckdb(probe.columnType(index)),
    nullable: rows[index]?.[1] !== "NO",
  }));
}

/** Tables and views of the database, with columns and DuckDB's row estimates. */
export async function discoverDuckdb(connection: DuckDBConnection): Promise<DiscoveredObject[]> {
  const found = await connection.runAndReadAll(`
    SELECT schema_name, table_name, 'table' AS kind, estimated_size FROM duckdb_tables() WHERE NOT internal AND NOT temporary
    UNION ALL
    SELECT schema_name, view_name, 'view', NULL FROM duckdb_views() WHERE NOT internal AND NOT temporary
    ORDER BY 1, 2`);
  const objects: DiscoveredObject[] = [];
  for (const [schema, name, kind, estimate] of found.getRows() as [
    string,
    string,
    "table" | "view",
    bigint | null,
  ][]) {
    objects.push({
      kind,
      name,
      schema,
      columns: (await duckdbColumns(connection, { schema, name })) ?? [],
      ...(estimate === null ? {} : { rowEstimate: Number(estimate) }),
    });
  }
  return objects;
}
