import { Readable } from "node:stream";
import { z } from "zod";
import type { Connection, ObjectAccess, OperationContext } from "../connectors/connector.js";
import { jsonStringify } from "../connectors/formats/values.js";
import { LocalfsObjects } from "../connectors/localfs/localfs-objects.js";
import { NonRetriableError } from "../model/errors.js";
import type { OptionProblem, StepContext } from "../plugins/step-type.js";
import { defineStepType } from "../plugins/step-type.js";

/** An object fetched without `to` is returned in the step's result: it must stay small. */
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const PROGRESS_EVERY_BYTES = 1024 * 1024;

const objectOptions = z.strictObject({
  connection: z.string().min(1).meta({ description: "The connection (localfs, s3) that holds the objects." }),
  action: z.enum(["get", "put", "list", "delete", "copy"]).meta({
    description:
      "get: download (to a file with `to`, else return its text or JSON); put: upload a file or the data; list; delete; copy between connections.",
  }),
  path: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "The object, relative to the connection's folder or bucket." }),
  to: z.string().min(1).optional().meta({
    description: "get: the file under DATA_PATH to download to; copy: the target path (default: `path`).",
  }),
  from: z.string().min(1).optional().meta({ description: "put: the file under DATA_PATH to upload." }),
  prefix: z
    .string()
    .optional()
    .meta({ description: 'list: only objects whose path starts with this (default "").' }),
  from_connection: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "copy: the connection to copy from (default: `connection`)." }),
  data_key: z
    .string()
    .optional()
    .meta({ description: "put: the key of the run's data to upload (text as is, else JSON)." }),
  limit: z
    .int()
    .positive()
    .default(1000)
    .meta({ description: "list: at most this many objects (default 1000)." }),
  max_bytes: z.int().positive().default(DEFAULT_MAX_BYTES).meta({
    description: "get without `to`: the largest object returned in the result (default 10 MiB).",
  }),
});

export type ObjectOptions = z.output<typeof objectOptions>;

/**
 * Gets, puts, lists, deletes and copies objects of a file or object-storage connection (seed 000's
 * COS getObject/uploadObject, seed 002's upload step). Bytes stream through: a copy between two
 * buckets never holds the object in memory. Progress is reported in bytes; cancelling the run
 * aborts the transfer, and an unfinished upload leaves the old object.
 *
 * @example
 * - name: upload
 *   type: object
 *   object: { connection: lake, action: put, from: "out/{{ run.id }}.parquet", path: "daily/{{ run.id }}.parquet" }
 */
export const objectStep = defineStepType({
  name: "object",
  description: "Gets, puts, lists, deletes or copies objects of a localfs or s3 connection.",
  options: objectOptions,
  check: checkOptions,
  run: async ({ options, input, context }) => {
    const connection = await context.connections.get(options.connection);
    const objects = objectsOf(connection);
    const local = new LocalfsObjects("DATA_PATH", context.paths.data, "DATA_PATH");
    switch (options.action) {
      case "get":
        return options.to
          ? transfer(objects, need(options.path, "path"), local, options.to, context)
          : fetchSmall(objects, connection.name, need(options.path, "path"), options.max_bytes, context);
      case "put": {
        const path = need(options.path, "path");
        if (options.from) return transfer(local, options.from, objects, path, context);
        if (input === undefined) {
          throw new NonRetriableError("action put needs `from` (a file under DATA_PATH) or data to upload", {
            hint: "set `from`, or `data_key` naming the run's data to upload",
          });
        }
        const body =
          typeof input === "string" || input instanceof Uint8Array ? input : `${jsonStringify(input)}\n`;
        return transfer({ get: async () => Readable.from([Buffer.from(body)]) }, "", objects, path, context);
      }
      case "list":
        return list(objects, options.prefix ?? options.path ?? "", options.limit, context);
      case "delete": {
        const path = need(options.path, "path");
        await objects.delete(path, operation(context));
        context.log.info(`deleted ${connection.name}:${path}`, { connection: connection.name, path });
        return { path, deleted: true };
      }
      case "copy": {
        const from = options.from_connection
          ? objectsOf(await context.connections.get(options.from_connection))
          : objects;
        const path = need(options.path, "path");
        const result = await transfer(from, path, objects, options.to ?? path, context);
        return { ...result, from: `${options.from_connection ?? options.connection}:${path}` };
      }
    }
  },
});

