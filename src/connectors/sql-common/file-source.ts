import type { Readable } from "node:stream";
import { NonRetriableError } from "../../model/errors.js";
import type {
  Column,
  Connection,
  CsvOptions,
  FileSource,
  FormatName,
  OperationContext,
} from "../connector.js";
import { DATASET_FORMATS } from "../formats/formats.js";

/**
 * A file of a file or object-storage connection offered to a database's `loadFile`: its size,
 * its columns (read from the header and a sample by the format's own reader, whose stream is
 * then closed, so that only the sample is parsed), a way to open its bytes, and its local path
 * when it has one. Works with any ObjectAccess. Undefined when the connection has no byte access.
 *
 * @example const file = await fileSourceOf(files, "flights.csv", "csv", {}, context);
 */
export async function fileSourceOf(
  connection: Connection,
  path: string,
  format: FormatName,
  options: CsvOptions,
  context: OperationContext,
): Promise<FileSource | undefined> {
  const objects = connection.objects;
  if (!objects) return undefined;
  const shown = `${connection.name}:${path}`;
  const stat = await objects.stat(path, context);
  if (!stat) {
    throw new NonRetriableError(`there is no file ${shown}`, {
      hint: `check the path, or run \`octoflow connections discover ${connection.name}\``,
    });
  }
  const columns = await columnsOf(() => objects.get(path, context), shown, format, options, context.signal);
  return {
    format,
    options,
    columns,
    open: () => objects.get(path, context),
    ...(stat.size === undefined ? {} : { size: stat.size }),
    ...(localPathOf(objects, path) ? { localPath: localPathOf(objects, path) as string } : {}),
  };
}

/** The file's path on the local disk, when its storage has one (localfs). */
function localPathOf(objects: object, path: string): string | undefined {
  const local = (objects as { localPath?: (path: string) => string }).localPath;
  return typeof local === "function" ? local.call(objects, path) : undefined;
}

async function columnsOf(
  open: () => Promise<Readable>,
  shown: string,
  format: FormatName,
  options: CsvOptions,
  signal: AbortSignal,
): Promise<readonly Column[]> {
  const opened: Readable[] = [];
  try {
    const stream = await DATASET_FORMATS[format].read(
      {
        shown,
        open: async () => {
          const readable = await open();
          opened.push(readable);
          return readable;
        },
      },
      { csv: options, signal },
    );
    return stream.columns;
  } finally {
    for (const readable of opened) readable.destroy();
  }
}
