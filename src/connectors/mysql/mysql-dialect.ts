import type { SqlDialect, TableName } from "../sql-common/sql-driver.js";
import { qualified } from "../sql-common/sql-write.js";
import { mysqlKeyType, mysqlType } from "./mysql-types.js";

const quote = (identifier: string): string => `\`${identifier.replace(/`/g, "``")}\``;

/**
 * MySQL and MariaDB: DDL commits by itself, so replace fills a staging table (CREATE TABLE …
 * LIKE) and swaps both names in one RENAME TABLE; upsert uses ON DUPLICATE KEY UPDATE.
 */
export const mysqlDialect: SqlDialect = {
  rules: { backslashEscapes: true },
  quote,
  placeholder: () => "?",
  columnType: mysqlType,
  keyColumnType: mysqlKeyType,
  transactionalDdl: false,
  createLike: (staging, like) =>
    `CREATE TABLE ${qualified(mysqlDialect, staging)} LIKE ${qualified(mysqlDialect, like)}`,
  rename: (from, to) => `RENAME TABLE ${qualified(mysqlDialect, from)} TO ${qualified(mysqlDialect, to)}`,
  swap: (target: TableName, staging: TableName) => {
    const old = { ...staging, name: `${staging.name}_old` };
    return [
      `RENAME TABLE ${qualified(mysqlDialect, target)} TO ${qualified(mysqlDialect, old)}, ${qualified(mysqlDialect, staging)} TO ${qualified(mysqlDialect, target)}`,
      `DROP TABLE ${qualified(mysqlDialect, old)}`,
    ];
  },
  upsert: (target, staging, columns, key) => {
    const list = columns.map(quote).join(", ");
    const updates = columns.filter((column) => !key.includes(column));
    const action = (updates.length ? updates : key)
      .map((c) => `${quote(c)} = VALUES(${quote(c)})`)
      .join(", ");
    return `INSERT INTO ${qualified(mysqlDialect, target)} (${list}) SELECT ${list} FROM ${qualified(mysqlDialect, staging)} ON DUPLICATE KEY UPDATE ${action}`;
  },
};
