import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  flowDetailSchema,
  flowInputSchema,
  launchedSchema,
  logPageSchema,
  runListSchema,
  runReportSchema,
} from "../src/server/schemas.js";
import { seedFlowSchema } from "../src/server/seed-routes.js";
import type { TestServer } from "./server-helpers.js";
import { TOKEN, makeDataPath, startTestServer, waitForRun } from "./server-helpers.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer(makeDataPath());
});

afterAll(async () => {
  await t?.close();
});

/** A request with the path sent exactly as written (fetch would normalise `..` and encodings). */
function rawGet(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method: "GET", headers }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("auth", () => {
  it("answers health without a token, and nothing else", async () => {
    expect(await t.api("/api/v1/health", { token: null })).toMatchObject({
      status: 200,
      body: { status: "ok" },
    });
    expect((await t.api("/api/v1/health?verbose=1", { token: null })).status).toBe(200);
    expect((await t.api("/api/v1/health", { token: null, method: "HEAD" })).status).toBe(200);
    expect((await t.api("/api/v1/health", { token: null, method: "POST" })).status).toBe(401);
    const runs = await t.api("/api/v1/runs", { token: null });
    expect(runs.status).toBe(401);
    expect(runs.body.error.code).toBe("UNAUTHORIZED");
    expect(runs.headers.get("www-authenticate")).toContain("Bearer");
  });

  it.each([
    "/api/v1/health/",
    "/api/v1/%68ealth",
    "/api/v1/health%2F",
    "/api/v1/health/../runs",
    "/api/v1/health/..%2Fruns",
    "//api/v1/health",
    "/api//v1/health",
    "/API/V1/HEALTH",
    "/x/health",
    "/api/v1/runs/health",
    "/api/v1/runs/1/events",
    "/api/v1/openapi.json",
    "/api/v1/runs?x=/api/v1/health",
    "/api/v1/runs/%E0%A4%A",
  ])("needs a token for %s", async (path) => {
    const answer = await rawGet(path);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body).error.code).toBe("UNAUTHORIZED");
  });

  it.each([
    ["no scheme", TOKEN],
    ["Basic", `Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}`],
    ["wrong token", "Bearer nope"],
    ["token prefix", `Bearer ${TOKEN.slice(0, -1)}`],
    ["token plus more", `Bearer ${TOKEN}x`],
    ["two tokens", `Bearer ${TOKEN} ${TOKEN}`],
    ["empty", "Bearer "],
  ])("refuses %s", async (_label, header) => {
    expect((await rawGet("/api/v1/runs", { authorization: header })).status).toBe(401);
  });

  it("accepts the token whatever the case of the scheme", async () => {
    expect((await rawGet("/api/v1/runs", { authorization: `bearer ${TOKEN}` })).status).toBe(200);
  });

  it("answers unknown routes 404 only to callers with the token", async () => {
    expect((await t.api("/api/v1/nothing", { token: null })).status).toBe(401);
    expect(await t.api("/api/v1/nothing")).toMatchObject({
      status: 404,
      body: { error: { code: "NOT_FOUND" } },
    });
  });
});

