import { Readable } from "node:stream";
import { NonRetriableError } from "../../model/errors.js";
import type {
  CsvOptions,
  DatasetRef,
  FileSource,
  ObjectAccess,
  OperationContext,
  RowBatch,
  RowStream,
  WriteResult,
  WriteTarget,
} from "../connector.js";
import type { ByteInput, DatasetFormat, RandomAccess } from "./format.js";
import { formatError } from "./format.js";
import { defaultDelimiter, formatFor } from "./formats.js";
import { gunzipped, gzipped, isGzipped, withoutGz } from "./gzip.js";
import { rowStream } from "./row-stream.js";

/**
 * Datasets (files and objects with a format) on any storage that has ObjectAccess: the one place
 * where localfs and s3 read and write rows, so that both behave the same.
 */
export interface FileStore {
  /** The connection's name, for messages: `files:in/a.csv`. */
  readonly connection: string;
  readonly objects: ObjectAccess;
  randomAccess(path: string, context: OperationContext): Promise<RandomAccess>;
  /**
   * Adds bytes at the end of a file, all or nothing: a failed or cancelled append leaves the file
   * as it was.
   */
  append(path: string, body: Readable, context: OperationContext): Promise<{ bytes: number }>;
  /** The file's path on the local disk, when it has one; throws when the path leaves the folder. */
  localPath?(path: string): string;
}

type FileRef = Extract<DatasetRef, { path: string }>;

/**
 * Streams the rows of a file: format from `format:` or the extension, CSV options, declared
 * columns; progress in rows and bytes.
 *
 * @example const rows = await readDataset(store, { connection: "files", path: "in/a.csv" }, context);
 */
export async function readDataset(
  store: FileStore,
  ref: DatasetRef,
  context: OperationContext,
): Promise<RowStream> {
  const file = fileRef(store, ref);
  const shown = `${store.connection}:${file.path}`;
  const format = formatFor(withoutGz(file.path), file.format, shown);
  await mustExist(store, file.path, shown, context);
  const gzip = isGzipped(file.path);
  const input: ByteInput = {
    shown,
    open: async () => {
      const bytes = await store.objects.get(file.path, context);
      return gzip ? gunzipped(bytes, shown) : bytes;
    },
    // A compressed file has no random access: formats that need it read a decompressed copy.
    ...(gzip ? {} : { randomAccess: () => store.randomAccess(file.path, context) }),
  };
  const stream = await format.read(input, {
    csv: csvOptions(withoutGz(file.path), file.options),
    ...(file.columns ? { columns: file.columns } : {}),
    signal: context.signal,
  });
  return withProgress(stream, context);
}

/**
 * Writes rows as a file. `replace` goes through a temporary name (or an unfinished multipart
 * upload) and swaps at the end; `append` adds rows to a csv or ndjson file (a new file gets a
 * header); both leave the file as it was when they fail or are cancelled.
 */
export async function writeDataset(
  store: FileStore,
  target: WriteTarget,
  rows: RowStream,
  context: OperationContext,
): Promise<WriteResult> {
  const file = fileRef(store, target);
  const shown = `${store.connection}:${file.path}`;
  const format = formatFor(withoutGz(file.path), file.format, shown);
  const csv = csvOptions(withoutGz(file.path), file.options);
  const gzip = isGzipped(file.path);
  // One report of both counts: rows from the format's writer, bytes from the storage.
  let written = 0;
  let sent = 0;
  const onRows = (count: number) => {
    written = count;
    context.progress?.({ rows: written, bytes: sent });
  };
  const storing: OperationContext = {
    ...context,
    progress: (done) => {
      sent = done.bytes ?? sent;
      context.progress?.({ rows: written, bytes: sent });
    },
  };
  if (target.mode === "upsert") {
    throw new NonRetriableError(`${shown}: files cannot be upserted`, {
      hint: "use mode replace (a new file) or append (csv and ndjson)",
    });
  }
  const existing = target.mode === "append" ? await store.objects.stat(file.path, context) : undefined;
  if (target.mode === "replace" || !existing || existing.size === 0) {
    if (target.mode === "append") appendable(format, shown, gzip);
    const chunks = format.write(rows, { csv, signal: context.signal, onRows });
    const body = gzip ? gzipped(chunks) : Readable.from(chunks, { objectMode: false });
    const { bytes } = await store.objects.put(file.path, body, storing);
    return { rows: written, bytes };
  }
  appendable(format, shown, gzip);
  const tail = await tailOf(store, file.path, existing.size ?? 1, context);
  if (format.name === "csv" && (csv.header ?? true))
    await checkHeader(store, file.path, format, csv, rows, context);
  const bytes = format.write(rows, { csv, signal: context.signal, onRows, appending: true });
  const body = Readable.from(tail === 0x0a ? bytes : prefixed(Buffer.from("\n"), bytes), {
    objectMode: false,
  });
  const { bytes: count } = await store.append(file.path, body, storing);
  return { rows: written, bytes: count };
}

