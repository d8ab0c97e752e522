import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  Column,
  Connection,
  FormatName,
  OperationContext,
  Row,
  RowStream,
} from "../connectors/connector.js";
import { collectRows, rowStream, rowsFromArray } from "../connectors/formats/row-stream.js";

/**
 * One suite for every file and object-storage connector (STYLE 7): localfs and s3 must read,
 * write, append, list and fail the same way. A kind's test file starts its real storage (a temp
 * folder, a moto_server bucket) and hands the connection in.
 */
export interface FileConnectorFixture {
  /** An open connection on an empty folder or bucket of its own. */
  readonly connection: Connection;
  /** A connection of the same kind whose folder or bucket does not exist. */
  missingContainer(): Promise<Connection>;
  /**
   * Runs `check` on connections whose credentials are wrong (a wrong key id, a wrong secret);
   * absent for kinds without credentials.
   */
  withWrongCredentials?(check: (connection: Connection) => Promise<void>): Promise<void>;
  /** Whether paths that leave the connection's folder must be refused (localfs). */
  readonly confined?: boolean;
  close(): Promise<void>;
}

const col = (name: string, type: Column["type"], nullable = true): Column => ({ name, type, nullable });

/** Every column type, with the values that break naive code: extremes, Unicode, quotes, NULLs. */
export const typedColumns: Column[] = [
  col("id", { kind: "int64" }, false),
  col("small", { kind: "int32" }),
  col("big", { kind: "decimal", precision: 38, scale: 9 }),
  col("price", { kind: "decimal", precision: 10, scale: 2 }),
  col("ratio", { kind: "float64" }),
  col("flag", { kind: "boolean" }),
  col("name", { kind: "text" }),
  col("at", { kind: "timestamptz" }),
  col("local", { kind: "timestamp" }),
  col("day", { kind: "date" }),
  col("clock", { kind: "time" }),
  col("key", { kind: "uuid" }),
  col("doc", { kind: "json" }),
  col("blob", { kind: "binary" }),
];

export const typedRows: Row[] = [
  [
    9223372036854775807n,
    2147483647,
    "12345678901234567890123456789.123456789",
    "12.50",
    0.1,
    true,
    'héllo 🌍 中文 "quoted", comma',
    new Date("2024-03-01T08:00:00.123Z"),
    new Date("2024-03-01T10:00:00.000Z"),
    new Date("2024-03-01T00:00:00.000Z"),
    "23:59:59.123456",
    "0f8fad5b-d9cb-469f-a165-70867728950e",
    { a: [1, 2], b: "x", c: null },
    new Uint8Array([0, 1, 2, 255]),
  ],
  [
    -9223372036854775808n,
    -2147483648,
    "-0.000000001",
    "-99999999.99",
    -1.5e300,
    false,
    "line\nbreak and\r\nwindows",
    new Date("1970-01-01T00:00:00.000Z"),
    new Date("1969-12-31T23:59:59.999Z"),
    new Date("1900-01-01T00:00:00.000Z"),
    "00:00:00",
    "00000000-0000-0000-0000-000000000000",
    [1, "two", { three: 3 }],
    new Uint8Array([]),
  ],
  [3n, null, null, null, null, null, null, null, null, null, null, null, null, null],
  [4n, 0, "0.000000000", "0.00", 0, false, "", null, null, null, null, null, "", null],
];

const FORMATS: readonly FormatName[] = ["csv", "json", "ndjson", "parquet", "arrow"];
const people = [col("id", { kind: "int64" }), col("name", { kind: "text" })];

/** A context with a fresh signal, collecting progress reports. */
export function operation(signal: AbortSignal = new AbortController().signal): {
  context: OperationContext;
  progress: { rows: number; bytes?: number }[];
} {
  const progress: { rows: number; bytes?: number }[] = [];
  const context: OperationContext = { signal, progress: (done) => progress.push(done) };
  return { context, progress };
}

/** Rows without end, produced slowly, for writes that are cancelled half-way. */
function endless(columns: readonly Column[], onBatch: (count: number) => void): RowStream {
  return rowStream(
    columns,
    (async function* () {
      for (let batch = 0; ; batch++) {
        onBatch(batch);
        yield { rows: Array.from({ length: 1000 }, (_, i): Row => [BigInt(batch * 1000 + i), `name ${i}`]) };
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })(),
  );
}

async function text(connection: Connection, path: string): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of await connection.objects!.get(path, operation().context))
    parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

