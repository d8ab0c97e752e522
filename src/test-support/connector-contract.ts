import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  Column,
  Connection,
  ConnectionTestResult,
  ConnectorEnvironment,
  ConnectorKind,
  Row,
  RowBatch,
  RowStream,
} from "../connectors/connector.js";
import mysql from "mysql2/promise";
import pg from "pg";
import { emptySecrets } from "../services/secrets.js";

/** One database kind under the contract: how to get a fresh, isolated place and how to break it. */
export interface ConnectorSubject {
  // Each kind has its own options type.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly connector: ConnectorKind<any>;
  /** Options (as in connections.yml) for a fresh, empty place: a schema, database or file. */
  fresh(): Promise<FreshPlace>;
  /** Options that must make `test` fail, and the stage it must report. */
  readonly failures: readonly {
    readonly what: string;
    readonly options: (base: Record<string, unknown>, dataDir: string) => Record<string, unknown>;
    readonly stage: Extract<ConnectionTestResult, { ok: false }>["stage"];
  }[];
  /** A database server, whose sessions another client can end (embedded engines have none). */
  readonly server: boolean;
  /** Portable types this kind reads back as another type (MySQL has no time zone: timestamptz → timestamp). */
  readonly typeReadAs?: Readonly<Partial<Record<Column["type"]["kind"], Column["type"]["kind"]>>>;
}

export interface FreshPlace {
  readonly options: Record<string, unknown>;
  /** Ends the sessions the connection has open from outside (a server-side kill); servers only. */
  killSessions?(): Promise<void>;
  /** Sessions still open to the place, to check that nothing leaked. */
  openSessions?(): Promise<number>;
  dispose(): Promise<void>;
}

/** The types every kind must keep, with a value of each that is hard to keep. */
export const ROUND_TRIP_COLUMNS: readonly Column[] = [
  { name: "id", type: { kind: "int32" }, nullable: false },
  { name: "big", type: { kind: "int64" }, nullable: true },
  { name: "amount", type: { kind: "decimal", precision: 38, scale: 10 }, nullable: true },
  { name: "at", type: { kind: "timestamptz" }, nullable: true },
  { name: "flag", type: { kind: "boolean" }, nullable: true },
  { name: "note", type: { kind: "text" }, nullable: true },
  { name: "doc", type: { kind: "json" }, nullable: true },
  { name: "blob", type: { kind: "binary" }, nullable: true },
];

export const ROUND_TRIP_ROWS: readonly Row[] = [
  [
    1,
    9007199254740993n,
    "1234567890123456789012345678.0123456789",
    new Date("2024-03-10T12:34:56.789Z"),
    true,
    "emoji 🚀 CJK 漢字 quotes ' \" backslash \\ tab\tnew\nline\r\nend",
    { a: [1, "x", null], b: { c: true } },
    Uint8Array.from([0, 1, 2, 255, 0x5c, 0x0a]),
  ],
  [
    2,
    -9007199254740993n,
    "-0.0000000001",
    new Date("1999-12-31T23:59:59.000Z"),
    false,
    "",
    [],
    new Uint8Array(),
  ],
  [3, null, null, null, null, null, null, null],
];

/** A row stream over batches; `each` runs before each batch is handed out (to cancel, kill, fail). */
export function rowStream(
  columns: readonly Column[],
  batches: readonly (readonly Row[])[],
  each?: (index: number) => Promise<void> | void,
): RowStream {
  return {
    columns,
    async *[Symbol.asyncIterator](): AsyncIterator<RowBatch> {
      for (const [index, rows] of batches.entries()) {
        await each?.(index);
        yield { rows, bytes: rows.length * 10 };
      }
    },
  };
}

export async function readAll(stream: RowStream): Promise<{ rows: Row[]; batches: number }> {
  const rows: Row[] = [];
  let batches = 0;
  for await (const batch of stream) {
    batches++;
    rows.push(...batch.rows);
  }
  return { rows, batches };
}

const numbered = (from: number, count: number): Row[] =>
  Array.from({ length: count }, (_, i) => [from + i, `row ${from + i}`]);
const SIMPLE: readonly Column[] = [
  { name: "id", type: { kind: "int32" }, nullable: false },
  { name: "label", type: { kind: "text" }, nullable: true },
];

/** Compares values the way the contract defines them (Date by instant, bytes by content). */
function normalise(value: unknown): unknown {
  if (value instanceof Date) return `date:${value.toISOString()}`;
  if (value instanceof Uint8Array) return `bytes:${Buffer.from(value).toString("hex")}`;
  if (typeof value === "bigint") return `bigint:${value}`;
  return value;
}

