import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type { Column, CsvOptions, Row, RowBatch, RowStream } from "../connector.js";
import type { ByteInput, DatasetFormat, FormatReadOptions, FormatWriteOptions } from "./format.js";
import { BATCH_ROWS, binaryReason, formatError, valueError } from "./format.js";
import { INFER_SAMPLE_ROWS, inferTextType } from "./infer.js";
import { rowStream } from "./row-stream.js";
import { canonical, formatText, parseText } from "./values.js";
import type { CsvRecord } from "./csv-records.js";
import { CsvRecordParser, CsvSyntaxError } from "./csv-records.js";

/**
 * CSV, streamed (csv-records.ts). Options: `header` (default true: the first line names the
 * columns; else col_1, col_2…), `delimiter` (","), `quote` ('"'), `encoding` (utf8), `null`
 * (the text of a NULL, default empty: an unquoted empty cell is NULL, a quoted one `""` is an
 * empty text). Types come from declared `columns`, else are inferred from the first 1,000 rows
 * (see infer.ts). A row with more or fewer cells than the first, an unclosed quote, or a cell
 * that is not of its column's type fails with the file and line.
 */
export const csvFormat: DatasetFormat = {
  name: "csv",
  appendable: true,
  mimeType: "text/csv",
  read: readCsv,
  write: writeCsv,
};

async function readCsv(input: ByteInput, options: FormatReadOptions) {
  const csv = options.csv ?? {};
  const nullText = csv.null ?? "";
  const stream = await input.open();
  const counter = { bytes: 0 };
  const records = parseRecords(stream, input.shown, csv, nullText, options.signal, counter);
  const iterator = records[Symbol.asyncIterator]();
  const sample: CsvRecord[] = [];
  let names: string[] | undefined;
  if (csv.header ?? true) {
    const first = await iterator.next();
    if (!first.done) names = first.value.cells.map((name, index) => name ?? `col_${index + 1}`);
  }
  const wanted = options.columns ? 1 : INFER_SAMPLE_ROWS;
  while (sample.length < wanted) {
    const next = await iterator.next();
    if (next.done) break;
    sample.push(next.value);
  }
  const width = names?.length ?? options.columns?.length ?? sample[0]?.cells.length ?? 0;
  const columns = options.columns
    ? checkDeclared(options.columns, width, input.shown)
    : Array.from({ length: width }, (_, index) => ({
        name: names?.[index] ?? `col_${index + 1}`,
        type: inferTextType(sample.map((record) => record.cells[index] ?? null)),
        nullable: true,
      }));
  const convert = (record: CsvRecord): Row => {
    if (record.cells.length !== columns.length) {
      throw formatError(
        input.shown,
        "csv",
        `the row has ${record.cells.length} fields, the first row has ${columns.length}`,
        { line: record.line },
      );
    }
    return record.cells.map((text, index) => {
      const column = columns[index]!;
      if (text === null || column.type.kind === "text") return text;
      try {
        return parseText(text, column.type);
      } catch (error) {
        throw valueError(input.shown, (error as Error).message, { line: record.line, column: column.name });
      }
    });
  };
  async function* batches(): AsyncGenerator<RowBatch> {
    try {
      let rows: Row[] = sample.map(convert);
      let reported = 0;
      const take = (): RowBatch => {
        const batch = { rows, bytes: counter.bytes - reported };
        reported = counter.bytes;
        rows = [];
        return batch;
      };
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        rows.push(convert(next.value));
        if (rows.length >= BATCH_ROWS) yield take();
      }
      if (rows.length > 0) yield take();
    } finally {
      stream.destroy();
    }
  }
  return rowStream(columns, batches());
}

async function* parseRecords(
  stream: Readable,
  shown: string,
  csv: CsvOptions,
  nullText: string,
  signal: AbortSignal,
  counter: { bytes: number },
): AsyncGenerator<CsvRecord> {
  const parser = new CsvRecordParser({ delimiter: csv.delimiter ?? ",", quote: csv.quote ?? '"', nullText });
  const decoder = new StringDecoder(csv.encoding ?? "utf8");
  let first = true;
  try {
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      counter.bytes += buffer.length;
      if (first) {
        first = false;
        const reason = binaryReason(buffer, csv.encoding);
        if (reason) throw formatError(shown, "csv", reason, { line: 1 });
      }
      signal.throwIfAborted();
      yield* parser.push(decoder.write(buffer));
    }
    yield* parser.push(decoder.end());
    yield* parser.end();
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (error instanceof CsvSyntaxError) throw formatError(shown, "csv", error.message, { line: error.line });
    throw error;
  } finally {
    stream.destroy();
  }
}

function checkDeclared(columns: readonly Column[], width: number, shown: string): readonly Column[] {
  if (width !== 0 && columns.length !== width) {
    throw formatError(shown, "csv", `${columns.length} columns are declared, the file has ${width}`, {
      line: 1,
    });
  }
  return columns;
}

async function* writeCsv(rows: RowStream, options: FormatWriteOptions): AsyncGenerator<Uint8Array> {
  const csv = options.csv ?? {};
  const encoding = csv.encoding ?? "utf8";
  const quoteCell = cellQuoter(csv);
  const columns = rows.columns;
  let written = 0;
  if ((csv.header ?? true) && !options.appending) {
    yield Buffer.from(
      `${columns.map((column) => quoteCell(column.name)).join(csv.delimiter ?? ",")}\n`,
      encoding,
    );
  }
  for await (const batch of rows) {
    options.signal.throwIfAborted();
    let text = "";
    for (const row of batch.rows) {
      text += `${row.map((value, index) => cellText(value, columns[index]!, written + 1, quoteCell)).join(csv.delimiter ?? ",")}\n`;
      written++;
    }
    options.onRows?.(written);
    yield Buffer.from(text, encoding);
  }
}

function cellText(
  value: unknown,
  column: Column,
  row: number,
  quoteCell: (text: string | null) => string,
): string {
  if (value === null || value === undefined) return quoteCell(null);
  try {
    return quoteCell(formatText(canonical(value, column.type), column.type));
  } catch (error) {
    throw valueError("the rows", (error as Error).message, { row, column: column.name });
  }
}

/** Quotes a cell only when it must be: delimiter, quote, line break, the null text, or empty. */
function cellQuoter(csv: CsvOptions): (text: string | null) => string {
  const delimiter = csv.delimiter ?? ",";
  const quote = csv.quote ?? '"';
  const nullText = csv.null ?? "";
  return (text) => {
    if (text === null) return nullText;
    const needs =
      text === "" ||
      text === nullText ||
      text.includes(delimiter) ||
      text.includes(quote) ||
      text.includes("\n") ||
      text.includes("\r");
    return needs ? `${quote}${text.replaceAll(quote, quote + quote)}${quote}` : text;
  };
}
