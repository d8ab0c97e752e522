import { NonRetriableError, OctoflowError, RetryAfterError } from "../../model/errors.js";
import type { Exchange } from "./exchange.js";
import type { PreparedRequest } from "./request.js";
import { isRetriableStatus } from "./retry.js";

/** Characters of an answer's body quoted in an error. */
const EXCERPT_CHARS = 500;
const JSON_TYPE = /^\s*(?:application\/(?:[\w.-]+\+)?json|text\/json)\s*(?:;|$)/i;

/** How to read a body: by its content-type (auto), or always as JSON or text. */
export type ResponseMode = "auto" | "json" | "text";

/**
 * The body as the step's output: parsed JSON when the content-type says JSON (or `mode` is json),
 * else text. An empty body is null (or "" as text). JSON that does not parse is an error quoting
 * the start of the body.
 *
 * @example parseBody(answer, "auto", request) // { items: [...] }
 */
export function parseBody(answer: Exchange, mode: ResponseMode, request: PreparedRequest): unknown {
  const contentType = answer.headers.get("content-type") ?? "";
  const asJson = mode === "json" || (mode === "auto" && JSON_TYPE.test(contentType));
  const text = decode(answer.body, contentType);
  if (!asJson) return text;
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text);
  } catch (error) {
    const said = contentType ? `content-type ${contentType}` : "no content-type";
    throw new OctoflowError(
      "STEP_FAILED",
      `${request.method} ${request.shownUrl} answered ${answer.status} with ${said}, but the server's answer was not valid JSON ` +
        `(${jsonReason(error)}); it starts with: ${excerpt(text, request, 200)}`,
      {
        hint:
          mode === "json"
            ? "set response: text (or auto) to take the body as text"
            : "set response: text to take the body as text",
      },
    );
  }
}

/**
 * The error for an answer whose status is not accepted: method, URL, status and the start of the
 * body. 4xx answers other than 408 and 429 cannot get better by trying again; with a Retry-After
 * the error asks the engine's retry for that delay.
 *
 * @example throw statusError(answer, request, 300_000)
 */
export function statusError(
  answer: Exchange,
  request: PreparedRequest,
  retryAfterMs?: number,
): OctoflowError {
  const body =
    answer.body.length > 0
      ? `: ${excerpt(decode(answer.body, answer.headers.get("content-type") ?? ""), request)}`
      : "";
  const status = `${answer.status}${answer.statusText ? ` ${answer.statusText}` : ""}`;
  const message = `${request.method} ${request.shownUrl} answered ${status}${body}`;
  const options = {
    hint: hintFor(answer.status),
    details: { status: answer.status, method: request.method },
  };
  if (!isRetriableStatus(answer.status)) return new NonRetriableError(message, options);
  if (retryAfterMs !== undefined) return new RetryAfterError(message, retryAfterMs, options);
  return new OctoflowError("STEP_FAILED", message, options);
}

/** Response headers as a plain object of lower-case names; repeated headers are joined with ", ". */
export function headersRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => {
    record[name] = record[name] === undefined ? value : `${record[name]}, ${value}`;
  });
  return record;
}

/** V8's JSON error without the copy of the text it quotes (which may be long, or hold anything). */
function jsonReason(error: unknown): string {
  return (error as Error).message.replace(/, ".*" is not valid JSON$/s, "");
}

function hintFor(status: number): string {
  if (status === 401 || status === 403)
    return "check the credentials (auth: { secret: … }) and their permissions";
  if (status === 404) return "check the uri";
  if (status === 429) return "the server limits the request rate: raise retries or space the requests";
  if (status >= 500) return "the server failed; it may recover: raise retries, or add retry to the step";
  return "add the status to allow_status to accept it, or fix the request";
}

function excerpt(text: string, request: PreparedRequest, chars = EXCERPT_CHARS): string {
  const clean = request.redact(text).replaceAll(/\s+/g, " ").trim();
  return clean.length > chars ? `${clean.slice(0, chars)}…` : clean;
}

function decode(body: Buffer, contentType: string): string {
  const charset = /charset\s*=\s*"?([\w-]+)/i.exec(contentType)?.[1] ?? "utf-8";
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return new TextDecoder("utf-8").decode(body);
  }
}
