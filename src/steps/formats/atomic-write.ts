import { randomBytes } from "node:crypto";
import { mkdir, open, rename, stat, unlink } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { FileEncoding } from "./format.js";

/** Text is written in batches of about this many characters, checking for cancellation between them. */
const BATCH_CHARS = 256 * 1024;

/**
 * Writes a file so that a crash or an error never leaves a half-written file in its place: the
 * text goes to a temporary file in the same directory, is flushed to disk (fsync), then renamed
 * over the target. Parent directories are created; an existing file keeps its permissions. On any
 * error the temporary file is removed and the old file is left as it was. Returns the bytes written.
 *
 * @example await writeAtomic("/data/out/a.json", ['{"a": 1}\n'], "utf8", signal)
 */
export async function writeAtomic(
  target: string,
  chunks: Iterable<string>,
  encoding: FileEncoding,
  signal: AbortSignal,
): Promise<number> {
  const directory = dirname(target);
  await mkdir(directory, { recursive: true });
  const mode = await stat(target).then(
    (info) => info.mode & 0o777,
    () => 0o666,
  );
  const temporary = join(directory, `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temporary, "wx", mode);
    const bytes = await writeChunks(handle, chunks, encoding, signal);
    await handle.sync();
    await handle.close();
    handle = undefined;
    signal.throwIfAborted();
    await rename(temporary, target);
    await syncDirectory(directory);
    return bytes;
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/**
 * Adds text at the end of a file (created with its folders when missing) and flushes it to disk.
 * The caller builds the whole text first, so that a value that cannot be written adds nothing.
 *
 * @example await appendDurably("/data/log.ndjson", '{"a":1}\n', "utf8")
 */
export async function appendDurably(target: string, text: string, encoding: FileEncoding): Promise<number> {
  await mkdir(dirname(target), { recursive: true });
  const handle = await open(target, "a");
  try {
    await handle.appendFile(text, { encoding });
    await handle.sync();
    return Buffer.byteLength(text, encoding);
  } finally {
    await handle.close();
  }
}

/** Whether the file exists, is empty, and ends with a line feed: what appending lines needs to know. */
export async function fileTail(
  target: string,
): Promise<{ exists: boolean; empty: boolean; endsWithNewline: boolean }> {
  let handle: FileHandle;
  try {
    handle = await open(target, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      return { exists: false, empty: true, endsWithNewline: true };
    throw error;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return { exists: true, empty: true, endsWithNewline: true };
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return { exists: true, empty: false, endsWithNewline: last[0] === 0x0a };
  } finally {
    await handle.close();
  }
}

async function writeChunks(
  handle: FileHandle,
  chunks: Iterable<string>,
  encoding: FileEncoding,
  signal: AbortSignal,
): Promise<number> {
  let bytes = 0;
  let batch = "";
  const flush = async (): Promise<void> => {
    signal.throwIfAborted();
    // writeFile goes on from the current position and loops over short writes.
    await handle.writeFile(batch, { encoding });
    bytes += Buffer.byteLength(batch, encoding);
    batch = "";
  };
  for (const chunk of chunks) {
    batch += chunk;
    if (batch.length >= BATCH_CHARS) await flush();
  }
  if (batch !== "") await flush();
  return bytes;
}

/** Makes the rename itself durable; some systems cannot open a directory, which is fine there. */
async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, "r");
    await handle.sync();
  } catch {
    // EISDIR or EPERM on Windows and some file systems: the rename is as durable as it gets.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

const busyPaths = new Map<string, Promise<unknown>>();

/**
 * Runs `work` once the earlier work on the same path (in this process) has ended, so that two
 * appends to one file from a for_each never lose each other's rows.
 *
 * @example await withPathLock(absolute, () => writeAtomic(absolute, chunks, "utf8", signal))
 */
export async function withPathLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const current = (busyPaths.get(path) ?? Promise.resolve()).then(work, work);
  const settled = current.catch(() => undefined);
  busyPaths.set(path, settled);
  try {
    return await current;
  } finally {
    if (busyPaths.get(path) === settled) busyPaths.delete(path);
  }
}
