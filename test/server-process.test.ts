import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cli, startCli } from "./cli-helpers.js";
import type { Json } from "./server-helpers.js";
import { TOKEN, makeDataPath, readSse } from "./server-helpers.js";

/** `octoflow serve` as a real child process (built into dist/ by `npm test`). */
interface Served {
  readonly child: ChildProcess;
  readonly url: string;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

const started: ChildProcess[] = [];

afterEach(() => {
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

async function serve(
  data: string,
  env: Record<string, string> = { API_TOKEN: TOKEN },
  args: string[] = [],
): Promise<Served> {
  const child = startCli(["serve", "--port", "0", ...args], data, env);
  started.push(child);
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stdout}\n${stderr}`)), 15_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /"url":"([^"]+)"[^\n]*"msg":"octoflow serving"/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    void exited.then(() => reject(new Error(`serve exited:\n${stdout}\n${stderr}`)));
  });
  return { child, url, stdout: () => stdout, stderr: () => stderr, exited };
}

async function api(
  url: string,
  path: string,
  init: RequestInit & { token?: string } = {},
): Promise<{ status: number; body: Json }> {
  const { token = TOKEN, ...rest } = init;
  const response = await fetch(`${url}${path}`, {
    ...rest,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...rest.headers },
  });
  return { status: response.status, body: await response.json() };
}

async function waitForState(url: string, id: number, states: string[], token = TOKEN): Promise<Json> {
  for (let i = 0; i < 500; i++) {
    const { body } = await api(url, `/api/v1/runs/${id}`, { token });
    if (states.includes(body.state)) return body;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`run ${id} never reached ${states.join("/")}`);
}

describe("octoflow serve", () => {
  it("generates a token when API_TOKEN is unset, stores it 0600 and prints it only once", async () => {
    const data = makeDataPath();
    const first = await serve(data, { API_TOKEN: "" });
    const file = join(data, "api-token");
    const token = readFileSync(file, "utf8").trim();
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.stderr()).toContain(token);
    expect(first.stdout()).not.toContain(token);
    expect((await api(first.url, "/api/v1/runs", { token })).status).toBe(200);
    expect((await api(first.url, "/api/v1/runs", { token: "default_token" })).status).toBe(401);
    const secretive = await api(first.url, "/api/v1/runs", {
      token,
      method: "POST",
      body: JSON.stringify({ flow: "secretive" }),
    });
    await waitForState(first.url, secretive.body.id, ["COMPLETED"], token);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);

    const second = await serve(data, { API_TOKEN: "" });
    expect(second.stderr()).not.toContain(token);
    expect((await api(second.url, "/api/v1/runs", { token })).status).toBe(200);
    second.child.kill("SIGTERM");
    await second.exited;

    const log = readFileSync(join(data, "logs", "octoflow.log"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(log.length).toBeGreaterThan(3);
    for (const line of log)
      expect(line).toMatchObject({
        level: expect.any(String),
        time: expect.any(String),
        msg: expect.any(String),
      });
    expect(JSON.stringify(log)).not.toContain(token);
    expect(JSON.stringify(log)).not.toContain("hunter2-secret");
    expect(log.some((line) => line.msg === "the password is ***" && line.runId === secretive.body.id)).toBe(
      true,
    );
  });

  it("on SIGTERM lets short runs finish, cancels the rest after the grace period, and leaves none RUNNING", async () => {
    const data = makeDataPath();
    const server = await serve(data, { API_TOKEN: TOKEN }, ["--grace-period", "1"]);
    const short = await api(server.url, "/api/v1/runs", {
      method: "POST",
      body: JSON.stringify({ flow: "logs" }),
    });
    const long = await api(server.url, "/api/v1/runs", {
      method: "POST",
      body: JSON.stringify({ flow: "slow" }),
    });
    const following = readSse(`${server.url}/api/v1/runs/${long.body.id}/events`, {
      authorization: `Bearer ${TOKEN}`,
    });
    await waitForState(server.url, long.body.id, ["RUNNING"]);
    const signalled = Date.now();
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    const { events } = await following;
    expect(events.at(-1)).toMatchObject({ event: "end", data: { state: "CANCELLED" } });

    const again = await serve(data);
    const shortRun = await api(again.url, `/api/v1/runs/${short.body.id}`);
    const longRun = await api(again.url, `/api/v1/runs/${long.body.id}`);
    expect(shortRun.body.state).toBe("COMPLETED");
    expect(longRun.body.state).toBe("CANCELLED");
    expect(longRun.body.error).toContain("server shut down");
    expect((await api(again.url, "/api/v1/runs?state=RUNNING")).body.runs).toEqual([]);
    expect(again.stdout()).not.toContain("released the locks");
    again.child.kill("SIGTERM");
    await again.exited;
  }, 40_000);

  it("after kill -9 mid-run and a restart, shows the run FAILED with a reason and frees its lock", async () => {
    const data = makeDataPath();
    const server = await serve(data);
    const long = await api(server.url, "/api/v1/runs", {
      method: "POST",
      body: JSON.stringify({ flow: "slow" }),
    });
    await waitForState(server.url, long.body.id, ["RUNNING"]);
    expect(existsSync(join(data, "locks", "slow.lock"))).toBe(true);
    server.child.kill("SIGKILL");
    await server.exited;

    const again = await serve(data, { API_TOKEN: TOKEN }, ["--grace-period", "0"]);
    const run = await api(again.url, `/api/v1/runs/${long.body.id}`);
    expect(run.body.state).toBe("FAILED");
    expect(run.body.error).toMatch(/killed or crashed/);
    expect(run.body.steps[0]).toMatchObject({ name: "nap", state: "FAILED" });
    expect((await api(again.url, "/api/locks")).body).toEqual([]);
    const relaunch = await api(again.url, "/api/v1/runs", {
      method: "POST",
      body: JSON.stringify({ flow: "slow" }),
    });
    expect(relaunch.status).toBe(202);
    again.child.kill("SIGTERM");
    await again.exited;
  }, 40_000);

  it("is driven by `octoflow run --server` and `octoflow runs … --server` with the token from the environment", async () => {
    const data = makeDataPath();
    const server = await serve(data);
    const elsewhere = makeDataPath();
    const env = { API_TOKEN: TOKEN };
    const run = await cli(["run", "logs", "--server", server.url, "-i", "who=remote"], elsewhere, env);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("hello remote");
    expect(run.stderr).toMatch(/run \d+ COMPLETED/);

    const listed = await cli(["runs", "list", "--server", server.url, "--json"], elsewhere, env);
    expect(listed.code).toBe(0);
    const runs = JSON.parse(listed.stdout) as { id: number; flow: string; state: string }[];
    expect(runs[0]).toMatchObject({ flow: "logs", state: "COMPLETED" });
    const id = String(runs[0]?.id);

    const shown = await cli(["runs", "show", id, "--server", server.url], elsewhere, env);
    expect(shown.stdout).toContain("COMPLETED hello");
    const logs = await cli(["runs", "logs", id, "--server", server.url], elsewhere, env);
    expect(logs.stdout).toMatch(/info +\[hello\] hello remote/);
    const followed = await cli(["runs", "logs", id, "--follow", "--server", server.url], elsewhere, env);
    expect(followed.stdout).toContain("bye remote");
    expect(followed.stdout).toContain(`run ${id} COMPLETED`);

    const unknown = await cli(["run", "nope", "--server", server.url], elsewhere, env);
    expect(unknown.code).toBe(3);
    const wrong = await cli(["runs", "list", "--server", server.url], elsewhere, {
      API_TOKEN: "wrong-token-0123456789",
    });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain("API token is not valid");
    server.child.kill("SIGTERM");
    await server.exited;
  }, 40_000);
});
