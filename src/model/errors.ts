/**
 * The few error classes of octoflow. Every error a user can see carries a stable `code`, a message
 * that says what went wrong and, where we know it, a `hint` that says what to do about it.
 *
 * @example
 * throw new OctoflowError("FLOW_NOT_FOUND", `no flow file at ${path}`, { hint: "check FLOWS_PATH" });
 */
export type ErrorCode =
  | "CONFIG_INVALID"
  | "FLOW_NOT_FOUND"
  | "FLOW_INVALID"
  | "RUN_NOT_FOUND"
  | "RUN_NOT_RESUMABLE"
  | "STEP_FAILED"
  | "STEP_TIMEOUT"
  | "STEP_TYPE_UNKNOWN"
  | "PLUGIN_INVALID"
  | "CANCELLED"
  | "TEMPLATE_SYNTAX"
  | "TEMPLATE_RENDER"
  | "JQ_SYNTAX"
  | "JQ_RUNTIME"
  | "INPUT_INVALID"
  | "STORE_ERROR"
  | "INTERNAL";

export interface OctoflowErrorOptions {
  /** What the user can do about it, in one sentence. */
  hint?: string;
  cause?: unknown;
  /** Machine-readable context (file, line, step…). Never holds secret values. */
  details?: Readonly<Record<string, unknown>>;
}

export class OctoflowError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: OctoflowErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "OctoflowError";
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  /** The message followed by the hint, as shown to people. */
  describe(): string {
    return this.hint ? `${this.message}\n  hint: ${this.hint}` : this.message;
  }
}

/** Thrown by a step to say that trying again cannot help (bad input, missing permission). */
export class NonRetriableError extends OctoflowError {
  constructor(message: string, options: OctoflowErrorOptions = {}) {
    super("STEP_FAILED", message, options);
    this.name = "NonRetriableError";
  }
}

/** Thrown by a step to ask for another attempt after a given delay (a 429's Retry-After, say). */
export class RetryAfterError extends OctoflowError {
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, options: OctoflowErrorOptions = {}) {
    super("STEP_FAILED", message, options);
    this.name = "RetryAfterError";
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Turns anything thrown into an Error, once, at the boundary where foreign code returns to us.
 * Strings and plain objects thrown by third-party code keep their text.
 */
export function coerceError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  if (typeof thrown === "string") return new Error(thrown);
  try {
    return new Error(JSON.stringify(thrown));
  } catch {
    return new Error(String(thrown));
  }
}

/** The text of an error as a user reads it: message, then hint when there is one. */
export function errorText(thrown: unknown): string {
  const error = coerceError(thrown);
  return error instanceof OctoflowError ? error.describe() : error.message;
}

export function isCancellation(thrown: unknown): boolean {
  if (thrown instanceof OctoflowError) return thrown.code === "CANCELLED";
  return thrown instanceof Error && (thrown.name === "AbortError" || thrown.name === "CancelledError");
}
