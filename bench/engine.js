// Engine benchmarks (issue 2). Prints numbers; asserts nothing. Run after `npm run build`:
//   node bench/engine.js
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { RunEventBus, RunService, createRegistry, loadFlowText, openSqliteStore } from "../dist/index.js";

const root = resolve(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "octoflow-bench-"));
const registry = createRegistry();

async function timeRun(name, yaml) {
  const store = openSqliteStore(join(dir, `${name}.db`));
  const runs = new RunService({ store, registry, events: new RunEventBus() });
  const loaded = await loadFlowText(`${name}.yml`, yaml, registry);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics[0]));
  const started = performance.now();
  const { done } = await runs.launch({ flow: loaded.flow });
  const run = await done;
  const ms = performance.now() - started;
  await store.close();
  if (run.state !== "COMPLETED") throw new Error(`${name} ended ${run.state}: ${run.error}`);
  return ms;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const sequence = `name: seq40\nsteps:\n${Array.from({ length: 40 }, (_, i) => `  - { name: s${i}, type: noop }`).join("\n")}\n`;
await timeRun("warmup", sequence);
const seqTimes = [];
for (let i = 0; i < 5; i++) seqTimes.push(await timeRun(`seq40-${i}`, sequence));
const seq = median(seqTimes);
console.log(
  `40 steps in sequence (SQLite): ${seq.toFixed(1)} ms per run, ${(seq / 40).toFixed(2)} ms per step (median of 5)`,
);

for (const concurrency of [8, 64]) {
  const fanOut = `name: fan\nconcurrency: ${concurrency}\nsteps:\n${Array.from({ length: 10_000 }, (_, i) => `  - { name: s${i}, type: noop, needs: [] }`).join("\n")}\n`;
  const ms = await timeRun(`fan-${concurrency}`, fanOut);
  console.log(
    `10,000-step fan-out, concurrency ${concurrency}: ${ms.toFixed(0)} ms, ${Math.round(10_000 / (ms / 1000))} steps/s (every state change persisted)`,
  );
}

const items = `name: items\nsteps:\n  - { name: each, type: noop, for_each: { items: "{{ range(10000) | list }}", concurrency: 64 } }\n`;
const itemsMs = await timeRun("items", items);
console.log(
  `10,000-item for_each: ${itemsMs.toFixed(0)} ms, ${Math.round(10_000 / (itemsMs / 1000))} items/s`,
);

const flowFile = join(dir, "one.yml");
writeFileSync(flowFile, "name: one\nsteps:\n  - { name: only, type: noop }\n");
const cliTimes = [];
for (let i = 0; i < 5; i++) {
  const started = performance.now();
  execFileSync(process.execPath, [join(root, "bin", "octoflow.js"), "run", flowFile, "--quiet"], {
    env: { ...process.env, DATA_PATH: dir },
  });
  cliTimes.push(performance.now() - started);
}
console.log(
  `octoflow run of a one-step flow, whole process: ${median(cliTimes).toFixed(0)} ms (median of 5)`,
);
rmSync(dir, { recursive: true, force: true });
