import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RunEventBus } from "../model/events.js";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import type { Store } from "../store/store.js";
import type { Harness } from "../test-support/harness.js";
import { createHarness } from "../test-support/harness.js";
import { FlowLauncher } from "./launcher.js";
import { LockManager } from "./locks.js";
import { RunService } from "./runs.js";
import type { ScheduleTimes } from "./schedule-times.js";
import { latestDueTime, nextFireTime } from "./schedule-times.js";
import { Scheduler } from "./scheduler.js";

let h: Harness;
let flows: string;
const stopped: Scheduler[] = [];

beforeEach(() => {
  h = createHarness();
  flows = join(h.dir, "flows");
  const flow = (file: string, text: string) => writeFileSync(join(flows, file), text);
  flow("ticker.yml", "name: ticker\nschedule: { every_seconds: 1 }\nsteps:\n  - { name: a, type: noop }\n");
  flow(
    "fast.yml",
    "name: fast\nlock: allow\nschedule: { every_seconds: 0.2 }\nsteps:\n  - { name: a, type: noop }\n",
  );
  flow(
    "minutely.yml",
    "name: minutely\nschedule: { every_seconds: 60 }\nsteps:\n  - { name: a, type: noop }\n",
  );
  flow(
    "busy.yml",
    `name: busy\nschedule: { every_seconds: 0.2 }\nsteps:\n  - { name: a, type: sleep, sleep: { duration: "700ms" } }\n`,
  );
  flow(
    "paris.yml",
    'name: paris\nschedule: { cron: "0 6 * * *", timezone: Europe/Paris }\nsteps:\n  - { name: a, type: noop }\n',
  );
  flow("manual.yml", "name: manual\nsteps:\n  - { name: a, type: noop }\n");
  flow(
    "badcron.yml",
    'name: badcron\nschedule: { cron: "61 * * * *" }\nsteps:\n  - { name: a, type: noop }\n',
  );
  flow(
    "badzone.yml",
    'name: badzone\nschedule: { cron: "0 6 * * *", timezone: Mars/Olympus }\nsteps:\n  - { name: a, type: noop }\n',
  );
});
afterEach(async () => {
  for (const scheduler of stopped.splice(0)) await scheduler.stop();
  await h.close();
});

function scheduler(options: { store?: Store; runs?: RunService; autostart?: string[] } = {}): Scheduler {
  const runs = options.runs ?? h.runs;
  const launcher = new FlowLauncher({ runs, locks: new LockManager(join(h.dir, "locks"), { pollMs: 50 }) });
  const created = new Scheduler({
    store: options.store ?? h.store,
    launcher,
    registry: h.registry,
    flowsPath: flows,
    autostart: options.autostart ?? [],
  });
  stopped.push(created);
  return created;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 2500): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const scheduledRuns = async (store: Store = h.store) =>
  (await store.listRuns({ limit: 1000 })).filter((r) => r.trigger === "schedule");

