import { describe, expect, it } from "vitest";
import type { ScheduleRecord, Store } from "../store/store.js";

/**
 * The behaviour every Store must have. Each implementation's test file calls this with a factory
 * that gives a fresh, empty store, so SQLite and PostgreSQL cannot drift apart.
 */
export function describeStoreContract(
  name: string,
  open: () => Promise<{ store: Store; dispose(): Promise<void> }>,
): void {
  describe(`${name} store contract`, () => {
    const withStore = (test: (store: Store) => Promise<void>) => async () => {
      const { store, dispose } = await open();
      try {
        await test(store);
      } finally {
        await dispose();
      }
    };

    const newRun = async (store: Store, steps = ["a", "b"]) => {
      await store.saveFlow({ hash: "h1", name: "f", file: null, definition: { name: "f" }, text: null });
      return store.createRun({
        flowName: "f",
        flowHash: "h1",
        flowFile: null,
        flowInputId: null,
        selection: {},
        trigger: "test",
        steps,
      });
    };

    it(
      "keeps flow inputs immutable with an id and a created time",
      withStore(async (store) => {
        const input = await store.createFlowInput({
          flow: "f",
          args: { a: 1 },
          sourceStoreIds: ["pg"],
          targetStoreId: "s3",
        });
        expect(input.id).toBeGreaterThan(0);
        expect(input.createdUtc).toMatch(/^\d{4}-\d\d-\d\dT/);
        expect(await store.getFlowInput(input.id)).toEqual(input);
        expect(await store.getFlowInput(input.id + 100)).toBeUndefined();
      }),
    );

    it(
      "creates a run READY with its steps READY, in order",
      withStore(async (store) => {
        const run = await newRun(store, ["x", "y", "z"]);
        expect(run.state).toBe("READY");
        expect((await store.getRunSteps(run.id)).map((s) => [s.name, s.state, s.position])).toEqual([
          ["x", "READY", 0],
          ["y", "READY", 1],
          ["z", "READY", 2],
        ]);
      }),
    );

    it(
      "applies a transition only from its allowed states",
      withStore(async (store) => {
        const run = await newRun(store);
        expect(await store.transitionRun(run.id, "complete")).toBe(false);
        expect(await store.transitionRun(run.id, "start", { owner: "me:1" })).toBe(true);
        expect(await store.transitionRun(run.id, "start")).toBe(false);
        expect(await store.transitionRun(run.id, "cancel", { error: "stop" })).toBe(true);
        // A completion racing a cancel loses: the run stays CANCELLED.
        expect(await store.transitionRun(run.id, "complete")).toBe(false);
        const cancelled = await store.getRun(run.id);
        expect(cancelled).toMatchObject({ state: "CANCELLED", error: "stop", owner: null });
        expect(cancelled?.endedUtc).not.toBeNull();
        expect(await store.transitionRun(run.id, "resume", { owner: "me:2" })).toBe(true);
        expect(await store.getRun(run.id)).toMatchObject({
          state: "RUNNING",
          error: null,
          endedUtc: null,
          owner: "me:2",
        });
      }),
    );

    it(
      "records step transitions with output, errors and skip reasons",
      withStore(async (store) => {
        const run = await newRun(store);
        expect(await store.transitionStep(run.id, "a", "complete")).toBe(false);
        expect(await store.transitionStep(run.id, "a", "start")).toBe(true);
        expect(
          await store.transitionStep(run.id, "a", "complete", {
            output: { rows: [1, "é", null] },
            attempts: 2,
          }),
        ).toBe(true);
        expect(await store.transitionStep(run.id, "b", "skip", { skipReason: "when is false" })).toBe(true);
        const [a, b] = await store.getRunSteps(run.id);
        expect(a).toMatchObject({
          state: "COMPLETED",
          output: { rows: [1, "é", null] },
          hasOutput: true,
          attempts: 2,
          progress: 100,
        });
        expect(b).toMatchObject({ state: "SKIPPED", skipReason: "when is false", hasOutput: false });
        expect(await store.transitionStep(run.id, "b", "reset")).toBe(true);
        expect((await store.getRunSteps(run.id))[1]).toMatchObject({ state: "READY", skipReason: null });
      }),
    );

    it(
      "keeps each attempt and fails the ones a dead process left open",
      withStore(async (store) => {
        const run = await newRun(store);
        await store.transitionStep(run.id, "a", "start");
        const first = await store.startStepRun({ runId: run.id, stepName: "a", itemIndex: null, attempt: 1 });
        await store.finishStepRun(first, "FAILED", "nope");
        await store.startStepRun({ runId: run.id, stepName: "a", itemIndex: 3, attempt: 2 });
        await store.failOpenStepRuns(run.id, "interrupted");
        const attempts = await store.listStepRuns(run.id);
        expect(attempts.map((r) => [r.attempt, r.itemIndex, r.state, r.error])).toEqual([
          [1, null, "FAILED", "nope"],
          [2, 3, "FAILED", "interrupted"],
        ]);
        expect((await store.getRunSteps(run.id))[0]).toMatchObject({ state: "FAILED", error: "interrupted" });
      }),
    );

    it(
      "lists runs newest first with filters and pagination",
      withStore(async (store) => {
        const ids: number[] = [];
        for (let i = 0; i < 5; i++) ids.push((await newRun(store)).id);
        await store.transitionRun(ids[1] as number, "start");
        expect((await store.listRuns({ limit: 2 })).map((r) => r.id)).toEqual([ids[4], ids[3]]);
        expect((await store.listRuns({ beforeId: ids[3], limit: 2 })).map((r) => r.id)).toEqual([
          ids[2],
          ids[1],
        ]);
        expect((await store.listRuns({ state: "RUNNING" })).map((r) => r.id)).toEqual([ids[1]]);
        expect((await store.listRuns({ flow: "other" })).length).toBe(0);
        expect((await store.listUnfinishedRuns()).length).toBe(5);
      }),
    );

    it(
      "appends logs in order and pages through them",
      withStore(async (store) => {
        const run = await newRun(store);
        for (let i = 0; i < 5; i++)
          await store.appendLog({
            runId: run.id,
            stepName: "a",
            itemIndex: null,
            level: "info",
            message: `line ${i}`,
            fields: i === 0 ? { n: 1 } : null,
          });
        const page = await store.listLogs(run.id, { limit: 3 });
        expect(page.map((l) => l.message)).toEqual(["line 0", "line 1", "line 2"]);
        expect(page[0]?.fields).toEqual({ n: 1 });
        const rest = await store.listLogs(run.id, { afterId: page[2]?.id as number });
        expect(rest.map((l) => l.message)).toEqual(["line 3", "line 4"]);
      }),
    );

    it(
      "caches outputs until they expire",
      withStore(async (store) => {
        await store.putCachedOutput("k", { v: 1 }, undefined);
        await store.putCachedOutput("old", 1, -1);
        expect(await store.getCachedOutput("k")).toEqual({ output: { v: 1 } });
        expect(await store.getCachedOutput("old")).toBeUndefined();
      }),
    );

    it(
      "creates a run owned by a process, with a first heartbeat",
      withStore(async (store) => {
        await store.saveFlow({ hash: "h1", name: "f", file: null, definition: { name: "f" }, text: null });
        const run = await store.createRun({
          flowName: "f",
          flowHash: "h1",
          flowFile: null,
          flowInputId: null,
          selection: {},
          trigger: "test",
          steps: ["a"],
          owner: "me:1",
        });
        expect(run).toMatchObject({ state: "READY", owner: "me:1" });
        expect(run.heartbeatUtc).toBe(run.createdUtc);
        expect((await newRun(store)).owner).toBeNull();
      }),
    );

    const entry = (id: string, fields: Partial<ScheduleRecord> = {}) => ({
      id,
      path: "sub/daily.yml",
      flowName: "daily",
      cron: "0 6 * * *",
      everySeconds: null,
      timezone: "Europe/Paris",
      source: "api" as const,
      createdUtc: "2024-01-01T00:00:00.000Z",
      ...fields,
    });

    it(
      "keeps schedule entries; saving again updates the schedule but not the creation or last fire",
      withStore(async (store) => {
        const saved = await store.saveSchedule(entry("a"));
        expect(saved).toEqual({ ...entry("a"), lastFireUtc: null });
        await store.saveSchedule(
          entry("b", {
            cron: null,
            everySeconds: 2.5,
            timezone: "UTC",
            source: "autostart",
            createdUtc: "2024-01-02T00:00:00.000Z",
          }),
        );
        expect(await store.claimScheduleFire("a", "2024-01-01T05:00:00.000Z", "me:1")).toBe(true);
        const updated = await store.saveSchedule(
          entry("a", { cron: "0 7 * * *", createdUtc: "2030-01-01T00:00:00.000Z" }),
        );
        expect(updated).toMatchObject({
          cron: "0 7 * * *",
          createdUtc: "2024-01-01T00:00:00.000Z",
          lastFireUtc: "2024-01-01T05:00:00.000Z",
        });
        expect((await store.listSchedules()).map((s) => [s.id, s.everySeconds, s.source])).toEqual([
          ["a", null, "api"],
          ["b", 2.5, "autostart"],
        ]);
        expect(await store.deleteSchedule("a")).toBe(true);
        expect(await store.deleteSchedule("a")).toBe(false);
        expect(await store.getSchedule("a")).toBeUndefined();
      }),
    );

    it(
      "claims each tick once, never one older than the last, and never for a removed entry",
      withStore(async (store) => {
        await store.saveSchedule(entry("a"));
        const claims = await Promise.all(
          [1, 2, 3].map((n) => store.claimScheduleFire("a", "2024-01-02T05:00:00.000Z", `p:${n}`)),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
        expect(await store.claimScheduleFire("a", "2024-01-01T05:00:00.000Z", "p:1")).toBe(false);
        expect(await store.claimScheduleFire("a", "2024-01-03T05:00:00.000Z", "p:1")).toBe(true);
        expect(await store.claimScheduleFire("nope", "2024-01-03T05:00:00.000Z", "p:1")).toBe(false);
        expect((await store.getSchedule("a"))?.lastFireUtc).toBe("2024-01-03T05:00:00.000Z");
        const run = await newRun(store);
        await store.finishScheduleFire("a", "2024-01-03T05:00:00.000Z", {
          outcome: "started",
          runId: run.id,
        });
        await store.finishScheduleFire("a", "2024-01-02T05:00:00.000Z", {
          outcome: "skipped",
          detail: "flow daily is already running as run 1",
        });
        const fires = await store.listScheduleFires("a");
        expect(fires.map((f) => [f.fireUtc, f.outcome, f.runId, f.detail])).toEqual([
          ["2024-01-03T05:00:00.000Z", "started", run.id, null],
          ["2024-01-02T05:00:00.000Z", "skipped", null, "flow daily is already running as run 1"],
        ]);
        expect(fires[0]?.owner).toBe("p:1");
        await store.deleteSchedule("a");
        expect(await store.listScheduleFires("a")).toEqual([]);
      }),
    );

    const asset = (id: string, name: string) => ({
      id,
      name,
      assetType: "file",
      storageConnectionName: "lake",
      storageLocation: "exports/orders",
      files: [{ mimeType: "text/csv", locationType: "file", locationPath: "exports/orders/2024.csv" }],
    });

    it(
      "keeps assets by id with unique names, updates them in place and deletes them",
      withStore(async (store) => {
        const saved = await store.saveAsset(asset("a1", "orders"));
        expect(saved).toMatchObject({
          ...asset("a1", "orders"),
          createdUtc: expect.stringMatching(/^\d{4}-/),
        });
        expect(await store.getAsset("a1")).toEqual(saved);
        expect(await store.saveAsset(asset("a2", "customers"))).toMatchObject({ name: "customers" });
        // Another asset with a name in use is refused, whether it is new or renamed.
        expect(await store.saveAsset(asset("a3", "orders"))).toBeUndefined();
        expect(await store.saveAsset(asset("a2", "orders"))).toBeUndefined();
        expect(await store.getAsset("a3")).toBeUndefined();
        const updated = await store.saveAsset({
          ...asset("a1", "orders"),
          storageConnectionName: null,
          files: [],
        });
        expect(updated).toMatchObject({
          storageConnectionName: null,
          files: [],
          createdUtc: saved?.createdUtc,
        });
        expect((await store.listAssets()).map((a) => a.name)).toEqual(["customers", "orders"]);
        expect(await store.deleteAsset("a1")).toBe(true);
        expect(await store.deleteAsset("a1")).toBe(false);
        expect((await store.listAssets()).map((a) => a.id)).toEqual(["a2"]);
      }),
    );
  });
}
