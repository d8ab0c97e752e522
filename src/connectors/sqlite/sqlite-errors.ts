import { OctoflowError, isCancellation } from "../../model/errors.js";
import type { ConnectionTestResult } from "../connector.js";
import type { ErrorPlace } from "../sql-common/sql-driver.js";
import type { Classified } from "../sql-common/sql-errors.js";
import { describeDriverError } from "../sql-common/sql-errors.js";

/** The one place SQLite's and the file system's error codes are read. */
export function classifySqliteError(error: unknown, file: string): Classified {
  const e = (error ?? {}) as { code?: string; message?: string };
  const message = e.message ?? String(error);
  switch (e.code) {
    case "ENOENT":
    case "SQLITE_CANTOPEN":
      return {
        stage: "database",
        message: `cannot open ${file}: ${message}`,
        hint: "check path (relative to DATA_PATH), or set create: true",
      };
    case "SQLITE_NOTADB":
    case "SQLITE_CORRUPT":
      return { stage: "database", message: `${file} is not an SQLite database (${message})` };
    case "EACCES":
    case "SQLITE_READONLY":
    case "SQLITE_PERM":
      return { stage: "permission", message };
    case "SQLITE_BUSY":
    case "SQLITE_LOCKED":
      return {
        stage: "timeout",
        message: `${file} is locked by another writer (${message})`,
        hint: "raise busy_timeout",
      };
  }
  if (/no such table/i.test(message)) return { stage: "not_found", message };
  return { stage: "other", message };
}

export function failedSqliteTest(error: unknown, file: string): ConnectionTestResult {
  const { stage, message, hint } = classifySqliteError(error, file);
  return { ok: false, stage: stage === "lost" ? "other" : stage, message, ...(hint ? { hint } : {}) };
}

export function describeSqliteError(error: unknown, place: ErrorPlace, file: string): Error {
  if (error instanceof OctoflowError || isCancellation(error)) return error as Error;
  return describeDriverError(error, place, classifySqliteError(error, file));
}