function checkOptions(options: ObjectOptions): OptionProblem[] {
  const problems: OptionProblem[] = [];
  const needs = (field: keyof ObjectOptions, why: string) => {
    if (options[field] === undefined)
      problems.push({ path: [field], message: `action ${options.action} needs \`${field}\``, hint: why });
  };
  if (options.action !== "list")
    needs("path", "the object's path, relative to the connection's folder or bucket");
  if (options.action === "copy" && options.from_connection === undefined && options.to === undefined)
    problems.push({
      path: ["to"],
      message: "a copy inside one connection needs `to`",
      hint: "set `to`, or `from_connection`",
    });
  for (const field of ["to", "from"] as const) {
    const value = options[field];
    if (value && !value.includes("{{") && (value.startsWith("/") || value.split(/[\\/]/).includes(".."))) {
      problems.push({
        path: [field],
        message: `"${value}" leaves DATA_PATH`,
        hint: "give a path relative to DATA_PATH",
      });
    }
  }
  return problems;
}

function objectsOf(connection: Connection): ObjectAccess {
  if (connection.objects) return connection.objects;
  throw new NonRetriableError(`connection "${connection.name}" (${connection.kind}) holds no objects`, {
    hint: "name a localfs or s3 connection",
  });
}

function need(value: string | undefined, field: string): string {
  if (value !== undefined) return value;
  throw new NonRetriableError(`the object step needs \`${field}\``);
}

function operation(context: StepContext, total?: number): OperationContext {
  let reported = 0;
  return {
    signal: context.signal,
    log: context.log,
    progress: ({ bytes = 0 }) => {
      if (bytes - reported < PROGRESS_EVERY_BYTES && bytes !== total) return;
      reported = bytes;
      context.progress(
        total ? { done: bytes, total, unit: "bytes" } : { done: bytes, total: bytes, unit: "bytes" },
      );
    },
  };
}

/** Streams one object (or file) into another: get, then put, never whole in memory. */
async function transfer(
  from: Pick<ObjectAccess, "get"> & Partial<Pick<ObjectAccess, "stat">>,
  fromPath: string,
  to: ObjectAccess,
  toPath: string,
  context: StepContext,
): Promise<{ path: string; bytes: number }> {
  const size = fromPath ? (await from.stat?.(fromPath, operation(context)))?.size : undefined;
  const body = await from.get(fromPath, operation(context));
  const { bytes } = await to.put(toPath, body, operation(context, size));
  context.progress({ done: bytes, total: bytes, unit: "bytes" });
  context.log.info(`wrote ${bytes} bytes to ${toPath}`, { path: toPath, bytes });
  return { path: toPath, bytes };
}

/** A small object's content: parsed JSON for JSON, text for text, refused when binary or large. */
async function fetchSmall(
  objects: ObjectAccess,
  connection: string,
  path: string,
  maxBytes: number,
  context: StepContext,
): Promise<unknown> {
  const info = await objects.stat(path, operation(context));
  if (!info) throw new NonRetriableError(`${connection}:${path}: there is no such object`);
  if ((info.size ?? 0) > maxBytes) {
    throw new NonRetriableError(
      `${connection}:${path} has ${info.size} bytes, more than max_bytes (${maxBytes})`,
      {
        hint: "set `to` to download it to a file under DATA_PATH, or raise max_bytes",
      },
    );
  }
  const parts: Buffer[] = [];
  for await (const chunk of await objects.get(path, operation(context))) parts.push(chunk as Buffer);
  const bytes = Buffer.concat(parts);
  const mime = info.mimeType ?? "";
  if (/json/.test(mime) && !/ndjson/.test(mime)) {
    try {
      return JSON.parse(bytes.toString("utf8")) as unknown;
    } catch (error) {
      throw new NonRetriableError(`${connection}:${path}: not valid JSON: ${(error as Error).message}`);
    }
  }
  const text = new TextDecoder("utf-8", { fatal: true });
  try {
    return text.decode(bytes);
  } catch {
    throw new NonRetriableError(`${connection}:${path} is binary (${mime || "unknown type"})`, {
      hint: "set `to` to download it to a file under DATA_PATH",
    });
  }
}

async function list(objects: ObjectAccess, prefix: string, limit: number, context: StepContext) {
  const found: { name: string; size?: number; mimeType?: string; modifiedUtc?: string }[] = [];
  for await (const object of objects.list(prefix, operation(context))) {
    if (found.length >= limit) {
      context.log.warn(`listed the first ${limit} objects under "${prefix}"; raise limit for more`, {
        prefix,
        limit,
      });
      break;
    }
    const { name, size, mimeType, modifiedUtc } = object;
    found.push({
      name,
      ...(size === undefined ? {} : { size }),
      ...(mimeType ? { mimeType } : {}),
      ...(modifiedUtc ? { modifiedUtc } : {}),
    });
  }
  return found;
}
