import { NonRetriableError } from "../../model/errors.js";
import type {
  Column,
  Connection,
  ConnectionTestResult,
  DatasetRef,
  DiscoveredObject,
  FileSource,
  FormatName,
  OperationContext,
  Row,
  RowStream,
  WriteResult,
  WriteTarget,
} from "../connector.js";
import type { ErrorPlace, QueryResult, SqlDriver, SqlSession, TableName } from "./sql-driver.js";
import { bindNamedParams, splitStatements } from "./sql-text.js";
import { qualified, writeTable } from "./sql-write.js";

/**
 * The Connection contract for every database kind, on top of the kind's driver and dialect:
 * reads stream through a dedicated session, writes go through `writeTable`, statements bind
 * `:name` parameters as the driver's placeholders.
 */
export class SqlConnection implements Connection {
  readonly name: string;
  readonly kind: string;
  readonly #driver: SqlDriver;

  constructor(name: string, kind: string, driver: SqlDriver) {
    this.name = name;
    this.kind = kind;
    this.#driver = driver;
  }

  test(context: OperationContext): Promise<ConnectionTestResult> {
    return this.#driver.test(context);
  }

  discover(context: OperationContext): Promise<DiscoveredObject[]> {
    return this.#guard({ connection: this.name, action: "discovering tables" }, () =>
      this.#driver.discover(context),
    );
  }

  async read(ref: DatasetRef, context: OperationContext): Promise<RowStream> {
    if ("path" in ref) {
      throw new NonRetriableError(
        `connection ${this.name} is a ${this.kind} database: it reads tables and queries`,
        {
          hint: `name a table or a query, or a file connection for ${ref.path}`,
        },
      );
    }
    const table = "table" in ref ? this.tableName(ref.table, ref.schema) : undefined;
    const sql = table
      ? `SELECT * FROM ${qualified(this.#driver.dialect, table)}`
      : (ref as { query: string }).query;
    const params = "params" in ref ? (ref.params ?? {}) : {};
    const place: ErrorPlace = table
      ? { connection: this.name, table: table.name, action: "reading" }
      : { connection: this.name, action: "running the query" };
    const result = await this.#statements(sql, params, place, context, table);
    if (!result.rows) {
      throw new NonRetriableError(`the query on ${this.name} returned no rows to read`, {
        hint: "a dataset query must be a SELECT (or end with one)",
      });
    }
    return result.rows;
  }

  async write(target: WriteTarget, rows: RowStream, context: OperationContext): Promise<WriteResult> {
    const table = this.#targetTable(target);
    let bytes = 0;
    const result = await this.#writeTo(
      target,
      table,
      rows.columns,
      (session, into) =>
        session.insert(
          into,
          rows.columns,
          counted(rows, context, (b) => (bytes = b)),
          context,
        ),
      context,
    );
    return { rows: result, bytes };
  }

  async loadFile(target: WriteTarget, file: FileSource, context: OperationContext): Promise<WriteResult> {
    const load = this.#driver.loadFile;
    if (!load) throw new Error(`${this.kind} cannot load files directly`);
    const table = this.#targetTable(target);
    const rows = await this.#writeTo(
      target,
      table,
      file.columns,
      (session, into) => load.call(this.#driver, session, into, file, context),
      context,
    );
    return { rows, ...(file.size === undefined ? {} : { bytes: file.size }) };
  }

  /** The formats this kind loads without parsing rows in JavaScript. */
  get loadFormats(): readonly FormatName[] {
    return this.#driver.loadFile ? (this.#driver.loadFormats ?? []) : [];
  }

  async execute(
    sql: string,
    params: Readonly<Record<string, unknown>>,
    context: OperationContext,
  ): Promise<{ readonly rowCount: number; readonly rows?: RowStream }> {
    const result = await this.#statements(
      sql,
      params,
      { connection: this.name, action: "running the SQL" },
      context,
    );
    return result.rows ? { rowCount: 0, rows: result.rows } : { rowCount: result.rowCount };
  }

  close(): Promise<void> {
    return this.#driver.close();
  }

  /** `schema.table` or `table` (in the connection's default schema). */
  tableName(table: string, schema?: string): TableName {
    if (schema) return { schema, name: table };
    const dot = table.indexOf(".");
    if (dot > 0 && table.indexOf(".", dot + 1) < 0)
      return { schema: table.slice(0, dot), name: table.slice(dot + 1) };
    return this.#driver.defaultSchema ? { schema: this.#driver.defaultSchema, name: table } : { name: table };
  }

  #targetTable(target: WriteTarget): TableName {
    if (!("table" in target)) {
      throw new NonRetriableError(`connection ${this.name} is a ${this.kind} database: write into a table`, {
        hint: "write to: { connection, table, mode }",
      });
    }
    return this.tableName(target.table, target.schema);
  }

  async #writeTo(
    target: WriteTarget,
    table: TableName,
    columns: readonly Column[],
    fill: (session: SqlSession, into: TableName) => Promise<number>,
    context: OperationContext,
  ): Promise<number> {
    const place: ErrorPlace = {
      connection: this.name,
      table: table.name,
      action: `writing (${target.mode})`,
    };
    return this.#guard(place, async () => {
      const session = await this.#driver.session(context);
      let broken = false;
      try {
        return await writeTable(
          session,
          this.#driver.dialect,
          { table, mode: target.mode, columns, fill, ...(target.key ? { key: target.key } : {}) },
          context,
        );
      } catch (error) {
        broken = true;
        throw error;
      } finally {
        await session.release(broken);
      }
    });
  }

  /** Runs each statement of a script on one session; the last one's rows are streamed. */
  async #statements(
    sql: string,
    params: Readonly<Record<string, unknown>>,
    place: ErrorPlace,
    context: OperationContext,
    table?: TableName,
  ): Promise<QueryResult> {
    const dialect = this.#driver.dialect;
    const statements = splitStatements(sql, dialect.rules).map((statement) =>
      bindNamedParams(statement, params, (index) => dialect.placeholder(index), dialect.rules),
    );
    if (statements.length === 0) throw new NonRetriableError(`the SQL for ${this.name} is empty`);
    return this.#guard(place, async () => {
      const session = await this.#driver.session(context);
      let released = false;
      const release = async (broken = false): Promise<void> => {
        if (released) return;
        released = true;
        await session.release(broken);
      };
      try {
        let rowCount = 0;
        const known = table ? await session.columns(table) : undefined;
        if (table && !known) throw notFound(this.name, table);
        for (const [index, statement] of statements.entries()) {
          const result = await session.query(statement.sql, statement.values, context, known);
          if (index === statements.length - 1 && result.rows) {
            return {
              rows: releasing(result.rows, release, (error) => this.#driver.describeError(error, place)),
            };
          }
          if (result.rows) for await (const _batch of result.rows) void _batch;
          rowCount += result.rowCount ?? 0;
        }
        await release();
        return { rowCount };
      } catch (error) {
        await release(true);
        throw error;
      }
    });
  }

  async #guard<T>(place: ErrorPlace, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.#driver.describeError(error, place);
    }
  }
}

