import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { resolveUnder } from "../../services/safe-path.js";
import type { ConnectorKind } from "../connector.js";
import { SqlConnection } from "../sql-common/sql-connection.js";

/** Defaults of an sqlite connection, in one place. */
export const SQLITE_DEFAULTS = {
  create: true,
  busy_timeout: 5000,
  batch_rows: 1000,
} as const satisfies Record<string, unknown>;

const d = SQLITE_DEFAULTS;

export const sqliteOptions = z.strictObject({
  path: z
    .string()
    .min(1)
    .meta({ description: 'The database file, relative to DATA_PATH (e.g. "db/app.sqlite"), or ":memory:".' }),
  create: z
    .boolean()
    .default(d.create)
    .meta({
      description: `Create the file when it does not exist (default ${d.create}); false makes a missing file an error.`,
    }),
  busy_timeout: z
    .int()
    .min(0)
    .default(d.busy_timeout)
    .meta({ description: `Milliseconds to wait for another writer's lock (default ${d.busy_timeout}).` }),
  batch_rows: z
    .int()
    .min(1)
    .default(d.batch_rows)
    .meta({ description: `Rows per batch when streaming results (default ${d.batch_rows}).` }),
});

export type SqliteOptions = z.output<typeof sqliteOptions>;

/**
 * An SQLite database file under DATA_PATH (better-sqlite3). Types SQLite lacks are kept by
 * declared type names (see sqlite-types.ts): decimals stay exact text, timestamps ISO 8601 UTC.
 *
 * @example
 * - name: local
 *   type: sqlite
 *   path: db/local.sqlite
 */
export const sqliteConnector: ConnectorKind<SqliteOptions> = {
  kind: "sqlite",
  description: "SQLite database file under DATA_PATH.",
  options: sqliteOptions,
  open: async (name, options, environment) => {
    const file =
      options.path === ":memory:"
        ? ":memory:"
        : resolveUnder(environment.paths.data, options.path, "DATA_PATH");
    if (file !== ":memory:" && options.create) mkdirSync(dirname(file), { recursive: true });
    // The driver loads on first use, so commands that open no sqlite connection do not pay for it.
    const { SqliteDriver } = await import("./sqlite-connection.js");
    const driver = new SqliteDriver({
      file,
      shown: `${name}:${options.path}`,
      create: options.create,
      busyTimeoutMs: options.busy_timeout,
      batchRows: options.batch_rows,
    });
    return new SqlConnection(name, "sqlite", driver);
  },
};
