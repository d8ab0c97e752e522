import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, collect, startCli, tempDataPath, waitFor } from "./cli-helpers.js";

let data: string;
let flows: string;

beforeAll(() => {
  data = tempDataPath();
  flows = join(data, "flows");
  mkdirSync(flows, { recursive: true });
  writeFileSync(
    join(flows, "failing.yml"),
    `name: failing
steps:
  - { name: ok, type: noop }
  - { name: boom, type: task, task: { module: ./boom.js } }
  - { name: after, type: noop }
`,
  );
  writeFileSync(
    join(flows, "boom.js"),
    `export default () => { throw new Error("the warehouse is closed"); };\n`,
  );
  writeFileSync(
    join(flows, "broken.yml"),
    `name: broken
steps:
  - name: a
    type: sleeep
  - name: b
    type: noop
    needs: [zzz]
`,
  );
  // Each call appends a line, so a test can count how often a step really ran.
  writeFileSync(
    join(flows, "count.js"),
    `import { appendFileSync } from "node:fs";
export default ({ args }) => { appendFileSync(args.file, args.name + "\\n"); return args.name; };\n`,
  );
  // Waits until a file exists, so a test decides when the step may finish.
  writeFileSync(
    join(flows, "gate.js"),
    `import { existsSync } from "node:fs";
export default async ({ args, context }) => {
  while (!existsSync(args.file)) {
    if (context.signal.aborted) throw context.signal.reason;
    await new Promise((r) => setTimeout(r, 20));
  }
  return "open";
};\n`,
  );
  writeFileSync(
    join(flows, "resumable.yml"),
    `name: resumable
inputs:
  gate: { type: string, required: true }
steps:
  - { name: first, type: task, task: { module: ./count.js, args: { file: "${join(data, "count.txt")}", name: first } } }
  - { name: wait, type: task, task: { module: ./gate.js, args: { file: "{{ gate }}" } } }
  - { name: last, type: task, task: { module: ./count.js, args: { file: "${join(data, "count.txt")}", name: last } } }
`,
  );
});

