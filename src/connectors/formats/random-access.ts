import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { open, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { ByteInput, RandomAccess } from "./format.js";

/**
 * Random access to a local file through one file handle.
 *
 * @example const file = await fileRandomAccess("/data/in/a.parquet"); await file.read(0, 4);
 */
export async function fileRandomAccess(path: string, removeOnClose = false): Promise<RandomAccess> {
  const handle = await open(path, "r");
  const { size } = await handle.stat();
  return {
    size,
    async read(start, end) {
      const length = Math.max(0, Math.min(end, size) - start);
      const buffer = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(buffer, done, length - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return buffer;
    },
    async close() {
      await handle.close();
      if (removeOnClose) await unlink(path).catch(() => undefined);
    },
  };
}

/**
 * Random access to any input: its own when the storage has it, else a copy in a temporary file
 * (removed on close) — disk, not memory, holds what the format needs to jump around in.
 */
export async function randomAccessTo(input: ByteInput, signal: AbortSignal): Promise<RandomAccess> {
  if (input.randomAccess) return input.randomAccess();
  const path = join(tmpdir(), `octoflow-${randomBytes(8).toString("hex")}.spool`);
  try {
    await pipeline(await input.open(), createWriteStream(path), { signal });
    return await fileRandomAccess(path, true);
  } catch (error) {
    await unlink(path).catch(() => undefined);
    throw error;
  }
}
