import { NonRetriableError, OctoflowError } from "../../model/errors.js";
import type { ConnectionTestResult } from "../connector.js";
import type { ErrorPlace } from "./sql-driver.js";

type FailedStage = Extract<ConnectionTestResult, { ok: false }>["stage"];

/** A driver error read by its kind's classifier: what failed, in words a person can act on. */
export interface Classified {
  /** `lost`: the connection went away in the middle of an operation. */
  readonly stage: FailedStage | "lost";
  readonly message: string;
  readonly hint?: string;
}

/**
 * Node's socket errors, the same for every database server: name lookup, refusal, silence.
 * `listening` says which server settings decide whether it listens (for the refused hint).
 */
export function classifySocketError(
  code: string | undefined,
  host: string,
  listening: string,
): Classified | undefined {
  switch (code) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return {
        stage: "dns",
        message: `host ${host} was not found (DNS)`,
        hint: "check host in connections.yml",
      };
    case "ECONNREFUSED":
      return {
        stage: "refused",
        message: `${host} refused the connection`,
        hint: `is the server running and listening on that port (${listening})?`,
      };
    case "ETIMEDOUT":
      return { stage: "timeout", message: `no answer from ${host}`, hint: "check host, port and firewalls" };
    default:
      return undefined;
  }
}

/** Stages where another attempt cannot help until someone changes something. */
const PERMANENT: ReadonlySet<Classified["stage"]> = new Set([
  "dns",
  "auth",
  "database",
  "permission",
  "not_found",
  "tls",
]);

/** Staging tables are an implementation detail: messages name the table the user wrote. */
const STAGING_SUFFIX = /_octoflow_[0-9a-f]{8}/g;

/**
 * An OctoflowError that says what was being done, on which connection, table and file, where
 * (line or rows), and what failed. Permanent failures are not retried.
 *
 * @example describeDriverError(err, { connection: "warehouse", table: "flights", action: "writing" }, classified)
 */
export function describeDriverError(
  error: unknown,
  place: ErrorPlace,
  classified: Classified,
  position?: string,
): OctoflowError {
  const subject = [
    place.table ? `table ${place.table}` : undefined,
    `connection ${place.connection}`,
    place.file ? `file ${place.file}` : undefined,
  ]
    .filter(Boolean)
    .join(", ");
  const at = position ? ` at ${position}` : "";
  const message = `${place.action} failed (${subject})${at}: ${classified.message}`.replace(
    STAGING_SUFFIX,
    "",
  );
  const details = {
    connection: place.connection,
    stage: classified.stage,
    ...(place.table ? { table: place.table } : {}),
  };
  const options = { cause: error, details, ...(classified.hint ? { hint: classified.hint } : {}) };
  return PERMANENT.has(classified.stage)
    ? new NonRetriableError(message, options)
    : new OctoflowError("STEP_FAILED", message, options);
}

/** Whether an error is a connection lost mid-operation (the contract tests check the message). */
export function isLostConnection(error: unknown): boolean {
  return error instanceof OctoflowError && error.details?.stage === "lost";
}
