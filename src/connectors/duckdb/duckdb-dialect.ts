import type { SqlDialect } from "../sql-common/sql-driver.js";
import { qualified } from "../sql-common/sql-write.js";
import { duckdbType } from "./duckdb-types.js";

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;

/**
 * DuckDB: transactional DDL, replace empties and refills the table in one transaction, upsert
 * with ON CONFLICT.
 */
export const duckdbDialect: SqlDialect = {
  rules: {},
  quote,
  placeholder: () => "?",
  columnType: duckdbType,
  transactionalDdl: true,
  rename: (from, to) => `ALTER TABLE ${qualified(duckdbDialect, from)} RENAME TO ${quote(to.name)}`,
  swap: (target, staging) => [
    `DROP TABLE ${qualified(duckdbDialect, target)}`,
    duckdbDialect.rename(staging, target),
  ],
  upsert: (target, staging, columns, key) => {
    const list = columns.map(quote).join(", ");
    const updates = columns.filter((column) => !key.includes(column));
    const action = updates.length
      ? `DO UPDATE SET ${updates.map((c) => `${quote(c)} = EXCLUDED.${quote(c)}`).join(", ")}`
      : "DO NOTHING";
    return `INSERT INTO ${qualified(duckdbDialect, target)} (${list}) SELECT ${list} FROM ${qualified(duckdbDialect, staging)} ON CONFLICT (${key.map(quote).join(", ")}) ${action}`;
  },
};
