import { OctoflowError, isCancellation } from "../../model/errors.js";
import type { ConnectionTestResult } from "../connector.js";
import type { ErrorPlace } from "../sql-common/sql-driver.js";
import type { Classified } from "../sql-common/sql-errors.js";
import { describeDriverError } from "../sql-common/sql-errors.js";

/** The one place DuckDB's error texts are read (it gives messages with a type prefix, not codes). */
export function classifyDuckdbError(error: unknown, file: string): Classified {
  const message = (error as { message?: string })?.message ?? String(error);
  if (/IO Error: (Cannot open|Could not set lock)/i.test(message)) {
    return {
      stage: "database",
      message: `cannot open ${file}: ${message}`,
      hint: "check path, and that no other process holds the file",
    };
  }
  if (/not a valid DuckDB database|Serialization Error|is not a DuckDB/i.test(message)) {
    return { stage: "database", message: `${file} is not a DuckDB database (${message})` };
  }
  if (/Catalog Error: Table with name|does not exist/i.test(message)) return { stage: "not_found", message };
  if (/Permission/i.test(message)) return { stage: "permission", message };
  if (/INTERRUPT/i.test(message)) return { stage: "other", message: "the query was interrupted" };
  return { stage: "other", message };
}

export function failedDuckdbTest(error: unknown, file: string): ConnectionTestResult {
  const { stage, message, hint } = classifyDuckdbError(error, file);
  return { ok: false, stage: stage === "lost" ? "other" : stage, message, ...(hint ? { hint } : {}) };
}

export function describeDuckdbError(error: unknown, place: ErrorPlace, file: string): Error {
  if (error instanceof OctoflowError || isCancellation(error)) return error as Error;
  return describeDriverError(error, place, classifyDuckdbError(error, file));
}
