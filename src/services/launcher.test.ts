import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../cli/main.js";
import type { Harness } from "../test-support/harness.js";
import { createHarness } from "../test-support/harness.js";
import type { LaunchOutcome, LaunchStarted } from "./launcher.js";
import { FlowLauncher } from "./launcher.js";
import { LockManager } from "./locks.js";

let h: Harness;
let locks: LockManager;
let launcher: FlowLauncher;

beforeEach(() => {
  h = createHarness();
  locks = new LockManager(join(h.dir, "locks"), { pollMs: 50 });
  launcher = new FlowLauncher({ runs: h.runs, locks });
});
afterEach(async () => {
  await h.close();
});

const sleeper = (lock: string, ms = 200) =>
  h.flow(
    `name: slow\n${lock ? `lock: ${lock}\n` : ""}steps:\n  - { name: wait, type: sleep, sleep: { duration: "${ms}ms" } }\n`,
  );

function started(outcome: LaunchOutcome): LaunchStarted {
  if (outcome.skipped) throw new Error(`unexpectedly skipped: ${outcome.reason}`);
  return outcome;
}

describe("FlowLauncher", () => {
  it("skips a flow that is running (the default policy), saying which run holds it", async () => {
    const flow = await sleeper("");
    const first = started(await launcher.launch({ flow }));
    expect((await locks.get("slow"))?.runId).toBe(first.started.run.id);
    const second = await launcher.launch({ flow, trigger: "schedule" });
    expect(second).toMatchObject({
      skipped: true,
      reason: `flow slow is already running as run ${first.started.run.id}`,
    });
    expect(await h.store.listRuns()).toHaveLength(1); // a skip leaves no run behind
    expect((await first.started.done).state).toBe("COMPLETED");
    expect(await locks.list()).toEqual([]);
    const third = started(await launcher.launch({ flow }));
    expect((await third.started.done).state).toBe("COMPLETED");
  });

  it("resumes under the flow's lock: refused while another run holds it, then goes on", async () => {
    const flow = await sleeper("", 300);
    const cancelled = started(await launcher.launch({ flow }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    h.runs.cancel(cancelled.started.run.id);
    expect((await cancelled.started.done).state).toBe("CANCELLED");
    const other = started(await launcher.launch({ flow }));
    expect(await launcher.resume(cancelled.started.run.id)).toMatchObject({
      skipped: true,
      reason: `flow slow is already running as run ${other.started.run.id}`,
    });
    expect((await h.store.getRun(cancelled.started.run.id))?.state).toBe("CANCELLED");
    await other.started.done;
    const resumed = started(await launcher.resume(cancelled.started.run.id));
    expect((await locks.get("slow"))?.runId).toBe(cancelled.started.run.id);
    expect((await resumed.started.done).state).toBe("COMPLETED");
    expect(await locks.list()).toEqual([]);
  });

  it("queues launches READY and starts them one at a time, in order", async () => {
    const flow = await sleeper("queue", 120);
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(started(await launcher.launch({ flow })));
    const [a, b, c] = outcomes as [LaunchStarted, LaunchStarted, LaunchStarted];
    expect(a.started.run.state).toBe("RUNNING");
    expect([b.started.run.state, c.started.run.state]).toEqual(["READY", "READY"]);
    expect(b.queuedBehind?.runId).toBe(a.started.run.id);
    expect((await h.store.getRun(c.started.run.id))?.owner).toBe(h.runs.owner); // not an orphan while it waits
    const finals = await Promise.all(outcomes.map((o) => o.started.done));
    expect(finals.map((r) => r.state)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
    const [x, y, z] = finals.map((r) => [r.startedUtc ?? "", r.endedUtc ?? ""]) as [
      string[],
      string[],
      string[],
    ];
    expect(y[0]! >= x[1]! && z[0]! >= y[1]!).toBe(true); // one at a time, in the order they came
    expect(await locks.list()).toEqual([]);
  });

  it("cancels a queued run without starting it; the queue goes on", async () => {
    const flow = await sleeper("queue", 150);
    const a = started(await launcher.launch({ flow }));
    const b = started(await launcher.launch({ flow }));
    const c = started(await launcher.launch({ flow }));
    expect(h.runs.cancel(b.started.run.id, "not needed today")).toBe(true);
    const cancelled = await b.started.done;
    expect(cancelled).toMatchObject({ state: "CANCELLED", error: "not needed today", startedUtc: null });
    expect((await a.started.done).state).toBe("COMPLETED");
    expect((await c.started.done).state).toBe("COMPLETED");
    expect(await locks.list()).toEqual([]);
  });

  it("runs a flow with policy allow twice at once, without a lock", async () => {
    const flow = await sleeper("allow", 150);
    const a = started(await launcher.launch({ flow }));
    const b = started(await launcher.launch({ flow }));
    expect([a.started.run.state, b.started.run.state]).toEqual(["RUNNING", "RUNNING"]);
    expect(readdirSync(h.dir)).not.toContain("locks");
    const [x, y] = await Promise.all([a.started.done, b.started.done]);
    expect(x.startedUtc! < y.endedUtc! && y.startedUtc! < x.endedUtc!).toBe(true);
  });

  it("releases the lock when the run fails, and takes none when the launch itself fails", async () => {
    const flow = await h.flow(
      "name: breaks\nsteps:\n  - { name: bad, type: flaky, flaky: { failures: 9 } }\n",
    );
    const outcome = started(await launcher.launch({ flow }));
    expect((await outcome.started.done).state).toBe("FAILED");
    expect(await locks.list()).toEqual([]);
    await expect(launcher.launch({ flow, flowInputId: 4242 })).rejects.toThrow(
      /flow input 4242 does not exist/,
    );
    expect(await locks.list()).toEqual([]);
    expect(await h.store.listUnfinishedRuns()).toEqual([]);
  });

  it("does not block a sub-run by its parent's lock", async () => {
    writeFileSync(
      join(h.dir, "flows", "part.yml"),
      "name: nightly\nsteps:\n  - { name: inner, type: noop }\n",
    );
    const flow = await h.flow(
      "name: nightly\nsteps:\n  - { name: call, type: flow, flow: { path: part.yml } }\n",
    );
    const outcome = started(await launcher.launch({ flow }));
    expect((await outcome.started.done).state).toBe("COMPLETED");
    const children = await h.store.listRuns({ parentRunId: outcome.started.run.id });
    expect(children.map((r) => [r.flowName, r.state])).toEqual([["nightly", "COMPLETED"]]);
  });
});

describe("octoflow run and locks", () => {
  let data: string;
  beforeEach(() => {
    data = mkdtempSync(join(tmpdir(), "octoflow-cli-lock-"));
    mkdirSync(join(data, "flows"));
    writeFileSync(join(data, "flows", "skipper.yml"), "name: skipper\nsteps:\n  - { name: a, type: noop }\n");
    writeFileSync(
      join(data, "flows", "queuer.yml"),
      "name: queuer\nlock: queue\nsteps:\n  - { name: a, type: noop }\n",
    );
    vi.stubEnv("DATA_PATH", data);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    rmSync(data, { recursive: true, force: true });
  });

  it("exits 75 with the reason when the flow is running and its policy is skip", async () => {
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const held = new LockManager(join(data, "locks"));
    await held.acquire("skipper", 41);
    expect(await main(["node", "octoflow", "run", "skipper"])).toBe(75);
    expect(stderr.mock.calls.map((c) => String(c[0])).join("")).toContain(
      "skipped: flow skipper is already running as run 41",
    );
    await held.release("skipper", 41);
    expect(await main(["node", "octoflow", "run", "skipper"])).toBe(0);
  });

  it("waits for the lock when the policy is queue", async () => {
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const held = new LockManager(join(data, "locks"));
    await held.acquire("queuer", 41);
    let code: number | undefined;
    const running = main(["node", "octoflow", "run", "queuer"]).then((c) => (code = c));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(code).toBeUndefined();
    await held.release("queuer", 41);
    await running;
    expect(code).toBe(0);
  });
});
