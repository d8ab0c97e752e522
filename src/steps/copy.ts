import { z } from "zod";
import type {
  Connection,
  CsvOptions,
  DatasetRef,
  FormatName,
  WriteResult,
  WriteTarget,
} from "../connectors/connector.js";
import { fileSourceOf } from "../connectors/sql-common/file-source.js";
import { formatFor } from "../connectors/formats/formats.js";
import { NonRetriableError, OctoflowError, errorText, isCancellation } from "../model/errors.js";
import type { StepContext } from "../plugins/step-type.js";
import { defineStepType } from "../plugins/step-type.js";
import { operationContext, writeModeSchema } from "./sql.js";

const FORMATS = ["csv", "json", "ndjson", "parquet", "arrow"] as const satisfies readonly FormatName[];

const csvOptions = z
  .strictObject({
    header: z.boolean().optional().meta({ description: "The first line names the columns (default true)." }),
    delimiter: z
      .string()
      .min(1)
      .max(1)
      .optional()
      .meta({ description: 'Field delimiter (default ",", a tab for .tsv).' }),
    quote: z.string().min(1).max(1).optional().meta({ description: 'Quote character (default ").' }),
    encoding: z
      .enum(["utf8", "latin1", "utf16le", "ascii"])
      .optional()
      .meta({ description: "Text encoding (default utf8)." }),
    null: z
      .string()
      .optional()
      .meta({ description: "The text of a NULL (default: an unquoted empty field)." }),
  })
  .meta({ description: "CSV settings." });

const place = {
  connection: z.string().min(1).meta({ description: "The name of a connection in connections.yml." }),
  table: z.string().min(1).optional().meta({ description: 'A table, optionally "schema.table".' }),
  schema: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "Schema of the table (default: the connection's)." }),
  path: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "A file or object, relative to the connection's root." }),
  format: z
    .enum(FORMATS)
    .optional()
    .meta({ description: "csv, json, ndjson, parquet or arrow (default: from the extension)." }),
  options: csvOptions.optional(),
};

const fromSchema = z
  .strictObject({
    ...place,
    query: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "A query whose rows are copied; values go in params as :name." }),
    params: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: "Values for the query's :name placeholders (bound)." }),
  })
  .refine((from) => [from.table, from.query, from.path].filter(Boolean).length === 1, {
    message: "from needs exactly one of table, query or path",
  })
  .meta({
    description:
      "The source: { connection, table } | { connection, query, params } | { connection, path, format }.",
  });

const toSchema = z
  .strictObject({
    ...place,
    mode: writeModeSchema.default("append"),
    key: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .meta({ description: "Columns that identify a row (mode upsert)." }),
  })
  .refine((to) => [to.table, to.path].filter(Boolean).length === 1, {
    message: "to needs exactly one of table or path",
  })
  .refine((to) => to.mode !== "upsert" || to.key !== undefined, {
    message: "mode upsert needs key: [columns]",
    path: ["key"],
  })
  .meta({ description: "The target: { connection, table, mode, key } | { connection, path, format }." });

const copyOptions = z.strictObject({ from: fromSchema, to: toSchema });

export type CopyOptions = z.output<typeof copyOptions>;

/** What a copy gives: the target as a dataset reference, with rows, bytes and the path taken. */
export interface CopyResult {
  readonly connection: string;
  readonly table?: string;
  readonly path?: string;
  readonly rows: number;
  readonly bytes?: number;
  readonly method: string;
  readonly seconds: number;
}

/**
 * Copies a dataset (table, query or file) into a table or a file, streaming in batches at
 * constant memory. A missing target table is created from the source's columns; replace and
 * upsert go through a staging table, so a failed or cancelled copy leaves the target as it was.
 * The fastest path is taken where there is one: a CSV file goes into PostgreSQL through COPY as
 * bytes (no row is parsed in JavaScript), and into DuckDB through its own CSV/Parquet readers.
 *
 * @example
 * - name: load
 *   type: copy
 *   copy:
 *     from: { connection: files, path: flights.csv }
 *     to: { connection: warehouse, table: flights, mode: replace }
 */
