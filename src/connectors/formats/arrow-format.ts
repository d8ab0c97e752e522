import type { Readable } from "node:stream";
import {
  AsyncByteQueue,
  RecordBatch,
  RecordBatchReader,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  makeData,
} from "apache-arrow";
import type { Column, Row, RowBatch, RowStream } from "../connector.js";
import { arrowField, arrowReader, arrowVector, columnTypeOfField } from "./arrow-types.js";
import type { ByteInput, DatasetFormat, FormatReadOptions, FormatWriteOptions } from "./format.js";
import { formatError, valueError } from "./format.js";
import { rebatch, rowStream } from "./row-stream.js";
import { canonical } from "./values.js";

/**
 * Arrow IPC with apache-arrow (the Apache project's own JavaScript implementation). Written as
 * the IPC stream format (.arrows, also used for .arrow here), one record batch of up to 64 Ki
 * rows at a time; read from either the stream format (streamed) or the file format (which keeps
 * its index at the end: apache-arrow then holds the file in memory). octoflow's column types are
 * recorded in the schema's metadata, so a file it wrote reads back with the same types.
 */
export const arrowFormat: DatasetFormat = {
  name: "arrow",
  appendable: false,
  mimeType: "application/vnd.apache.arrow.stream",
  read: readArrow,
  write: writeArrow,
};

const BATCH_ROWS = 64 * 1024;
const COLUMNS_KEY = "octoflow:columns";

async function readArrow(input: ByteInput, options: FormatReadOptions): Promise<RowStream> {
  const stream = await input.open();
  const bytes = await checkedBytes(stream, input.shown);
  let reader: RecordBatchReader;
  try {
    reader = await RecordBatchReader.from(bytes);
    await reader.open();
  } catch (error) {
    stream.destroy();
    throw formatError(input.shown, "arrow", (error as Error).message, {}, error);
  }
  const fields = reader.schema.fields;
  const columns =
    recordedColumns(reader.schema) ??
    fields.map((field) => ({
      name: field.name,
      type: columnTypeOfField(field),
      nullable: field.nullable,
    }));
  async function* batches(): AsyncGenerator<RowBatch> {
    let rowNumber = 0;
    try {
      for await (const batch of reader) {
        options.signal.throwIfAborted();
        const readers = columns.map((column, index) => arrowReader(batch.getChildAt(index)!, column.type));
        const rows: Row[] = new Array<Row>(batch.numRows);
        for (let row = 0; row < batch.numRows; row++) rows[row] = readers.map((read) => read(row));
        rowNumber += batch.numRows;
        yield { rows, bytes: batch.data.byteLength };
      }
    } catch (error) {
      if (options.signal.aborted) throw options.signal.reason;
      if ((error as { code?: string }).code === "STEP_FAILED") throw error;
      throw formatError(input.shown, "arrow", (error as Error).message, { row: rowNumber + 1 }, error);
    } finally {
      stream.destroy();
    }
  }
  return rowStream(columns, batches());
}

/** The stream, after a look at its first bytes: an Arrow file starts with ARROW1, a stream with 0xFFFFFFFF. */
async function checkedBytes(stream: Readable, shown: string): Promise<AsyncIterable<Uint8Array>> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let head = Buffer.alloc(0);
  while (head.length < 8) {
    const next = await iterator.next();
    if (next.done) break;
    head = Buffer.concat([head, next.value]);
  }
  const magic = head.subarray(0, 6).toString("latin1");
  const continuation = head.length >= 8 && head.readUInt32LE(0) === 0xffffffff;
  if (magic !== "ARROW1" && !continuation) {
    stream.destroy();
    const what =
      head.subarray(0, 4).toString("latin1") === "PAR1"
        ? " (it is a Parquet file)"
        : head.length === 0
          ? " (it is empty)"
          : "";
    throw formatError(shown, "arrow", `it does not start like an Arrow IPC file or stream${what}`);
  }
  return (async function* () {
    yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  })();
}

function recordedColumns(schema: Schema): Column[] | undefined {
  const recorded = schema.metadata.get(COLUMNS_KEY);
  if (!recorded) return undefined;
  try {
    const columns = JSON.parse(recorded) as Column[];
    const names = schema.fields.map((field) => field.name);
    return columns.length === names.length && columns.every((column, index) => column.name === names[index])
      ? columns
      : undefined;
  } catch {
    return undefined;
  }
}

/** Collects what the Arrow writer produces, so that each batch's bytes can be handed out in turn. */
class ChunkSink extends AsyncByteQueue {
  chunks: Uint8Array[] = [];
  override write(value: Uint8Array): void {
    if (value.byteLength > 0) this.chunks.push(value.slice());
  }
  take(): Uint8Array {
    const joined = Buffer.concat(this.chunks);
    this.chunks = [];
    return joined;
  }
}

async function* writeArrow(rows: RowStream, options: FormatWriteOptions): AsyncGenerator<Uint8Array> {
  const columns = rows.columns;
  const fields = columns.map(arrowField);
  const schema = new Schema(fields, new Map([[COLUMNS_KEY, JSON.stringify(columns)]]));
  const sink = new ChunkSink();
  const writer = new RecordBatchStreamWriter();
  writer.reset(sink, schema);
  let written = 0;
  let wroteBatch = false;
  for await (const group of rebatch(rows, BATCH_ROWS)) {
    options.signal.throwIfAborted();
    const children = columns.map((column, index) => {
      const values = group.map((row, offset) => arrowValue(row[index], column, written + offset + 1));
      return arrowVector(fields[index]!, column.type, values).data[0]!;
    });
    const data = makeData({ type: new Struct(fields), length: group.length, nullCount: 0, children });
    writer.write(new RecordBatch(schema, data));
    wroteBatch = true;
    written += group.length;
    options.onRows?.(written);
    yield sink.take();
  }
  // A stream with no batch still carries its schema, so that readers know the columns.
  if (!wroteBatch)
    writer.write(
      new RecordBatch(
        schema,
        makeData({
          type: new Struct(fields),
          length: 0,
          nullCount: 0,
          children: fields.map(
            (field) => arrowVector(field, columns[fields.indexOf(field)]!.type, []).data[0]!,
          ),
        }),
      ),
    );
  writer.finish();
  yield sink.take();
}

function arrowValue(value: unknown, column: Column, row: number): unknown {
  try {
    const exact = canonical(value, column.type);
    if (exact === null && !column.nullable) throw new Error("NULL in a column that is not nullable");
    return exact;
  } catch (error) {
    throw valueError("the rows", (error as Error).message, { row, column: column.name });
  }
}
