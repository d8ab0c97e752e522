import type { Readable } from "node:stream";
import { PassThrough, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { S3Client } from "@aws-sdk/client-s3";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { NonRetriableError } from "../../model/errors.js";
import type { DiscoveredObject, ObjectAccess, OperationContext } from "../connector.js";
import type { FileStore } from "../formats/dataset-files.js";
import type { RandomAccess } from "../formats/format.js";
import { mimeTypeOf } from "../formats/mime.js";
import { s3Error } from "./s3-errors.js";

export interface S3Location {
  readonly endpoint: string;
  readonly bucket: string;
  /** A folder inside the bucket that every path is under ("" or ending with "/"). */
  readonly prefix: string;
  /** Bytes per part of a multipart upload. */
  readonly partSize: number;
}

/**
 * Objects of one bucket (seed 000's COS getObject/uploadObject). `put` is a multipart upload
 * (@aws-sdk/lib-storage, two parts in flight): the object appears only when the upload completes,
 * and a failed or cancelled upload is aborted, so the old object stays. Objects are read whole as
 * a stream, or by ranges for formats that need random access.
 */
export class S3Objects implements ObjectAccess, FileStore {
  readonly objects: ObjectAccess = this;

  constructor(
    readonly connection: string,
    readonly client: S3Client,
    readonly location: S3Location,
  ) {}

  async get(path: string, context: OperationContext): Promise<Readable> {
    const key = this.#key(path);
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: key }),
        {
          abortSignal: context.signal,
        },
      );
      return answer.Body as Readable;
    } catch (error) {
      throw this.#error(error, path, context);
    }
  }

  async put(path: string, body: Readable, context: OperationContext): Promise<{ bytes: number }> {
    const key = this.#key(path);
    let bytes = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    const feeding = pipeline(body, counted).catch((error: unknown) => error);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.location.bucket, Key: key, Body: counted, ContentType: mimeTypeOf(path) },
      queueSize: 2,
      partSize: this.location.partSize,
      leavePartsOnError: false,
    });
    upload.on("httpUploadProgress", (progress) =>
      context.progress?.({ rows: 0, bytes: progress.loaded ?? bytes }),
    );
    const abort = () => void upload.abort().catch(() => undefined);
    context.signal.addEventListener("abort", abort, { once: true });
    try {
      await upload.done();
      const failed = await feeding;
      if (failed) throw failed;
      return { bytes };
    } catch (error) {
      body.destroy();
      counted.destroy();
      // The body's own error (a value the format cannot write) explains more than the upload's,
      // unless the body only stopped because the upload did.
      const fed = await feeding;
      const reason =
        fed && (fed as NodeJS.ErrnoException).code !== "ERR_STREAM_PREMATURE_CLOSE" ? fed : error;
      throw context.signal.aborted ? context.signal.reason : this.#error(reason, path, context);
    } finally {
      context.signal.removeEventListener("abort", abort);
    }
  }

  /** S3 has no append: the new object is the old one followed by the new bytes, uploaded as one. */
  async append(path: string, body: Readable, context: OperationContext): Promise<{ bytes: number }> {
    const old = await this.get(path, context);
    const joined = new PassThrough();
    void (async () => {
      try {
        await pipeline(old, joined, { end: false });
        await pipeline(body, joined);
      } catch (error) {
        joined.destroy(error as Error);
      }
    })();
    return this.put(path, joined, context);
  }

  async *list(prefix: string, context: OperationContext): AsyncIterable<DiscoveredObject> {
    const pages = paginateListObjectsV2(
      { client: this.client, pageSize: 1000 },
      { Bucket: this.location.bucket, Prefix: this.#key(prefix, true) },
    );
    try {
      for await (const page of pages) {
        context.signal.throwIfAborted();
        for (const object of page.Contents ?? []) {
          if (!object.Key || object.Key.endsWith("/")) continue;
          const name = object.Key.slice(this.location.prefix.length);
          yield {
            kind: "object",
            name,
            size: object.Size ?? 0,
            mimeType: mimeTypeOf(name),
            ...(object.LastModified ? { modifiedUtc: object.LastModified.toISOString() } : {}),
          };
        }
      }
    } catch (error) {
      throw this.#error(error, prefix, context, false);
    }
  }

  async delete(path: string, context: OperationContext): Promise<void> {
    try {
      await this.client.send(
        new DeleteObjectCommand({ Bucket: this.location.bucket, Key: this.#key(path) }),
        {
          abortSignal: context.signal,
        },
      );
    } catch (error) {
      throw this.#error(error, path, context);
    }
  }

  async stat(path: string, context: OperationContext): Promise<DiscoveredObject | undefined> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.location.bucket, Key: this.#key(path) }),
        {
          abortSignal: context.signal,
        },
      );
      return {
        kind: "object",
        name: path,
        size: head.ContentLength ?? 0,
        mimeType: mimeTypeOf(path),
        ...(head.LastModified ? { modifiedUtc: head.LastModified.toISOString() } : {}),
      };
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      // A HEAD answer has no body, so no error code: a missing bucket, a missing key and wrong
      // keys all look alike. A one-byte GET says which.
      if (status === 404 || status === 403) {
        const explained = await this.#explain(path, context);
        if (explained === "missing") return undefined;
        throw this.#error(explained ?? error, path, context);
      }
      throw this.#error(error, path, context);
    }
  }

  async randomAccess(path: string, context: OperationContext): Promise<RandomAccess> {
    const info = await this.stat(path, context);
    if (!info) throw this.#error(Object.assign(new Error("missing"), { name: "NoSuchKey" }), path, context);
    const size = info.size ?? 0;
    return {
      size,
      read: async (start, end) => {
        const last = Math.min(end, size) - 1;
        if (last < start) return new Uint8Array(0);
        try {
          const answer = await this.client.send(
            new GetObjectCommand({
              Bucket: this.location.bucket,
              Key: this.#key(path),
              Range: `bytes=${start}-${last}`,
            }),
            { abortSignal: context.signal },
          );
          return await answer.Body!.transformToByteArray();
        } catch (error) {
          throw this.#error(error, path, context);
        }
      },
      close: async () => undefined,
    };
  }

  /** What a failed HEAD meant: "missing" for a missing key, else the GET's error with its code. */
  async #explain(path: string, context: OperationContext): Promise<unknown> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: this.#key(path), Range: "bytes=0-0" }),
        { abortSignal: context.signal },
      );
      await answer.Body?.transformToByteArray();
      return undefined;
    } catch (error) {
      return (error as Error).name === "NoSuchKey" ? "missing" : error;
    }
  }

  /** The object key of a path: under the connection's prefix, without a leading slash. */
  #key(path: string, isPrefix = false): string {
    if (path.includes("\0"))
      throw new NonRetriableError(`path "${path.replace(/\0/g, "\\0")}" contains a NUL byte`);
    const clean = path.replace(/^\/+/, "");
    if (!isPrefix && clean === "")
      throw new NonRetriableError(`connection "${this.connection}": an object needs a path`);
    return `${this.location.prefix}${clean}`;
  }

  #error(error: unknown, path: string, context: OperationContext, isKey = true): Error {
    if (context.signal.aborted) return context.signal.reason as Error;
    const where = {
      endpoint: this.location.endpoint,
      bucket: this.location.bucket,
      ...(isKey ? { key: path } : {}),
    };
    return s3Error(error, where, `${this.connection}:${path}`);
  }
}