describe("bad requests", () => {
  it("names the field of a wrong type", async () => {
    const answer = await t.api("/api/v1/runs", { method: "POST", json: { flow: 42 } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("INPUT_INVALID");
    expect(answer.body.error.message).toContain("body.flow");
    expect(answer.body.error.details.fields[0].field).toBe("body.flow");
  });

  it("names an unknown field, a bad query parameter and a bad path parameter", async () => {
    const unknown = await t.api("/api/v1/runs", { method: "POST", json: { flow: "one", inputs: {} } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("body.inputs");
    const limit = await t.api("/api/v1/runs?limit=abc");
    expect(limit.status).toBe(400);
    expect(limit.body.error.message).toContain("querystring.limit");
    const state = await t.api("/api/v1/runs?state=SLEEPING");
    expect(state.status).toBe(400);
    expect(state.body.error.message).toContain("querystring.state");
    const id = await t.api("/api/v1/runs/abc");
    expect(id.status).toBe(400);
    expect(id.body.error.message).toContain("params.id");
  });

  it("refuses malformed JSON, a JSON body that is not an object, and other media types", async () => {
    const malformed = await t.api("/api/v1/runs", {
      method: "POST",
      body: '{"flow": "one",',
      headers: { "content-type": "application/json" },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toContain("not valid JSON");
    const array = await t.api("/api/v1/runs", { method: "POST", json: ["one"] });
    expect(array.status).toBe(400);
    const form = await t.api("/api/v1/runs", {
      method: "POST",
      body: "flow=one",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(415);
    expect(form.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("answers a URL it cannot decode with 400 in the API's error shape", async () => {
    const answer = await rawGet("/api/v1/runs/%E0%A4%A", { authorization: `Bearer ${TOKEN}` });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.code).toBe("BAD_URL");
  });

  it("refuses prototype pollution in a body", async () => {
    const body = '{"flow":"one","input":{"__proto__":{"polluted":true}}}';
    expect(
      (await t.api("/api/v1/runs", { method: "POST", body, headers: { "content-type": "application/json" } }))
        .status,
    ).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses a 2 MB body with 413", async () => {
    const answer = await t.api("/api/v1/runs", {
      method: "POST",
      json: { flow: "one", input: { blob: "x".repeat(2 * 1024 * 1024) } },
    });
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe("BODY_TOO_LARGE");
  });

  it("answers 404 for an unknown flow and run, 400 for a path that leaves FLOWS_PATH", async () => {
    expect(await t.api("/api/v1/runs", { method: "POST", json: { flow: "no-such-flow" } })).toMatchObject({
      status: 404,
      body: { error: { code: "FLOW_NOT_FOUND" } },
    });
    expect(await t.api("/api/v1/runs/999999")).toMatchObject({
      status: 404,
      body: { error: { code: "RUN_NOT_FOUND" } },
    });
    const escape = await t.api("/api/v1/runs", { method: "POST", json: { flow: "../../../etc/passwd" } });
    expect(escape.status).toBe(400);
    expect(escape.body.error.message).toContain("leaves FLOWS_PATH");
    expect(JSON.stringify(escape.body)).not.toContain(t.app.settings.dataPath);
  });

  it("answers 422 with the diagnostics when the flow to run is invalid", async () => {
    const answer = await t.api("/api/v1/runs", { method: "POST", json: { flow: "broken" } });
    expect(answer.status).toBe(422);
    expect(answer.body.error.details.diagnostics[0]).toMatchObject({
      file: "broken.yml",
      line: 4,
      path: "steps[0].type",
    });
  });

  it("answers 400 for a missing required input and an unknown --only step", async () => {
    const only = await t.api("/api/v1/runs", { method: "POST", json: { flow: "one", only: ["nope"] } });
    expect(only.status).toBe(400);
    expect(only.body.error.message).toContain("nope");
    const upstream = await t.api("/api/v1/runs", {
      method: "POST",
      json: { flow: "one", with_upstream: true },
    });
    expect(upstream.status).toBe(400);
  });

  it("never answers with a stack trace", async () => {
    const answers = await Promise.all([
      t.api("/api/v1/runs", { method: "POST", json: { flow: "broken" } }),
      t.api("/api/v1/runs", { method: "POST", body: "{", headers: { "content-type": "application/json" } }),
    ]);
    for (const answer of answers) expect(JSON.stringify(answer.body)).not.toMatch(/\n\s+at |\.ts:\d+/);
  });
});

describe("flows", () => {
  it("lists the files under FLOWS_PATH with their validity", async () => {
    const { status, body } = await t.api("/api/v1/flows");
    expect(status).toBe(200);
    const byPath = Object.fromEntries(body.flows.map((f: { path: string }) => [f.path, f]));
    expect(byPath["one.yml"]).toMatchObject({ name: "one", valid: true, steps: 1 });
    expect(byPath["sub/nested.yml"]).toMatchObject({ name: "nested-flow", valid: true });
    expect(byPath["broken.yml"]).toMatchObject({ valid: false, problems: 1 });
    expect(byPath["scheduled.yml"].schedule).toEqual({ every_seconds: 3600 });
  });

  it("gets one flow with its graph, by path or by name", async () => {
    for (const reference of ["sub/nested.yml", "sub/nested", "nested-flow"]) {
      const { status, body } = await t.api(`/api/v1/flows/${reference}`);
      expect(status).toBe(200);
      expect(body.path).toBe("sub/nested.yml");
      expect(body.graph.edges).toEqual([
        { from: "a", to: "b" },
        { from: "a", to: "c" },
      ]);
      expect(body.graph.groups).toEqual([["a"], ["b", "c"]]);
    }
    expect((await t.api("/api/v1/flows/nope")).status).toBe(404);
  });

  it("validates a posted definition, as JSON text, YAML or a JSON value", async () => {
    const good = await t.api("/api/v1/flows/validate", {
      method: "POST",
      json: { text: "name: ok\nsteps:\n  - { name: a, type: noop }\n" },
    });
    expect(good).toMatchObject({ status: 200, body: { ok: true, name: "ok" } });
    const value = await t.api("/api/v1/flows/validate", {
      method: "POST",
      json: { definition: { name: "v", steps: [{ name: "a", type: "noop" }] } },
    });
    expect(value.status).toBe(200);
    const yaml = await t.api("/api/v1/flows/validate", {
      method: "POST",
      body: "name: y\nsteps:\n  - name: a\n    type: noop\n    needs: [zzz]\n",
      headers: { "content-type": "application/yaml" },
    });
    expect(yaml.status).toBe(422);
    expect(yaml.body.error.details.diagnostics[0]).toMatchObject({ line: 5, path: "steps[0].needs[0]" });
  });

  it("reports every problem of an invalid definition with line and column", async () => {
    const text =
      "name: bad\nsteps:\n  - name: a\n    type: jqq\n  - name: a\n    type: noop\n    retry: { attempts: -1 }\n";
    const { status, body } = await t.api("/api/v1/flows/validate", {
      method: "POST",
      json: { text, file: "bad.yml" },
    });
    expect(status).toBe(422);
    expect(body.error.code).toBe("FLOW_INVALID");
    const diagnostics = body.error.details.diagnostics as {
      file: string;
      line: number;
      column: number;
      message: string;
    }[];
    expect(diagnostics.length).toBeGreaterThanOrEqual(3);
    for (const d of diagnostics) {
      expect(d.file).toBe("bad.yml");
      expect(d.line).toBeGreaterThan(0);
      expect(d.column).toBeGreaterThan(0);
    }
    expect(diagnostics.some((d) => d.message.includes('"jqq"'))).toBe(true);
  });

  it("needs exactly one of text and definition", async () => {
    const answer = await t.api("/api/v1/flows/validate", { method: "POST", json: {} });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain("body.text");
  });
});

describe("runs", () => {
  it("launches at once and reports the run with steps, progress and data", async () => {
    const launched = await t.api("/api/v1/runs", {
      method: "POST",
      json: { flow: "logs", input: { who: "api" } },
    });
    expect(launched.status).toBe(202);
    expect(launched.body).toMatchObject({
      flow: "logs",
      state: "RUNNING",
      links: { events: `/api/v1/runs/${launched.body.id}/events` },
    });
    expect(launched.headers.get("location")).toBe(`/api/v1/runs/${launched.body.id}`);
    const run = await waitForRun(t, launched.body.id);
    // The answer has the documented shape (parse throws when it does not).
    expect(runReportSchema.parse(run)).toMatchObject({ id: launched.body.id });
    expect(run).toMatchObject({
      state: "COMPLETED",
      progress: 100,
      input: { who: "api" },
      trigger: "api",
      errors: [],
    });
    expect(run.steps.map((s: { state: string }) => s.state)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
    expect(run.data.hello).toBe("hello api");
    const logs = await t.api(`/api/v1/runs/${run.id}/logs`);
    expect(logs.body.logs.map((l: { message: string }) => l.message)).toEqual(["hello api", "bye api"]);
    expect(logs.body.next).toBeNull();
  });

  it("runs a selection of steps", async () => {
    const launched = await t.api("/api/v1/runs", {
      method: "POST",
      json: { flow: "sub/nested.yml", only: ["c"], with_upstream: true },
    });
    const run = await waitForRun(t, launched.body.id);
    expect(run.steps.map((s: { name: string }) => s.name)).toEqual(["a", "c"]);
  });

  it("lists runs with filters and pagination", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await t.api("/api/v1/runs", { method: "POST", json: { flow: "burst" } })).body.id);
    for (const id of ids) await waitForRun(t, id);
    const first = await t.api("/api/v1/runs?flow=burst&limit=2");
    expect(first.body.runs.map((r: { id: number }) => r.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.next).toBe(ids[1]);
    const second = await t.api(`/api/v1/runs?flow=burst&limit=2&before=${first.body.next}`);
    expect(second.body.runs.map((r: { id: number }) => r.id)).toEqual([ids[0]]);
    const completed = await t.api("/api/v1/runs?state=completed&limit=1000");
    expect(completed.body.runs.every((r: { state: string }) => r.state === "COMPLETED")).toBe(true);
  });

  it("cancels a running run, refuses to cancel it twice, and resumes it", async () => {
    const launched = await t.api("/api/v1/runs", { method: "POST", json: { flow: "slow" } });
    const cancelled = await t.api(`/api/v1/runs/${launched.body.id}/cancel`, { method: "POST" });
    expect(cancelled).toMatchObject({ status: 200, body: { state: "CANCELLED" } });
    expect(cancelled.body.error).toContain("cancelled through the API");
    expect(await t.api(`/api/v1/runs/${launched.body.id}/cancel`, { method: "POST" })).toMatchObject({
      status: 409,
      body: { error: { code: "RUN_ENDED" } },
    });
    const resumed = await t.api(`/api/v1/runs/${launched.body.id}/resume`, { method: "POST" });
    expect(resumed).toMatchObject({ status: 202, body: { id: launched.body.id, state: "RUNNING" } });
    await t.api(`/api/v1/runs/${launched.body.id}/cancel`, { method: "POST" });
  });

  it("refuses a second run of a flow whose lock policy is skip", async () => {
    const first = await t.api("/api/v1/runs", { method: "POST", json: { flow: "slow" } });
    const second = await t.api("/api/v1/runs", { method: "POST", json: { flow: "slow" } });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({
      code: "FLOW_RUNNING",
      details: { flow: "slow", heldByRun: first.body.id },
    });
    await t.api(`/api/v1/runs/${first.body.id}/cancel`, { method: "POST" });
  });

  it("starts from a stored flow input", async () => {
    const input = await t.api("/api/v1/flow-inputs", {
      method: "POST",
      json: { flow: "logs", args: { who: "stored" }, source_store_ids: ["pg-1"] },
    });
    expect(input.status).toBe(201);
    expect(input.body).toMatchObject({
      flow: "logs",
      args: { who: "stored" },
      sourceStoreIds: ["pg-1"],
      targetStoreId: null,
    });
    expect(await t.api(`/api/v1/flow-inputs/${input.body.id}`)).toMatchObject({
      status: 200,
      body: input.body,
    });
    const launched = await t.api("/api/v1/runs", { method: "POST", json: { flow_input_id: input.body.id } });
    const run = await waitForRun(t, launched.body.id);
    expect(run).toMatchObject({ flowInputId: input.body.id, input: { who: "stored" }, state: "COMPLETED" });
    expect((await t.api("/api/v1/runs", { method: "POST", json: { flow_input_id: 999999 } })).status).toBe(
      404,
    );
    expect((await t.api("/api/v1/flow-inputs", { method: "POST", json: { flow: "nope" } })).status).toBe(404);
  });
});

describe("secrets", () => {
  it("lists names and types, never values, and masks them in logs and reports", async () => {
    const { body } = await t.api("/api/v1/secrets");
    expect(body.secrets).toEqual(
      expect.arrayContaining([
        { name: "db", type: "credential" },
        { name: "jira", type: "token" },
      ]),
    );
    expect(JSON.stringify(body)).not.toMatch(/hunter2|tok-abcdef|admin/);
    const launched = await t.api("/api/v1/runs", { method: "POST", json: { flow: "secretive" } });
    const run = await waitForRun(t, launched.body.id);
    const logs = await t.api(`/api/v1/runs/${run.id}/logs`);
    expect(JSON.stringify(run) + JSON.stringify(logs.body)).not.toContain("hunter2-secret");
    expect(logs.body.logs[0].message).toBe("the password is ***");
  });
});

describe("answers", () => {
  it("match the schemas the OpenAPI document shows", async () => {
    const launched = await t.api("/api/v1/runs", { method: "POST", json: { flow: "logs" } });
    launchedSchema.parse(launched.body);
    const run = await waitForRun(t, launched.body.id);
    runReportSchema.parse(run);
    runListSchema.parse((await t.api("/api/v1/runs")).body);
    logPageSchema.parse((await t.api(`/api/v1/runs/${run.id}/logs`)).body);
    flowDetailSchema.parse((await t.api("/api/v1/flows/logs")).body);
    flowInputSchema.parse((await t.api(`/api/v1/flow-inputs/${run.flowInputId}`)).body);
    seedFlowSchema.parse((await t.api(`/api/v1.0/flows/${run.id}`)).body);
  });
});

describe("catalog and documents", () => {
  it("lists step types with the schema of their options", async () => {
    const { body } = await t.api("/api/v1/step-types");
    const sleep = body.stepTypes.find((s: { name: string }) => s.name === "sleep");
    expect(sleep.options.properties.duration).toMatchObject({
      description: expect.stringContaining("How long"),
    });
  });

  it("serves an OpenAPI document made from the request schemas", async () => {
    const { status, body } = await t.api("/api/v1/openapi.json");
    expect(status).toBe(200);
    expect(body.openapi).toBe("3.1.0");
    const launch = body.paths["/api/v1/runs"].post;
    expect(launch.requestBody.content["application/json"].schema.properties).toHaveProperty("with_upstream");
    expect(body.paths["/api/v1.0/flows/cancel/{id}"]).toHaveProperty("post");
    expect(body.paths["/api/locks/{flow_name}"]).toHaveProperty("delete");
    expect(body.paths["/api/v1/health"].get.security).toEqual([]);
  });
});