export const copyStep = defineStepType({
  name: "copy",
  description:
    "Copies a table, query or file into a table or file, streaming, with the engine's fastest path.",
  options: copyOptions,
  run: async ({ options, context }) => {
    const { from, to } = options;
    const started = Date.now();
    const source = await context.connections.get(from.connection);
    const target = from.connection === to.connection ? source : await context.connections.get(to.connection);
    try {
      const { written, method } = await copy(source, target, options, context);
      const result: CopyResult = {
        connection: to.connection,
        ...(to.table ? { table: to.table } : { path: to.path as string }),
        rows: written.rows,
        ...(written.bytes ? { bytes: written.bytes } : {}),
        method,
        seconds: (Date.now() - started) / 1000,
      };
      context.log.info(`copied ${written.rows} rows from ${describe(from)} to ${describe(to)} (${method})`, {
        ...result,
      });
      return result;
    } catch (error) {
      if (isCancellation(error) || context.signal.aborted) throw error;
      throw copyFailed(error, from, to);
    }
  },
});

async function copy(
  source: Connection,
  target: Connection,
  { from, to }: CopyOptions,
  context: StepContext,
): Promise<{ written: WriteResult; method: string }> {
  const write = writeTarget(to);
  if (from.path && to.table && target.loadFile) {
    const format = formatFor(from.path, from.format, `${from.connection}:${from.path}`).name;
    if (!target.loadFormats || target.loadFormats.includes(format)) {
      const probe = operationContext(context);
      const file = await fileSourceOf(source, from.path, format, csvOf(from.path, from.options), probe);
      if (file) {
        const written = await target.loadFile(write, file, operationContext(context, file.size));
        return { written, method: `${target.kind} bulk load of ${format}` };
      }
    }
  }
  const operation = operationContext(context);
  const rows = await source.read(readRef(from), operation);
  return { written: await target.write(write, rows, operation), method: "row stream" };
}

function csvOf(path: string, options: CopyOptions["from"]["options"]): CsvOptions {
  const delimiter = options?.delimiter ?? (/\.tsv$/i.test(path) ? "\t" : undefined);
  return { ...options, ...(delimiter ? { delimiter } : {}) };
}

function readRef(from: CopyOptions["from"]): DatasetRef {
  if (from.table)
    return {
      connection: from.connection,
      table: from.table,
      ...(from.schema ? { schema: from.schema } : {}),
    };
  if (from.query)
    return {
      connection: from.connection,
      query: from.query,
      ...(from.params ? { params: from.params } : {}),
    };
  return {
    connection: from.connection,
    path: from.path as string,
    ...(from.format ? { format: from.format } : {}),
    ...(from.options || /\.tsv$/i.test(from.path ?? "")
      ? { options: csvOf(from.path as string, from.options) }
      : {}),
  };
}

function writeTarget(to: CopyOptions["to"]): WriteTarget {
  const common = { mode: to.mode, ...(to.key ? { key: to.key } : {}) };
  if (to.table)
    return {
      connection: to.connection,
      table: to.table,
      ...(to.schema ? { schema: to.schema } : {}),
      ...common,
    };
  return {
    connection: to.connection,
    path: to.path as string,
    ...(to.format ? { format: to.format } : {}),
    ...(to.options ? { options: to.options } : {}),
    ...common,
  };
}

function describe(where: {
  connection: string;
  table?: string | undefined;
  path?: string | undefined;
  query?: string | undefined;
}): string {
  if (where.table) return `${where.connection}.${where.table}`;
  if (where.path) return `${where.connection}:${where.path}`;
  return `a query on ${where.connection}`;
}

/** The error of a copy: what was copied where, then what failed (which already names table, file and row). */
function copyFailed(error: unknown, from: CopyOptions["from"], to: CopyOptions["to"]): OctoflowError {
  const message = `copy from ${describe(from)} to ${describe(to)} failed: ${errorText(error).split("\n  hint:")[0]}`;
  const hint = error instanceof OctoflowError ? error.hint : undefined;
  const options = {
    cause: error,
    ...(hint ? { hint } : {}),
    ...(error instanceof OctoflowError && error.details ? { details: error.details } : {}),
  };
  const permanent =
    error instanceof NonRetriableError || (error instanceof OctoflowError && error.code === "CONFIG_INVALID");
  return permanent
    ? new NonRetriableError(message, options)
    : new OctoflowError("STEP_FAILED", message, options);
}
