import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  POSTGRES_TEST,
  freshMysqlDatabase,
  freshPostgresSchema,
} from "../test-support/connector-contract.js";
import type { Harness } from "../test-support/harness.js";
import { createHarness } from "../test-support/harness.js";

let postgres: Awaited<ReturnType<typeof freshPostgresSchema>>;
let maria: Awaited<ReturnType<typeof freshMysqlDatabase>>;
let h: Harness;
let admin: pg.Client;
let stalling: Server;

beforeAll(async () => {
  postgres = await freshPostgresSchema();
  maria = await freshMysqlDatabase();
  // A CSV source that sends a few rows and then stalls: a copy from it can only end by cancellation.
  stalling = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/csv" });
    response.write("id,label\n");
    for (let i = 1; i <= 1000; i++) response.write(`${i},label ${i}\n`);
  });
  await new Promise<void>((resolve) => stalling.listen(0, "127.0.0.1", resolve));
  const stallingUrl = `http://127.0.0.1:${(stalling.address() as AddressInfo).port}/`;
  h = createHarness({
    connections: [
      { name: "stalling", type: "http", url: stallingUrl },
      { name: "warehouse", type: "postgres", ...postgres.options },
      { name: "shop", type: "mysql", ...maria.options },
      { name: "local", type: "sqlite", path: "local.sqlite" },
      { name: "scratch", type: "duckdb", path: "scratch.duckdb" },
      { name: "files", type: "localfs", path: "files", create: true },
    ],
  });
  mkdirSync(join(h.dir, "files"), { recursive: true });
  const lines = ["id,origin,delay,note"];
  for (let i = 1; i <= 1000; i++)
    lines.push(`${i},${i % 3 === 0 ? "LAX" : "JFK"},${(i % 50) - 10},"say ""hi"", 漢字 🚀 ${i}"`);
  writeFileSync(join(h.dir, "files", "flights.csv"), `${lines.join("\n")}\n`);
  writeFileSync(join(h.dir, "files", "ragged.csv"), "id,origin,delay\n1,JFK,3\n2,LAX\n3,JFK,4\n");
  writeFileSync(join(h.dir, "files", "fake.parquet"), "id,origin\n1,JFK\n");
  admin = new pg.Client({ ...POSTGRES_TEST });
  await admin.connect();
  await admin.query(`SET search_path = ${postgres.schema}`);
});

afterAll(async () => {
  stalling.closeAllConnections();
  stalling.close();
  await admin.end();
  await h.close();
  expect(await postgres.openSessions()).toBe(0);
  expect(await maria.openSessions()).toBe(0);
  await maria.dispose();
  await postgres.dispose();
});

async function run(steps: string) {
  const flow = await h.flow(`name: copy-test\nsteps:\n${steps}`);
  const final = await (await h.runs.launch({ flow, args: {}, selection: {} })).done;
  const stepRuns = new Map((await h.store.getRunSteps(final.id)).map((s) => [s.name, s]));
  return {
    final,
    output: (name: string) => stepRuns.get(name)?.output as Record<string, unknown> | undefined,
    error: (name: string) => stepRuns.get(name)?.error,
  };
}

