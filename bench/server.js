// Server benchmarks (issue: the server). Prints numbers; asserts nothing. Run after `npm run build`:
//   node bench/server.js
// Everything runs on loopback against a real `octoflow serve` child process, and every loop is
// bounded in count and time.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import autocannon from "autocannon";

const root = resolve(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "octoflow-bench-server-"));
const token = "bench-token-0123456789abcdef";
mkdirSync(join(dir, "flows"), { recursive: true });
writeFileSync(
  join(dir, "flows", "one.yml"),
  "name: one\nlock: allow\nsteps:\n  - { name: only, type: noop }\n",
);

const child = spawn(
  process.execPath,
  [join(root, "bin", "octoflow.js"), "serve", "--port", "0", "--grace-period", "5"],
  {
    env: { ...process.env, DATA_PATH: dir, API_TOKEN: token, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "inherit"],
  },
);
const exited = new Promise((done) => child.on("exit", done));
const url = await new Promise((done, fail) => {
  let out = "";
  const timer = setTimeout(() => fail(new Error("the server did not start")), 15_000);
  child.stdout.on("data", (chunk) => {
    // The service log goes on at info level (as in production); it is read and dropped.
    if (out === null) return;
    out += chunk;
    const match = /"url":"([^"]+)"[^\n]*"msg":"octoflow serving"/.exec(out);
    if (match) {
      out = null;
      clearTimeout(timer);
      done(match[1]);
    }
  });
});

const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
const rssMb = () => {
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
};
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

try {
  await new Promise((r) => setTimeout(r, 1000));
  const idleRss = rssMb();

  // Launch-to-RUNNING: the launch answers once the run is RUNNING in the store.
  const launch = async () => {
    const started = performance.now();
    const response = await fetch(`${url}/api/v1/runs`, {
      method: "POST",
      headers,
      body: JSON.stringify({ flow: "one" }),
    });
    const body = await response.json();
    const ms = performance.now() - started;
    if (response.status !== 202 || body.state !== "RUNNING")
      throw new Error(`launch answered ${response.status} ${JSON.stringify(body)}`);
    return { ms, id: body.id };
  };
  for (let i = 0; i < 20; i++) await launch();
  const latencies = [];
  let lastId = 0;
  for (let i = 0; i < 500; i++) {
    const { ms, id } = await launch();
    latencies.push(ms);
    lastId = id;
  }
  console.log(
    `launch to RUNNING, one-step flow (500 sequential launches over HTTP): p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms`,
  );

  await new Promise((r) => setTimeout(r, 500));
  const result = await autocannon({
    url: `${url}/api/v1/runs/${lastId}`,
    connections: 32,
    duration: 5,
    headers: { authorization: headers.authorization },
  });
  console.log(
    `GET /api/v1/runs/{id}, 32 connections for 5 s on loopback: ${Math.round(result.requests.average)} requests/s, p99 ${result.latency.p99} ms, ${result.non2xx} non-2xx, ${result.errors} errors`,
  );
  console.log(
    `server memory: idle RSS ${idleRss.toFixed(0)} MB at start, ${rssMb().toFixed(0)} MB after the load`,
  );
} finally {
  child.kill("SIGTERM");
  await exited;
  rmSync(dir, { recursive: true, force: true });
}
