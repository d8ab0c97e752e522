import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { App } from "../src/cli/app.js";
import { openApp } from "../src/cli/app.js";
import type { OctoflowServer, ServerOptions } from "../src/server/app.js";
import { createServer } from "../src/server/app.js";
import { loadSettings } from "../src/services/settings.js";

export const TOKEN = "test-token-0123456789abcdef";

/** Answers are read as JSON, untyped, as a program written against the route descriptions reads them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** Flow files every server test can use. */
export const FLOWS: Record<string, string> = {
  "one.yml": "name: one\nsteps:\n  - { name: only, type: noop }\n",
  "logs.yml": `name: logs
inputs:
  who: { type: string, default: world }
steps:
  - { name: hello, type: log, log: { message: "hello {{ who }}" } }
  - { name: wait, type: sleep, sleep: { duration: "300ms" } }
  - { name: bye, type: log, log: { message: "bye {{ who }}", level: warn } }
`,
  "burst.yml": "name: burst\nlock: allow\nsteps:\n  - { name: only, type: noop }\n",
  "slow.yml": "name: slow\nsteps:\n  - { name: nap, type: sleep, sleep: { duration: 60 } }\n",
  "scheduled.yml":
    "name: scheduled\nschedule: { every_seconds: 3600 }\nsteps:\n  - { name: only, type: noop }\n",
  "secretive.yml": `name: secretive
steps:
  - { name: leak, type: log, log: { message: "the password is hunter2-secret" } }
`,
  "sub/nested.yml":
    "name: nested-flow\nsteps:\n  - { name: a, type: noop }\n  - { name: b, type: noop }\n  - { name: c, type: noop, needs: [a] }\n",
  "broken.yml": "name: broken\nsteps:\n  - name: a\n    type: sleeep\n",
};

/** A fresh DATA_PATH with the test flows and a secret, for one test file. */
export function makeDataPath(): string {
  const data = mkdtempSync(join(tmpdir(), "octoflow-server-"));
  for (const [path, text] of Object.entries(FLOWS)) {
    const file = join(data, "flows", path);
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(file, text);
  }
  writeFileSync(
    join(data, "secrets.yml"),
    "- name: db\n  type: credential\n  username: admin\n  password: hunter2-secret\n- name: jira\n  type: token\n  token: tok-abcdef-123\n",
  );
  return data;
}

export interface TestServer {
  readonly app: App;
  readonly server: OctoflowServer;
  readonly url: string;
  /** fetch with the token (unless `token: null`) and JSON parsing. */
  api(
    path: string,
    init?: RequestInit & { token?: string | null; json?: unknown },
  ): Promise<{ status: number; body: Json; headers: Headers }>;
  close(): Promise<void>;
}

/** Starts the real server in this process on a free loopback port. */
export async function startTestServer(
  data: string,
  options: Partial<ServerOptions> = {},
): Promise<TestServer> {
  const app = await openApp(loadSettings({ DATA_PATH: data }));
  const server = await createServer({ app, token: TOKEN, ...options });
  const url = await server.listen(0, "127.0.0.1");
  return {
    app,
    server,
    url,
    async api(path, init = {}) {
      const { token = TOKEN, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token !== null) headers.set("authorization", `Bearer ${token}`);
      if (json !== undefined) headers.set("content-type", "application/json");
      const response = await fetch(`${url}${path}`, {
        ...rest,
        headers,
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // Not JSON: keep the text.
      }
      return { status: response.status, body, headers: response.headers };
    },
    async close() {
      await server.close();
      await app.close();
    },
  };
}

/** Polls a run until it is final. */
export async function waitForRun(t: TestServer, id: number, ms = 10_000): Promise<Json> {
  const end = Date.now() + ms;
  for (;;) {
    const { body } = await t.api(`/api/v1/runs/${id}`);
    if (["COMPLETED", "FAILED", "CANCELLED"].includes(body.state)) return body;
    if (Date.now() > end) throw new Error(`run ${id} still ${body.state}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface SseEvent {
  readonly event: string;
  readonly id?: string;
  readonly data: Json;
}

/** Reads a text/event-stream to its end (or until `stop` says so), parsing each event. */
export async function readSse(
  url: string,
  headers: Record<string, string>,
  stop?: (e: SseEvent) => boolean,
): Promise<{ status: number; contentType: string | null; events: SseEvent[] }> {
  const response = await fetch(url, { headers });
  const events: SseEvent[] = [];
  if (!response.body || response.status !== 200)
    return { status: response.status, contentType: response.headers.get("content-type"), events };
  const decoder = new TextDecoder();
  let buffer = "";
  const reader = response.body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let at: number;
    while ((at = buffer.indexOf("\n\n")) !== -1) {
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      let event = "message";
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("id: ")) id = line.slice(4);
        else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      if (data.length === 0) continue;
      const parsed: SseEvent = {
        event,
        ...(id === undefined ? {} : { id }),
        data: JSON.parse(data.join("\n")),
      };
      events.push(parsed);
      if (stop?.(parsed)) {
        await reader.cancel();
        return { status: response.status, contentType: response.headers.get("content-type"), events };
      }
    }
  }
  return { status: response.status, contentType: response.headers.get("content-type"), events };
}
