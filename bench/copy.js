// Copy benchmarks (the connections issue). Prints numbers; asserts nothing. Needs the local
// PostgreSQL (127.0.0.1:5432, user postgres, database test) and psql. Run after `npm run build`:
//   node bench/copy.js                 (1M rows; BENCH_LARGE_ROWS=10000000 for the memory check)
// Each octoflow copy runs as `octoflow run` in a child process, which reports its peak RSS.
import { execFileSync, spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { once } from "node:events";

const root = resolve(import.meta.dirname, "..");

if (process.argv[2] === "--child") {
  // The child: run one flow through the real CLI, then report time and peak memory.
  const { main } = await import(join(process.env.OCTOFLOW_DIST ?? join(root, "dist"), "cli/main.js"));
  const printed = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk) => printed.push(String(chunk)) > 0;
  const started = performance.now();
  const code = await main(["node", "octoflow", "run", process.argv[3], "--json"]);
  const ms = performance.now() - started;
  process.stdout.write = write;
  // The copy step's own time (its `seconds` output), without opening the store and the flow.
  const seconds = [...printed.join("").matchAll(/"seconds": ([\d.]+)/g)].map((match) => Number(match[1]));
  const stepMs = seconds.length ? seconds[seconds.length - 1] * 1000 : ms;
  process.stdout.write(
    `${JSON.stringify({ code, ms, stepMs, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
  if (code !== 0) process.stderr.write(printed.join(""));
  process.exit(code);
}

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const LARGE = Number(process.env.BENCH_LARGE_ROWS ?? 10_000_000);
const pg = { host: "127.0.0.1", port: 5432, user: "postgres", database: "test" };
const dir = mkdtempSync(join(tmpdir(), "octoflow-bench-copy-"));
const schema = `bench_${process.pid}`;
mkdirSync(join(dir, "files"));
writeFileSync(
  join(dir, "connections.yml"),
  `- { name: warehouse, type: postgres, host: ${pg.host}, port: ${pg.port}, user: ${pg.user}, database: ${pg.database}, schema: ${schema} }\n` +
    `- { name: files, type: localfs, path: files }\n`,
);

function psql(command) {
  const started = performance.now();
  execFileSync(
    "psql",
    ["-h", pg.host, "-U", pg.user, "-X", "-q", "-v", "ON_ERROR_STOP=1", pg.database, "-c", command],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  return performance.now() - started;
}

async function writeCsv(file, rows) {
  const out = createWriteStream(file);
  out.write("id,origin,dest,delay,distance,departed,note\n");
  const origins = ["JFK", "LAX", "ORD", "ATL", "SFO", "SEA", "DFW", "BOS"];
  let chunk = "";
  for (let i = 1; i <= rows; i++) {
    const at = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
    chunk += `${i},${origins[i % 8]},${origins[(i * 7) % 8]},${(i % 120) - 20},${(i * 37) % 3000}.5,${at},"flight ${i}, ""on time"""\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  out.end(chunk);
  await once(out, "finish");
}

function octoflow(name, steps) {
  const flow = join(dir, `${name}.yml`);
  writeFileSync(flow, `name: ${name}\nsteps:\n${steps}`);
  const child = spawnSync(process.execPath, [import.meta.filename, "--child", flow], {
    env: { ...process.env, DATA_PATH: dir },
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  const report = child.stdout.trim().split("\n").at(-1);
  if (child.status !== 0 || !report) throw new Error(`${name} failed: ${child.stderr}${child.stdout}`);
  return JSON.parse(report);
}

const TABLE =
  "(id bigint, origin text, dest text, delay bigint, distance double precision, departed timestamptz, note text)";
const copyStep = (file, table) =>
  `  - name: load\n    type: copy\n    copy:\n      from: { connection: files, path: ${file} }\n      to: { connection: warehouse, table: ${table}, mode: append }\n`;

try {
  psql(
    `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.by_psql ${TABLE}; CREATE TABLE ${schema}.by_octoflow ${TABLE}`,
  );
  const csv = join(dir, "files", "flights.csv");
  await writeCsv(csv, ROWS);
  const megabytes = statSync(csv).size / 1e6;
  console.log(`CSV → PostgreSQL, ${ROWS.toLocaleString("en")} rows (${megabytes.toFixed(0)} MB):`);
  const times = { psql: [], octoflow: [], cli: [] };
  let small;
  for (let round = 0; round < 3; round++) {
    psql(`TRUNCATE ${schema}.by_psql, ${schema}.by_octoflow`);
    times.psql.push(psql(`\\copy ${schema}.by_psql from '${csv}' with (format csv, header true)`));
    small = octoflow("csv-to-pg", copyStep("flights.csv", "by_octoflow"));
    times.octoflow.push(small.stepMs);
    times.cli.push(small.ms);
  }
  const best = (values) => Math.min(...values);
  const ratio = best(times.psql) / best(times.octoflow);
  console.log(`  psql \\copy: ${best(times.psql).toFixed(0)} ms (best of 3)`);
  console.log(
    `  octoflow copy step: ${best(times.octoflow).toFixed(0)} ms (best of 3); whole \`octoflow run\` after start-up: ${best(times.cli).toFixed(0)} ms`,
  );
  console.log(
    `  speed ratio psql time / octoflow time: ${ratio.toFixed(2)} for the step, ${(best(times.psql) / best(times.cli)).toFixed(2)} for the whole run (1.00 = as fast as psql)`,
  );

  console.log(`PostgreSQL → Parquet, ${ROWS.toLocaleString("en")} rows:`);
  const toCsv = psql(
    `\\copy (select * from ${schema}.by_octoflow) to '${join(dir, "psql-out.csv")}' with (format csv, header true)`,
  );
  const parquet = octoflow(
    "pg-to-parquet",
    `  - name: out\n    type: copy\n    copy:\n      from: { connection: warehouse, table: by_octoflow }\n      to: { connection: files, path: out/flights.parquet, mode: replace }\n`,
  );
  console.log(`  psql \\copy (select …) to CSV: ${toCsv.toFixed(0)} ms`);
  console.log(
    `  octoflow copy to Parquet: ${parquet.stepMs.toFixed(0)} ms, ${(parquet.stepMs / toCsv).toFixed(2)}x psql's CSV time, peak RSS ${parquet.maxRssMb.toFixed(0)} MB`,
  );

  console.log(
    `Peak memory, CSV → PostgreSQL: ${ROWS.toLocaleString("en")} vs ${LARGE.toLocaleString("en")} rows:`,
  );
  const large = join(dir, "files", "large.csv");
  await writeCsv(large, LARGE);
  psql(`TRUNCATE ${schema}.by_octoflow`);
  const big = octoflow("csv-to-pg-large", copyStep("large.csv", "by_octoflow"));
  console.log(
    `  ${ROWS.toLocaleString("en")} rows: peak RSS ${small.maxRssMb.toFixed(0)} MB (${small.ms.toFixed(0)} ms)`,
  );
  console.log(
    `  ${LARGE.toLocaleString("en")} rows: peak RSS ${big.maxRssMb.toFixed(0)} MB (${big.ms.toFixed(0)} ms)`,
  );
  console.log(
    `Peak memory, PostgreSQL → Parquet (rows parsed in JavaScript): ${LARGE.toLocaleString("en")} rows:`,
  );
  const bigParquet = octoflow(
    "pg-to-parquet-large",
    `  - name: out\n    type: copy\n    copy:\n      from: { connection: warehouse, table: by_octoflow }\n      to: { connection: files, path: out/large.parquet, mode: replace }\n`,
  );
  console.log(
    `  ${LARGE.toLocaleString("en")} rows: peak RSS ${bigParquet.maxRssMb.toFixed(0)} MB (${bigParquet.ms.toFixed(0)} ms); ${ROWS.toLocaleString("en")} rows: ${parquet.maxRssMb.toFixed(0)} MB`,
  );
} finally {
  try {
    psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
