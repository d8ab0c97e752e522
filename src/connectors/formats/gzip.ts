import { PassThrough, Readable } from "node:stream";
import { createGunzip, createGzip } from "node:zlib";
import { NonRetriableError } from "../../model/errors.js";

/** Whether a path names a gzip-compressed file: `orders.csv.gz`. */
export function isGzipped(path: string): boolean {
  return /\.gz$/i.test(path);
}

/** The path without its `.gz`, which names the format inside. */
export function withoutGz(path: string): string {
  return path.replace(/\.gz$/i, "");
}

/**
 * The decompressed bytes of a gzip stream; an error of the compressed data names the file.
 *
 * @example const text = gunzipped(await objects.get("in/a.csv.gz", context), "files:in/a.csv.gz");
 */
export function gunzipped(compressed: Readable, shown: string): Readable {
  const gunzip = createGunzip();
  const out = new PassThrough();
  compressed.on("error", (error) => out.destroy(error));
  gunzip.on("error", (error) =>
    out.destroy(
      new NonRetriableError(`${shown}: not valid gzip: ${error.message}`, {
        hint: "fix the file, or name it without .gz if it is not compressed",
        cause: error,
      }),
    ),
  );
  out.on("close", () => compressed.destroy());
  compressed.pipe(gunzip).pipe(out);
  return out;
}

/** Bytes compressed with gzip as they are pulled. */
export function gzipped(bytes: AsyncIterable<Uint8Array>): Readable {
  const source = Readable.from(bytes, { objectMode: false });
  const gzip = createGzip();
  source.on("error", (error) => gzip.destroy(error));
  gzip.on("close", () => source.destroy());
  return source.pipe(gzip);
}
