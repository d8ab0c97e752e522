// Files benchmark (issue: files and object storage). Prints numbers; asserts nothing. Run after
// `npm run build`:   node bench/files.js            (1,000,000 and 10,000,000 rows)
//                    node bench/files.js 200000     (other sizes)
// Each conversion runs in a child process of its own, so that its peak memory (maxRSS) is its
// own: converting 10 times more rows must not take more memory.
import { execFileSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";

const columns = [
  { name: "id", type: { kind: "int64" }, nullable: false },
  { name: "name", type: { kind: "text" }, nullable: true },
  { name: "amount", type: { kind: "decimal", precision: 12, scale: 2 }, nullable: true },
  { name: "at", type: { kind: "timestamptz" }, nullable: true },
  { name: "score", type: { kind: "float64" }, nullable: true },
];

if (process.argv[2] === "--child") {
  await convert(process.argv[3], process.argv[4], process.argv[5]);
} else {
  const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [1_000_000, 10_000_000];
  const dir = mkdtempSync(join(tmpdir(), "octoflow-bench-files-"));
  try {
    for (const rows of sizes) {
      const csv = join(dir, `rows-${rows}.csv`);
      await writeCsv(csv, rows);
      for (const [from, to] of [
        ["csv", "parquet"],
        ["parquet", "csv"],
      ]) {
        const source = from === "csv" ? `rows-${rows}.csv` : `rows-${rows}.parquet`;
        const target = `rows-${rows}.${to}`;
        const output = execFileSync(
          process.execPath,
          [import.meta.filename, "--child", dir, source, target],
          {
            encoding: "utf8",
            maxBuffer: 1024 * 1024,
          },
        );
        const result = JSON.parse(output);
        const size = (file) => (statSync(join(dir, file)).size / 1024 / 1024).toFixed(0);
        console.log(
          `${from.toUpperCase()} → ${to.toUpperCase()}, ${rows.toLocaleString("en")} rows (${size(source)} MB → ${size(target)} MB): ` +
            `${(result.ms / 1000).toFixed(1)} s, ${Math.round(rows / (result.ms / 1000)).toLocaleString("en")} rows/s, ` +
            `peak RSS ${result.maxRssMb} MB`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The child: one localfs connection, read one file and write it in another format. */
async function convert(dir, source, target) {
  const { localfsConnector } = await import("../dist/connectors/localfs/localfs-connector.js");
  const environment = {
    paths: { data: dir, flows: dir, templates: dir },
    secrets: { get: () => undefined, names: () => [] },
  };
  const connection = await localfsConnector.open("bench", localfsConnector.options.parse({}), environment);
  const context = { signal: new AbortController().signal };
  const started = performance.now();
  const rows = await connection.read({ connection: "bench", path: source, columns }, context);
  await connection.write({ connection: "bench", path: target, mode: "replace" }, rows, context);
  const ms = performance.now() - started;
  await connection.close();
  process.stdout.write(JSON.stringify({ ms, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
}

async function writeCsv(path, rows) {
  const out = createWriteStream(path);
  out.write("id,name,amount,at,score\n");
  const base = Date.UTC(2024, 0, 1);
  for (let start = 0; start < rows; start += 10_000) {
    let text = "";
    for (let id = start; id < Math.min(rows, start + 10_000); id++) {
      text += `${id},name ${id % 9973},${(id % 100_000) / 100},${new Date(base + id * 1000).toISOString()},${id / 7}\n`;
    }
    if (!out.write(text)) await once(out, "drain");
  }
  out.end();
  await once(out, "close");
}