/**
 * A file offered to a database's `loadFile`: its format and columns (read from its header or
 * schema), and a way to open its bytes.
 */
export async function fileSourceOf(
  store: FileStore,
  ref: DatasetRef,
  context: OperationContext,
): Promise<FileSource> {
  const file = fileRef(store, ref);
  const shown = `${store.connection}:${file.path}`;
  const format = formatFor(withoutGz(file.path), file.format, shown);
  const stat = await mustExist(store, file.path, shown, context);
  if (isGzipped(file.path)) {
    throw new NonRetriableError(`${shown}: a gzip-compressed file cannot be loaded as it is`, {
      hint: "read it as rows instead (the copy step falls back to that)",
    });
  }
  const stream = await readDataset(store, ref, context);
  // Start the reader and stop it, so that it releases what it opened.
  const iterator = stream[Symbol.asyncIterator]();
  await iterator.next();
  await iterator.return?.();
  const options = csvOptions(file.path, file.options);
  return {
    format: format.name,
    options,
    columns: stream.columns,
    open: () => store.objects.get(file.path, context),
    ...(stat.size === undefined ? {} : { size: stat.size }),
    ...(store.localPath ? { localPath: store.localPath(file.path) } : {}),
  };
}

/** The file a ref names; a path that leaves a local folder is refused before anything else. */
function fileRef(store: FileStore, ref: DatasetRef): FileRef {
  if ("path" in ref) {
    store.localPath?.(ref.path);
    return ref;
  }
  throw new NonRetriableError(`connection "${store.connection}" holds files, not tables or queries`, {
    hint: "name a `path` (and a `format` when the extension does not say it)",
  });
}

function csvOptions(path: string, options: CsvOptions | undefined): CsvOptions {
  const delimiter = options?.delimiter ?? defaultDelimiter(path);
  return { ...options, ...(delimiter ? { delimiter } : {}) };
}

async function mustExist(store: FileStore, path: string, shown: string, context: OperationContext) {
  const stat = await store.objects.stat(path, context);
  if (!stat) {
    throw new NonRetriableError(`${shown}: there is no such file`, {
      hint: "check the path (relative to the connection's folder or bucket), or write the file in an earlier step",
    });
  }
  return stat;
}

function appendable(format: DatasetFormat, shown: string, gzip: boolean): void {
  if (gzip) {
    throw new NonRetriableError(`${shown}: rows cannot be appended to a gzip-compressed file`, {
      hint: "write a new file per run (e.g. a path with {{ run.id }}), or use mode: replace",
    });
  }
  if (format.appendable) return;
  throw new NonRetriableError(`${shown}: rows cannot be appended to a ${format.name} file`, {
    hint:
      format.name === "parquet" || format.name === "arrow"
        ? `a ${format.name} file ends with its index; write a new file per run (e.g. a path with {{ run.id }}) or use mode: replace`
        : "use mode: replace, or write ndjson, which can be appended to",
  });
}

/** The last byte of a file, to know whether appended rows need a line break first. */
async function tailOf(
  store: FileStore,
  path: string,
  size: number,
  context: OperationContext,
): Promise<number> {
  const access = await store.randomAccess(path, context);
  try {
    return (await access.read(size - 1, size))[0] ?? 0x0a;
  } finally {
    await access.close();
  }
}

async function checkHeader(
  store: FileStore,
  path: string,
  format: DatasetFormat,
  csv: CsvOptions,
  rows: RowStream,
  context: OperationContext,
): Promise<void> {
  const shown = `${store.connection}:${path}`;
  const existing = await format.read(
    { shown, open: () => store.objects.get(path, context) },
    { csv, signal: context.signal, columns: undefined },
  );
  const iterator = existing[Symbol.asyncIterator]();
  await iterator.next();
  await iterator.return?.();
  const have = existing.columns.map((column) => column.name);
  const adding = rows.columns.map((column) => column.name);
  if (have.join("\u0000") !== adding.join("\u0000")) {
    throw formatError(
      shown,
      "csv",
      `its header is ${have.join(", ")}; the rows to append have ${adding.join(", ")}`,
      {
        line: 1,
      },
    );
  }
}

async function* prefixed(first: Uint8Array, rest: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield first;
  yield* rest;
}

function withProgress(stream: RowStream, context: OperationContext): RowStream {
  if (!context.progress) return stream;
  const report = context.progress.bind(context);
  return rowStream(
    stream.columns,
    (async function* (): AsyncGenerator<RowBatch> {
      let rows = 0;
      let bytes = 0;
      for await (const batch of stream) {
        rows += batch.rows.length;
        bytes += batch.bytes ?? 0;
        report({ rows, bytes });
        yield batch;
      }
    })(),
  );
}
