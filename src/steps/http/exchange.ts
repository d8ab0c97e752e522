import { NonRetriableError, OctoflowError } from "../../model/errors.js";
import { formatDuration } from "../../model/duration.js";
import type { PreparedRequest } from "./request.js";

/** Of an error answer, only this much of the body is read: enough for the message. */
const ERROR_BODY_BYTES = 16 * 1024;

/** One request and its answer, the body read (within limits). */
export interface Exchange {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly body: Buffer;
  readonly ms: number;
}

/** The request could not be made or got no answer in time: worth another try. */
export class ConnectionError extends OctoflowError {
  constructor(message: string, hint: string, cause?: unknown) {
    super("STEP_FAILED", message, { hint, cause });
    this.name = "ConnectionError";
  }
}

/**
 * Sends the request and reads the answer's body, all within `timeoutMs`. A successful answer's
 * body may hold up to `maxBytes` (more fails the step without reading it all); of an error answer
 * only the first few KB are read. Cancelling the run aborts at once with the run's reason.
 *
 * @example const answer = await exchange(request, { timeoutMs: 30_000, maxBytes: 50e6, isError: (s) => s >= 400 }, signal)
 */
export async function exchange(
  request: PreparedRequest,
  limits: { readonly timeoutMs: number; readonly maxBytes: number; isError(status: number): boolean },
  cancel: AbortSignal,
): Promise<Exchange> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), limits.timeoutMs);
  const signal = AbortSignal.any([cancel, timeout.signal]);
  const started = performance.now();
  const where = `${request.method} ${request.shownUrl}`;
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      signal,
      redirect: "follow",
    });
    const isError = limits.isError(response.status);
    const length = Number(response.headers.get("content-length") ?? Number.NaN);
    if (!isError && length > limits.maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLarge(where, length, limits.maxBytes);
    }
    const body = await readBody(
      response,
      isError ? ERROR_BODY_BYTES : limits.maxBytes,
      isError ? undefined : where,
    );
    const ms = Math.round(performance.now() - started);
    return { status: response.status, statusText: response.statusText, headers: response.headers, body, ms };
  } catch (error) {
    if (cancel.aborted) throw cancel.reason;
    if (error instanceof OctoflowError) throw error;
    const ms = Math.round(performance.now() - started);
    if (timeout.signal.aborted) {
      throw new ConnectionError(
        `${where} got no complete answer within ${formatDuration(limits.timeoutMs)}`,
        "raise rest.timeout, or check that the server is up",
        error,
      );
    }
    throw new ConnectionError(
      `${where} failed after ${formatDuration(ms)}: ${request.redact(reason(error))}`,
      "check the URL and that the server is reachable from here",
      error,
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Reads at most `max` bytes; past that, stops and fails when `failWhere` is set, else truncates. */
async function readBody(response: Response, max: number, failWhere: string | undefined): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (size + value.byteLength > max) {
        if (failWhere !== undefined) throw tooLarge(failWhere, undefined, max);
        parts.push(value.subarray(0, max - size));
        size = max;
        break;
      }
      parts.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(parts, size);
}

function tooLarge(where: string, length: number | undefined, max: number): NonRetriableError {
  const size = length === undefined ? "more than" : `${length} bytes, more than`;
  return new NonRetriableError(`${where} answered with a body of ${size} max_response_bytes (${max})`, {
    hint: "raise max_response_bytes, or ask the server for less (paging, filters)",
  });
}

/** The most telling part of a fetch failure: undici hides the system error (ECONNREFUSED…) in `cause`. */
function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.code === "string")
    return `${cause.code}${typeof cause.message === "string" ? ` (${cause.message})` : ""}`;
  if (cause && typeof cause.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}
