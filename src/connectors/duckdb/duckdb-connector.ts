import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { resolveUnder } from "../../services/safe-path.js";
import type { ConnectorKind } from "../connector.js";
import { SqlConnection } from "../sql-common/sql-connection.js";

/** Defaults of a duckdb connection, in one place. */
export const DUCKDB_DEFAULTS = { path: ":memory:", batch_rows: 10_000 } as const satisfies Record<
  string,
  unknown
>;

const d = DUCKDB_DEFAULTS;

export const duckdbOptions = z.strictObject({
  path: z
    .string()
    .min(1)
    .default(d.path)
    .meta({ description: `The database file, relative to DATA_PATH, or ":memory:" (default ${d.path}).` }),
  threads: z.int().min(1).optional().meta({ description: "Threads DuckDB may use (default: one per core)." }),
  memory_limit: z.string().optional().meta({
    description: 'Most memory DuckDB may use before spilling to disk, e.g. "2GB" (default: 80% of RAM).',
  }),
  batch_rows: z
    .int()
    .min(1)
    .default(d.batch_rows)
    .meta({ description: `Rows per batch when streaming results (default ${d.batch_rows}).` }),
});

export type DuckdbOptions = z.output<typeof duckdbOptions>;

/**
 * DuckDB, the embedded engine for SQL over files and for joining results from different sources
 * (seed 000's job storage): copy results in, then `sql` over them. Relative file names in SQL
 * resolve under DATA_PATH (`SELECT * FROM 'flights.parquet'`).
 *
 * @example
 * - name: scratch
 *   type: duckdb
 *   path: work/scratch.duckdb
 */
export const duckdbConnector: ConnectorKind<DuckdbOptions> = {
  kind: "duckdb",
  description: "DuckDB database (file or in memory): SQL over files, joins across sources.",
  options: duckdbOptions,
  open: async (name, options, environment) => {
    const file =
      options.path === ":memory:"
        ? ":memory:"
        : resolveUnder(environment.paths.data, options.path, "DATA_PATH");
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    // The driver loads on first use, so commands that open no duckdb connection do not pay for it.
    const { DuckdbDriver } = await import("./duckdb-connection.js");
    const driver = new DuckdbDriver({
      file,
      shown: `${name}:${options.path}`,
      dataPath: environment.paths.data,
      threads: options.threads,
      memoryLimit: options.memory_limit,
      batchRows: options.batch_rows,
    });
    return new SqlConnection(name, "duckdb", driver);
  },
};
