import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SecretResolver } from "../../plugins/step-type.js";
import { emptySecrets } from "../../services/secrets.js";
import { operation } from "../../test-support/file-connector-contract.js";
import type { Column } from "../connector.js";
import { DATASET_FORMATS } from "../formats/formats.js";
import { collectRows, rowStream } from "../formats/row-stream.js";
import { httpConnector } from "./http-connector.js";

const ids: Column[] = [{ name: "id", type: { kind: "int64" }, nullable: false }];
const files = new Map<string, Buffer>();
const ranges: string[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  files.set("/exports/people.csv", Buffer.from("id,name\n1,Ann\n2,Bo\n"));
  const parts: Uint8Array[] = [];
  const rows = rowStream(
    ids,
    (async function* () {
      for (let batch = 0; batch < 3; batch++)
        yield { rows: Array.from({ length: 70_000 }, (_, i) => [BigInt(batch * 70_000 + i)]) };
    })(),
  );
  for await (const chunk of DATASET_FORMATS.parquet.write(rows, { signal: new AbortController().signal }))
    parts.push(chunk);
  files.set("/exports/ids.parquet", Buffer.concat(parts));
  server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://x").pathname;
    if (path.startsWith("/private/") && request.headers.authorization !== "Bearer s3cr3t-token") {
      response.writeHead(401).end();
      return;
    }
    const body = files.get(path.replace("/private/", "/exports/").replace("/get-only/", "/exports/"));
    if (!body) {
      response.writeHead(404).end();
      return;
    }
    if (request.method === "HEAD" && path.includes("/get-only/")) {
      response.writeHead(405).end();
      return;
    }
    const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? "");
    if (range) {
      ranges.push(request.headers.range!);
      const part = body.subarray(Number(range[1]), Number(range[2]) + 1);
      response.writeHead(206, { "content-length": part.length, "accept-ranges": "bytes" });
      response.end(request.method === "HEAD" ? undefined : part);
      return;
    }
    response.writeHead(200, {
      "content-length": body.length,
      "accept-ranges": "bytes",
      "content-type": "text/csv",
    });
    response.end(request.method === "HEAD" ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function open(
  url: string,
  headers: Record<string, unknown> = {},
  secrets: SecretResolver = emptySecrets,
) {
  const options = httpConnector.options.parse({ url, headers, timeout_ms: 2000 });
  return httpConnector.open("web", options, { paths: { data: "/x", flows: "/x", templates: "/x" }, secrets });
}

describe("http", () => {
  it("reads a CSV file as a dataset", async () => {
    const web = await open(`${base}/exports`);
    expect(await web.test(operation().context)).toMatchObject({ ok: true });
    const { columns, rows } = await collectRows(
      await web.read({ connection: "web", path: "people.csv" }, operation().context),
    );
    expect(columns.map((column) => column.type.kind)).toEqual(["int64", "text"]);
    expect(rows).toEqual([
      [1n, "Ann"],
      [2n, "Bo"],
    ]);
  });

  it("reads Parquet through ranged GETs", async () => {
    const web = await open(`${base}/exports/`);
    ranges.length = 0;
    const { rows } = await collectRows(
      await web.read({ connection: "web", path: "ids.parquet" }, operation().context),
    );
    expect(rows.length).toBe(210_000);
    expect(rows.at(-1)).toEqual([209_999n]);
    expect(ranges.length).toBeGreaterThan(3);
  });

  it("reads from a server that does not answer HEAD", async () => {
    const web = await open(`${base}/get-only/`);
    const parquet = await collectRows(
      await web.read({ connection: "web", path: "ids.parquet" }, operation().context),
    );
    expect(parquet.rows.length).toBe(210_000);
    const csv = await collectRows(
      await web.read({ connection: "web", path: "people.csv" }, operation().context),
    );
    expect(csv.rows.length).toBe(2);
  });

  it("sends headers from secrets, and says when access is refused", async () => {
    const token: SecretResolver = {
      get: (name) => ({ name, type: "token", token: "Bearer s3cr3t-token" }),
      names: () => [],
    };
    const allowed = await open(`${base}/private/`, { Authorization: { secret: "web_token" } }, token);
    const { rows } = await collectRows(
      await allowed.read({ connection: "web", path: "people.csv" }, operation().context),
    );
    expect(rows.length).toBe(2);
    const refused = await open(`${base}/private/`);
    expect(await refused.test(operation().context)).toMatchObject({ ok: false, stage: "auth" });
    await expect(
      refused.read({ connection: "web", path: "people.csv" }, operation().context),
    ).rejects.toThrow(/web:people\.csv: the server refused access \(HTTP 401\)/);
  });

  it("says when a file is missing or nothing listens, and refuses writes and escapes", async () => {
    const web = await open(`${base}/exports/`);
    await expect(web.read({ connection: "web", path: "none.csv" }, operation().context)).rejects.toThrow(
      /web:none\.csv: there is no such file/,
    );
    await expect(
      web.read({ connection: "web", path: "../private/people.csv" }, operation().context),
    ).rejects.toThrow(/leaves http/);
    await expect(
      web.read({ connection: "web", path: "http://elsewhere/x.csv" }, operation().context),
    ).rejects.toThrow(/leaves http/);
    await expect(
      web.write(
        { connection: "web", path: "x.csv", mode: "replace" },
        rowStream(ids, (async function* () {})()),
        operation().context,
      ),
    ).rejects.toThrow(/read-only/);
    // A port that was free a moment ago: nothing listens there (fetch refuses ports such as 1).
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const closed = await open(`http://127.0.0.1:${port}/`);
    expect(await closed.test(operation().context)).toMatchObject({ ok: false, stage: "refused" });
  });
});
