import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Secret, StepContext } from "../plugins/step-type.js";
import { SecretStore } from "../services/secrets.js";
import type { Harness } from "../test-support/harness.js";
import { createHarness } from "../test-support/harness.js";
import { builtinPlugin } from "./builtin-plugin.js";
import { fileStep } from "./file.js";
import { restStep } from "./rest.js";

// Registered here until the built-in plugin carries them; then the built-in ones are used.
const ours = [fileStep, restStep].filter(
  (type) => !builtinPlugin.stepTypes?.some((known) => known.name === type.name),
);

const PASSWORD = "s3cret-pass-word";
const TOKEN = "tok-abc-123456";
const BASIC = Buffer.from(`octo:${PASSWORD}`).toString("base64");
const secretList: Secret[] = [
  { name: "creds", type: "credential", username: "octo", password: PASSWORD },
  { name: "tok", type: "token", token: TOKEN },
];
const secrets = new SecretStore(new Map(secretList.map((secret) => [secret.name, secret])));

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}
type Handler = (req: IncomingMessage, res: ServerResponse, body: string, count: number) => void;

let h: Harness;
const servers: Server[] = [];
beforeEach(() => {
  h = createHarness({ secrets, plugins: [{ name: "t", stepTypes: ours }] });
});
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await h.close();
});

/** A real HTTP server on 127.0.0.1 that records what it is sent and answers with `handler`. */
async function serve(handler: Handler): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      handler(req, res, body, seen.length);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const json = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(value));
};

/** Runs a one-step rest flow; `rest` is the options block as YAML flow text. */
async function call(rest: string, args: Record<string, unknown> = {}) {
  const flow = await h.flow(`name: api\nsteps:\n  - { name: r, type: rest, rest: ${rest} }\n`);
  const final = await (await h.runs.launch({ flow, args, selection: {} })).done;
  const step = (await h.store.getRunSteps(final.id))[0];
  const logs = (await h.store.listLogs(final.id)).map((log) => log.message);
  return { final, step, output: step?.output, error: step?.error ?? "", logs };
}

describe("rest step: answers", () => {
  it("gets JSON, encodes the query, and logs one line per request", async () => {
    const api = await serve((_req, res) => json(res, 200, { items: [1, 2] }));
    const { output, logs } = await call(
      `{ uri: "${api.url}/items?x=1", query: { q: "a b&c=d", tag: [t1, t2], skip: null } }`,
    );
    expect(output).toEqual({ items: [1, 2] });
    expect(api.seen[0]?.url).toBe("/items?x=1&q=a+b%26c%3Dd&tag=t1&tag=t2");
    expect(logs).toContainEqual(
      expect.stringMatching(
        /^GET http:\/\/127\.0\.0\.1:\d+\/items\?x=1&q=a\+b%26c%3Dd&tag=t1&tag=t2 → 200 in \d+ ms$/,
      ),
    );
  });

  it("gives text for a text answer, and status and headers on request", async () => {
    const api = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain", "x-total": "7" });
      res.end("plain words");
    });
    expect((await call(`{ uri: "${api.url}" }`)).output).toBe("plain words");
    const { output } = await call(`{ uri: "${api.url}", include: [status, headers] }`);
    expect(output).toMatchObject({
      status: 200,
      headers: { "x-total": "7", "content-type": "text/plain" },
      body: "plain words",
    });
  });

  it("fails on a 404 with the method, URL, status and body, without retrying", async () => {
    const api = await serve((_req, res) => json(res, 404, { error: "no such item" }));
    const { final, error } = await call(`{ uri: "${api.url}/items/9", method: delete }`);
    expect(final.state).toBe("FAILED");
    expect(error).toContain(`DELETE ${api.url}/items/9 answered 404 Not Found: {"error":"no such item"}`);
    expect(api.seen).toHaveLength(1);
    const allowed = await call(`{ uri: "${api.url}/items/9", allow_status: [404] }`);
    expect(allowed.output).toEqual({ error: "no such item" });
  });

  it("says when a JSON answer is not JSON, quoting its start", async () => {
    const api = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("<html>Gateway says hello</html>");
    });
    const { error } = await call(`{ uri: "${api.url}" }`);
    expect(error).toContain(
      "answered 200 with content-type application/json, but the server's answer was not valid JSON",
    );
    expect(error).toContain("it starts with: <html>Gateway says hello</html>");
  });

  it("refuses an answer larger than max_response_bytes", async () => {
    const api = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("x".repeat(4000)); // no content-length: the limit is found while reading
      res.end("x".repeat(4000));
    });
    const { error } = await call(`{ uri: "${api.url}", max_response_bytes: 5000 }`);
    expect(error).toContain("answered with a body of more than max_response_bytes (5000)");
  });
});

