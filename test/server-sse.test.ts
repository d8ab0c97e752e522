import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApp } from "../src/cli/app.js";
import { requireFlowFile } from "../src/model/flow-loader.js";
import { loadSettings } from "../src/services/settings.js";
import type { SseEvent, TestServer } from "./server-helpers.js";
import { TOKEN, makeDataPath, readSse, startTestServer, waitForRun } from "./server-helpers.js";

let t: TestServer;
let data: string;
const auth = { authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  data = makeDataPath();
  // A step that writes many log lines at once: the stream must pace them, not drop them.
  writeFileSync(
    join(data, "flows", "chatty.js"),
    "export default ({ args, context }) => { for (let i = 0; i < args.lines; i++) context.log.info(`line ${i} ${'x'.repeat(500)}`); return args.lines; };\n",
  );
  writeFileSync(
    join(data, "flows", "chatty.yml"),
    "name: chatty\nlock: allow\nsteps:\n  - { name: talk, type: task, task: { module: ./chatty.js, args: { lines: 20000 } } }\n",
  );
  t = await startTestServer(data);
});

afterAll(async () => {
  await t?.close();
});

const names = (events: readonly SseEvent[]): string[] => events.map((e) => e.event);

describe("GET /api/v1/runs/{id}/events", () => {
  it("follows a run to COMPLETED: snapshot, state, progress and log events in order, then end", async () => {
    const launched = await t.api("/api/v1/runs", {
      method: "POST",
      json: { flow: "logs", input: { who: "sse" } },
    });
    const { status, contentType, events } = await readSse(
      `${t.url}/api/v1/runs/${launched.body.id}/events`,
      auth,
    );
    expect(status).toBe(200);
    expect(contentType).toContain("text/event-stream");
    expect(events[0]?.event).toBe("snapshot");
    expect(events[0]?.data).toMatchObject({ id: launched.body.id, flow: "logs" });
    expect(events.at(-1)).toEqual({ event: "end", data: { runId: launched.body.id, state: "COMPLETED" } });
    expect(events.at(-2)).toMatchObject({ event: "run", data: { type: "run", state: "COMPLETED" } });

    const logs = events.filter((e) => e.event === "log");
    expect(logs.map((e) => e.data.message)).toEqual(["hello sse", "bye sse"]);
    expect(logs.map((e) => Number(e.id))).toEqual(logs.map((e) => e.data.id));
    // The sleep step reports progress while the run waits on it, before "bye" is logged.
    const byeAt = names(events).lastIndexOf("log");
    const progress = events.map((e, i) => ({ e, i })).filter(({ e }) => e.event === "progress");
    expect(progress.some(({ e, i }) => e.data.step === "wait" && i < byeAt)).toBe(true);
    const percents = progress.map(({ e }) => e.data.progress as number);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    const steps = events.filter((e) => e.event === "step").map((e) => `${e.data.step}:${e.data.state}`);
    expect(steps).toContain("bye:RUNNING");
    expect(steps.indexOf("bye:RUNNING")).toBeLessThan(steps.indexOf("bye:COMPLETED"));
    expect(steps.indexOf("wait:COMPLETED")).toBeLessThan(steps.indexOf("bye:RUNNING"));
  });

  it("streams a burst of 20,000 log lines live, each once and in order", async () => {
    const launched = await t.api("/api/v1/runs", { method: "POST", json: { flow: "chatty" } });
    const { events } = await readSse(`${t.url}/api/v1/runs/${launched.body.id}/events`, auth);
    const ids = events.filter((e) => e.event === "log").map((e) => e.data.id as number);
    expect(ids.length).toBe(20_000);
    expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] as number))).toBe(true);
    expect(events.at(-1)).toEqual({ event: "end", data: { runId: launched.body.id, state: "COMPLETED" } });
  });

  it("streams every run's state changes on /api/v1/events, for live lists", async () => {
    let launchedId = 0;
    const reading = readSse(
      `${t.url}/api/v1/events`,
      auth,
      (e) => e.event === "run" && e.data.runId === launchedId && e.data.state === "COMPLETED",
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    launchedId = (await t.api("/api/v1/runs", { method: "POST", json: { flow: "logs" } })).body.id;
    const { status, events } = await reading;
    expect(status).toBe(200);
    const mine = events.filter((e) => e.data.runId === launchedId);
    expect(mine.filter((e) => e.event === "run").map((e) => e.data.state)).toEqual(["RUNNING", "COMPLETED"]);
    expect(events.some((e) => e.event === "log")).toBe(false);
    const unauthorised = await fetch(`${t.url}/api/v1/events`);
    expect(unauthorised.status).toBe(401);
    await unauthorised.body?.cancel();
  });

  it("gives a run that is already over its state, its logs and end", async () => {
    const launched = await t.api("/api/v1/runs", { method: "POST", json: { flow: "logs" } });
    await waitForRun(t, launched.body.id);
    const { events } = await readSse(`${t.url}/api/v1/runs/${launched.body.id}/events`, auth);
    expect(names(events)).toEqual(["snapshot", "log", "log", "end"]);
    expect(events[0]?.data.state).toBe("COMPLETED");
    expect(events[3]?.data).toEqual({ runId: launched.body.id, state: "COMPLETED" });
  });

  it("replays only the log lines after Last-Event-ID", async () => {
    const launched = await t.api("/api/v1/runs", { method: "POST", json: { flow: "logs" } });
    const run = await waitForRun(t, launched.body.id);
    const { body } = await t.api(`/api/v1/runs/${run.id}/logs`);
    const firstId = String(body.logs[0].id);
    const header = await readSse(`${t.url}/api/v1/runs/${run.id}/events`, {
      ...auth,
      "last-event-id": firstId,
    });
    expect(header.events.filter((e) => e.event === "log").map((e) => e.data.message)).toEqual(["bye world"]);
    const query = await readSse(`${t.url}/api/v1/runs/${run.id}/events?after=${body.logs[1].id}`, auth);
    expect(names(query.events)).toEqual(["snapshot", "end"]);
    expect(
      (await readSse(`${t.url}/api/v1/runs/${run.id}/events`, { ...auth, "last-event-id": "abc" })).status,
    ).toBe(400);
  });

  it("reconnects mid-run without losing or repeating a log line", async () => {
    const launched = await t.api("/api/v1/runs", {
      method: "POST",
      json: { flow: "logs", input: { who: "again" } },
    });
    const url = `${t.url}/api/v1/runs/${launched.body.id}/events`;
    const first = await readSse(url, auth, (e) => e.event === "log");
    const lastId = first.events.at(-1)?.id as string;
    const second = await readSse(url, { ...auth, "last-event-id": lastId });
    const messages = [...first.events, ...second.events]
      .filter((e) => e.event === "log")
      .map((e) => e.data.message);
    expect(messages).toEqual(["hello again", "bye again"]);
    expect(second.events.at(-1)?.event).toBe("end");
  });

  it("streams a cancellation", async () => {
    const launched = await t.api("/api/v1/runs", { method: "POST", json: { flow: "slow" } });
    const url = `${t.url}/api/v1/runs/${launched.body.id}/events`;
    const reading = readSse(url, auth);
    await new Promise((r) => setTimeout(r, 100));
    await t.api(`/api/v1/runs/${launched.body.id}/cancel`, { method: "POST" });
    const { events } = await reading;
    expect(events.at(-1)).toEqual({ event: "end", data: { runId: launched.body.id, state: "CANCELLED" } });
    expect(events.some((e) => e.event === "step" && e.data.state === "CANCELLED")).toBe(true);
  });

  it("is behind auth and answers 404 for an unknown run", async () => {
    const launched = await t.api("/api/v1/runs", { method: "POST", json: { flow: "one" } });
    expect((await readSse(`${t.url}/api/v1/runs/${launched.body.id}/events`, {})).status).toBe(401);
    expect(
      (await readSse(`${t.url}/api/v1/runs/${launched.body.id}/events`, { authorization: "Bearer wrong" }))
        .status,
    ).toBe(401);
    expect((await readSse(`${t.url}/api/v1/runs/999999/events`, auth)).status).toBe(404);
  });

  it("follows a run that another process executes, from the store", async () => {
    const other = await openApp(loadSettings({ DATA_PATH: data }));
    try {
      const flow = await requireFlowFile(join(data, "flows", "logs.yml"), other.registry);
      const started = await other.runs.launch({ flow, args: { who: "elsewhere" }, trigger: "cli" });
      const { events } = await readSse(`${t.url}/api/v1/runs/${started.run.id}/events`, auth);
      await started.done;
      expect(events.filter((e) => e.event === "log").map((e) => e.data.message)).toEqual([
        "hello elsewhere",
        "bye elsewhere",
      ]);
      expect(events.at(-1)).toEqual({ event: "end", data: { runId: started.run.id, state: "COMPLETED" } });
    } finally {
      await other.close();
    }
  });

  it("masks secret values in the stream", async () => {
    const launched = await t.api("/api/v1/runs", { method: "POST", json: { flow: "secretive" } });
    const { events } = await readSse(`${t.url}/api/v1/runs/${launched.body.id}/events`, auth);
    expect(JSON.stringify(events)).not.toContain("hunter2-secret");
    expect(events.find((e) => e.event === "log")?.data.message).toBe("the password is ***");
  });

  it("lets many clients follow many runs at once", async () => {
    const ids = await Promise.all(
      Array.from(
        { length: 10 },
        async () =>
          (await t.api("/api/v1/runs", { method: "POST", json: { flow: "burst" } })).body.id as number,
      ),
    );
    const streams = await Promise.all(
      ids.flatMap((id) => [0, 1, 2].map(() => readSse(`${t.url}/api/v1/runs/${id}/events`, auth))),
    );
    for (const { events } of streams) expect(events.at(-1)?.data.state).toBe("COMPLETED");
    expect(t.server.context.streams.size).toBe(0);
  });
});
