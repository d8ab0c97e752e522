import type { Column, Row, RowBatch, RowStream } from "../connector.js";
import { BATCH_ROWS } from "./format.js";

/**
 * A RowStream from its columns and a source of batches.
 *
 * @example const stream = rowStream(columns, batchesOf(rows));
 */
export function rowStream(columns: readonly Column[], batches: AsyncIterable<RowBatch>): RowStream {
  return {
    columns,
    [Symbol.asyncIterator]: () => batches[Symbol.asyncIterator](),
  };
}

/**
 * A RowStream over rows already in memory (tests, small results), in batches.
 *
 * @example rowsFromArray([{ name: "id", type: { kind: "int64" }, nullable: false }], [[1n], [2n]])
 */
export function rowsFromArray(
  columns: readonly Column[],
  rows: readonly Row[],
  batchRows = BATCH_ROWS,
): RowStream {
  return rowStream(
    columns,
    (async function* () {
      for (let start = 0; start < rows.length; start += batchRows)
        yield { rows: rows.slice(start, start + batchRows) };
    })(),
  );
}

/**
 * Reads a whole RowStream into memory: for tests and small datasets only.
 *
 * @example const { columns, rows } = await collectRows(await connection.read(ref, context));
 */
export async function collectRows(stream: RowStream): Promise<{ columns: readonly Column[]; rows: Row[] }> {
  const rows: Row[] = [];
  for await (const batch of stream) for (const row of batch.rows) rows.push(row);
  return { columns: stream.columns, rows };
}

/**
 * Gathers rows from a RowStream into batches of `size` rows (the last one may be shorter), so
 * that a writer sees even row groups whatever batch sizes the producer uses.
 */
export async function* rebatch(stream: AsyncIterable<RowBatch>, size: number): AsyncGenerator<Row[]> {
  let pending: Row[] = [];
  for await (const batch of stream) {
    for (const row of batch.rows) {
      pending.push(row);
      if (pending.length >= size) {
        yield pending;
        pending = [];
      }
    }
  }
  if (pending.length > 0) yield pending;
}
