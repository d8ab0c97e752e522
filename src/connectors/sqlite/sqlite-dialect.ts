import type { SqlDialect } from "../sql-common/sql-driver.js";
import { qualified } from "../sql-common/sql-write.js";
import { sqliteType } from "./sqlite-types.js";

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;

/**
 * SQLite: DDL is transactional; replace empties and refills the table in one transaction (there
 * is no CREATE TABLE … LIKE), upsert uses ON CONFLICT.
 */
export const sqliteDialect: SqlDialect = {
  rules: {},
  quote,
  placeholder: () => "?",
  columnType: sqliteType,
  transactionalDdl: true,
  rename: (from, to) => `ALTER TABLE ${qualified(sqliteDialect, from)} RENAME TO ${quote(to.name)}`,
  swap: (target, staging) => [
    `DROP TABLE ${qualified(sqliteDialect, target)}`,
    sqliteDialect.rename(staging, target),
  ],
  upsert: (target, staging, columns, key) => {
    const list = columns.map(quote).join(", ");
    const updates = columns.filter((column) => !key.includes(column));
    const action = updates.length
      ? `DO UPDATE SET ${updates.map((c) => `${quote(c)} = excluded.${quote(c)}`).join(", ")}`
      : "DO NOTHING";
    // `WHERE true` tells the parser that ON CONFLICT belongs to the INSERT, not to a join.
    return `INSERT INTO ${qualified(sqliteDialect, target)} (${list}) SELECT ${list} FROM ${qualified(sqliteDialect, staging)} WHERE true ON CONFLICT (${key.map(quote).join(", ")}) ${action}`;
  },
};