describe("tick times", () => {
  const cron = (pattern: string, timezone: string): ScheduleTimes => ({
    cron: pattern,
    everySeconds: null,
    timezone,
    createdUtc: "2024-01-01T00:00:00.000Z",
  });

  it("computes cron ticks in the entry's time zone", () => {
    const winter = new Date("2024-01-15T00:00:00Z");
    const summer = new Date("2024-07-15T00:00:00Z");
    expect(nextFireTime(cron("0 6 * * *", "Europe/Paris"), winter)?.toISOString()).toBe(
      "2024-01-15T05:00:00.000Z",
    );
    expect(nextFireTime(cron("0 6 * * *", "Europe/Paris"), summer)?.toISOString()).toBe(
      "2024-07-15T04:00:00.000Z",
    );
    expect(nextFireTime(cron("0 6 * * *", "UTC"), winter)?.toISOString()).toBe("2024-01-15T06:00:00.000Z");
    expect(nextFireTime(cron("0 6 * * *", "America/New_York"), winter)?.toISOString()).toBe(
      "2024-01-15T11:00:00.000Z",
    );
  });

  it("aligns every_seconds ticks to the entry's creation", () => {
    const times: ScheduleTimes = {
      cron: null,
      everySeconds: 2,
      timezone: "UTC",
      createdUtc: "2024-01-01T10:00:00.250Z",
    };
    expect(nextFireTime(times, new Date("2024-01-01T09:00:00Z"))?.toISOString()).toBe(
      "2024-01-01T10:00:02.250Z",
    );
    expect(nextFireTime(times, new Date("2024-01-01T10:00:03Z"))?.toISOString()).toBe(
      "2024-01-01T10:00:04.250Z",
    );
    expect(nextFireTime(times, new Date("2024-01-01T10:00:04.250Z"))?.toISOString()).toBe(
      "2024-01-01T10:00:06.250Z",
    );
  });

  it("finds the one tick to fire after missing several: the newest", () => {
    const every = { cron: null, everySeconds: 60, timezone: "UTC", createdUtc: "2024-01-01T00:00:00.000Z" };
    const now = new Date("2024-01-01T00:02:30Z");
    expect(latestDueTime(every, new Date(every.createdUtc), now)?.toISOString()).toBe(
      "2024-01-01T00:02:00.000Z",
    );
    expect(latestDueTime(every, new Date("2024-01-01T00:02:00Z"), now)).toBeNull();
    expect(latestDueTime(every, new Date(every.createdUtc), new Date("2024-01-01T00:00:59Z"))).toBeNull();
    const paris = cron("0 6 * * *", "Europe/Paris");
    const tenDaysLater = new Date("2024-01-11T12:00:00Z");
    expect(latestDueTime(paris, new Date("2024-01-01T05:00:00Z"), tenDaysLater)?.toISOString()).toBe(
      "2024-01-11T05:00:00.000Z",
    );
    expect(latestDueTime(paris, new Date("2024-01-11T05:00:00Z"), tenDaysLater)).toBeNull();
    const seconds = cron("*/5 * * * * *", "UTC");
    expect(
      latestDueTime(
        seconds,
        new Date("2024-01-01T00:00:00Z"),
        new Date("2024-01-01T01:00:02Z"),
      )?.toISOString(),
    ).toBe("2024-01-01T01:00:00.000Z");
    expect(
      latestDueTime(
        seconds,
        new Date("2024-01-01T00:00:00Z"),
        new Date("2024-01-01T00:00:05Z"),
      )?.toISOString(),
    ).toBe("2024-01-01T00:00:05.000Z");
  });
});

