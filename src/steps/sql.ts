import { z } from "zod";
import type { Connection, OperationContext, RowStream } from "../connectors/connector.js";
import { NonRetriableError } from "../model/errors.js";
import type { StepContext } from "../plugins/step-type.js";
import { defineStepType } from "../plugins/step-type.js";

/** Defaults of the sql step, in one place. */
export const SQL_DEFAULTS = { max_rows: 10_000 } as const satisfies Record<string, unknown>;

export const writeModeSchema = z.enum(["append", "replace", "upsert"]).meta({
  description: "append adds rows; replace swaps the table's rows for the new ones; upsert updates by key.",
});

/** Where a result goes: a table of the same (or another) connection. */
export const tableTargetSchema = z.strictObject({
  connection: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "Connection of the table (default: the step's)." }),
  table: z.string().min(1).meta({
    description: 'The table, optionally "schema.table"; created from the result columns when missing.',
  }),
  schema: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "Schema of the table (default: the connection's)." }),
  mode: writeModeSchema.default("append"),
  key: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .meta({ description: "Columns that identify a row (mode upsert): the table's primary or unique key." }),
});

const sqlOptions = z.strictObject({
  connection: z
    .string()
    .min(1)
    .meta({ description: "The name of a database connection in connections.yml." }),
  query: z.string().min(1).meta({
    description:
      "One or more statements separated by `;` (CALL procedure(...) too). A template for identifiers and structure; values go in params as :name.",
  }),
  params: z
    .record(z.string(), z.unknown())
    .default({})
    .meta({ description: "Values for :name placeholders, bound by the driver, never written into the SQL." }),
  into: tableTargetSchema
    .optional()
    .meta({ description: "Write the last statement's rows into a table instead of returning them." }),
  max_rows: z
    .int()
    .min(1)
    .default(SQL_DEFAULTS.max_rows)
    .meta({
      description: `Most rows returned into the run's data without into (default ${SQL_DEFAULTS.max_rows}).`,
    }),
});

export type SqlOptions = z.output<typeof sqlOptions>;

/** What a step gives when rows went to a table: a dataset reference for the next steps. */
export interface TableDataset {
  readonly connection: string;
  readonly table: string;
  readonly schema?: string;
  readonly rows: number;
}

/**
 * Runs SQL on a database connection (seed 000's executeQuery). Without `into`, the rows of the
 * last statement land in the run's data as objects keyed by column (at most `max_rows`); a
 * script without rows gives `{ row_count }`. With `into`, the rows stream into a table and the
 * output is that table as a dataset.
 *
 * @example
 * - name: by_origin
 *   type: sql
 *   sql:
 *     connection: warehouse
 *     query: "select origin, count(*) n from flights where delay > :min group by origin"
 *     params: { min: 0 }
 *     into: { table: delays_by_origin, mode: replace }
 */
export const sqlStep = defineStepType({
  name: "sql",
  description: "Runs SQL statements on a database connection; rows come back or go into a table.",
  options: sqlOptions,
  run: async ({ options, context }) => {
    const connection = await context.connections.get(options.connection);
    if (!connection.execute) {
      throw new NonRetriableError(`connection ${options.connection} (${connection.kind}) does not run SQL`, {
        hint: "use a postgres, mysql, sqlite or duckdb connection; for SQL over files use duckdb",
      });
    }
    const operation = operationContext(context);
    const result = await connection.execute(options.query, options.params, operation);
    if (!result.rows) {
      context.log.info(`ran the SQL on ${options.connection}: ${result.rowCount} rows changed`, {
        rows: result.rowCount,
      });
      return { row_count: result.rowCount };
    }
    if (options.into) return writeInto(connection, options.into, result.rows, context, operation);
    return collectObjects(result.rows, options.max_rows, options.connection);
  },
});

async function writeInto(
  source: Connection,
  into: NonNullable<SqlOptions["into"]>,
  rows: RowStream,
  context: StepContext,
  operation: OperationContext,
): Promise<TableDataset> {
  const name = into.connection ?? source.name;
  const target = name === source.name ? source : await context.connections.get(name);
  const written = await target.write(
    {
      connection: name,
      table: into.table,
      mode: into.mode,
      ...(into.schema ? { schema: into.schema } : {}),
      ...(into.key ? { key: into.key } : {}),
    },
    rows,
    operation,
  );
  context.log.info(`wrote ${written.rows} rows into ${name}.${into.table} (${into.mode})`, {
    rows: written.rows,
  });
  return {
    connection: name,
    table: into.table,
    ...(into.schema ? { schema: into.schema } : {}),
    rows: written.rows,
  };
}

/**
 * The step's signal, log, and progress as counts of rows (and bytes when known). Progress is
 * passed on at most every 250 ms: a bulk load reports every chunk, and each report is a store write.
 */
export function operationContext(context: StepContext, totalBytes?: number): OperationContext {
  let lastProgress = 0;
  let lastLog = Date.now();
  return {
    signal: context.signal,
    log: context.log,
    progress: ({ rows, bytes }) => {
      const now = Date.now();
      if (totalBytes && bytes !== undefined && now - lastProgress >= 250) {
        lastProgress = now;
        context.progress({ done: bytes, total: totalBytes, unit: "bytes" });
      }
      if (now - lastLog >= 5000) {
        lastLog = now;
        context.log.info(`${rows} rows${bytes ? `, ${bytes} bytes` : ""} so far`, {
          rows,
          ...(bytes ? { bytes } : {}),
        });
      }
    },
  };
}

async function collectObjects(
  rows: RowStream,
  maxRows: number,
  connection: string,
): Promise<Record<string, unknown>[]> {
  const names = rows.columns.map((column) => column.name);
  const objects: Record<string, unknown>[] = [];
  for await (const batch of rows) {
    for (const row of batch.rows) {
      if (objects.length >= maxRows) {
        throw new NonRetriableError(
          `the query on ${connection} returned more than max_rows (${maxRows}) rows`,
          {
            hint: "write large results to a table with into: { table, mode }, or raise max_rows",
          },
        );
      }
      const object: Record<string, unknown> = {};
      names.forEach((name, index) => (object[name] = jsonValue(row[index])));
      objects.push(object);
    }
  }
  return objects;
}

/**
 * A value as the run's data can keep it (JSON): int64 as a number when it is exact, else as
 * text; instants as ISO 8601; bytes as base64.
 */
export function jsonValue(value: unknown): unknown {
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  return value ?? null;
}
