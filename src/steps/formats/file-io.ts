import { createReadStream } from "node:fs";
import type { ReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { StringDecoder } from "node:string_decoder";
import { NonRetriableError, OctoflowError } from "../../model/errors.js";
import type { FileSource } from "./format.js";
import { stripBom } from "./format.js";

/** Files smaller than this read without progress reports: they take no time. */
const PROGRESS_MIN_BYTES = 1024 * 1024;
/** Bytes between two progress reports of a large file. */
const PROGRESS_EVERY_BYTES = 4 * 1024 * 1024;

/**
 * Opens a file of the data folder for reading as a stream that stops when the step's signal
 * aborts, with a `report()` that sends throttled progress in bytes for large files.
 *
 * @example const { stream, report } = await openForReading(source);
 */
export async function openForReading(source: FileSource): Promise<{ stream: ReadStream; report(): void }> {
  let size: number;
  try {
    const info = await stat(source.absolute);
    if (info.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    size = info.size;
  } catch (error) {
    throw fileSystemError(error, source.shown, "read");
  }
  const stream = createReadStream(source.absolute, { signal: source.signal });
  let reported = 0;
  const report = (): void => {
    if (size < PROGRESS_MIN_BYTES) return;
    const done = stream.bytesRead;
    if (done - reported >= PROGRESS_EVERY_BYTES || done >= size) {
      reported = done;
      source.progress(Math.min(done, size), size);
    }
  };
  return { stream, report };
}

/** Reads a whole file as text (for formats that parse a document as a whole: json, yaml, text). */
export async function readWhole(source: FileSource): Promise<string> {
  const { stream, report } = await openForReading(source);
  const decoder = new StringDecoder(source.encoding);
  const parts: string[] = [];
  try {
    for await (const chunk of stream) {
      parts.push(decoder.write(chunk as Buffer));
      report();
    }
  } catch (error) {
    throw readError(error, source);
  }
  parts.push(decoder.end());
  return stripBom(parts.join(""));
}

/**
 * Reads a file line by line without holding it whole; yields each line (without its end of line)
 * with its 1-based number. Stops with the signal's reason when the run is cancelled.
 *
 * @example for await (const { text, line } of readLines(source)) rows.push(JSON.parse(text));
 */
export async function* readLines(source: FileSource): AsyncGenerator<{ text: string; line: number }> {
  const { stream, report } = await openForReading(source);
  const decoder = new StringDecoder(source.encoding);
  let pending = "";
  let line = 0;
  let start = true;
  try {
    for await (const chunk of stream) {
      pending += decoder.write(chunk as Buffer);
      if (start && pending !== "") {
        pending = stripBom(pending);
        start = false;
      }
      let end: number;
      while ((end = pending.indexOf("\n")) !== -1) {
        source.signal.throwIfAborted();
        yield { text: trimCr(pending.slice(0, end)), line: ++line };
        pending = pending.slice(end + 1);
      }
      report();
    }
  } catch (error) {
    throw readError(error, source);
  } finally {
    stream.destroy();
  }
  pending += decoder.end();
  if (pending !== "") yield { text: trimCr(pending), line: ++line };
}

function trimCr(text: string): string {
  return text.endsWith("\r") ? text.slice(0, -1) : text;
}

/** A failed read: the run's own reason when it was cancelled, else the file system error explained. */
export function readError(error: unknown, source: FileSource): unknown {
  if (source.signal.aborted) return source.signal.reason;
  return fileSystemError(error, source.shown, "read");
}

/**
 * Turns a file system error into one that names the file (relative to DATA_PATH, never the host's
 * absolute path) and says whether trying again can help. Our own errors and cancellations pass through.
 */
export function fileSystemError(
  error: unknown,
  shown: string,
  action: "read" | "write" | "append to",
): Error {
  if (error instanceof OctoflowError) return error;
  if (error instanceof Error && error.name === "AbortError") return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const permanent: Record<string, [string, string]> = {
    ENOENT: [
      `there is no file ${shown}`,
      "the path is relative to DATA_PATH; check it, or write the file in an earlier step",
    ],
    EISDIR: [`${shown} is a directory, not a file`, "name a file inside it"],
    ENOTDIR: [`a part of ${shown} is a file, not a directory`, "check the folders of the path"],
    EACCES: [`no permission to ${action} ${shown}`, "check the file's owner and mode"],
    EPERM: [`no permission to ${action} ${shown}`, "check the file's owner and mode"],
    EROFS: [
      `cannot ${action} ${shown}: the file system is read-only`,
      "write under another folder of DATA_PATH",
    ],
  };
  const known = code ? permanent[code] : undefined;
  if (known) return new NonRetriableError(known[0], { hint: known[1], cause: error });
  const reason = error instanceof Error ? error.message.replaceAll(/'[^']*'/g, shown) : String(error);
  return new OctoflowError("STEP_FAILED", `cannot ${action} ${shown}: ${reason}`, { cause: error });
}
