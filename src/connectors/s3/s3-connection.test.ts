import { randomBytes, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { CreateBucketCommand, ListMultipartUploadsCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SecretResolver } from "../../plugins/step-type.js";
import { fileConnectorContract, operation } from "../../test-support/file-connector-contract.js";
import type { S3TestServer } from "../../test-support/s3-server.js";
import { startS3Server } from "../../test-support/s3-server.js";
import type { Connection } from "../connector.js";
import { collectRows, rowStream } from "../formats/row-stream.js";
import { classifyS3Error } from "./s3-errors.js";
import { s3Connector } from "./s3-connector.js";

let server: S3TestServer;
let bucket: string;

beforeAll(async () => {
  server = await startS3Server();
  bucket = `octoflow-${randomUUID()}`;
  const client = adminClient();
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

function adminClient(): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
}

function secrets(username: string, password: string): SecretResolver {
  return {
    get: (name) => ({ name, type: "credential", username, password }),
    names: () => [{ name: "lake_keys", type: "credential" }],
  };
}

async function open(
  options: Record<string, unknown> = {},
  keys = secrets(server.accessKeyId, server.secretAccessKey),
) {
  const parsed = s3Connector.options.parse({
    endpoint: server.endpoint,
    bucket,
    region: server.region,
    credentials: { secret: "lake_keys" },
    ...options,
  });
  return s3Connector.open("lake", parsed, {
    paths: { data: "/nowhere", flows: "/nowhere", templates: "/nowhere" },
    secrets: keys,
  });
}

fileConnectorContract("s3", { confined: false, credentials: true }, async () => {
  const connection = await open();
  return {
    connection,
    missingContainer: () => open({ bucket: `missing-${randomUUID()}` }),
    withWrongCredentials: async (check) => {
      const wrong = [
        await open({}, secrets("AKIAWRONGWRONGWRONG0", server.secretAccessKey)),
        await open({}, secrets(server.accessKeyId, "not-the-secret-access-key")),
      ];
      await server.authenticate(true);
      try {
        for (const connection of wrong) await check(connection);
      } finally {
        await server.authenticate(false);
        for (const connection of wrong.reverse()) await connection.close();
      }
    },
    close: () => connection.close(),
  };
});

describe("s3", () => {
  const closing: Connection[] = [];
  afterAll(async () => {
    for (const connection of closing.reverse()) await connection.close();
  });
  const opened = async (options: Record<string, unknown> = {}) => {
    const connection = await open(options);
    closing.push(connection);
    return connection;
  };

  it("says when nothing listens at the endpoint, and when TLS fails", async () => {
    const closed = await opened({ endpoint: "http://127.0.0.1:1", connect_timeout_ms: 2000 });
    expect(await closed.test(operation().context)).toMatchObject({ ok: false, stage: "refused" });
    const tls = await opened({
      endpoint: server.endpoint.replace("http:", "https:"),
      connect_timeout_ms: 2000,
    });
    expect(await tls.test(operation().context)).toMatchObject({ ok: false, stage: "tls" });
  });

  it("classifies DNS failures and time-outs", () => {
    const where = { endpoint: "http://lake.example:9000", bucket: "raw" };
    const dns = Object.assign(new Error("getaddrinfo ENOTFOUND lake.example"), { code: "ENOTFOUND" });
    expect(classifyS3Error(dns, where)).toMatchObject({ stage: "dns", retriable: false });
    const timeout = Object.assign(new Error("socket timed out"), { name: "TimeoutError" });
    expect(classifyS3Error(timeout, where)).toMatchObject({ stage: "timeout", retriable: true });
    const wrapped = new Error("outer", {
      cause: new AggregateError([Object.assign(new Error("x"), { code: "ECONNREFUSED" })]),
    });
    expect(classifyS3Error(wrapped, where).stage).toBe("refused");
  });

  it("keeps every path under its prefix", async () => {
    const scoped = await opened({ prefix: "team-a" });
    await scoped.objects!.put("one.txt", Readable.from([Buffer.from("1")]), operation().context);
    const whole = await opened();
    expect(await whole.objects!.stat("team-a/one.txt", operation().context)).toMatchObject({ size: 1 });
    const listed = [];
    for await (const object of scoped.objects!.list("", operation().context)) listed.push(object.name);
    expect(listed).toEqual(["one.txt"]);
  });

  it("uploads large objects in parts, and aborts the upload when cancelled", async () => {
    const connection = await opened({ part_size_mb: 5 });
    const objects = connection.objects!;
    const big = randomBytes(12 * 1024 * 1024);
    const { context, progress } = operation();
    expect(
      await objects.put("big/blob.bin", Readable.from([big.subarray(0, 6e6), big.subarray(6e6)]), context),
    ).toEqual({
      bytes: big.length,
    });
    expect(progress.at(-1)?.bytes).toBe(big.length);
    expect((await objects.stat("big/blob.bin", context))?.size).toBe(big.length);

    const controller = new AbortController();
    const slow = Readable.from(
      (async function* () {
        for (let part = 0; ; part++) {
          if (part === 3) controller.abort(new Error("cancelled by the test"));
          yield randomBytes(4 * 1024 * 1024);
        }
      })(),
    );
    await expect(objects.put("big/blob.bin", slow, operation(controller.signal).context)).rejects.toThrow(
      /cancelled/,
    );
    expect((await objects.stat("big/blob.bin", context))?.size).toBe(big.length);
    const client = adminClient();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    client.destroy();
    expect(uploads.Uploads ?? []).toEqual([]);
  });

  it("reads Parquet through ranged GETs, one row group at a time", async () => {
    const connection = await opened();
    const columns = [{ name: "id", type: { kind: "int64" as const }, nullable: false }];
    const rows = rowStream(
      columns,
      (async function* () {
        for (let batch = 0; batch < 20; batch++)
          yield { rows: Array.from({ length: 10_000 }, (_, i) => [BigInt(batch * 10_000 + i)]) };
      })(),
    );
    await connection.write(
      { connection: "lake", path: "ranged/ids.parquet", mode: "replace" },
      rows,
      operation().context,
    );
    const back = await collectRows(
      await connection.read({ connection: "lake", path: "ranged/ids.parquet" }, operation().context),
    );
    expect(back.rows.length).toBe(200_000);
    expect(back.rows[199_999]).toEqual([199_999n]);
  });
});
