import { NonRetriableError } from "../../model/errors.js";
import type { SecretResolver } from "../../plugins/step-type.js";
import type { RestAuth } from "./auth.js";
import { authorization } from "./auth.js";

export const HTTP_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Query parameters whose names say they hold a credential; their values are masked in messages. */
const SENSITIVE_PARAM = /token|key|secret|passw|pwd|signature|sig$|auth|credential|session/i;
const MASK = "***";

/** A rest step's request as written, templates rendered. */
export interface RequestSpec {
  readonly uri: string;
  readonly method: HttpMethod;
  readonly headers?: Readonly<Record<string, unknown>> | undefined;
  readonly query?: Readonly<Record<string, unknown>> | undefined;
  /** The JSON value to send: the data_key's value, else `body`. */
  readonly body?: unknown;
  readonly auth?: RestAuth | undefined;
}

/** A request ready for fetch, with how it may be shown in logs and errors. */
export interface PreparedRequest {
  readonly method: HttpMethod;
  readonly url: URL;
  /** The URL for logs and errors: credential-like query values and secret values masked. */
  readonly shownUrl: string;
  readonly headers: Headers;
  readonly body: string | undefined;
  /** Masks the secret values this request uses. */
  redact(text: string): string;
}

/**
 * Checks and assembles a request: an http(s) URL without credentials in it, the query appended
 * (lists repeat the name, null leaves it out), headers, the Authorization of `auth`, and the body
 * as JSON (a string body with a non-JSON content-type header is sent as it is).
 *
 * @example prepareRequest({ uri: "https://api.example.com/items", method: "GET", query: { q: "a b" } }, secrets)
 */
export function prepareRequest(spec: RequestSpec, secrets: SecretResolver): PreparedRequest {
  const url = parseUrl(String(spec.uri));
  for (const [name, value] of Object.entries(spec.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== null && item !== undefined) url.searchParams.append(name, text(item));
    }
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(spec.headers ?? {})) {
    try {
      headers.set(name, text(value));
    } catch {
      throw new NonRetriableError(`header "${name}" has an invalid name or value`, {
        hint: "header names are tokens such as X-Api-Version; values are one line of text",
      });
    }
  }
  const secretValues: string[] = [];
  if (spec.auth) {
    const { header, secretValues: values } = authorization(spec.auth, secrets);
    headers.set("authorization", header);
    secretValues.push(...values, ...values.map(encodeURIComponent));
  }
  if (!headers.has("accept")) headers.set("accept", "application/json, text/plain;q=0.9, */*;q=0.8");
  const body = requestBody(spec, headers);
  const redact = (value: string): string =>
    secretValues.reduce(
      (masked, secret) => (secret.length > 0 ? masked.split(secret).join(MASK) : masked),
      value,
    );
  return { method: spec.method, url, shownUrl: redact(showUrl(url)), headers, body, redact };
}

/** Parses a rest uri: an http(s) URL without credentials, or a NonRetriableError saying why not. */
export function parseUrl(uri: string): URL {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new NonRetriableError(`uri "${showUri(uri)}" is not a valid URL`, {
      hint: 'write a full URL such as "https://api.example.com/items"',
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new NonRetriableError(`uri "${showUrl(url)}" is not an http or https URL`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new NonRetriableError(`uri "${showUrl(url)}" holds credentials; they are not sent`, {
      hint: "remove them from the URL and use auth: { secret: NAME } with a secret from secrets.yml",
    });
  }
  return url;
}

function requestBody(spec: RequestSpec, headers: Headers): string | undefined {
  if (spec.body === undefined) return undefined;
  if (spec.method === "GET") {
    throw new NonRetriableError("a GET request cannot carry a body (from body or data_key)", {
      hint: "use method: POST (or PUT/PATCH), or send the values as query parameters",
    });
  }
  const contentType = headers.get("content-type");
  if (typeof spec.body === "string" && contentType !== null && !/json/i.test(contentType)) return spec.body;
  if (contentType === null) headers.set("content-type", "application/json");
  try {
    return JSON.stringify(spec.body);
  } catch (error) {
    throw new NonRetriableError(
      `the request body cannot be sent as JSON: ${(error as Error).message.split("\n")[0]}`,
      {
        hint: "fix the data (a jq_expression on an earlier step helps)",
      },
    );
  }
}

/** A URL as shown to people: no user info, and credential-like query values masked. */
export function showUrl(url: URL): string {
  const shown = new URL(url.href);
  if (shown.password !== "") shown.password = MASK;
  for (const name of new Set(shown.searchParams.keys())) {
    if (SENSITIVE_PARAM.test(name)) shown.searchParams.set(name, MASK);
  }
  return shown.href;
}

function showUri(uri: string): string {
  return uri.replace(/\/\/[^/@\s]*@/, `//${MASK}@`).slice(0, 200);
}

function text(value: unknown): string {
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}