const count = async (table: string) =>
  (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n;

describe("copy step", () => {
  it("loads a CSV file into PostgreSQL through COPY, creating the table from the file's columns", async () => {
    const { final, output } = await run(`
  - name: load
    type: copy
    copy:
      from: { connection: files, path: flights.csv }
      to: { connection: warehouse, table: flights, mode: replace }
`);
    expect(final.error).toBeNull();
    expect(output("load")).toMatchObject({
      rows: 1000,
      method: "postgres bulk load of csv",
      table: "flights",
    });
    const { rows } = await admin.query("SELECT id, origin, delay, note FROM flights WHERE id = 3");
    expect(rows).toEqual([{ id: "3", origin: "LAX", delay: "-7", note: 'say "hi", 漢字 🚀 3' }]);
    const types = await admin.query(
      "SELECT data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'flights' ORDER BY ordinal_position",
      [postgres.schema],
    );
    expect(types.rows.map((r) => r.data_type)).toEqual(["bigint", "text", "bigint", "text"]);
  });

  it("names the file and line of a ragged row, and leaves the target as it was", async () => {
    await admin.query(
      "CREATE TABLE ragged (id bigint, origin text, delay bigint); INSERT INTO ragged VALUES (42, 'KEEP', 0)",
    );
    const { error } = await run(`
  - name: load
    type: copy
    copy:
      from: { connection: files, path: ragged.csv }
      to: { connection: warehouse, table: ragged, mode: replace }
`);
    expect(error("load")).toMatch(/files:ragged\.csv/);
    expect(error("load")).toMatch(/warehouse\.ragged/);
    expect(error("load")).toMatch(/line 3/);
    expect((await admin.query("SELECT id, origin FROM ragged")).rows).toEqual([{ id: "42", origin: "KEEP" }]);
  });

  it("says which file is not the format it claims", async () => {
    const { error } = await run(`
  - name: load
    type: copy
    copy:
      from: { connection: files, path: fake.parquet }
      to: { connection: warehouse, table: fake, mode: replace }
`);
    expect(error("load")).toMatch(/fake\.parquet/);
    expect((await admin.query("SELECT to_regclass('fake') AS t")).rows[0].t).toBeNull();
  });

  it("leaves the target as it was when the copy is cancelled by its timeout", async () => {
    await admin.query("CREATE TABLE big (id bigint, label text); INSERT INTO big VALUES (1, 'before')");
    const { error } = await run(`
  - name: load
    type: copy
    timeout: 500ms
    copy:
      from: { connection: stalling, path: big.csv }
      to: { connection: warehouse, table: big, mode: replace }
`);
    expect(error("load")).toMatch(/timed out/);
    expect(await count("big")).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const staging = await admin.query(
      "SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename LIKE '%octoflow%'",
      [postgres.schema],
    );
    expect(staging.rows).toEqual([]);
  });

  it("copies between engines: PostgreSQL → MariaDB (upsert), SQLite → PostgreSQL, CSV → DuckDB", async () => {
    const { final, output } = await run(`
  - name: to_shop
    type: copy
    copy:
      from: { connection: warehouse, query: "select id, origin, delay from flights where id <= :n", params: { n: 10 } }
      to: { connection: shop, table: flights, mode: upsert, key: [id] }
  - name: again
    type: copy
    copy:
      from: { connection: warehouse, query: "select id, 'XXX' as origin, delay from flights where id between 5 and 15" }
      to: { connection: shop, table: flights, mode: upsert, key: [id] }
  - name: check_shop
    type: sql
    sql: { connection: shop, query: "select count(*) n, sum(origin = 'XXX') x from flights" }
  - name: seed_local
    type: sql
    sql: { connection: local, query: "create table if not exists codes (code text, n int); delete from codes; insert into codes values ('a', 1), ('b', 2)" }
  - name: to_warehouse
    type: copy
    copy:
      from: { connection: local, table: codes }
      to: { connection: warehouse, table: codes, mode: append }
  - name: to_duck
    type: copy
    copy:
      from: { connection: files, path: flights.csv }
      to: { connection: scratch, table: flights, mode: replace }
  - name: check_duck
    type: sql
    sql: { connection: scratch, query: "select count(*) n, max(note) m from flights" }
`);
    expect(final.error).toBeNull();
    expect(output("to_shop")).toMatchObject({ rows: 10, method: "row stream" });
    expect(output("check_shop")).toEqual([{ n: 15, x: "11" }]);
    expect(await count("codes")).toBe(2);
    expect(output("to_duck")).toMatchObject({ rows: 1000, method: "duckdb bulk load of csv" });
    expect(output("check_duck")).toEqual([{ n: 1000, m: 'say "hi", 漢字 🚀 999' }]);
  });

  it("writes a table to a Parquet file and reads it back", async () => {
    const { final, output } = await run(`
  - name: out
    type: copy
    copy:
      from: { connection: warehouse, table: flights }
      to: { connection: files, path: out/flights.parquet, mode: replace }
  - name: back
    type: copy
    copy:
      from: { connection: files, path: out/flights.parquet }
      to: { connection: warehouse, table: flights_back, mode: replace }
`);
    expect(final.error).toBeNull();
    expect(output("out")).toMatchObject({ rows: 1000, path: "out/flights.parquet" });
    expect(await count("flights_back")).toBe(1000);
    const diff = await admin.query(
      "SELECT count(*)::int AS n FROM (SELECT * FROM flights EXCEPT SELECT * FROM flights_back) d",
    );
    expect(diff.rows[0].n).toBe(0);
  });
});
