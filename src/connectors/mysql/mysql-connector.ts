import { z } from "zod";
import { configValueSchema, resolveText } from "../config-values.js";
import type { ConnectorKind } from "../connector.js";
import { SqlConnection } from "../sql-common/sql-connection.js";

/** Defaults of a mysql connection, in one place. */
export const MYSQL_DEFAULTS = {
  host: "127.0.0.1",
  port: 3306,
  user: "root",
  ssl: "disable",
  connect_timeout: 10_000,
  pool_size: 4,
  batch_rows: 10_000,
  insert_rows: 1000,
} as const satisfies Record<string, unknown>;

const d = MYSQL_DEFAULTS;

export const mysqlOptions = z.strictObject({
  host: z
    .string()
    .min(1)
    .default(d.host)
    .meta({ description: `Server host name or address (default ${d.host}).` }),
  port: z
    .int()
    .min(1)
    .max(65535)
    .default(d.port)
    .meta({ description: `Server port (default ${d.port}).` }),
  database: z.string().min(1).meta({ description: "The database (schema) to use." }),
  user: z
    .string()
    .min(1)
    .default(d.user)
    .meta({ description: `User name (default ${d.user}).` }),
  password: configValueSchema.optional().meta({
    description: "Password: a value, { secret: NAME } or { env: VARIABLE }; none for an empty one.",
  }),
  ssl: z.enum(["disable", "require", "verify"]).default(d.ssl).meta({
    description:
      "TLS: disable (default), require (encrypted, certificate not checked) or verify (certificate checked).",
  }),
  connect_timeout: z
    .int()
    .positive()
    .default(d.connect_timeout)
    .meta({ description: `Milliseconds to wait for the connection (default ${d.connect_timeout}).` }),
  pool_size: z
    .int()
    .min(1)
    .max(100)
    .default(d.pool_size)
    .meta({ description: `Most sessions open at once (default ${d.pool_size}).` }),
  batch_rows: z
    .int()
    .min(1)
    .default(d.batch_rows)
    .meta({ description: `Rows per batch when streaming results (default ${d.batch_rows}).` }),
  insert_rows: z
    .int()
    .min(1)
    .default(d.insert_rows)
    .meta({ description: `Rows per multi-row INSERT when writing (default ${d.insert_rows}).` }),
});

export type MysqlOptions = z.output<typeof mysqlOptions>;

/**
 * MySQL and MariaDB: results stream with backpressure, writes are multi-row prepared INSERTs in
 * one transaction, replace swaps a staging table with RENAME TABLE, upsert uses ON DUPLICATE KEY.
 *
 * @example
 * - name: shop
 *   type: mysql
 *   host: 127.0.0.1
 *   database: shop
 *   user: app
 *   password: { env: SHOP_PASSWORD }
 */
export const mysqlConnector: ConnectorKind<MysqlOptions> = {
  kind: "mysql",
  description: "MySQL or MariaDB database.",
  options: mysqlOptions,
  open: async (name, options, environment) => {
    const password =
      options.password === undefined
        ? undefined
        : resolveText(options.password, environment, `password of ${name}`);
    // The driver loads on first use, so commands that open no mysql connection do not pay for it.
    const { MysqlDriver } = await import("./mysql-connection.js");
    const driver = new MysqlDriver({
      host: options.host,
      port: options.port,
      database: options.database,
      user: options.user,
      password,
      ssl: options.ssl === "disable" ? false : { rejectUnauthorized: options.ssl === "verify" },
      connectTimeoutMs: options.connect_timeout,
      poolSize: options.pool_size,
      batchRows: options.batch_rows,
      insertRows: options.insert_rows,
    });
    return new SqlConnection(name, "mysql", driver);
  },
};
