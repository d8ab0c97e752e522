import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Json, TestServer } from "./server-helpers.js";
import { makeDataPath, startTestServer } from "./server-helpers.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer(makeDataPath());
});

afterAll(async () => {
  await t?.close();
});

async function waitForSeedFlow(id: number): Promise<Json> {
  for (let i = 0; i < 500; i++) {
    const { body } = await t.api(`/api/v1.0/flows/${id}`);
    if (["COMPLETED", "FAILED", "CANCELLED"].includes(body.flowOutput.state)) return body;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`flow ${id} did not end`);
}

describe("seed 001: /api/v1.0", () => {
  it("creates and reads a flow input, complete with its id and creation time", async () => {
    const created = await t.api("/api/v1.0/flow-inputs", {
      method: "POST",
      json: {
        flow: "logs",
        args: { who: "seed" },
        sourceStoreIds: ["orders-db", "customers.csv"],
        targetStoreId: "warehouse",
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(Number),
      createdUtc: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      flow: "logs",
      args: { who: "seed" },
      sourceStoreIds: ["orders-db", "customers.csv"],
      targetStoreId: "warehouse",
    });
    expect(await t.api(`/api/v1.0/flow-inputs/${created.body.id}`)).toMatchObject({
      status: 200,
      body: created.body,
    });
    expect((await t.api("/api/v1.0/flow-inputs/999999")).status).toBe(404);
  });

  it("creates a flow from a flow input, runs it in the background and reads its output", async () => {
    const input = await t.api("/api/v1.0/flow-inputs", {
      method: "POST",
      json: { flow: "logs", args: { who: "seed" } },
    });
    const created = await t.api("/api/v1.0/flows", { method: "POST", json: { flowInputId: input.body.id } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(Number),
      createdUtc: expect.any(String),
      flowInputId: input.body.id,
      flowOutputId: created.body.id,
      flowOutput: {
        id: created.body.id,
        state: "RUNNING",
        progress: { percent: expect.any(Number), updateTime: expect.any(String) },
      },
    });
    const done = await waitForSeedFlow(created.body.id);
    expect(done.flowOutput.state).toBe("COMPLETED");
    expect(done.flowOutput.progress.percent).toBe(100);
    expect(done.flowOutput.logs.lines).toHaveLength(2);
    expect(done.flowOutput.logs.lines[0]).toMatch(/^\S+ INFO \[hello\] hello seed$/);
    expect(done.flowOutput.logs.updateTime).toEqual(expect.any(String));
    expect(done.flowOutput.errors).toEqual({ lines: [], updateTime: null });
  });

  it("accepts the flow input id in snake case too, and a flow for an input that names none", async () => {
    const input = await t.api("/api/v1.0/flow-inputs", { method: "POST", json: { args: {} } });
    const created = await t.api("/api/v1.0/flows", {
      method: "POST",
      json: { flow_input_id: input.body.id, flow: "one" },
    });
    expect(created.status).toBe(201);
    expect((await waitForSeedFlow(created.body.id)).flowOutput.state).toBe("COMPLETED");
    const nameless = await t.api("/api/v1.0/flows", { method: "POST", json: { flowInputId: input.body.id } });
    expect(nameless.status).toBe(400);
    expect(nameless.body.error.message).toContain("body.flow");
  });

  it("cancels a flow", async () => {
    const input = await t.api("/api/v1.0/flow-inputs", { method: "POST", json: { flow: "slow" } });
    const created = await t.api("/api/v1.0/flows", { method: "POST", json: { flowInputId: input.body.id } });
    const cancelled = await t.api(`/api/v1.0/flows/cancel/${created.body.id}`, { method: "POST" });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.flowOutput.state).toBe("CANCELLED");
    expect(cancelled.body.flowOutput.errors.lines[0]).toContain("cancelled");
    expect(cancelled.body.flowOutput.errors.updateTime).toEqual(expect.any(String));
    expect((await t.api(`/api/v1.0/flows/cancel/${created.body.id}`, { method: "POST" })).status).toBe(409);
  });

  it("answers errors for a missing input id, an unknown flow and an unknown input", async () => {
    const missing = await t.api("/api/v1.0/flows", { method: "POST", json: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain("body.flowInputId");
    expect((await t.api("/api/v1.0/flows", { method: "POST", json: { flowInputId: "1" } })).status).toBe(400);
    expect((await t.api("/api/v1.0/flows", { method: "POST", json: { flowInputId: 999999 } })).status).toBe(
      404,
    );
    expect((await t.api("/api/v1.0/flows/999999")).status).toBe(404);
    expect((await t.api("/api/v1.0/flows/cancel/999999", { method: "POST" })).status).toBe(404);
  });
});

describe("seed 003: /api/flows and /api/locks", () => {
  it("adds a flow to the scheduler, lists it and removes it by guid", async () => {
    const added = await t.api("/api/flows/add", { method: "POST", json: { path: "scheduled.yml" } });
    expect(added.status).toBe(201);
    expect(added.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(added.body).toMatchObject({
      path: "scheduled.yml",
      flow: "scheduled",
      nextFireUtc: expect.any(String),
    });
    const listed = await t.api("/api/flows");
    expect(listed.status).toBe(200);
    expect(Array.isArray(listed.body)).toBe(true);
    expect(listed.body.map((e: { id: string }) => e.id)).toContain(added.body.id);
    expect(await t.api(`/api/flows/${added.body.id}`, { method: "DELETE" })).toMatchObject({
      status: 200,
      body: { id: added.body.id, removed: true },
    });
    expect((await t.api(`/api/flows/${added.body.id}`, { method: "DELETE" })).status).toBe(404);
    expect((await t.api("/api/flows")).body.map((e: { id: string }) => e.id)).not.toContain(added.body.id);
  });

  it("adds only flows with a schedule, and only under FLOWS_PATH", async () => {
    const unscheduled = await t.api("/api/flows/add", { method: "POST", json: { path: "one.yml" } });
    expect(unscheduled.status).toBe(422);
    expect(unscheduled.body.error.hint).toContain("/api/flows/launch");
    expect((await t.api("/api/flows/add", { method: "POST", json: { path: "nope.yml" } })).status).toBe(404);
    expect((await t.api("/api/flows/add", { method: "POST", json: { path: "../secrets.yml" } })).status).toBe(
      400,
    );
    expect((await t.api("/api/flows/add", { method: "POST", json: {} })).body.error.message).toContain(
      "body.path",
    );
  });

  it("launches a flow by path", async () => {
    const launched = await t.api("/api/flows/launch", { method: "POST", json: { path: "one.yml" } });
    expect(launched.status).toBe(202);
    expect(launched.body).toMatchObject({ id: expect.any(Number), flow: "one" });
    expect((await t.api("/api/flows/launch", { method: "POST", json: { path: "nope.yml" } })).status).toBe(
      404,
    );
  });

  it("lists locks and removes one or all of them", async () => {
    const first = await t.api("/api/flows/launch", { method: "POST", json: { path: "slow.yml" } });
    const locks = await t.api("/api/locks");
    expect(locks.status).toBe(200);
    expect(locks.body).toEqual([expect.objectContaining({ flow: "slow", runId: first.body.id })]);
    expect(await t.api("/api/locks/slow", { method: "DELETE" })).toMatchObject({
      status: 200,
      body: { flow: "slow", removed: true },
    });
    expect((await t.api("/api/locks/slow", { method: "DELETE" })).status).toBe(404);
    // With its lock removed, the flow starts again while the first run still goes on.
    const second = await t.api("/api/flows/launch", { method: "POST", json: { path: "slow.yml" } });
    expect(second.status).toBe(202);
    expect(await t.api("/api/locks", { method: "DELETE" })).toMatchObject({
      status: 200,
      body: { removed: 1, flows: ["slow"] },
    });
    expect((await t.api("/api/locks")).body).toEqual([]);
    expect((await t.api("/api/locks/not a name", { method: "DELETE" })).status).toBe(400);
    for (const run of [first, second]) await t.api(`/api/v1/runs/${run.body.id}/cancel`, { method: "POST" });
  });
});
