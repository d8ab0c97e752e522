import { readFileSync } from "node:fs";
import type { ErrorCode } from "../../model/errors.js";
import { OctoflowError } from "../../model/errors.js";
import { tokenFile } from "../../server/api-token.js";
import { loadSettings } from "../../services/settings.js";

/** Error codes of the API that the CLI maps to its own exit codes; the rest are plain failures. */
const KNOWN_CODES = new Set<string>([
  "FLOW_NOT_FOUND",
  "RUN_NOT_FOUND",
  "FLOW_INVALID",
  "INPUT_INVALID",
  "RUN_NOT_RESUMABLE",
  "CONFIG_INVALID",
]);

/** An API error as the CLI reports it; `status` and `apiCode` are the server's. */
export class RemoteError extends OctoflowError {
  constructor(
    readonly status: number,
    readonly apiCode: string,
    message: string,
    hint: string | undefined,
  ) {
    const code = (
      KNOWN_CODES.has(apiCode)
        ? apiCode
        : status === 404
          ? "RUN_NOT_FOUND"
          : status === 400
            ? "INPUT_INVALID"
            : "INTERNAL"
    ) as ErrorCode;
    super(code, message, hint ? { hint } : {});
  }
}

export interface SseMessage {
  readonly event: string;
  readonly id?: string;
  readonly data: unknown;
}

/**
 * A small client of octoflow's REST API for `--server URL`: JSON in and out, the bearer token
 * from API_TOKEN (or, on the server's machine, DATA_PATH/api-token), errors as OctoflowErrors.
 *
 * @example const client = ApiClient.fromEnvironment("http://127.0.0.1:5000"); await client.get("/api/v1/runs");
 */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  static fromEnvironment(
    server: string,
    env: Readonly<Record<string, string | undefined>> = process.env,
  ): ApiClient {
    let url: URL;
    try {
      url = new URL(server);
    } catch {
      throw new OctoflowError("INPUT_INVALID", `--server ${server} is not a URL`, {
        hint: "give it as http://host:5000",
      });
    }
    const token = env.API_TOKEN?.trim() || readTokenFile(env);
    if (!token) {
      throw new OctoflowError("CONFIG_INVALID", "no API token to talk to the server", {
        hint: "set API_TOKEN to the token `octoflow serve` printed (or that is in its DATA_PATH/api-token)",
      });
    }
    return new ApiClient(url.href.replace(/\/+$/, ""), token);
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }

  post<T = unknown>(path: string, body?: unknown): Promise<T> {
    return this.request<T>("POST", path, body);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.#fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    if (!response.ok) throw toRemoteError(response.status, parsed);
    return parsed as T;
  }

  /** Follows a Server-Sent Events stream until the server ends it. */
  async *events(path: string, signal?: AbortSignal): AsyncGenerator<SseMessage> {
    const response = await this.#fetch(path, {
      headers: { authorization: `Bearer ${this.token}`, accept: "text/event-stream" },
      ...(signal ? { signal } : {}),
    });
    if (!response.ok || !response.body)
      throw toRemoteError(response.status, await response.json().catch(() => null));
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, "\n");
      let end: number;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        const message = parseSseBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (message) yield message;
      }
    }
  }

  async #fetch(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}${path}`, init);
    } catch (error) {
      if ((error as Error).name === "AbortError") throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new OctoflowError(
        "CONFIG_INVALID",
        `cannot reach the octoflow server at ${this.baseUrl}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
        {
          hint: "check --server, and that `octoflow serve` runs there",
        },
      );
    }
  }
}

/** One SSE block (`event:`, `id:`, `data:` lines); comments and blocks without data are skipped. */
export function parseSseBlock(block: string): SseMessage | undefined {
  let event = "message";
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "id") id = value;
    else if (field === "data") data.push(value);
  }
  if (data.length === 0) return undefined;
  const text = data.join("\n");
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { event, ...(id === undefined ? {} : { id }), data: parsed };
}

function toRemoteError(status: number, body: unknown): RemoteError {
  const error = (
    body as {
      error?: { code?: string; message?: string; hint?: string; details?: { diagnostics?: unknown[] } };
    } | null
  )?.error;
  if (!error?.message)
    return new RemoteError(status, "HTTP_ERROR", `the server answered ${status}`, undefined);
  const diagnostics = (error.details?.diagnostics ?? []) as {
    file: string;
    line: number;
    column: number;
    path: string;
    message: string;
  }[];
  const lines = diagnostics
    .map((d) => `\n  ${d.file}:${d.line}:${d.column} ${d.path ? `${d.path}: ` : ""}${d.message}`)
    .join("");
  const hint = status === 401 ? "set API_TOKEN to the server's token" : error.hint;
  return new RemoteError(status, error.code ?? "HTTP_ERROR", `${error.message}${lines}`, hint);
}

function readTokenFile(env: Readonly<Record<string, string | undefined>>): string | undefined {
  try {
    return readFileSync(tokenFile(loadSettings(env)), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
