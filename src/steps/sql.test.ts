import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgresSchema } from "../test-support/connector-contract.js";
import type { Harness } from "../test-support/harness.js";
import { createHarness } from "../test-support/harness.js";

let pg: Awaited<ReturnType<typeof freshPostgresSchema>>;
let h: Harness;

beforeAll(async () => {
  pg = await freshPostgresSchema();
  h = createHarness({
    connections: [
      { name: "warehouse", type: "postgres", ...pg.options, password: "not-a-real-password-1234" },
      { name: "local", type: "sqlite", path: "local.sqlite" },
      { name: "scratch", type: "duckdb", path: ":memory:" },
    ],
  });
});

afterAll(async () => {
  // Reverse order: the harness closes its connections before the schema is dropped.
  await h.close();
  expect(await pg.openSessions()).toBe(0);
  await pg.dispose();
});

async function run(steps: string, args: Record<string, unknown> = {}) {
  const flow = await h.flow(`name: sql-test\nsteps:\n${steps}`);
  const final = await (await h.runs.launch({ flow, args, selection: {} })).done;
  const stepRuns = new Map((await h.store.getRunSteps(final.id)).map((s) => [s.name, s]));
  return {
    final,
    output: (name: string) => stepRuns.get(name)?.output,
    error: (name: string) => stepRuns.get(name)?.error,
  };
}

describe("sql step", () => {
  it("runs statements with bound parameters and returns rows as objects", async () => {
    const { final, output } = await run(
      `
  - name: setup
    type: sql
    sql:
      connection: warehouse
      query: |
        CREATE TABLE flights (id int, origin text, delay numeric(10,2), at timestamptz, big bigint);
        INSERT INTO flights VALUES (1, 'JFK', 12.5, '2024-01-01T10:00:00Z', 9007199254740993),
          (2, 'JFK', -3, NULL, 1), (3, 'LAX', 40.25, NULL, 2), (4, 'O''Hare', 7, NULL, 3);
  - name: by_origin
    type: sql
    sql:
      connection: warehouse
      query: "select origin, count(*) n, avg(delay)::numeric(10,2) d from {{ table }} where delay > :min group by origin order by origin"
      params: { min: "{{ threshold }}" }
  - name: one
    type: sql
    sql:
      connection: warehouse
      query: "select id, at, big from flights where origin = :origin"
      params: { origin: "x' or '1'='1" }
`,
      { table: "flights", threshold: 0 },
    );
    expect(final.error).toBeNull();
    expect(output("setup")).toEqual({ row_count: 4 });
    expect(output("by_origin")).toEqual([
      { origin: "JFK", n: 1, d: "12.50" },
      { origin: "LAX", n: 1, d: "40.25" },
      { origin: "O'Hare", n: 1, d: "7.00" },
    ]);
    expect(output("one")).toEqual([]);
  });

  it("writes the result into a table with into, and refuses more than max_rows", async () => {
    const { final, output, error } = await run(`
  - name: numbers
    type: sql
    sql:
      connection: warehouse
      query: "select g AS id, 'n' || g AS label from generate_series(1, 2500) g"
      into: { table: numbers, mode: replace }
  - name: count
    type: sql
    sql: { connection: warehouse, query: "select count(*)::int n from numbers" }
  - name: too_many
    type: sql
    sql: { connection: warehouse, query: "select * from numbers", max_rows: 100 }
    ignore_errors: ["max_rows"]
`);
    expect(final.error).toBeNull();
    expect(output("numbers")).toEqual({ connection: "warehouse", table: "numbers", rows: 2500 });
    expect(output("count")).toEqual([{ n: 2500 }]);
    expect(error("too_many")).toMatch(/more than max_rows \(100\)/);
  });

  it("joins results from different sources in DuckDB (seed 000's job storage)", async () => {
    const { final, output } = await run(`
  - name: airports
    type: sql
    sql:
      connection: local
      query: |
        CREATE TABLE IF NOT EXISTS airports (code TEXT PRIMARY KEY, city TEXT);
        INSERT OR REPLACE INTO airports VALUES ('JFK', 'New York'), ('LAX', 'Los Angeles');
  - name: flights_in
    type: copy
    copy:
      from: { connection: warehouse, query: "select id, origin, delay from flights where delay > :min", params: { min: 0 } }
      to: { connection: scratch, table: flights, mode: replace }
  - name: airports_in
    type: copy
    copy:
      from: { connection: local, table: airports }
      to: { connection: scratch, table: airports, mode: replace }
  - name: joined
    type: sql
    sql:
      connection: scratch
      query: "select a.city, count(*) n from flights f join airports a on a.code = f.origin group by a.city order by a.city"
`);
    expect(final.error).toBeNull();
    expect(output("flights_in")).toMatchObject({ connection: "scratch", table: "flights", rows: 3 });
    expect(output("joined")).toEqual([
      { city: "Los Angeles", n: 1 },
      { city: "New York", n: 1 },
    ]);
  });

  it("says which connection failed and never shows the password", async () => {
    const { error } = await run(`
  - name: broken
    type: sql
    sql: { connection: warehouse, query: "select * from no_such_table" }
`);
    expect(error("broken")).toMatch(/connection warehouse/);
    expect(error("broken")).toMatch(/no_such_table/);
    expect(error("broken")).not.toContain("not-a-real-password-1234");
  });
});
