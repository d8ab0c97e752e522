import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import type { FastifyError } from "fastify";
import { OctoflowError, coerceError } from "../model/errors.js";
import type { ErrorCode } from "../model/errors.js";

/** The body of every error answer: `{ error: { code, message, hint?, details? } }`. */
export interface ApiErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly hint?: string;
    readonly details?: Readonly<Record<string, unknown>>;
  };
}

/**
 * An error that only exists at the HTTP boundary (no token, a route that does not exist, a run
 * that cannot be cancelled): it carries its status. Everything else is an OctoflowError, mapped
 * to a status once, in `toApiError`.
 *
 * @example throw new ApiError(409, "RUN_ENDED", "run 7 already ended COMPLETED");
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly hint: string | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { hint?: string; details?: Readonly<Record<string, unknown>> } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }
}

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  FLOW_NOT_FOUND: 404,
  RUN_NOT_FOUND: 404,
  FLOW_INVALID: 422,
  STEP_TYPE_UNKNOWN: 422,
  INPUT_INVALID: 400,
  RUN_NOT_RESUMABLE: 409,
};

/** Fastify's own client errors, by code: status, our code, and what to tell the caller. */
const FASTIFY_ERRORS: Record<string, { status: number; code: string; hint?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: "BODY_TOO_LARGE",
    hint: "send a smaller body; keep large data in files under DATA_PATH",
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: "UNSUPPORTED_MEDIA_TYPE",
    hint: "send JSON with Content-Type: application/json",
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: "INPUT_INVALID",
    hint: "send a JSON body, or no Content-Type header",
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: "INPUT_INVALID" },
  FST_ERR_BAD_URL: { status: 400, code: "BAD_URL", hint: "percent-encode the path as UTF-8" },
};

/**
 * Maps anything thrown by a route to a status and an error body: validation errors name the
 * field, unknown errors say nothing about the inside (no stack, no message), and every text is
 * passed through `redact` so no secret value leaves the process.
 */
export function toApiError(
  thrown: unknown,
  redact: (text: string) => string,
): { status: number; body: ApiErrorBody; internal: boolean } {
  const answer = (
    status: number,
    code: string,
    message: string,
    hint?: string,
    details?: Readonly<Record<string, unknown>>,
  ) => ({
    status,
    internal: status >= 500,
    body: {
      error: {
        code,
        message: redact(message),
        ...(hint ? { hint: redact(hint) } : {}),
        ...(details
          ? { details: JSON.parse(redact(JSON.stringify(details))) as Record<string, unknown> }
          : {}),
      },
    },
  });
  if (hasZodFastifySchemaValidationErrors(thrown)) {
    const where = (thrown as FastifyError).validationContext ?? "body";
    const fields = thrown.validation.map((issue) => ({
      field: fieldName(where, issue.instancePath, issue.params),
      message: issue.message,
    }));
    const message = fields.map((f) => `${f.field}: ${f.message}`).join("; ");
    return answer(400, "INPUT_INVALID", message, "see the OpenAPI document at /api/v1/openapi.json", {
      fields,
    });
  }
  if (thrown instanceof ApiError)
    return answer(thrown.status, thrown.code, thrown.message, thrown.hint, thrown.details);
  if (thrown instanceof OctoflowError) {
    const status = STATUS_BY_CODE[thrown.code] ?? 500;
    if (status === 500 && thrown.code !== "CONFIG_INVALID" && thrown.code !== "PLUGIN_INVALID") {
      return answer(
        500,
        "INTERNAL",
        "the server failed to answer this request; the service log has the details",
      );
    }
    return answer(
      status,
      thrown.code,
      thrown.message.split("\n")[0] ?? thrown.message,
      thrown.hint,
      thrown.details,
    );
  }
  const error = coerceError(thrown) as FastifyError;
  const known = error.code ? FASTIFY_ERRORS[error.code] : undefined;
  if (known) return answer(known.status, known.code, error.message, known.hint);
  if (error instanceof SyntaxError || error.code === "FST_ERR_CTP_INVALID_JSON_BODY") {
    return answer(
      400,
      "INPUT_INVALID",
      `the request body is not valid JSON: ${error.message}`,
      "send a JSON document",
    );
  }
  if (typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500) {
    return answer(error.statusCode, "BAD_REQUEST", error.message);
  }
  return answer(500, "INTERNAL", "the server failed to answer this request; the service log has the details");
}

/** `body.flow`, `querystring.limit`, `body` plus the unknown key for a strict object. */
function fieldName(where: string, instancePath: string, params: Record<string, unknown>): string {
  const path = instancePath.split("/").filter(Boolean).join(".");
  const keys = Array.isArray(params.keys) ? (params.keys as unknown[]).map(String) : [];
  const base = path ? `${where}.${path}` : where;
  return keys.length === 1 ? `${base}.${keys[0]}` : base;
}
