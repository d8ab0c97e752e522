import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ApiError } from "./errors.js";

/** The one route that answers without a token. */
export const HEALTH_PATH = "/api/v1/health";

/**
 * Whether a request may skip authentication. Only GET or HEAD of exactly `/api/v1/health`, byte
 * for byte, does: a trailing slash, an encoded letter (`/api/v1/%68ealth`), dot segments
 * (`/api/v1/health/../runs`), doubled slashes or another prefix (`/x/health`) all need a token,
 * whatever the router would make of them. Deciding on the raw path means no normalisation the
 * router does later can turn a public path into a private one.
 */
export function isPublicRequest(method: string, rawUrl: string): boolean {
  if (method !== "GET" && method !== "HEAD") return false;
  const query = rawUrl.indexOf("?");
  const path = query === -1 ? rawUrl : rawUrl.slice(0, query);
  return path === HEALTH_PATH;
}

const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();

/**
 * Checks `Authorization: Bearer <token>` in constant time: both sides are hashed to equal-length
 * digests first, so neither the length nor a common prefix of the token leaks through timing.
 *
 * @example const check = bearerChecker(token); check(request.headers.authorization) // true | false
 */
export function bearerChecker(token: string): (header: string | undefined) => boolean {
  const expected = digest(token);
  return (header) => {
    if (typeof header !== "string") return false;
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    const given = digest(match?.[1] ?? "");
    return timingSafeEqual(given, expected) && match !== null;
  };
}

/** A fastify onRequest hook that refuses every request without the right token. */
export function authHook(token: string): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const check = bearerChecker(token);
  return async (request, reply) => {
    if (isPublicRequest(request.method, request.raw.url ?? "")) return;
    if (check(request.headers.authorization)) return;
    void reply.header("WWW-Authenticate", 'Bearer realm="octoflow"');
    throw new ApiError(
      401,
      "UNAUTHORIZED",
      request.headers.authorization ? "the API token is not valid" : "this route needs an API token",
      {
        hint: "send Authorization: Bearer <API_TOKEN>",
      },
    );
  };
}
