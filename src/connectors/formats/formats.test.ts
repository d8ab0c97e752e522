import { Readable } from "node:stream";
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import type { Column, FormatName, Row, RowStream } from "../connector.js";
import type { ByteInput } from "./format.js";
import { DATASET_FORMATS, formatFor } from "./formats.js";
import { typedColumns, typedRows } from "../../test-support/file-connector-contract.js";
import { collectRows, rowStream, rowsFromArray } from "./row-stream.js";

const signal = new AbortController().signal;

/** Bytes as an input, cut into chunks of `chunk` bytes to exercise the boundaries. */
function input(bytes: Uint8Array | string, shown = "mem:data", chunk = 64 * 1024): ByteInput {
  const buffer = Buffer.from(bytes);
  return {
    shown,
    open: async () =>
      Readable.from(
        (function* () {
          for (let start = 0; start < buffer.length; start += chunk)
            yield buffer.subarray(start, start + chunk);
        })(),
      ),
  };
}

async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

async function write(format: FormatName, stream: RowStream, csv = {}): Promise<Buffer> {
  return bytesOf(DATASET_FORMATS[format].write(stream, { signal, csv }));
}

async function read(
  format: FormatName,
  bytes: Uint8Array | string,
  options: { columns?: readonly Column[]; csv?: object; chunk?: number } = {},
) {
  return collectRows(
    await DATASET_FORMATS[format].read(input(bytes, `mem:data.${format}`, options.chunk), {
      signal,
      ...options,
    }),
  );
}

const col = (name: string, type: Column["type"], nullable = true): Column => ({ name, type, nullable });

describe("a round trip keeps every type", () => {
  for (const format of ["csv", "json", "ndjson", "parquet", "arrow"] as const) {
    it(format, async () => {
      const bytes = await write(format, rowsFromArray(typedColumns, typedRows, 2));
      const declared = ["parquet", "arrow"].includes(format) ? {} : { columns: typedColumns };
      const back = await read(format, bytes, { ...declared, chunk: 7 });
      expect(back.columns.map((column) => [column.name, column.type])).toEqual(
        typedColumns.map((column) => [column.name, column.type]),
      );
      expect(back.rows).toEqual(typedRows);
    });
  }
});

