import type Database from "better-sqlite3";
import type { Column, DiscoveredObject } from "../connector.js";
import type { TableName } from "../sql-common/sql-driver.js";
import { sqliteDialect } from "./sqlite-dialect.js";
import { columnTypeOfDeclared } from "./sqlite-types.js";

interface TableInfo {
  name: string;
  type: string;
  notnull: number;
  pk: number;
}

/** A table's columns in order, or undefined when there is no such table. */
export function sqliteColumns(db: Database.Database, table: TableName): Column[] | undefined {
  const schema = table.schema ? `${sqliteDialect.quote(table.schema)}.` : "";
  const info = db
    .prepare(`PRAGMA ${schema}table_info(${sqliteDialect.quote(table.name)})`)
    .all() as TableInfo[];
  if (info.length === 0) return undefined;
  return info.map((column) => ({
    name: column.name,
    type: columnTypeOfDeclared(column.type) ?? { kind: "text" },
    nullable: column.notnull === 0 && column.pk === 0,
  }));
}

/** Tables and views with their columns; row counts for tables (SQLite keeps no estimate). */
export function discoverSqlite(db: Database.Database): DiscoveredObject[] {
  const objects = db
    .prepare(
      "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all() as { name: string; type: "table" | "view" }[];
  return objects.map(({ name, type }) => {
    const rows =
      type === "table"
        ? (db.prepare(`SELECT count(*) AS n FROM ${sqliteDialect.quote(name)}`).get() as { n: number }).n
        : undefined;
    return {
      kind: type,
      name,
      columns: sqliteColumns(db, { name }) ?? [],
      ...(rows === undefined ? {} : { rowEstimate: Number(rows) }),
    };
  });
}