function notFound(connection: string, table: TableName): NonRetriableError {
  const name = table.schema ? `${table.schema}.${table.name}` : table.name;
  return new NonRetriableError(
    `reading failed (table ${table.name}, connection ${connection}): there is no table ${name}`,
    {
      hint: `check the name, or run \`octoflow connections discover ${connection}\``,
      details: { connection, table: table.name, stage: "not_found" },
    },
  );
}

/** A row stream that gives its session back when it ends, fails or is left early. */
function releasing(
  rows: RowStream,
  release: (broken?: boolean) => Promise<void>,
  describe: (error: unknown) => Error,
): RowStream {
  return {
    columns: rows.columns,
    async *[Symbol.asyncIterator]() {
      let broken = true;
      try {
        for await (const batch of rows) yield batch;
        broken = false;
      } catch (error) {
        throw describe(error);
      } finally {
        await release(broken);
      }
    },
  };
}

/** The rows of a stream, batch by batch, with progress and a stop on cancellation. */
async function* counted(
  rows: RowStream,
  context: OperationContext,
  bytesSoFar: (bytes: number) => void,
): AsyncIterable<readonly Row[]> {
  let done = 0;
  let bytes = 0;
  for await (const batch of rows) {
    if (context.signal.aborted) throw context.signal.reason;
    done += batch.rows.length;
    bytes += batch.bytes ?? 0;
    bytesSoFar(bytes);
    yield batch.rows;
    context.progress?.({ rows: done, bytes });
  }
}