describe("octoflow CLI", () => {
  it("runs the README's example and exits 0", async () => {
    const result = await cli(["run", "examples/hello.yml", "--input", "who=world"], data);
    expect(result.stderr).toContain("hello world");
    expect(result.stderr).toContain("hello grace (2 of 3)");
    expect(result.stderr).toMatch(/run \d+ COMPLETED/);
    expect(result.code).toBe(0);
  });

  it("prints the final run as JSON with --json", async () => {
    const result = await cli(["run", "examples/code/orders.yml", "--json"], data);
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout);
    expect(run).toMatchObject({ flow: "orders", state: "COMPLETED", progress: 100, errors: [] });
    expect(
      run.steps.map((s: { name: string; state: string; attempts: number }) => [s.name, s.state, s.attempts]),
    ).toEqual([
      ["orders", "COMPLETED", 1],
      ["totals", "COMPLETED", 1],
    ]);
    expect(run.data.totals).toEqual({ orders: 2, total: 42.5, currency: "EUR" });
  });

  it("runs a flow written with the code API", async () => {
    const result = await cli(["run", "examples/code/pipeline.mjs", "--json"], data);
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout);
    expect(run.data.merge).toEqual([
      { id: 1, customer: "ada", amount: 20, name: "Ada Lovelace" },
      { id: 2, customer: "grace", amount: 22.5, name: "Grace Hopper" },
    ]);
    expect(run.data.announce).toBe("merged 2 orders");
  });

  it("exits 1 when a step fails, with the error and a resume hint", async () => {
    const result = await cli(["run", "failing"], data);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("the warehouse is closed");
    expect(result.stderr).toMatch(/resume with: octoflow resume \d+/);
    const json = JSON.parse((await cli(["run", "failing", "--json"], data)).stdout);
    expect(json.state).toBe("FAILED");
    expect(json.steps.find((s: { name: string }) => s.name === "after").state).toBe("SKIPPED");
    expect(json.errors[0]).toContain('step "boom" failed');
  });

  it("validates with file, line, column and hints, exit 2", async () => {
    const result = await cli(["validate", join(flows, "broken.yml")], data);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `${join(flows, "broken.yml")}:4:11 steps[0].type: unknown step type "sleeep" — did you mean "sleep"?`,
    );
    expect(result.stderr).toMatch(
      /broken\.yml:7:13 steps\[1\]\.needs\[0\]: needs "zzz", but no step has that name/,
    );
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
    const ok = await cli(["validate", "examples/hello.yml", "examples/parallel.yml"], data);
    expect(ok.code).toBe(0);
  });

  it("refuses to run an invalid flow and names a missing one", async () => {
    const invalid = await cli(["run", "broken"], data);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('unknown step type "sleeep"');
    const missing = await cli(["run", "nope"], data);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('no flow file "nope"');
  });

  it("plans a run in parallel groups without running it", async () => {
    const result = await cli(["plan", "examples/parallel.yml"], data);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("group 1 (2 in parallel):");
    expect(result.stdout).toContain("merge (log) after extract_orders, extract_customers");
    const subset = JSON.parse(
      (await cli(["plan", "examples/parallel.yml", "--only", "merge", "--with-downstream", "--json"], data))
        .stdout,
    );
    expect(subset.groups).toEqual([["merge"], ["report", "notify"]]);
    expect(subset.missingUpstream.sort()).toEqual(["extract_customers", "extract_orders"]);
  });

  it("draws a flow and a run", async () => {
    const dot = await cli(["graph", "examples/parallel.yml"], data);
    expect(dot.stdout).toContain('"extract_orders" -> "merge"');
    const mermaid = await cli(["graph", "examples/parallel.yml", "--format", "mermaid"], data);
    expect(mermaid.stdout).toMatch(/^flowchart LR/);
    const run = JSON.parse((await cli(["run", "failing", "--json"], data)).stdout);
    const drawn = await cli(["graph", "--run", String(run.id)], data);
    expect(drawn.stdout).toMatch(/"boom" \[label="boom\\n\(task\)\\nFAILED \d+ms", fillcolor="#f4a3a3"\]/);
  });

  it("prints the JSON Schema of flow files", async () => {
    const schema = JSON.parse((await cli(["schema"], data)).stdout);
    expect(schema.$schema).toContain("2020-12");
    const branches = schema.properties.steps.items.anyOf.map(
      (b: { properties: { type: { const: string } } }) => b.properties.type.const,
    );
    const types = JSON.parse((await cli(["step-types", "--json"], data)).stdout).map(
      (t: { name: string }) => t.name,
    );
    expect(branches).toEqual(types);
    expect(types).toEqual(
      expect.arrayContaining([
        "file",
        "flow",
        "flow_loop",
        "jinja",
        "jira_names_merge",
        "jq",
        "log",
        "noop",
        "rest",
        "sleep",
        "task",
      ]),
    );
  });

  it("lists, shows and prints the logs of runs", async () => {
    const run = JSON.parse((await cli(["run", "examples/hello.yml", "--json"], data)).stdout);
    const list = await cli(["runs", "list", "--flow", "hello"], data);
    expect(list.stdout).toMatch(new RegExp(`${run.id}\\s+COMPLETED\\s+100%`));
    const show = await cli(["runs", "show", String(run.id)], data);
    expect(show.stdout).toContain("COMPLETED greet_each");
    const logs = await cli(["runs", "logs", String(run.id)], data);
    expect(logs.stdout).toContain("[greet_each#2] hello linus (3 of 3)");
    const bad = await cli(["runs", "show", "abc"], data);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"abc" is not a run id');
  });

  it("cancels on Ctrl-C: exit 130 and the run is CANCELLED", async () => {
    const child = startCli(["run", "resumable", "--input", `gate=${join(data, "never")}`], data);
    const done = collect(child);
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(() => stderr.includes("wait RUNNING") || stderr.includes("▶ wait"));
    child.kill("SIGINT");
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/run \d+ CANCELLED/);
  });

  it("recovers a run whose process was killed, and resumes it from its completed steps", async () => {
    const countFile = join(data, "count.txt");
    const gate = join(data, "gate-open");
    writeFileSync(countFile, "");
    const child = startCli(["run", "resumable", "--input", `gate=${gate}`], data);
    const done = collect(child);
    await waitFor(() => readFileSync(countFile, "utf8").includes("first"));
    await new Promise((r) => setTimeout(r, 200));
    child.kill("SIGKILL");
    await done;
    const list = JSON.parse((await cli(["runs", "list", "--flow", "resumable", "--json"], data)).stdout);
    const killed = list[0];
    expect(killed.state).toBe("FAILED");
    expect(killed.error).toMatch(
      /stopped while this run was RUNNING \(killed or crashed\); resume it with `octoflow resume \d+`/,
    );
    const interrupted = JSON.parse((await cli(["runs", "show", String(killed.id), "--json"], data)).stdout);
    expect(interrupted.steps.map((s: { state: string }) => s.state)).toEqual([
      "COMPLETED",
      "FAILED",
      "READY",
    ]);

    writeFileSync(gate, "");
    const result = await cli(["resume", String(killed.id), "--json"], data);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).state).toBe("COMPLETED");
    expect(readFileSync(countFile, "utf8")).toBe("first\nlast\n");
    const shown = JSON.parse((await cli(["runs", "show", String(killed.id), "--json"], data)).stdout);
    expect(shown.steps.map((s: { state: string }) => s.state)).toEqual([
      "COMPLETED",
      "COMPLETED",
      "COMPLETED",
    ]);
  });
});