/**
 * The behaviour every database connector must have (STYLE 7): one suite, looped over each kind.
 * Each kind's test file calls it with a subject giving fresh places on the real engine.
 */
export function describeConnectorContract(subject: ConnectorSubject): void {
  const kind = subject.connector.kind;
  describe(`${kind} connector contract`, () => {
    let place: FreshPlace;
    let dir: string;
    let environment: ConnectorEnvironment;
    const opened: Connection[] = [];
    const ctx = (signal: AbortSignal = new AbortController().signal) => ({ signal });
    const open = async (
      options: Record<string, unknown> = place.options,
      name = "db",
    ): Promise<Connection> => {
      const parsed = subject.connector.options.parse(options);
      const connection = await subject.connector.open(name, parsed, environment);
      opened.push(connection);
      return connection;
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), `octoflow-${kind}-`));
      environment = { paths: { data: dir, flows: dir, templates: dir }, secrets: emptySecrets };
      place = await subject.fresh();
    });

    afterAll(async () => {
      // Release in reverse order: connections, then the place, then the folder.
      for (const connection of opened.reverse()) await connection.close();
      if (place.openSessions) expect(await closedSoon(place.openSessions)).toBe(0);
      await place.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it("tests a good connection", async () => {
      const result = await (await open()).test(ctx());
      expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
    });

    for (const failure of subject.failures) {
      it(`says what failed: ${failure.what}`, async () => {
        const result = await (await open(failure.options(place.options, dir), "broken")).test(ctx());
        expect(result).toMatchObject({ ok: false, stage: failure.stage });
        if (!result.ok) expect(result.message.length).toBeGreaterThan(5);
      });
    }

    it("creates a missing table from the source columns, appends, and streams it back in batches", async () => {
      const db = await open({ ...place.options, batch_rows: 100 });
      const written = await db.write(
        { connection: "db", table: "numbers", mode: "append" },
        rowStream(SIMPLE, [numbered(1, 150), numbered(151, 100)]),
        ctx(),
      );
      expect(written.rows).toBe(250);
      await db.write(
        { connection: "db", table: "numbers", mode: "append" },
        rowStream(SIMPLE, [numbered(251, 50)]),
        ctx(),
      );
      const { rows, batches } = await readAll(await db.read({ connection: "db", table: "numbers" }, ctx()));
      expect(rows).toHaveLength(300);
      expect(batches).toBeGreaterThan(1);
      expect(rows.map((row) => row[0]).sort((a, b) => Number(a) - Number(b))[299]).toBe(300);
    });

    it("reads a query with bound parameters, never spliced", async () => {
      const db = await open();
      await db.write(
        { connection: "db", table: "people", mode: "replace" },
        rowStream(SIMPLE, [
          [
            [1, "o'brien"],
            [2, "x'; DROP TABLE people; --"],
          ],
        ]),
        ctx(),
      );
      const stream = await db.read(
        {
          connection: "db",
          query: "SELECT id, label FROM people WHERE label = :label AND id > :min",
          params: { label: "x'; DROP TABLE people; --", min: 0 },
        },
        ctx(),
      );
      expect(stream.columns.map((column) => column.name)).toEqual(["id", "label"]);
      expect((await readAll(stream)).rows).toEqual([[2, "x'; DROP TABLE people; --"]]);
      expect((await readAll(await db.read({ connection: "db", table: "people" }, ctx()))).rows).toHaveLength(
        2,
      );
    });

    it("keeps every type through a round trip", async () => {
      const db = await open();
      await db.write(
        { connection: "db", table: "typed", mode: "replace" },
        rowStream(ROUND_TRIP_COLUMNS, [ROUND_TRIP_ROWS]),
        ctx(),
      );
      const stream = await db.read({ connection: "db", table: "typed" }, ctx());
      const kinds = stream.columns.map((column) => column.type.kind);
      expect(kinds).toEqual(
        ROUND_TRIP_COLUMNS.map((column) => subject.typeReadAs?.[column.type.kind] ?? column.type.kind),
      );
      const decimal = stream.columns[2]?.type;
      expect(decimal).toEqual({ kind: "decimal", precision: 38, scale: 10 });
      const rows = (await readAll(stream)).rows.sort((a, b) => Number(a[0]) - Number(b[0]));
      expect(rows.map((row) => row.map(normalise))).toEqual(ROUND_TRIP_ROWS.map((row) => row.map(normalise)));
    });

    it("replaces a table's rows atomically", async () => {
      const db = await open();
      await db.write(
        { connection: "db", table: "swap", mode: "append" },
        rowStream(SIMPLE, [numbered(1, 10)]),
        ctx(),
      );
      await db.write(
        { connection: "db", table: "swap", mode: "replace" },
        rowStream(SIMPLE, [numbered(100, 3)]),
        ctx(),
      );
      const { rows } = await readAll(
        await db.read({ connection: "db", query: "SELECT id FROM swap ORDER BY id" }, ctx()),
      );
      expect(rows).toEqual([[100], [101], [102]]);
      expect(await tableNames(db)).not.toContainEqual(expect.stringMatching(/octoflow/));
    });

    it("upserts by key: updates rows that exist, inserts the others", async () => {
      const db = await open();
      const target = { connection: "db", table: "merged", mode: "upsert" as const, key: ["id"] };
      await db.write(
        target,
        rowStream(SIMPLE, [
          [
            [1, "one"],
            [2, "two"],
          ],
        ]),
        ctx(),
      );
      await db.write(
        target,
        rowStream(SIMPLE, [
          [
            [2, "TWO"],
            [3, "three"],
          ],
        ]),
        ctx(),
      );
      const { rows } = await readAll(
        await db.read({ connection: "db", query: "SELECT id, label FROM merged ORDER BY id" }, ctx()),
      );
      expect(rows).toEqual([
        [1, "one"],
        [2, "TWO"],
        [3, "three"],
      ]);
      await expect(
        db.write({ connection: "db", table: "merged", mode: "upsert" }, rowStream(SIMPLE, []), ctx()),
      ).rejects.toThrow(/needs key/);
    });

    for (const mode of ["append", "replace", "upsert"] as const) {
      it(`leaves the target as it was when a ${mode} is cancelled mid-write`, async () => {
        const db = await open();
        const table = `cancel_${mode}`;
        await db.write(
          { connection: "db", table, mode: "append" },
          rowStream(SIMPLE, [numbered(1, 5)]),
          ctx(),
        );
        const controller = new AbortController();
        const source = rowStream(
          SIMPLE,
          [numbered(10, 100), numbered(110, 100), numbered(210, 100)],
          (index) => {
            if (index === 2) controller.abort(new Error("cancelled by the test"));
          },
        );
        await expect(
          db.write({ connection: "db", table, mode, key: ["id"] }, source, ctx(controller.signal)),
        ).rejects.toThrow();
        const after = await open();
        const { rows } = await readAll(
          await after.read({ connection: "db", query: `SELECT id FROM ${table} ORDER BY id` }, ctx()),
        );
        expect(rows).toEqual([[1], [2], [3], [4], [5]]);
        expect(await tableNames(after)).not.toContainEqual(expect.stringMatching(/octoflow/));
      });
    }

    it("leaves the target as it was when the source fails mid-write, and says which table", async () => {
      const db = await open();
      await db.write(
        { connection: "db", table: "failing", mode: "append" },
        rowStream(SIMPLE, [numbered(1, 3)]),
        ctx(),
      );
      const source = rowStream(SIMPLE, [numbered(10, 10), numbered(20, 10)], (index) => {
        if (index === 1) throw new Error("ragged row 12 in the source");
      });
      await expect(
        db.write({ connection: "db", table: "failing", mode: "replace" }, source, ctx()),
      ).rejects.toThrow(/ragged row 12/);
      const { rows } = await readAll(
        await db.read({ connection: "db", query: "SELECT id FROM failing ORDER BY id" }, ctx()),
      );
      expect(rows).toEqual([[1], [2], [3]]);
    });

    it("names the connection and table when the table is missing", async () => {
      const db = await open(place.options, "warehouse");
      const failure = db.read({ connection: "warehouse", table: "no_such_table" }, ctx()).then(readAll);
      await expect(failure).rejects.toThrow(/warehouse/);
      await expect(failure).rejects.toThrow(/no_such_table/);
    });

    it("runs several statements with bound parameters; the last one's rows come back", async () => {
      const db = await open();
      expect(db.execute).toBeDefined();
      const result = await db.execute!(
        "CREATE TABLE script (id INTEGER, label VARCHAR(50)); INSERT INTO script VALUES (:id, :label); INSERT INTO script VALUES (:id + 1, 'a;b'); SELECT label FROM script ORDER BY id",
        { id: 7, label: "it's; fine" },
        ctx(),
      );
      expect((await readAll(result.rows!)).rows).toEqual([["it's; fine"], ["a;b"]]);
      expect((await db.execute!("DELETE FROM script WHERE id = :id", { id: 7 }, ctx())).rowCount).toBe(1);
    });

    it("discovers tables with their columns, types and row estimates", async () => {
      const db = await open();
      await db.write(
        { connection: "db", table: "found", mode: "replace" },
        rowStream(ROUND_TRIP_COLUMNS, [ROUND_TRIP_ROWS]),
        ctx(),
      );
      const found = (await db.discover(ctx())).find((object) => object.name === "found");
      expect(found).toMatchObject({ kind: "table" });
      expect(found?.columns?.map((column) => column.name)).toEqual(
        ROUND_TRIP_COLUMNS.map((column) => column.name),
      );
      expect(found?.columns?.[1]?.type.kind).toBe("int64");
    });

    // Embedded engines have no session another client could drop: the case exists only for servers.
    if (subject.server) {
      it("fails with the connection and table named when the connection drops mid-copy, and keeps the target", async () => {
        const db = await open(place.options, "warehouse");
        await db.write(
          { connection: "warehouse", table: "dropped", mode: "append" },
          rowStream(SIMPLE, [numbered(1, 3)]),
          ctx(),
        );
        const source = rowStream(
          SIMPLE,
          [numbered(10, 1000), numbered(1010, 1000), numbered(2010, 1000)],
          async (index) => {
            if (index === 1) {
              await place.killSessions?.();
              await new Promise((resolve) => setTimeout(resolve, 200));
            }
          },
        );
        const failure = db.write(
          { connection: "warehouse", table: "dropped", mode: "replace" },
          source,
          ctx(),
        );
        await expect(failure).rejects.toThrow(/connection warehouse/);
        await expect(failure).rejects.toThrow(/dropped/);
        const after = await open();
        const { rows } = await readAll(
          await after.read({ connection: "db", query: "SELECT id FROM dropped ORDER BY id" }, ctx()),
        );
        expect(rows).toEqual([[1], [2], [3]]);
      });
    }
  });
}

