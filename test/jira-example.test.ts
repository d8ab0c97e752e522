import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, repoRoot, tempDataPath } from "./cli-helpers.js";

// Seed 003's Jira flow, unchanged from examples/, against the stand-in for Jira's search API.
let server: ChildProcess;
let jiraUrl: string;
let data: string;

beforeAll(async () => {
  server = spawn(process.execPath, [join(repoRoot, "examples/jira/jira-server.mjs"), "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  jiraUrl = await new Promise<string>((resolve, reject) => {
    server.stdout?.once("data", (chunk: Buffer) => resolve(/http:\/\/\S+/.exec(chunk.toString())?.[0] ?? ""));
    server.once("exit", () => reject(new Error("the Jira stand-in did not start")));
  });
  data = tempDataPath();
  cpSync(join(repoRoot, "examples/jira"), data, { recursive: true });
});
afterAll(() => {
  server.kill();
});

describe("the Jira example", () => {
  it("searches, merges names, renders the report, writes files and loops a sub-flow per issue", async () => {
    const result = await cli(["run", "jira-export", "--input", `jira_url=${jiraUrl}`, "--json"], data);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout);
    expect(run.steps.map((s: { state: string }) => s.state)).toEqual(Array(7).fill("COMPLETED"));
    expect(run.data.issues[1]).toMatchObject({
      key: "OCTO-2",
      fields: { Summary: "Pass data along", "Story Points": 5, Status: { name: "In Progress" } },
    });
    expect(readFileSync(join(data, `out/report-${run.id}.md`), "utf8")).toBe(
      "# Jira report\n\n1. OCTO-1 — Grab data with tentacles (3 points)\n2. OCTO-2 — Pass data along (5 points)\n3. OCTO-3 — Ink the report\n\nTotal points: 8\n",
    );
    expect(JSON.parse(readFileSync(join(data, `out/issues-${run.id}.json`), "utf8"))).toEqual(
      run.data.issues,
    );
    expect(run.data.per_issue.map((r: { line: unknown }) => r.line)).toEqual([
      { summary: "Grab data with tentacles", status: "Done" },
      { summary: "Pass data along", status: "In Progress" },
      { summary: "Ink the report", status: "To Do" },
    ]);
    const show = JSON.parse((await cli(["runs", "show", String(run.id), "--json"], data)).stdout);
    expect(
      show.subRuns.map((s: { flow: string; state: string; step: string }) => [s.flow, s.state, s.step]),
    ).toEqual(Array(3).fill(["one-issue", "COMPLETED", "per_issue"]));
    const logs = await cli(["runs", "logs", String(show.subRuns[2].id)], data);
    expect(logs.stdout).toContain("OCTO-3: Ink the report (no points)");
  });

  it("never shows the Jira password, even when the server rejects it", async () => {
    const bad = tempDataPath();
    cpSync(join(repoRoot, "examples/jira"), bad, { recursive: true });
    const result = await cli(["run", "jira-export", "--input", `jira_url=${jiraUrl}`, "--json"], bad, {
      OCTOFLOW_SECRET_JIRA_USERNAME: "octo-bot",
      OCTOFLOW_SECRET_JIRA_PASSWORD: "wrong-password-456",
    });
    expect(result.code).toBe(1);
    const run = JSON.parse(result.stdout);
    expect(run.errors.join("\n")).toContain("401");
    const everything =
      result.stdout + result.stderr + (await cli(["runs", "logs", String(run.id)], bad)).stdout;
    expect(everything).not.toContain("wrong-password-456");
    expect(everything).not.toContain(Buffer.from("octo-bot:wrong-password-456").toString("base64"));
  });
});
