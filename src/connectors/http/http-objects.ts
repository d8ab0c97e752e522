import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { NonRetriableError, OctoflowError } from "../../model/errors.js";
import type { DiscoveredObject, ObjectAccess, OperationContext } from "../connector.js";
import type { FileStore } from "../formats/dataset-files.js";
import type { RandomAccess } from "../formats/format.js";
import { mimeTypeOf } from "../formats/mime.js";
import { randomAccessTo } from "../formats/random-access.js";
import { classifyNetworkError } from "./http-errors.js";

/**
 * Files under one base URL, read-only: GET streams a file, HEAD gives its size and type, and
 * ranged GETs serve Parquet when the server accepts ranges (else the file is copied to a
 * temporary file first). Paths resolve under the base URL; `..` and other hosts are refused.
 */
export class HttpObjects implements ObjectAccess, FileStore {
  readonly objects: ObjectAccess = this;

  constructor(
    readonly connection: string,
    readonly base: URL,
    readonly headers: Readonly<Record<string, string>>,
    readonly timeoutMs: number,
  ) {}

  async get(path: string, context: OperationContext): Promise<Readable> {
    const response = (await this.#fetch(path, "GET", context))!;
    if (!response.body) return Readable.from([]);
    return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  }

  async stat(path: string, context: OperationContext): Promise<DiscoveredObject | undefined> {
    let response: Response | undefined;
    try {
      response = await this.#fetch(path, "HEAD", context, { missingOk: true });
    } catch (error) {
      // Some servers answer GET only: the file is then known by name.
      if (headRefused(error)) return { kind: "file", name: path, mimeType: mimeTypeOf(path) };
      throw error;
    }
    if (!response) return undefined;
    const length = response.headers.get("content-length");
    const modified = response.headers.get("last-modified");
    return {
      kind: "file",
      name: path,
      ...(length === null ? {} : { size: Number(length) }),
      mimeType: response.headers.get("content-type")?.split(";")[0] ?? mimeTypeOf(path),
      ...(modified ? { modifiedUtc: new Date(modified).toISOString() } : {}),
    };
  }

  async randomAccess(path: string, context: OperationContext): Promise<RandomAccess> {
    const head = await this.#fetch(path, "HEAD", context).catch((error: unknown) => {
      if (headRefused(error)) return undefined;
      throw error;
    });
    const size = Number(head?.headers.get("content-length") ?? NaN);
    if (head?.headers.get("accept-ranges") !== "bytes" || !Number.isFinite(size)) {
      return randomAccessTo(
        { shown: this.#shown(path), open: () => this.get(path, context) },
        context.signal,
      );
    }
    return {
      size,
      read: async (start, end) => {
        const last = Math.min(end, size) - 1;
        if (last < start) return new Uint8Array(0);
        const response = (await this.#fetch(path, "GET", context, { range: `bytes=${start}-${last}` }))!;
        const bytes = new Uint8Array(await response.arrayBuffer());
        // A server that ignores the range sends the whole file: cut the part out.
        return response.status === 206 ? bytes : bytes.slice(start, last + 1);
      },
      close: async () => undefined,
    };
  }

  list(_prefix: string, _context: OperationContext): AsyncIterable<DiscoveredObject> {
    throw new NonRetriableError(
      `connection "${this.connection}" (http) cannot list files: HTTP has no listing`,
      {
        hint: "name the files you need by their path",
      },
    );
  }

  put(path: string): Promise<{ bytes: number }> {
    return Promise.reject(this.#readOnly(path));
  }

  append(path: string): Promise<{ bytes: number }> {
    return Promise.reject(this.#readOnly(path));
  }

  delete(path: string): Promise<void> {
    return Promise.reject(this.#readOnly(path));
  }

  /** The URL of a path, refused when it leaves the base URL. */
  url(path: string): URL {
    const url = new URL(path.replace(/^\/+/, ""), this.base);
    if (/^[a-z][a-z0-9+.-]*:/i.test(path) || !url.href.startsWith(this.base.href)) {
      throw new NonRetriableError(`path "${path}" leaves ${this.base.href}`, {
        hint: "give a path relative to the connection's url",
      });
    }
    return url;
  }

  /** A successful answer; undefined only for a 404 with `missingOk`. */
  async #fetch(
    path: string,
    method: "GET" | "HEAD",
    context: OperationContext,
    options: { range?: string; missingOk?: boolean } = {},
  ): Promise<Response | undefined> {
    const url = this.url(path);
    // The timeout covers the wait for the answer's headers, not the transfer of a large body.
    const waiting = new AbortController();
    const timer = setTimeout(
      () => waiting.abort(new DOMException("no answer in time", "TimeoutError")),
      this.timeoutMs,
    );
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { ...this.headers, ...(options.range ? { range: options.range } : {}) },
        signal: AbortSignal.any([context.signal, waiting.signal]),
      });
    } catch (error) {
      if (context.signal.aborted) throw context.signal.reason;
      const problem = classifyNetworkError(
        waiting.signal.aborted ? waiting.signal.reason : error,
        this.base.origin,
      );
      const message = `${this.#shown(path)}: ${problem?.message ?? (error as Error).message}`;
      const hint = problem?.hint ?? "check the connection's url";
      throw problem?.retriable === false
        ? new NonRetriableError(message, { hint, cause: error })
        : new OctoflowError("STEP_FAILED", message, { hint, cause: error });
    } finally {
      clearTimeout(timer);
    }
    if (response.ok) return response;
    await response.body?.cancel();
    if (response.status === 404 && options.missingOk) return undefined;
    throw this.#statusError(path, response.status);
  }

  #statusError(path: string, status: number): Error {
    const shown = this.#shown(path);
    const details = { status };
    if (status === 404)
      return new NonRetriableError(`${shown}: there is no such file (HTTP 404)`, { details });
    if (status === 401 || status === 403) {
      return new NonRetriableError(`${shown}: the server refused access (HTTP ${status})`, {
        hint: "check the connection's headers (an Authorization header from a secret)",
        details,
      });
    }
    const message = `${shown}: the server answered HTTP ${status}`;
    return status >= 500 || status === 429
      ? new OctoflowError("STEP_FAILED", message, { details })
      : new NonRetriableError(message, { details });
  }

  #readOnly(path: string): Error {
    return new NonRetriableError(`${this.#shown(path)}: an http connection is read-only`, {
      hint: "write to a localfs or s3 connection",
    });
  }

  #shown(path: string): string {
    return `${this.connection}:${path}`;
  }
}

/** A server that does not do HEAD answers 405 Method Not Allowed or 501 Not Implemented. */
function headRefused(error: unknown): boolean {
  const status = (error as OctoflowError).details?.status;
  return status === 405 || status === 501;
}
