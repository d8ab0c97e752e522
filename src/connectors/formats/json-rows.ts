import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type { Column, Row, RowBatch, RowStream } from "../connector.js";
import type { FormatWriteOptions } from "./format.js";
import { BATCH_ROWS, binaryReason, formatError, valueError } from "./format.js";
import { INFER_SAMPLE_ROWS, inferJsonType } from "./infer.js";
import { rowStream } from "./row-stream.js";
import { canonical, fromJson, toJsonText } from "./values.js";

/** One parsed element of a JSON array or NDJSON line, with the line it starts on. */
export interface JsonElement {
  readonly value: unknown;
  readonly line: number;
}

/**
 * Text decoded from a byte stream, chunk by chunk, with a check that the first bytes are text.
 * Counts the bytes read, for progress.
 */
export async function* decodeText(
  stream: Readable,
  shown: string,
  format: "json" | "ndjson",
  counter: { bytes: number },
): AsyncGenerator<string> {
  const decoder = new StringDecoder("utf8");
  let first = true;
  try {
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      counter.bytes += buffer.length;
      if (first) {
        first = false;
        const reason = binaryReason(buffer, "utf8");
        if (reason) throw formatError(shown, format, reason, { line: 1 });
      }
      yield decoder.write(buffer);
    }
    yield decoder.end();
  } finally {
    stream.destroy();
  }
}

/**
 * Turns JSON objects into rows: columns as declared, else every key of the first 1,000 objects in
 * the order first seen, with types inferred from their values. A later object with a key none of
 * those had fails (its values would be lost otherwise); a missing key is NULL.
 */
export async function jsonRowStream(
  elements: AsyncIterable<JsonElement>,
  shown: string,
  format: "json" | "ndjson",
  declared: readonly Column[] | undefined,
  counter: { bytes: number },
): Promise<RowStream> {
  const iterator = elements[Symbol.asyncIterator]();
  const sample: JsonElement[] = [];
  while (sample.length < (declared ? 0 : INFER_SAMPLE_ROWS)) {
    const next = await iterator.next();
    if (next.done) break;
    sample.push(next.value);
  }
  const columns = declared ?? inferColumns(sample, shown, format);
  const index = new Map(columns.map((column, position) => [column.name, position]));
  const toRow = ({ value, line }: JsonElement): Row => {
    if (value === null || typeof value !== "object" || Array.isArray(value))
      throw formatError(shown, format, "an element is not an object", { line });
    const row: unknown[] = new Array<unknown>(columns.length).fill(null);
    for (const [key, inner] of Object.entries(value)) {
      const position = index.get(key);
      if (position === undefined) {
        throw valueError(
          shown,
          `the key "${key}" is not one of the columns (${[...index.keys()].join(", ")})`,
          {
            row: line,
          },
        );
      }
      try {
        row[position] = fromJson(inner, columns[position]!.type);
      } catch (error) {
        throw valueError(shown, (error as Error).message, { row: line, column: key });
      }
    }
    return row;
  };
  async function* batches(): AsyncGenerator<RowBatch> {
    let rows: Row[] = sample.map(toRow);
    let reported = 0;
    const take = (): RowBatch => {
      const batch = { rows, bytes: counter.bytes - reported };
      reported = counter.bytes;
      rows = [];
      return batch;
    };
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      rows.push(toRow(next.value));
      if (rows.length >= BATCH_ROWS) yield take();
    }
    if (rows.length > 0) yield take();
  }
  return rowStream(columns, batches());
}

function inferColumns(sample: readonly JsonElement[], shown: string, format: "json" | "ndjson"): Column[] {
  const values = new Map<string, unknown[]>();
  for (const { value, line } of sample) {
    if (value === null || typeof value !== "object" || Array.isArray(value))
      throw formatError(shown, format, "an element is not an object", { line });
    for (const [key, inner] of Object.entries(value)) {
      let list = values.get(key);
      if (!list) values.set(key, (list = []));
      list.push(inner);
    }
  }
  return [...values].map(([name, list]) => ({ name, type: inferJsonType(list), nullable: true }));
}

/**
 * The text of rows as JSON objects, one per row, between `open` and `close`; `separator` goes
 * between two rows.
 */
export async function* jsonObjects(
  rows: RowStream,
  options: FormatWriteOptions,
  layout: { open: string; separator: string; close: string },
): AsyncGenerator<Uint8Array> {
  const columns = rows.columns;
  const keys = columns.map((column) => `${JSON.stringify(column.name)}:`);
  let written = 0;
  let text = layout.open;
  for await (const batch of rows) {
    options.signal.throwIfAborted();
    for (const row of batch.rows) {
      if (written > 0) text += layout.separator;
      written++;
      text += "{";
      for (let index = 0; index < columns.length; index++) {
        const column = columns[index]!;
        let value: unknown;
        try {
          value = canonical(row[index], column.type);
        } catch (error) {
          throw valueError("the rows", (error as Error).message, { row: written, column: column.name });
        }
        text += `${index === 0 ? "" : ","}${keys[index]}${toJsonText(value, column.type)}`;
      }
      text += "}";
    }
    options.onRows?.(written);
    yield Buffer.from(text);
    text = "";
  }
  yield Buffer.from(text + (written > 0 ? layout.close : layout.close.trimStart()));
}