describe("rest step: retries", () => {
  it("tries again after a 500 and succeeds", async () => {
    const api = await serve((_req, res, _body, count) =>
      count === 1 ? json(res, 500, { oops: 1 }) : json(res, 200, "ok"),
    );
    const { output, logs } = await call(`{ uri: "${api.url}", retry_delay: 0.01 }`);
    expect(output).toBe("ok");
    expect(api.seen).toHaveLength(2);
    expect(logs.filter((line) => line.startsWith("GET "))).toEqual([
      expect.stringContaining("→ 500 in"),
      expect.stringContaining("→ 200 in"),
    ]);
  });

  it("waits as long as Retry-After says on a 429", async () => {
    const api = await serve((_req, res, _body, count) =>
      count === 1 ? json(res, 429, "slow down", { "retry-after": "1" }) : json(res, 200, "ok"),
    );
    const started = Date.now();
    expect((await call(`{ uri: "${api.url}", retry_delay: 0.01 }`)).output).toBe("ok");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(api.seen).toHaveLength(2);
  });

  it("gives up after `retries`, saying how many tries were made", async () => {
    const api = await serve((_req, res) => json(res, 503, { down: true }));
    const { error } = await call(`{ uri: "${api.url}", retries: 2, retry_delay: 0.01 }`);
    expect(error).toContain("answered 503 Service Unavailable");
    expect(error).toContain("(tried 3 times)");
    expect(api.seen).toHaveLength(3);
  });

  it("retries a refused connection, then names the cause", async () => {
    const api = await serve(() => undefined);
    const server = servers.pop() as Server;
    await new Promise((resolve) => server.close(resolve));
    const { error } = await call(`{ uri: "${api.url}/x", retries: 1, retry_delay: 0.01 }`);
    expect(error).toMatch(
      /GET http:\/\/127\.0\.0\.1:\d+\/x failed after \S+: ECONNREFUSED.*\(tried 2 times\)/,
    );
  });
});

