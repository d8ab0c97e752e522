import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findUiRoot } from "../../src/server/ui-assets.js";
import type { TestServer } from "../server-helpers.js";
import { makeDataPath, startTestServer, waitForRun } from "../server-helpers.js";

/**
 * What the web UI needs from the server, in process: its files at `/` without a token (and the
 * API still behind it), connections (list, test, discover), assets and a run's step runs.
 */

let t: TestServer;

beforeAll(async () => {
  const data = makeDataPath();
  mkdirSync(join(data, "lake"));
  writeFileSync(join(data, "lake", "orders.csv"), "id,amount\n1,20\n");
  writeFileSync(
    join(data, "connections.yml"),
    "- { name: lake, type: localfs, path: lake }\n- { name: gone, type: localfs, path: nowhere }\n",
  );
  writeFileSync(
    join(data, "flows", "items.yml"),
    "name: items\nsteps:\n  - { name: each, type: noop, for_each: [1, 2, 3] }\n",
  );
  t = await startTestServer(data, { scheduler: false });
});

afterAll(async () => {
  await t?.close();
});

describe("the web UI's files", () => {
  it("serves the page at / and at any client route without a token, with a strict CSP", async () => {
    for (const path of ["/", "/runs/42?tab=logs", "/flows/sub/nested.yml", "/assets/new", "/assets"]) {
      const response = await fetch(`${t.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/html");
      expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect(await response.text()).toContain('<div id="app">');
    }
  });

  it("serves the built files compressed and cacheable", async () => {
    const html = await (await fetch(`${t.url}/`)).text();
    const script = /src="(\/static\/[^"]+\.js)"/.exec(html)?.[1];
    if (findUiRoot()) expect(script).toBeDefined();
    if (script) {
      const response = await fetch(`${t.url}${script}`, { headers: { "accept-encoding": "gzip" } });
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toContain("immutable");
      expect(response.headers.get("content-encoding")).toBe("gzip");
      const etag = response.headers.get("etag") as string;
      expect((await fetch(`${t.url}${script}`, { headers: { "if-none-match": etag } })).status).toBe(304);
    }
  });

  it("answers nothing else without the token: not a missing file, nor a path that is no page", async () => {
    for (const path of ["/static/nope.js", "/x/health", "//api/v1/health", "/API/V1/HEALTH", "/runsx"])
      expect((await t.api(path, { token: null })).status).toBe(401);
  });

  it("keeps every API route behind the token", async () => {
    expect((await t.api("/api/v1/runs", { token: null })).status).toBe(401);
    expect((await t.api("/api/v1/nope", { token: null })).status).toBe(401);
    expect((await t.api("/api/v1/nope")).body.error.code).toBe("NOT_FOUND");
    expect((await t.api("/api", { token: null })).status).toBe(401);
  });
});

describe("GET /api/v1/connections", () => {
  it("lists names and kinds, never options", async () => {
    const { body } = await t.api("/api/v1/connections");
    expect(body.connections.map((c: { name: string; type: string }) => [c.name, c.type])).toEqual([
      ["lake", "localfs"],
      ["gone", "localfs"],
    ]);
    expect(JSON.stringify(body)).not.toContain("nowhere");
  });

  it("tests a connection: a failure is an answer that says where it failed", async () => {
    const ok = await t.api("/api/v1/connections/lake/test", { method: "POST" });
    expect(ok.body).toMatchObject({ name: "lake", ok: true });
    const failed = await t.api("/api/v1/connections/gone/test", { method: "POST" });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ ok: false, stage: "not_found" });
    expect((await t.api("/api/v1/connections/nope/test", { method: "POST" })).status).toBe(404);
  });

  it("discovers what a connection holds", async () => {
    const { body } = await t.api("/api/v1/connections/lake/discover");
    expect(body.objects).toEqual([
      expect.objectContaining({ kind: "file", name: "orders.csv", mimeType: "text/csv" }),
    ]);
    expect(body.truncated).toBe(false);
    expect((await t.api("/api/v1/connections/gone/discover")).status).toBe(502);
  });
});

describe("/api/v1/assets", () => {
  const orders = {
    name: "orders",
    asset_type: "file",
    storage_connection_name: "lake",
    storage_location: "orders.csv",
    files: [{ mime_type: "text/csv", location_type: "file", location_path: "orders.csv" }],
  };

  it("creates, reads, changes and removes seed 000's asset, in its own field names", async () => {
    const created = await t.api("/api/v1/assets", { method: "POST", json: orders });
    expect(created.status).toBe(201);
    const id = created.body.asset_id as string;
    expect(created.headers.get("location")).toBe(`/api/v1/assets/${id}`);
    expect(created.body).toMatchObject({ ...orders, created_utc: expect.any(String) });
    expect((await t.api(`/api/v1/assets/${id}`)).body).toEqual(created.body);
    const changed = await t.api(`/api/v1/assets/${id}`, {
      method: "PUT",
      json: { ...orders, storage_connection_name: null, files: [] },
    });
    expect(changed.body).toMatchObject({
      storage_connection_name: null,
      files: [],
      created_utc: created.body.created_utc,
    });
    expect((await t.api("/api/v1/assets")).body.assets).toHaveLength(1);
    expect((await t.api(`/api/v1/assets/${id}`, { method: "DELETE" })).body).toEqual({
      asset_id: id,
      removed: true,
    });
    expect((await t.api(`/api/v1/assets/${id}`)).status).toBe(404);
  });

  it("refuses a name in use, an unknown connection and an unknown field, naming the field", async () => {
    await t.api("/api/v1/assets", { method: "POST", json: { ...orders, name: "twice" } });
    const twice = await t.api("/api/v1/assets", { method: "POST", json: { ...orders, name: "twice" } });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toMatch(/^body\.name: /);
    const unknown = await t.api("/api/v1/assets", {
      method: "POST",
      json: { ...orders, name: "x", storage_connection_name: "warehouse" },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.hint).toContain("lake");
    const extra = await t.api("/api/v1/assets", { method: "POST", json: { ...orders, name: "y", size: 1 } });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toContain("size");
  });
});

describe("GET /api/v1/runs/{id}/step-runs", () => {
  it("answers each for_each item's attempt with its times", async () => {
    const launched = await t.api("/api/v1/runs", { method: "POST", json: { flow: "items" } });
    await waitForRun(t, launched.body.id);
    const { body } = await t.api(`/api/v1/runs/${launched.body.id}/step-runs`);
    expect(
      body.stepRuns.map((r: { step: string; item: number; attempt: number }) => [r.step, r.item, r.attempt]),
    ).toEqual([
      ["each", 0, 1],
      ["each", 1, 1],
      ["each", 2, 1],
    ]);
    expect(body.stepRuns[0]).toMatchObject({ state: "COMPLETED", durationMs: expect.any(Number) });
    expect((await t.api("/api/v1/runs/99999/step-runs")).status).toBe(404);
  });
});