/**
 * Open sessions, once the server has caught up: a closed client's backend can show in
 * pg_stat_activity for a moment after the client is gone, longer on a loaded machine.
 */
async function closedSoon(openSessions: () => Promise<number>): Promise<number> {
  let open = await openSessions();
  for (let waited = 0; open > 0 && waited < 3000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    open = await openSessions();
  }
  return open;
}

async function tableNames(db: Connection): Promise<string[]> {
  return (await db.discover({ signal: new AbortController().signal })).map((object) => object.name);
}

/** The local PostgreSQL (trust auth); each test file works in a fresh schema, dropped after. */
export const POSTGRES_TEST = { host: "127.0.0.1", port: 5432, user: "postgres", database: "test" } as const;

/** A fresh schema in the test database, and an application name to find its sessions by. */
export async function freshPostgresSchema() {
  const id = randomBytes(4).toString("hex");
  const schema = `t_${id}`;
  const applicationName = `octoflow_test_${id}`;
  const admin = new pg.Client(POSTGRES_TEST);
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const sessions = async () =>
    (
      await admin.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1",
        [applicationName],
      )
    ).rows[0]?.n ?? 0;
  return {
    schema,
    options: { ...POSTGRES_TEST, schema, application_name: applicationName } as Record<string, unknown>,
    killSessions: async () => {
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        [applicationName],
      );
    },
    openSessions: sessions,
    dispose: async () => {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

/** The local MariaDB (root, empty password); each test file works in a fresh database, dropped after. */
export const MYSQL_TEST = { host: "127.0.0.1", port: 3306, user: "root" } as const;

export async function freshMysqlDatabase() {
  const database = `t_${randomBytes(4).toString("hex")}`;
  const admin = await mysql.createConnection(MYSQL_TEST);
  await admin.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4`);
  const sessions = async (): Promise<number[]> => {
    const [rows] = await admin.query(
      "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()",
      [database],
    );
    return (rows as { id: number }[]).map((row) => row.id);
  };
  return {
    database,
    options: { ...MYSQL_TEST, database } as Record<string, unknown>,
    killSessions: async () => {
      for (const id of await sessions()) await admin.query(`KILL ${Number(id)}`).catch(() => undefined);
    },
    openSessions: async () => (await sessions()).length,
    dispose: async () => {
      await admin.query(`DROP DATABASE ${database}`);
      await admin.end();
    },
  };
}