describe("rest step: time limits", () => {
  it("times out a server that never answers", async () => {
    const api = await serve(() => undefined);
    const started = Date.now();
    const { error } = await call(`{ uri: "${api.url}", timeout: 0.2, retries: 0 }`);
    expect(error).toContain("got no complete answer within 200ms");
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("aborts the request at once when the run is cancelled", async () => {
    let closed = false;
    let arrived: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    const api = await serve((req) => {
      req.socket.on("close", () => (closed = true));
      arrived();
    });
    const flow = await h.flow(
      `name: api\nsteps:\n  - { name: r, type: rest, rest: { uri: "${api.url}" } }\n`,
    );
    const started = await h.runs.launch({ flow, args: {}, selection: {} });
    await reached;
    const cancelledAt = Date.now();
    h.runs.cancel(started.run.id);
    const final = await started.done;
    expect(final.state).toBe("CANCELLED");
    expect(Date.now() - cancelledAt).toBeLessThan(1000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(true);
  });
});

describe("rest step: auth and bodies", () => {
  const guarded = () =>
    serve((req, res) => {
      const auth = req.headers.authorization ?? "";
      if (auth === `Basic ${BASIC}` || auth === `Bearer ${TOKEN}`) return json(res, 200, { hello: "octo" });
      json(res, 401, { error: `bad credentials: ${auth}` });
    });

  it("sends Basic auth for a credential secret and Bearer for a token", async () => {
    const api = await guarded();
    expect((await call(`{ uri: "${api.url}", auth: { secret: creds } }`)).output).toEqual({ hello: "octo" });
    expect((await call(`{ uri: "${api.url}", auth: { secret: tok, type: bearer } }`)).output).toEqual({
      hello: "octo",
    });
    expect(api.seen.map((s) => s.headers.authorization)).toEqual([`Basic ${BASIC}`, `Bearer ${TOKEN}`]);
    const { error } = await call(`{ uri: "${api.url}", auth: { secret: tok, type: basic } }`);
    expect(error).toContain('auth type basic cannot use secret "tok": it is a token');
  });

  it("never shows a secret in its error or logs, even when the server echoes it", async () => {
    const api = await serve((req, res) => {
      const auth = req.headers.authorization ?? "";
      const decoded = Buffer.from(auth.replace(/^Basic /, ""), "base64").toString();
      json(res, 401, { error: `denied: ${auth}`, decoded });
    });
    const logs: string[] = [];
    const write = (message: string, fields?: unknown) => logs.push(message + JSON.stringify(fields ?? {}));
    const context = {
      log: { debug: write, info: write, warn: write, error: write },
      signal: new AbortController().signal,
      secrets,
    } as unknown as StepContext;
    for (const secret of ["creds", "tok"]) {
      const options = restStep.options.parse({
        uri: `${api.url}/me?access_token=${TOKEN}`,
        auth: { secret },
      });
      const error = await Promise.resolve(restStep.run({ options, input: undefined, context })).catch(
        (e: Error) => e,
      );
      const text = `${String(error)} ${JSON.stringify(error)} ${logs.join("\n")}`;
      expect(text).toContain("answered 401 Unauthorized");
      for (const value of [PASSWORD, TOKEN, BASIC]) expect(text).not.toContain(value);
    }
    // And end to end, through the run's own masking too.
    const { error, logs: runLogs } = await call(`{ uri: "${api.url}", auth: { secret: creds } }`);
    expect(`${error}${runLogs.join("")}`).not.toContain(PASSWORD);
    expect(`${error}${runLogs.join("")}`).not.toContain(BASIC);
  });

  it("sends the data_key's value instead of body, as JSON", async () => {
    const api = await serve((_req, res, body) => json(res, 201, { got: JSON.parse(body) }));
    const { output } = await call(
      `{ uri: "${api.url}", method: post, body: { from: body }, data_key: payload }`,
      {
        payload: { from: "data_key", n: [1, 2] },
      },
    );
    expect(output).toEqual({ got: { from: "data_key", n: [1, 2] } });
    expect(api.seen[0]?.headers["content-type"]).toBe("application/json");
  });

  it.each(["POST", "put", "Patch", "DELETE"])("sends %s with its body", async (method) => {
    const api = await serve((req, res, body) =>
      json(res, 200, { method: req.method, body: JSON.parse(body) }),
    );
    const { output } = await call(`{ uri: "${api.url}/things/1", method: ${method}, body: { name: thing } }`);
    expect(output).toEqual({ method: method.toUpperCase(), body: { name: "thing" } });
  });

  it("refuses a GET with a body, and credentials in the URL when the flow loads", async () => {
    const api = await serve((_req, res) => json(res, 200, {}));
    expect((await call(`{ uri: "${api.url}", body: { a: 1 } }`)).error).toContain(
      "a GET request cannot carry a body",
    );
    expect(api.seen).toHaveLength(0);
    await expect(call(`{ uri: "http://octo:${PASSWORD}@127.0.0.1:1/x" }`)).rejects.toThrow(
      /holds credentials; they are not sent/,
    );
    await expect(call(`{ uri: "http://octo:${PASSWORD}@127.0.0.1:1/x" }`)).rejects.not.toThrow(PASSWORD);
  });
});
