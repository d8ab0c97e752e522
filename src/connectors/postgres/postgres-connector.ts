import { z } from "zod";
import { configValueSchema, resolveText } from "../config-values.js";
import type { ConnectorKind } from "../connector.js";
import { SqlConnection } from "../sql-common/sql-connection.js";

/** Defaults of a postgres connection, in one place. */
export const POSTGRES_DEFAULTS = {
  host: "127.0.0.1",
  port: 5432,
  user: "postgres",
  ssl: "disable",
  connect_timeout: 10_000,
  schema: "public",
  pool_size: 4,
  batch_rows: 10_000,
  application_name: "octoflow",
} as const satisfies Record<string, unknown>;

const d = POSTGRES_DEFAULTS;

export const postgresOptions = z.strictObject({
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
  database: z.string().min(1).meta({ description: "The database to connect to." }),
  user: z
    .string()
    .min(1)
    .default(d.user)
    .meta({ description: `User name (default ${d.user}).` }),
  password: configValueSchema.optional().meta({
    description: "Password: a value, { secret: NAME } or { env: VARIABLE }; none for trust or peer auth.",
  }),
  ssl: z.enum(["disable", "require", "verify"]).default(d.ssl).meta({
    description:
      "TLS: disable (default), require (encrypted, certificate not checked) or verify (encrypted and the certificate checked).",
  }),
  connect_timeout: z
    .int()
    .positive()
    .default(d.connect_timeout)
    .meta({ description: `Milliseconds to wait for the connection (default ${d.connect_timeout}).` }),
  schema: z
    .string()
    .min(1)
    .default(d.schema)
    .meta({ description: `Schema of tables named without one (default ${d.schema}).` }),
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
    .meta({ description: `Rows fetched per cursor read when streaming results (default ${d.batch_rows}).` }),
  application_name: z
    .string()
    .min(1)
    .default(d.application_name)
    .meta({
      description: `Name the server shows for these sessions in pg_stat_activity (default ${d.application_name}).`,
    }),
});

export type PostgresOptions = z.output<typeof postgresOptions>;

/**
 * PostgreSQL: reads stream through cursors, writes go through COPY FROM STDIN (CSV files without
 * parsing them in JavaScript), replace swaps a staging table in, upsert uses ON CONFLICT.
 *
 * @example
 * - name: warehouse
 *   type: postgres
 *   host: 127.0.0.1
 *   database: test
 *   user: postgres
 *   password: { secret: pg_password }
 */
export const postgresConnector: ConnectorKind<PostgresOptions> = {
  kind: "postgres",
  description: "PostgreSQL database (COPY for bulk loads, cursors for streaming reads).",
  options: postgresOptions,
  open: async (name, options, environment) => {
    const password =
      options.password === undefined
        ? undefined
        : resolveText(options.password, environment, `password of ${name}`);
    // The driver loads on first use, so commands that open no postgres connection do not pay for it.
    const { PostgresDriver } = await import("./postgres-connection.js");
    const driver = new PostgresDriver({
      host: options.host,
      port: options.port,
      database: options.database,
      user: options.user,
      password,
      ssl: options.ssl === "disable" ? false : { rejectUnauthorized: options.ssl === "verify" },
      connectTimeoutMs: options.connect_timeout,
      schema: options.schema,
      poolSize: options.pool_size,
      batchRows: options.batch_rows,
      applicationName: options.application_name,
    });
    return new SqlConnection(name, "postgres", driver);
  },
};
