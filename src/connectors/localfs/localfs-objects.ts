import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import type { Dirent } from "node:fs";
import { mkdir, open, readdir, rename, stat, truncate, unlink } from "node:fs/promises";
import { basename, dirname, join, relative, sep } from "node:path";
import type { Readable } from "node:stream";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { NonRetriableError } from "../../model/errors.js";
import { resolveUnder } from "../../services/safe-path.js";
import { fileSystemError } from "../../steps/formats/file-io.js";
import type { DiscoveredObject, ObjectAccess, OperationContext } from "../connector.js";
import type { FileStore } from "../formats/dataset-files.js";
import type { RandomAccess } from "../formats/format.js";
import { mimeTypeOf } from "../formats/mime.js";
import { fileRandomAccess } from "../formats/random-access.js";

/** Temporary files of unfinished writes: `.name.0123abcd.tmp`, hidden from listings. */
const TEMPORARY = /^\..+\.[0-9a-f]{12}\.tmp$/;

/**
 * Files under one folder as objects. Every path resolves inside the folder (`..`, absolute
 * paths and links that point out are refused); `put` writes a temporary file in the target's
 * folder, flushes it and renames it over the target, so a failed or cancelled write leaves the
 * old file; `append` truncates back to the old size when it fails.
 */
export class LocalfsObjects implements ObjectAccess, FileStore {
  readonly objects: ObjectAccess = this;

  constructor(
    readonly connection: string,
    readonly root: string,
    /** How the folder is named in messages. */
    readonly label = `the folder of connection "${connection}"`,
  ) {}

  /** The absolute path of a file of the connection; throws when it would leave the folder. */
  localPath(path: string): string {
    if (!existsSync(this.root)) {
      throw new NonRetriableError(`${this.label} does not exist`, {
        hint: "create it, or set `create: true` on the connection",
      });
    }
    return resolveUnder(this.root, path, this.label);
  }

  async get(path: string, context: OperationContext): Promise<Readable> {
    const absolute = this.localPath(path);
    const info = await stat(absolute).catch((error: unknown) => {
      throw this.#error(error, path, "read");
    });
    if (info.isDirectory())
      throw this.#error(Object.assign(new Error("directory"), { code: "EISDIR" }), path, "read");
    return createReadStream(absolute, { signal: context.signal });
  }

  async put(path: string, body: Readable, context: OperationContext): Promise<{ bytes: number }> {
    const absolute = this.localPath(path);
    const temporary = join(dirname(absolute), `.${basename(absolute)}.${randomBytes(6).toString("hex")}.tmp`);
    const counter = byteCounter(context);
    try {
      await mkdir(dirname(absolute), { recursive: true });
      const target = createWriteStream(temporary, { flags: "wx" });
      await pipeline(body, counter.stream, target, { signal: context.signal });
      await syncFile(temporary);
      context.signal.throwIfAborted();
      await rename(temporary, absolute);
      return { bytes: counter.bytes() };
    } catch (error) {
      body.destroy();
      await unlink(temporary).catch(() => undefined);
      throw context.signal.aborted ? context.signal.reason : this.#error(error, path, "write");
    }
  }

  async append(path: string, body: Readable, context: OperationContext): Promise<{ bytes: number }> {
    const absolute = this.localPath(path);
    const size = await stat(absolute).then(
      (info) => info.size,
      () => 0,
    );
    const counter = byteCounter(context);
    try {
      await mkdir(dirname(absolute), { recursive: true });
      await pipeline(body, counter.stream, createWriteStream(absolute, { flags: "a" }), {
        signal: context.signal,
      });
      await syncFile(absolute);
      return { bytes: counter.bytes() };
    } catch (error) {
      body.destroy();
      await truncate(absolute, size).catch(() => undefined);
      throw context.signal.aborted ? context.signal.reason : this.#error(error, path, "append to");
    }
  }

  async *list(prefix: string, context: OperationContext): AsyncIterable<DiscoveredObject> {
    const start =
      prefix.endsWith("/") || prefix === "" ? prefix : dirname(prefix) === "." ? "" : `${dirname(prefix)}/`;
    const folder = this.localPath(start === "" ? "." : start);
    for await (const name of this.#walk(folder, context)) {
      if (!name.startsWith(prefix)) continue;
      const info = await this.stat(name, context);
      if (info) yield info;
    }
  }

  async delete(path: string, _context: OperationContext): Promise<void> {
    try {
      await unlink(this.localPath(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw this.#error(error, path, "write");
    }
  }

  async stat(path: string, _context: OperationContext): Promise<DiscoveredObject | undefined> {
    try {
      const info = await stat(this.localPath(path));
      if (!info.isFile()) return undefined;
      return {
        kind: "file",
        name: path,
        size: info.size,
        mimeType: mimeTypeOf(path),
        modifiedUtc: info.mtime.toISOString(),
      };
    } catch (error) {
      if (["ENOENT", "ENOTDIR"].includes((error as NodeJS.ErrnoException).code ?? "")) return undefined;
      throw this.#error(error, path, "read");
    }
  }

  randomAccess(path: string, _context: OperationContext): Promise<RandomAccess> {
    return fileRandomAccess(this.localPath(path));
  }

  /** Files under `folder`, recursively, as paths relative to the root, in the order S3 lists keys. */
  async *#walk(folder: string, context: OperationContext): AsyncGenerator<string> {
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    const key = (entry: Dirent) => (entry.isDirectory() ? `${entry.name}/` : entry.name);
    entries.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    for (const entry of entries) {
      context.signal.throwIfAborted();
      const absolute = join(folder, entry.name);
      // Links are not followed: they could lead out of the folder.
      if (entry.isDirectory()) yield* this.#walk(absolute, context);
      else if (entry.isFile() && !TEMPORARY.test(entry.name))
        yield relative(this.root, absolute).split(sep).join("/");
    }
  }

  #error(error: unknown, path: string, action: "read" | "write" | "append to"): Error {
    if (error instanceof NonRetriableError) return error;
    return fileSystemError(error, `${this.connection}:${path}`, action);
  }
}

/** A pass-through that counts bytes and reports them as progress. */
function byteCounter(context: OperationContext): { stream: Transform; bytes(): number } {
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      context.progress?.({ rows: 0, bytes });
      done(null, chunk);
    },
  });
  return { stream, bytes: () => bytes };
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
