import type { SqlDialect, TableName } from "../sql-common/sql-driver.js";
import { qualified } from "../sql-common/sql-write.js";
import { postgresType } from "./postgres-types.js";

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;

/** How PostgreSQL spells identifiers, placeholders, types, the replace swap and the upsert. */
export const postgresDialect: SqlDialect = {
  rules: {},
  quote,
  placeholder: (index) => `$${index}`,
  columnType: postgresType,
  transactionalDdl: true,
  createLike: (staging, like) =>
    `CREATE TABLE ${qualified(postgresDialect, staging)} (LIKE ${qualified(postgresDialect, like)} INCLUDING ALL)`,
  rename: (from, to) => `ALTER TABLE ${qualified(postgresDialect, from)} RENAME TO ${quote(to.name)}`,
  swap: (target: TableName, staging: TableName) => [
    `DROP TABLE ${qualified(postgresDialect, target)}`,
    postgresDialect.rename(staging, target),
  ],
  upsert: (target, staging, columns, key) => {
    const list = columns.map(quote).join(", ");
    const updates = columns.filter((column) => !key.includes(column));
    const action = updates.length
      ? `DO UPDATE SET ${updates.map((c) => `${quote(c)} = EXCLUDED.${quote(c)}`).join(", ")}`
      : "DO NOTHING";
    return `INSERT INTO ${qualified(postgresDialect, target)} (${list}) SELECT ${list} FROM ${qualified(postgresDialect, staging)} ON CONFLICT (${key.map(quote).join(", ")}) ${action}`;
  },
};
