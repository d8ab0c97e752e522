import { afterAll, beforeAll, expect, it } from "vitest";
import type { TestServer } from "./server-helpers.js";
import { makeDataPath, startTestServer } from "./server-helpers.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer(makeDataPath());
});

afterAll(async () => {
  await t?.close();
});

it("takes a loopback burst of 200 concurrent launches and reads without an error or a lost run", async () => {
  const launches = Array.from({ length: 200 }, (_, i) =>
    t.api("/api/v1/runs", { method: "POST", json: { flow: "burst", input: { n: i } } }),
  );
  const reads = Array.from({ length: 200 }, (_, i) =>
    t.api(i % 2 ? "/api/v1/runs?limit=20" : "/api/v1/flows"),
  );
  const answers = await Promise.all([...launches, ...reads]);
  const failures = answers.filter((a) => a.status >= 300);
  expect(failures).toEqual([]);

  const ids = answers.slice(0, 200).map((a) => a.body.id as number);
  expect(new Set(ids).size).toBe(200);
  const details = await Promise.all(ids.map((id) => t.api(`/api/v1/runs/${id}`)));
  expect(details.every((d) => d.status === 200)).toBe(true);

  const deadline = Date.now() + 30_000;
  let states: string[] = [];
  while (Date.now() < deadline) {
    states = (await Promise.all(ids.map((id) => t.api(`/api/v1/runs/${id}`)))).map(
      (d) => d.body.state as string,
    );
    if (states.every((s) => s === "COMPLETED")) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(states.filter((s) => s !== "COMPLETED")).toEqual([]);
  const inputs = (await Promise.all(ids.map((id) => t.api(`/api/v1/runs/${id}`)))).map(
    (d) => d.body.input.n as number,
  );
  expect(inputs.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  const listed = await t.api("/api/v1/runs?flow=burst&limit=1000");
  expect(listed.body.runs).toHaveLength(200);
}, 60_000);