describe("csv", () => {
  it("infers types from the first rows, keeping codes with leading zeros as text", async () => {
    const text =
      "id,score,ok,at,day,zip,note\n1,1.5,true,2024-01-02T03:04:05Z,2024-01-02,007,x\n2,2,FALSE,2024-01-02T03:04:05+02:00,2024-01-03,010,\n";
    const { columns, rows } = await read("csv", text);
    expect(columns.map((column) => column.type.kind)).toEqual([
      "int64",
      "float64",
      "boolean",
      "timestamptz",
      "date",
      "text",
      "text",
    ]);
    expect(rows[1]).toEqual([
      2n,
      2,
      false,
      new Date("2024-01-02T01:04:05Z"),
      new Date("2024-01-03T00:00:00Z"),
      "010",
      null,
    ]);
  });

  it("takes delimiter, quote, null text, no header and an encoding", async () => {
    const text = Buffer.from("'a;b';NULL;caf\u00e9\n'';x;y\n", "latin1");
    const { columns, rows } = await read("csv", text, {
      csv: { delimiter: ";", quote: "'", null: "NULL", header: false, encoding: "latin1" },
    });
    expect(columns.map((column) => column.name)).toEqual(["col_1", "col_2", "col_3"]);
    expect(rows).toEqual([
      ["a;b", null, "café"],
      ["", "x", "y"],
    ]);
  });

  it("writes with the same options and reads its own output back", async () => {
    const columns = [col("a", { kind: "text" }), col("b", { kind: "int64" })];
    const rows = [
      ["x;y", 1n],
      ["NULL", null],
      [null, 3n],
    ];
    const options = { delimiter: ";", null: "NULL" };
    const bytes = await write("csv", rowsFromArray(columns, rows), options);
    expect(bytes.toString()).toBe('a;b\n"x;y";1\n"NULL";NULL\nNULL;3\n');
    expect((await read("csv", bytes, { csv: options, columns })).rows).toEqual(rows);
  });

  it("names the file and the line of a ragged row", async () => {
    const text = "a,b,c\n1,2,3\n4,5,6\n7,8\n";
    await expect(read("csv", text)).rejects.toThrow(
      /mem:data\.csv \(line 4\): not valid CSV: the row has 2 fields, the first row has 3/,
    );
  });

  it("names the row and column of a cell that is not its declared type", async () => {
    const text = "a\n1\nlots\n";
    await expect(read("csv", text, { columns: [col("a", { kind: "int64" })] })).rejects.toThrow(
      /mem:data\.csv \(line 3, column "a"\): "lots" is not a int64/,
    );
  });

  it("fails on a value past the inference sample that does not fit the inferred type", async () => {
    const text = `n\n${"1\n".repeat(1500)}oops\n`;
    await expect(read("csv", text)).rejects.toThrow(/line 1502, column "n"/);
  });

  it("reads CRLF files cut anywhere, and counts the lines of quoted line breaks", async () => {
    const text = 'a,b\r\n"x\r\ny",1\r\n"say ""hi""",2\r\n\r\n3,oops,extra\r\n';
    for (const chunk of [1, 2, 5, 100]) {
      await expect(
        read("csv", text, { chunk, columns: [col("a", { kind: "text" }), col("b", { kind: "int64" })] }),
      ).rejects.toThrow(/\(line 6\): not valid CSV: the row has 3 fields, the first row has 2/);
      const { rows } = await read("csv", text.replace(",oops,extra", ",3"), { chunk });
      expect(rows).toEqual([
        ["x\r\ny", 1n],
        ['say "hi"', 2n],
        ["3", 3n],
      ]);
    }
  });

  it("names the line of an unclosed quote and of text after a closing quote", async () => {
    await expect(read("csv", 'a\n1\n"open\n\n')).rejects.toThrow(
      /\(line 3\): not valid CSV: a quoted cell is not closed/,
    );
    await expect(read("csv", 'a\n"x"y\n')).rejects.toThrow(
      /\(line 2\): not valid CSV: a character after a closing quote/,
    );
  });

  it("refuses binary data", async () => {
    const parquet = await write("parquet", rowsFromArray([col("a", { kind: "int64" })], [[1n]]));
    await expect(read("csv", parquet)).rejects.toThrow(/not valid CSV: it is a Parquet file/);
  });
});

describe("json and ndjson", () => {
  it("streams an array cut anywhere, with long numbers kept exact", async () => {
    const text = ' [ {"id": 1234567890123456789, "s": "a,]}\\"", "n": 1.5},\n{"id": 2, "s": "[", "n": 2} ] ';
    for (const chunk of [1, 3, 1000]) {
      const { columns, rows } = await read("json", text, { chunk });
      expect(columns.map((column) => column.type.kind)).toEqual(["int64", "text", "float64"]);
      expect(rows).toEqual([
        [1234567890123456789n, 'a,]}"', 1.5],
        [2n, "[", 2],
      ]);
    }
  });

  it("infers float64 for integers past int64, and json for mixed values", async () => {
    const { columns, rows } = await read(
      "ndjson",
      '{"a": 123456789012345678901234567890, "b": 1}\n{"a": 1, "b": "x"}\n',
    );
    expect(columns.map((column) => column.type.kind)).toEqual(["float64", "json"]);
    expect(rows[0]).toEqual([1.2345678901234568e29, 1]);
  });

  it("reads an empty array and writes one", async () => {
    expect((await read("json", "[]")).rows).toEqual([]);
    const bytes = await write("json", rowsFromArray([col("a", { kind: "int64" })], []));
    expect(bytes.toString()).toBe("[\n]\n");
  });

  it("names the line of a syntax error, and says when the file is not an array", async () => {
    await expect(read("json", '[\n{"a": 1},\n{"a": 2,,}\n]')).rejects.toThrow(
      /mem:data\.json \(line 3\): not valid JSON/,
    );
    await expect(read("json", '{"a": 1}')).rejects.toThrow(/one object, not an array of objects/);
    await expect(read("json", '[{"a": 1}')).rejects.toThrow(/not closed/);
    await expect(read("ndjson", '{"a": 1}\n\n{"a": oops}\n')).rejects.toThrow(
      /mem:data\.ndjson \(line 3\): not valid NDJSON/,
    );
  });

  it("fails on a key the sampled rows did not have", async () => {
    const lines = `${'{"a": 1}\n'.repeat(1001)}{"a": 2, "b": 3}\n`;
    await expect(read("ndjson", lines)).rejects.toThrow(/row 1002\): the key "b" is not one of the columns/);
  });
});

