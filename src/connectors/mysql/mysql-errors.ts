import { OctoflowError, isCancellation } from "../../model/errors.js";
import type { ConnectionTestResult } from "../connector.js";
import type { ErrorPlace } from "../sql-common/sql-driver.js";
import type { Classified } from "../sql-common/sql-errors.js";
import { classifySocketError, describeDriverError } from "../sql-common/sql-errors.js";

/** The one place MySQL/MariaDB error codes are read (socket errors: classifySocketError). */
export function classifyMysqlError(error: unknown, host: string): Classified {
  const e = (error ?? {}) as { code?: string; message?: string };
  const message = e.message ?? String(error);
  const socket = classifySocketError(e.code, host, "bind-address, port");
  if (socket) return socket;
  switch (e.code) {
    case "ER_ACCESS_DENIED_ERROR":
    case "ER_ACCESS_DENIED_NO_PASSWORD_ERROR":
    case "ER_NOT_SUPPORTED_AUTH_MODE":
      return { stage: "auth", message: `authentication failed: ${message}`, hint: "check user and password" };
    case "ER_BAD_DB_ERROR":
      return { stage: "database", message, hint: "check database in connections.yml, or create it" };
    case "ER_DBACCESS_DENIED_ERROR":
    case "ER_TABLEACCESS_DENIED_ERROR":
    case "ER_SPECIFIC_ACCESS_DENIED_ERROR":
      return { stage: "permission", message, hint: "grant the user the privilege it needs" };
    case "ER_NO_SUCH_TABLE":
      return { stage: "not_found", message };
    case "HANDSHAKE_NO_SSL_SUPPORT":
      return {
        stage: "tls",
        message: "the server does not support TLS",
        hint: "set ssl: disable, or enable TLS on the server",
      };
    case "PROTOCOL_CONNECTION_LOST":
    case "ER_CONNECTION_KILLED":
    case "ER_SERVER_SHUTDOWN":
    case "ECONNRESET":
    case "EPIPE":
      return { stage: "lost", message: `the connection was closed by the server (${message})` };
  }
  if (/ssl|tls|certificate/i.test(message) || e.code?.startsWith("ERR_TLS")) {
    return {
      stage: "tls",
      message: `TLS failed: ${message}`,
      hint: "check ssl in connections.yml and the server's certificate",
    };
  }
  if (/timeout/i.test(message)) return { stage: "timeout", message: `no answer from ${host} in time` };
  if (/closed state|Connection lost/i.test(message))
    return { stage: "lost", message: "the connection was closed" };
  return { stage: "other", message };
}

export function failedMysqlTest(error: unknown, host: string): ConnectionTestResult {
  const { stage, message, hint } = classifyMysqlError(error, host);
  return { ok: false, stage: stage === "lost" ? "other" : stage, message, ...(hint ? { hint } : {}) };
}

export function describeMysqlError(error: unknown, place: ErrorPlace, host: string, rows?: string): Error {
  if (error instanceof OctoflowError || isCancellation(error)) return error as Error;
  return describeDriverError(error, place, classifyMysqlError(error, host), rows);
}