describe("Scheduler", () => {
  it("adds only flows with a valid schedule, inside FLOWS_PATH", async () => {
    const s = scheduler();
    await expect(s.add("manual.yml")).rejects.toMatchObject({
      code: "FLOW_INVALID",
      message: expect.stringContaining("only flows with a schedule can be added"),
    });
    await expect(s.add("../outside.yml")).rejects.toMatchObject({
      code: "INPUT_INVALID",
      message: expect.stringContaining("leaves FLOWS_PATH"),
    });
    await expect(s.add("nothing.yml")).rejects.toMatchObject({ code: "FLOW_NOT_FOUND" });
    await expect(s.add("badcron.yml")).rejects.toMatchObject({
      code: "FLOW_INVALID",
      message: expect.stringMatching(/cron.*"61 \* \* \* \*"/),
    });
    await expect(s.add("badzone.yml")).rejects.toMatchObject({
      code: "FLOW_INVALID",
      message: expect.stringContaining("Mars/Olympus"),
    });
    const entry = await s.add("paris");
    expect(entry).toMatchObject({
      path: "paris.yml",
      flow: "paris",
      schedule: { cron: "0 6 * * *" },
      timezone: "Europe/Paris",
      source: "api",
      lastFireUtc: null,
    });
    expect(entry.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Date(entry.nextFireUtc!).getUTCMinutes()).toBe(0);
    expect(await s.list()).toEqual([entry]);
  });

  it("fires an every_seconds flow, shows its next fire time, and stops when removed", async () => {
    const s = scheduler();
    await s.start();
    const entry = await s.add("ticker.yml");
    expect(entry.nextFireUtc).toBe(new Date(Date.parse(entry.createdUtc) + 1000).toISOString());
    await waitFor(async () => (await h.store.listScheduleFires(entry.id))[0]?.outcome === "started");
    const [fire] = await h.store.listScheduleFires(entry.id);
    const [run] = await scheduledRuns();
    expect(fire).toMatchObject({ fireUtc: entry.nextFireUtc, outcome: "started", runId: run?.id });
    expect((await s.get(entry.id))?.lastFireUtc).toBe(entry.nextFireUtc);
    expect(await s.remove(entry.id)).toBe(true);
    expect(await s.remove(entry.id)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await scheduledRuns()).toHaveLength(1);
  });

  it("applies the flow's lock policy: ticks while it runs are skipped", async () => {
    const s = scheduler();
    await s.start();
    const entry = await s.add("busy.yml");
    await waitFor(async () =>
      (await h.store.listScheduleFires(entry.id)).some((f) => f.outcome === "skipped"),
    );
    await s.stop();
    const fires = await h.store.listScheduleFires(entry.id);
    const first = fires.at(-1);
    expect(first?.outcome).toBe("started");
    expect(fires.find((f) => f.outcome === "skipped")?.detail).toBe(
      `flow busy is already running as run ${first?.runId}`,
    );
    expect(await scheduledRuns()).toHaveLength(1);
  });

  it("after a restart fires missed ticks once, and never a tick already fired", async () => {
    const file = join(h.dir, "octoflow.db");
    const createdUtc = new Date(Date.now() - 150_000).toISOString(); // ticks at -90 s and -30 s were missed
    await h.store.saveSchedule({
      id: "6f1c1a52-0000-4000-8000-000000000001",
      path: "minutely.yml",
      flowName: "minutely",
      cron: null,
      everySeconds: 60,
      timezone: "UTC",
      source: "api",
      createdUtc,
    });
    const first = scheduler();
    await first.start();
    await waitFor(async () => (await scheduledRuns()).length === 1);
    await first.stop();
    const [fire] = await h.store.listScheduleFires("6f1c1a52-0000-4000-8000-000000000001");
    expect(fire?.fireUtc).toBe(new Date(Date.parse(createdUtc) + 120_000).toISOString());

    const store = openSqliteStore(file); // the restarted process
    try {
      const runs = new RunService({
        store,
        registry: h.registry,
        events: new RunEventBus(),
        paths: { data: h.dir, flows, templates: join(h.dir, "templates") },
      });
      const second = scheduler({ store, runs });
      const { entries } = await second.start();
      expect(entries[0]?.lastFireUtc).toBe(fire?.fireUtc);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await second.stop();
      expect(await scheduledRuns(store)).toHaveLength(1);
      expect(await store.listScheduleFires("6f1c1a52-0000-4000-8000-000000000001")).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it("fires each tick once when two servers share the store", async () => {
    const store = openSqliteStore(join(h.dir, "octoflow.db"));
    try {
      const runs = new RunService({
        store,
        registry: h.registry,
        events: new RunEventBus(),
        paths: { data: h.dir, flows, templates: join(h.dir, "templates") },
      });
      const a = scheduler();
      const b = scheduler({ store, runs });
      await Promise.all([a.start(), b.start()]);
      const entry = await a.add("fast.yml");
      await waitFor(async () => (await h.store.listScheduleFires(entry.id)).length >= 5);
      await Promise.all([a.stop(), b.stop()]);
      const fires = await h.store.listScheduleFires(entry.id);
      const runIds = fires.map((f) => f.runId);
      expect(new Set(fires.map((f) => f.fireUtc)).size).toBe(fires.length);
      expect(new Set(runIds).size).toBe(fires.length);
      expect(fires.every((f) => f.outcome === "started")).toBe(true);
      expect((await scheduledRuns()).length).toBe(fires.length);
    } finally {
      await store.close();
    }
  });

  it("schedules config.yml's autostart paths under stable ids and reports the bad ones", async () => {
    const s = scheduler({ autostart: ["paris.yml", "manual.yml", "gone.yml"] });
    const { entries, problems } = await s.start();
    await s.stop();
    expect(entries.map((e) => [e.path, e.source])).toEqual([["paris.yml", "autostart"]]);
    expect(problems).toEqual([
      expect.stringMatching(/^config.yml autostart "manual.yml": flow manual \(manual.yml\) has no schedule/),
      expect.stringMatching(/^config.yml autostart "gone.yml": no flow file "gone.yml"/),
    ]);
    const again = await scheduler({ autostart: ["paris.yml"] }).start();
    expect(again.entries.map((e) => [e.id, e.createdUtc])).toEqual([
      [entries[0]?.id, entries[0]?.createdUtc],
    ]);
    const emptied = await scheduler({ autostart: [] }).start();
    expect(emptied.entries).toEqual([]);
  });
});