/**
 * The contract, as a vitest suite.
 *
 * @example fileConnectorContract("localfs", async () => ({ connection, missingContainer, close }));
 */
export function fileConnectorContract(
  kind: string,
  /** What the kind has: a folder to stay inside (localfs), credentials a server checks (s3). */
  traits: { readonly confined: boolean; readonly credentials: boolean },
  start: () => Promise<FileConnectorFixture>,
): void {
  describe(`${kind}: the file connector contract`, () => {
    let fixture: FileConnectorFixture;
    let connection: Connection;
    let folder: string;
    const path = (name: string) => `${folder}/${name}`;
    const read = async (name: string, extra: object = {}) =>
      collectRows(
        await connection.read(
          { connection: connection.name, path: path(name), ...extra },
          operation().context,
        ),
      );
    const write = (
      name: string,
      rows: RowStream,
      mode: "replace" | "append" = "replace",
      extra: object = {},
    ) =>
      connection.write(
        { connection: connection.name, path: path(name), mode, ...extra },
        rows,
        operation().context,
      );

    beforeAll(async () => {
      fixture = await start();
      connection = fixture.connection;
    });
    afterAll(async () => {
      await fixture?.close();
    });
    // Each test writes under a folder of its own.
    const fresh = () => {
      folder = `t-${randomUUID()}`;
    };

    it("passes its test", async () => {
      const result = await connection.test(operation().context);
      expect(result).toMatchObject({ ok: true });
    });

    for (const format of FORMATS) {
      it(`writes and reads ${format}, keeping every type`, async () => {
        fresh();
        const { context, progress } = operation();
        const written = await connection.write(
          { connection: connection.name, path: path(`typed.${format}`), mode: "replace" },
          rowsFromArray(typedColumns, typedRows, 2),
          context,
        );
        expect(written.rows).toBe(typedRows.length);
        expect(written.bytes).toBeGreaterThan(0);
        expect(progress.at(-1)).toMatchObject({ rows: typedRows.length });
        expect(progress.some((done) => (done.bytes ?? 0) > 0)).toBe(true);
        const declared = format === "parquet" || format === "arrow" ? {} : { columns: typedColumns };
        const back = await read(`typed.${format}`, declared);
        expect(back.columns.map((column) => [column.name, column.type])).toEqual(
          typedColumns.map((column) => [column.name, column.type]),
        );
        expect(back.rows).toEqual(typedRows);
      });
    }

    it("reads and writes gzip-compressed files (.csv.gz, .ndjson.gz, .parquet.gz)", async () => {
      fresh();
      for (const name of ["people.csv.gz", "people.ndjson.gz", "people.parquet.gz"]) {
        await write(
          name,
          rowsFromArray(people, [
            [1n, "a"],
            [2n, "b"],
          ]),
        );
        const raw = await text(connection, path(name)).catch(() => "");
        expect(raw.startsWith("id")).toBe(false);
        expect((await read(name)).rows).toEqual([
          [1n, "a"],
          [2n, "b"],
        ]);
      }
      await expect(write("people.csv.gz", rowsFromArray(people, [[3n, "c"]]), "append")).rejects.toThrow(
        /cannot be appended to a gzip-compressed file/,
      );
      await connection.objects!.put(
        path("plain.csv.gz"),
        Readable.from([Buffer.from("id\n1\n")]),
        operation().context,
      );
      await expect(read("plain.csv.gz")).rejects.toThrow(
        new RegExp(`${folder}/plain\\.csv\\.gz: not valid gzip`),
      );
    });

    it("takes the format from `format:` when the path has no extension, and reports read progress", async () => {
      fresh();
      await write("data", rowsFromArray(people, [[1n, "a"]]), "replace", { format: "ndjson" });
      expect(await text(connection, path("data"))).toBe('{"id":1,"name":"a"}\n');
      const { context, progress } = operation();
      const rows = await collectRows(
        await connection.read({ connection: connection.name, path: path("data"), format: "ndjson" }, context),
      );
      expect(rows.rows).toEqual([[1n, "a"]]);
      expect(progress.at(-1)).toMatchObject({ rows: 1 });
    });

    for (const format of ["csv", "ndjson"] as const) {
      it(`appends to ${format}, creating the file with its header first`, async () => {
        fresh();
        await write(`log.${format}`, rowsFromArray(people, [[1n, "a"]]), "append");
        await write(
          `log.${format}`,
          rowsFromArray(people, [
            [2n, "b"],
            [3n, "c"],
          ]),
          "append",
        );
        expect((await read(`log.${format}`)).rows).toEqual([
          [1n, "a"],
          [2n, "b"],
          [3n, "c"],
        ]);
      });
    }

    it("appends after a last line without a line break", async () => {
      fresh();
      await connection.objects!.put(
        path("raw.csv"),
        Readable.from([Buffer.from("id,name\n1,a")]),
        operation().context,
      );
      await write("raw.csv", rowsFromArray(people, [[2n, "b"]]), "append");
      expect(await text(connection, path("raw.csv"))).toBe("id,name\n1,a\n2,b\n");
    });

    it("refuses to append to parquet, arrow and json, and to a csv with other columns", async () => {
      fresh();
      for (const format of ["parquet", "arrow", "json"]) {
        await expect(write(`x.${format}`, rowsFromArray(people, [[1n, "a"]]), "append")).rejects.toThrow(
          new RegExp(`rows cannot be appended to a ${format} file`),
        );
      }
      await write("people.csv", rowsFromArray(people, [[1n, "a"]]));
      const other = [col("id", { kind: "int64" }), col("email", { kind: "text" })];
      await expect(write("people.csv", rowsFromArray(other, [[2n, "b@x"]]), "append")).rejects.toThrow(
        /people\.csv \(line 1\): not valid CSV: its header is id, name; the rows to append have id, email/,
      );
      expect(await text(connection, path("people.csv"))).toBe("id,name\n1,a\n");
    });

    for (const mode of ["replace", "append"] as const) {
      it(`leaves the file as it was when a ${mode} is cancelled`, async () => {
        fresh();
        await write("keep.csv", rowsFromArray(people, [[1n, "old"]]));
        const before = await text(connection, path("keep.csv"));
        const controller = new AbortController();
        const writing = connection.write(
          { connection: connection.name, path: path("keep.csv"), mode },
          endless(people, (batch) => batch === 30 && controller.abort(new Error("cancelled by the test"))),
          operation(controller.signal).context,
        );
        await expect(writing).rejects.toThrow(/cancelled by the test/);
        expect(await text(connection, path("keep.csv"))).toBe(before);
        const listed = [];
        for await (const object of connection.objects!.list(`${folder}/`, operation().context))
          listed.push(object.name);
        expect(listed).toEqual([path("keep.csv")]);
      });
    }

    it("leaves the file as it was when a value cannot be written", async () => {
      fresh();
      await write("keep.parquet", rowsFromArray(people, [[1n, "old"]]));
      const bad = rowsFromArray(people, [
        [2n, "fine"],
        ["not a number", "bad"],
      ]);
      await expect(write("keep.parquet", bad)).rejects.toThrow(
        /row 2, column "id"\): "not a number" is not a int64/,
      );
      expect((await read("keep.parquet")).rows).toEqual([[1n, "old"]]);
    });

    it("names the connection, the file and the line of a ragged CSV row", async () => {
      fresh();
      await connection.objects!.put(
        path("ragged.csv"),
        Readable.from([Buffer.from("a,b\n1,2\n3\n")]),
        operation().context,
      );
      await expect(read("ragged.csv")).rejects.toThrow(
        new RegExp(
          `${connection.name}:${folder}/ragged\\.csv \\(line 3\\): not valid CSV: the row has 1 fields, the first row has 2`,
        ),
      );
    });

    it("says which file is not the format it claims", async () => {
      fresh();
      await connection.objects!.put(
        path("fake.parquet"),
        Readable.from([Buffer.from("a,b\n1,2\n")]),
        operation().context,
      );
      await expect(read("fake.parquet")).rejects.toThrow(
        new RegExp(`${connection.name}:${folder}/fake\\.parquet: not valid PARQUET`),
      );
      await write("real.parquet", rowsFromArray(people, [[1n, "a"]]));
      await expect(read("real.parquet", { format: "csv" })).rejects.toThrow(
        /not valid CSV: it is a Parquet file/,
      );
    });

    it("says when a file does not exist", async () => {
      fresh();
      await expect(read("nothing.csv")).rejects.toThrow(
        new RegExp(`${connection.name}:${folder}/nothing\\.csv: there is no such file`),
      );
    });

    it("refuses tables and queries", async () => {
      await expect(
        connection.read({ connection: connection.name, table: "people" }, operation().context),
      ).rejects.toThrow(/holds files, not tables or queries/);
    });

    it("gets, puts, stats, lists and deletes objects", async () => {
      fresh();
      const objects = connection.objects!;
      const { context } = operation();
      const { bytes } = await objects.put(
        path("a/b/one.json"),
        Readable.from([Buffer.from('{"x":1}')]),
        context,
      );
      expect(bytes).toBe(7);
      await objects.put(path("a/two.csv"), Readable.from([Buffer.from("x\n1\n")]), context);
      await objects.put(path("a-sibling.txt"), Readable.from([Buffer.from("hi")]), context);
      expect(await text(connection, path("a/b/one.json"))).toBe('{"x":1}');
      expect(await objects.stat(path("a/b/one.json"), context)).toMatchObject({
        name: path("a/b/one.json"),
        size: 7,
        mimeType: "application/json",
      });
      expect(await objects.stat(path("missing.json"), context)).toBeUndefined();
      const listed = [];
      for await (const object of objects.list(`${folder}/a/`, context))
        listed.push([object.name, object.size, object.mimeType]);
      expect(listed).toEqual([
        [path("a/b/one.json"), 7, "application/json"],
        [path("a/two.csv"), 4, "text/csv"],
      ]);
      const byPrefix = [];
      for await (const object of objects.list(`${folder}/a`, context)) byPrefix.push(object.name);
      expect(byPrefix).toEqual([path("a-sibling.txt"), path("a/b/one.json"), path("a/two.csv")]);
      await objects.delete(path("a/two.csv"), context);
      await objects.delete(path("a/two.csv"), context);
      expect(await objects.stat(path("a/two.csv"), context)).toBeUndefined();
    });

    it("discovers files with size, MIME type and modified time, recursively", async () => {
      fresh();
      await write("deep/er/data.parquet", rowsFromArray(people, [[1n, "a"]]));
      const found = await connection.discover(operation().context);
      const mine = found.find((object) => object.name === path("deep/er/data.parquet"));
      expect(mine).toMatchObject({ mimeType: "application/vnd.apache.parquet" });
      expect(mine?.size).toBeGreaterThan(0);
      expect(Date.parse(mine!.modifiedUtc!)).toBeGreaterThan(Date.now() - 600_000);
    });

    it("offers a file to a database's loadFile with its columns", async () => {
      fresh();
      await write("load.csv", rowsFromArray(people, [[1n, "a"]]));
      const source = await connection.fileSource!(
        { connection: connection.name, path: path("load.csv") },
        operation().context,
      );
      expect(source.format).toBe("csv");
      expect(source.columns.map((column) => [column.name, column.type.kind])).toEqual([
        ["id", "int64"],
        ["name", "text"],
      ]);
      const parts: Buffer[] = [];
      for await (const chunk of await source.open()) parts.push(chunk as Buffer);
      expect(Buffer.concat(parts).toString()).toBe("id,name\n1,a\n");
    });

    it("says when its folder or bucket is missing", async () => {
      const missing = await fixture.missingContainer();
      try {
        expect(await missing.test(operation().context)).toMatchObject({ ok: false, stage: "not_found" });
      } finally {
        await missing.close();
      }
    });

    if (traits.credentials) {
      it("says when its credentials are wrong", async () => {
        let checked = 0;
        await fixture.withWrongCredentials?.(async (wrong) => {
          expect(await wrong.test(operation().context)).toMatchObject({ ok: false, stage: "auth" });
          await expect(
            wrong.read({ connection: wrong.name, path: "x.csv" }, operation().context),
          ).rejects.toThrow(/refused the credentials/);
          await expect(
            wrong.write(
              { connection: wrong.name, path: "x.csv", mode: "replace" },
              rowsFromArray(people, [[1n, "a"]]),
              operation().context,
            ),
          ).rejects.toThrow(/refused the credentials/);
          checked++;
        });
        expect(checked).toBeGreaterThan(0);
      });
    }

    if (traits.confined) {
      it("refuses paths that leave its folder", async () => {
        for (const escape of ["../outside.csv", "/etc/passwd", "a/../../outside.csv"]) {
          await expect(
            connection.read({ connection: connection.name, path: escape }, operation().context),
          ).rejects.toThrow(/leaves the folder|is absolute/);
          await expect(
            connection.objects!.put(escape, Readable.from([Buffer.from("x")]), operation().context),
          ).rejects.toThrow(/leaves the folder|is absolute/);
        }
      });
    }
  });
}
