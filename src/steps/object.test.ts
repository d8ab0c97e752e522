import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { StepContext, StepProgress } from "../plugins/step-type.js";
import { SecretStore } from "../services/secrets.js";
import type { Harness } from "../test-support/harness.js";
import { createHarness } from "../test-support/harness.js";
import type { S3TestServer } from "../test-support/s3-server.js";
import { startS3Server } from "../test-support/s3-server.js";
import { objectStep } from "./object.js";

let server: S3TestServer;
let bucket: string;
let h: Harness;

beforeAll(async () => {
  server = await startS3Server();
  bucket = `octoflow-${randomUUID()}`;
  const client = new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

beforeEach(() => {
  const secrets = new SecretStore(
    new Map([
      [
        "lake_keys",
        {
          name: "lake_keys",
          type: "credential",
          username: server.accessKeyId,
          password: server.secretAccessKey,
        },
      ],
    ]),
  );
  h = createHarness({
    secrets,
    connections: [
      { name: "files", type: "localfs", path: "files", create: true },
      { name: "lake", type: "s3", endpoint: server.endpoint, bucket, credentials: { secret: "lake_keys" } },
    ],
  });
});
afterEach(async () => {
  await h.close();
});

async function run(yaml: string, args: Record<string, unknown> = {}) {
  const flow = await h.flow(yaml);
  const final = await (await h.runs.launch({ flow, args, selection: {} })).done;
  const steps = new Map((await h.store.getRunSteps(final.id)).map((step) => [step.name, step]));
  return { final, steps };
}

describe("the object step", () => {
  it("puts a file, lists, gets it back to a file and inline, copies it between connections and deletes it", async () => {
    const folder = randomUUID();
    mkdirSync(join(h.dir, "out"));
    writeFileSync(join(h.dir, "out", "report.json"), '{"total": 3}');
    const { final, steps } = await run(`
name: objects
steps:
  - { name: up, type: object, object: { connection: lake, action: put, from: out/report.json, path: ${folder}/report.json } }
  - { name: ls, type: object, object: { connection: lake, action: list, prefix: "${folder}/" } }
  - { name: down, type: object, object: { connection: lake, action: get, path: ${folder}/report.json, to: back/report.json } }
  - { name: inline, type: object, object: { connection: lake, action: get, path: ${folder}/report.json } }
  - { name: copy, type: object, object: { connection: files, action: copy, from_connection: lake, path: ${folder}/report.json, to: copied.json } }
  - { name: rm, type: object, object: { connection: lake, action: delete, path: ${folder}/report.json } }
  - { name: after, type: object, object: { connection: lake, action: list, prefix: "${folder}/" } }
`);
    expect(final.error).toBeNull();
    expect(steps.get("up")?.output).toEqual({ path: `${folder}/report.json`, bytes: 12 });
    expect(steps.get("ls")?.output).toEqual([
      expect.objectContaining({ name: `${folder}/report.json`, size: 12, mimeType: "application/json" }),
    ]);
    expect(readFileSync(join(h.dir, "back", "report.json"), "utf8")).toBe('{"total": 3}');
    expect(steps.get("inline")?.output).toEqual({ total: 3 });
    expect(steps.get("copy")?.output).toEqual({
      path: "copied.json",
      bytes: 12,
      from: `lake:${folder}/report.json`,
    });
    expect(readFileSync(join(h.dir, "files", "copied.json"), "utf8")).toBe('{"total": 3}');
    expect(steps.get("after")?.output).toEqual([]);
  });

  it("uploads the run's data, text as is and other values as JSON", async () => {
    const { final, steps } = await run(
      `
name: data
steps:
  - { name: text, type: object, object: { connection: files, action: put, path: notes.txt, data_key: note } }
  - { name: json, type: object, object: { connection: files, action: put, path: rows.json, data_key: rows } }
  - { name: back, type: object, object: { connection: files, action: get, path: rows.json } }
`,
      { note: "héllo\n", rows: [{ id: 1 }] },
    );
    expect(final.error).toBeNull();
    expect(readFileSync(join(h.dir, "files", "notes.txt"), "utf8")).toBe("héllo\n");
    expect(steps.get("back")?.output).toEqual([{ id: 1 }]);
  });

  it("refuses to return a binary or large object inline, and paths that leave DATA_PATH", async () => {
    mkdirSync(join(h.dir, "files"), { recursive: true });
    writeFileSync(join(h.dir, "files", "blob.bin"), Buffer.from([0xff, 0xfe, 0x00]));
    const { steps } = await run(`
name: refusals
steps:
  - { name: binary, type: object, ignore_errors: [".*"], object: { connection: files, action: get, path: blob.bin } }
  - { name: large, type: object, ignore_errors: [".*"], object: { connection: files, action: get, path: blob.bin, max_bytes: 2 } }
  - { name: escape, type: object, ignore_errors: [".*"], object: { connection: files, action: get, path: blob.bin, to: "{{ '../x' }}" } }
`);
    expect(steps.get("binary")?.error).toMatch(/files:blob\.bin is binary .* set `to`/s);
    expect(steps.get("large")?.error).toMatch(/has 3 bytes, more than max_bytes \(2\)/);
    expect(steps.get("escape")?.error).toMatch(/path "\.\.\/x" leaves DATA_PATH/);
  });

  it("says at load time what an action is missing", async () => {
    await expect(
      h.flow(`
name: bad
steps:
  - { name: a, type: object, object: { connection: lake, action: get } }
  - { name: b, type: object, object: { connection: lake, action: copy, path: x } }
  - { name: c, type: object, object: { connection: lake, action: put, path: x, from: ../secret } }
`),
    ).rejects.toThrow(
      /action get needs `path`[\s\S]*a copy inside one connection needs `to`[\s\S]*"\.\.\/secret" leaves DATA_PATH/,
    );
  });

  it("reports progress in bytes, and a cancelled copy leaves the old object", async () => {
    const lake = await h.connections.get("lake");
    const big = randomBytes(24 * 1024 * 1024);
    const ctx = (signal: AbortSignal, progress: StepProgress[]) =>
      ({
        run: { id: 1, flow: "t" },
        step: { name: "s", attempt: 1 },
        data: {},
        log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
        progress: (p: StepProgress) => progress.push(p),
        signal,
        flowDirectory: undefined,
        paths: { data: h.dir, flows: h.dir, templates: h.dir },
        secrets: { get: () => ({}) as never, names: () => [] },
        subflows: { run: () => Promise.reject(new Error("none")) },
        connections: h.connections,
      }) as StepContext;
    const call = (options: Record<string, unknown>, signal: AbortSignal, progress: StepProgress[]) =>
      Promise.resolve(
        objectStep.run({
          options: objectStep.options.parse(options),
          input: undefined,
          context: ctx(signal, progress),
        }),
      );
    mkdirSync(join(h.dir, "in"));
    mkdirSync(join(h.dir, "files"));
    writeFileSync(join(h.dir, "in", "big.bin"), big);
    const progress: StepProgress[] = [];
    await call(
      { connection: "lake", action: "put", from: "in/big.bin", path: "big.bin" },
      new AbortController().signal,
      progress,
    );
    expect(progress.at(-1)).toEqual({ done: big.length, total: big.length, unit: "bytes" });
    expect(progress.length).toBeGreaterThan(2);

    writeFileSync(join(h.dir, "files", "huge.bin"), Buffer.concat([big, big]));
    const controller = new AbortController();
    const aborting = {
      push: () => controller.abort(new Error("cancelled by the test")),
    } as unknown as StepProgress[];
    await expect(
      call(
        { connection: "lake", action: "copy", from_connection: "files", path: "huge.bin", to: "big.bin" },
        controller.signal,
        aborting,
      ),
    ).rejects.toThrow(/cancelled by the test/);
    expect((await lake.objects!.stat("big.bin", { signal: new AbortController().signal }))?.size).toBe(
      big.length,
    );
  });
});
