import { OctoflowError, isCancellation } from "../../model/errors.js";
import type { ConnectionTestResult } from "../connector.js";
import type { ErrorPlace } from "../sql-common/sql-driver.js";
import { classifySocketError, describeDriverError } from "../sql-common/sql-errors.js";
import type { Classified } from "../sql-common/sql-errors.js";

/**
 * The one place PostgreSQL's error codes (SQLSTATE) are read (socket errors: classifySocketError): every
 * failure of a postgres connection is classified here.
 */
export function classifyPostgresError(error: unknown, host: string): Classified {
  const e = (error ?? {}) as { code?: string; message?: string };
  const message = e.message ?? String(error);
  const socket = classifySocketError(e.code, host, "listen_addresses, port");
  if (socket) return socket;
  switch (e.code) {
    case "28P01":
    case "28000":
      return { stage: "auth", message: `authentication failed: ${message}`, hint: "check user and password" };
    case "3D000":
      return { stage: "database", message, hint: "check database in connections.yml, or create it" };
    case "42501":
      return { stage: "permission", message, hint: "grant the user the privilege it needs" };
    case "42P01":
    case "3F000":
      return { stage: "not_found", message };
    case "57P01":
    case "57P02":
    case "57P03":
    case "ECONNRESET":
    case "EPIPE":
      return { stage: "lost", message: `the connection was closed by the server (${message})` };
  }
  if (/timeout/i.test(message)) {
    return {
      stage: "timeout",
      message: `no answer from ${host} in time`,
      hint: "check host, port and connect_timeout",
    };
  }
  if (/ssl|tls|certificate/i.test(message) || e.code?.startsWith("ERR_TLS") || e.code?.includes("CERT")) {
    return {
      stage: "tls",
      message: `TLS failed: ${message}`,
      hint: "check ssl in connections.yml and the server's certificate",
    };
  }
  if (/Connection terminated/i.test(message)) return { stage: "lost", message: "the connection was closed" };
  return { stage: "other", message };
}

/** The outcome of a failed `test`. */
export function failedTest(error: unknown, host: string): ConnectionTestResult {
  const { stage, message, hint } = classifyPostgresError(error, host);
  return { ok: false, stage: stage === "lost" ? "other" : stage, message, ...(hint ? { hint } : {}) };
}

/** An error of an operation, naming connection, table and, for COPY, the line. */
export function describePostgresError(error: unknown, place: ErrorPlace, host: string): Error {
  if (error instanceof OctoflowError || isCancellation(error)) return error as Error;
  const classified = classifyPostgresError(error, host);
  const where = (error as { where?: string }).where;
  const line = where ? /line (\d+)/.exec(where)?.[1] : undefined;
  return describeDriverError(error, place, classified, line ? `line ${line}` : undefined);
}
