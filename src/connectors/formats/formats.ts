import { NonRetriableError } from "../../model/errors.js";
import type { FormatName } from "../connector.js";
import { csvFormat } from "./csv-format.js";
import type { DatasetFormat } from "./format.js";
import { jsonFormat } from "./json-format.js";
import { ndjsonFormat } from "./ndjson-format.js";

/**
 * A format whose implementation (and its library) loads on first use: Parquet and Arrow pull in
 * large libraries that most commands never need, and the CLI should start fast.
 */
function lazyFormat(
  name: FormatName,
  appendable: boolean,
  mimeType: string,
  load: () => Promise<DatasetFormat>,
): DatasetFormat {
  let loaded: Promise<DatasetFormat> | undefined;
  const format = (): Promise<DatasetFormat> => (loaded ??= load());
  return {
    name,
    appendable,
    mimeType,
    read: async (input, options) => (await format()).read(input, options),
    async *write(rows, options) {
      yield* (await format()).write(rows, options);
    },
  };
}

/** Every dataset format, by name. */
export const DATASET_FORMATS: Readonly<Record<FormatName, DatasetFormat>> = {
  csv: csvFormat,
  json: jsonFormat,
  ndjson: ndjsonFormat,
  parquet: lazyFormat(
    "parquet",
    false,
    "application/vnd.apache.parquet",
    async () => (await import("./parquet-format.js")).parquetFormat,
  ),
  arrow: lazyFormat(
    "arrow",
    false,
    "application/vnd.apache.arrow.stream",
    async () => (await import("./arrow-format.js")).arrowFormat,
  ),
};

export const FORMAT_NAMES = Object.keys(DATASET_FORMATS) as FormatName[];

const BY_EXTENSION: Readonly<Record<string, FormatName>> = {
  csv: "csv",
  tsv: "csv",
  txt: "csv",
  json: "json",
  ndjson: "ndjson",
  jsonl: "ndjson",
  parquet: "parquet",
  pq: "parquet",
  arrow: "arrow",
  arrows: "arrow",
  ipc: "arrow",
  feather: "arrow",
};

/**
 * The format of a dataset: as named, else from the path's extension. ORC is refused with the
 * reason: no maintained JavaScript library reads it.
 *
 * @example formatFor("lake:raw/orders.parquet", undefined) // parquetFormat
 */
export function formatFor(path: string, named: FormatName | undefined, shown = path): DatasetFormat {
  if (named) {
    if ((named as string) === "orc") throw orcRefused(shown);
    const format = DATASET_FORMATS[named];
    if (!format) throw unknownFormat(shown, named);
    return format;
  }
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  if (extension === "orc") throw orcRefused(shown);
  const found = extension ? BY_EXTENSION[extension] : undefined;
  if (!found) throw unknownFormat(shown, extension ? `.${extension}` : "no extension");
  return DATASET_FORMATS[found];
}

/** The delimiter a path implies when none is set: a tab for .tsv files. */
export function defaultDelimiter(path: string): string | undefined {
  return /\.tsv$/i.test(path) ? "\t" : undefined;
}

function unknownFormat(shown: string, what: string): NonRetriableError {
  return new NonRetriableError(`cannot tell the format of ${shown} (${what})`, {
    hint: `set \`format:\` to one of ${FORMAT_NAMES.join(", ")}`,
  });
}

function orcRefused(shown: string): NonRetriableError {
  return new NonRetriableError(`${shown}: ORC is not supported`, {
    hint: "no maintained JavaScript library reads ORC (the npm packages for it are abandoned); convert the file to Parquet first, e.g. with Spark or pyarrow",
  });
}