describe("binary formats", () => {
  it("read Parquet written by another tool, mapping its types", async () => {
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: "n", data: [1, 2, null], type: "INT32" },
        { name: "s", data: ["a", "b", null], type: "STRING" },
        { name: "t", data: [new Date(0), new Date(1000), null], type: "TIMESTAMP" },
        { name: "d", data: [1.5, 2.5, null], type: "DOUBLE" },
      ],
    });
    const { columns, rows } = await read("parquet", new Uint8Array(buffer));
    expect(columns.map((column) => column.type.kind)).toEqual(["int32", "text", "timestamptz", "float64"]);
    expect(rows[1]).toEqual([2, "b", new Date(1000), 2.5]);
    expect(rows[2]).toEqual([null, null, null, null]);
  });

  it("refuse files that are not what they claim", async () => {
    await expect(read("parquet", "a,b\n1,2\n")).rejects.toThrow(
      /mem:data\.parquet: not valid PARQUET: it does not start and end with the PAR1 magic \(it looks like text\)/,
    );
    await expect(read("arrow", "a,b\n1,2\n")).rejects.toThrow(/mem:data\.arrow: not valid ARROW/);
    const parquet = await write("parquet", rowsFromArray([col("a", { kind: "int64" })], [[1n]]));
    await expect(read("arrow", parquet)).rejects.toThrow(/it is a Parquet file/);
    const truncated = parquet.subarray(0, parquet.length - 10);
    await expect(read("parquet", truncated)).rejects.toThrow(/not valid PARQUET/);
  });

  it("keep the columns of an empty dataset", async () => {
    const columns = [col("a", { kind: "int64" }), col("b", { kind: "text" })];
    for (const format of ["parquet", "arrow"] as const) {
      const back = await read(format, await write(format, rowsFromArray(columns, [])));
      expect(back.columns).toEqual(columns);
      expect(back.rows).toEqual([]);
    }
  });
});

describe("writers stream", () => {
  for (const format of ["csv", "ndjson", "parquet", "arrow"] as const) {
    it(`${format} hands out bytes before it has read every row`, async () => {
      const columns = [col("id", { kind: "int64" }), col("name", { kind: "text" })];
      let pulled = 0;
      const source = rowStream(
        columns,
        (async function* () {
          for (let batch = 0; batch < 40; batch++) {
            pulled += 10_000;
            yield {
              rows: Array.from({ length: 10_000 }, (_, i): Row => [BigInt(batch * 10_000 + i), `n${i}`]),
            };
          }
        })(),
      );
      const iterator = DATASET_FORMATS[format].write(source, { signal })[Symbol.asyncIterator]();
      let firstAt = -1;
      let chunks = 0;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        if (next.value.length > 0 && firstAt < 0) firstAt = pulled;
        chunks++;
      }
      expect(firstAt).toBeLessThan(400_000);
      expect(chunks).toBeGreaterThan(2);
    });
  }
});

describe("formatFor", () => {
  it("goes by the extension, and refuses ORC with the reason", () => {
    expect(formatFor("a/b.JSONL", undefined).name).toBe("ndjson");
    expect(formatFor("x.tsv", undefined).name).toBe("csv");
    expect(formatFor("x.data", "parquet").name).toBe("parquet");
    expect(() => formatFor("x.orc", undefined)).toThrow(/ORC is not supported/);
    expect(() => formatFor("x.bin", undefined)).toThrow(/cannot tell the format of x\.bin/);
  });
});
