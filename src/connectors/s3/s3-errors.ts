import { NonRetriableError, OctoflowError } from "../../model/errors.js";
import type { ConnectionTestResult } from "../connector.js";
import { classifyNetworkError } from "../http/http-errors.js";

type Stage = Extract<ConnectionTestResult, { ok: false }>["stage"];

/** What went wrong talking to an S3-protocol server, in terms a person can act on. */
export interface S3Problem {
  readonly stage: Stage;
  readonly message: string;
  readonly hint: string;
  /** Whether trying again later may help (the network), or not (keys, names). */
  readonly retriable: boolean;
}

const AUTH_NAMES = new Set([
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "InvalidToken",
  "ExpiredToken",
  "TokenRefreshRequired",
  "AuthorizationHeaderMalformed",
  "CredentialsProviderError",
  "InvalidClientTokenId",
]);

/**
 * Sorts any error of the AWS SDK or the network below it into a stage (seed 000's "test
 * connection"): dns, refused, timeout, tls, auth (InvalidAccessKeyId, SignatureDoesNotMatch…),
 * permission (AccessDenied), not_found (NoSuchBucket, NoSuchKey), other. The one place where S3
 * codes become messages.
 *
 * @example classifyS3Error(error, { endpoint: "http://127.0.0.1:9000", bucket: "raw" }).stage // "refused"
 */
export function classifyS3Error(
  error: unknown,
  where: { endpoint: string; bucket: string; key?: string },
): S3Problem {
  const name = (error as { name?: string }).name ?? "";
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const server = where.endpoint;
  const detail = (error as Error).message ?? String(error);
  const network = classifyNetworkError(error, server);
  if (network) return network;
  if (AUTH_NAMES.has(name))
    return problem(
      "auth",
      `${server} refused the credentials (${name})`,
      name === "SignatureDoesNotMatch"
        ? "the access key exists: check the secret access key"
        : name === "CredentialsProviderError"
          ? "set `credentials: { secret: NAME }` naming a credential secret (username = access key id, password = secret access key)"
          : "check the access key id in the connection's credential secret",
      false,
    );
  if (name === "NoSuchBucket")
    return problem(
      "not_found",
      `there is no bucket "${where.bucket}" at ${server}`,
      "check the bucket's name, or create the bucket",
      false,
    );
  if (name === "NoSuchKey" || (status === 404 && where.key !== undefined))
    return problem(
      "not_found",
      `there is no object "${where.key}" in bucket "${where.bucket}"`,
      "check the path, or write the object in an earlier step",
      false,
    );
  if (name === "AccessDenied" || name === "AllAccessDisabled" || status === 403)
    return problem(
      "permission",
      `access to bucket "${where.bucket}" was denied (${name || status})`,
      "the credentials are valid but lack a permission on this bucket or key",
      false,
    );
  if (status === 404)
    return problem(
      "not_found",
      `there is no bucket "${where.bucket}" at ${server}`,
      "check the bucket's name, or create the bucket",
      false,
    );
  return problem(
    "other",
    `${server}: ${name ? `${name}: ` : ""}${detail}`,
    "see the server's logs",
    status === undefined || status >= 500,
  );
}

/**
 * The error a step sees for a failed S3 call: NonRetriableError when trying again cannot help.
 *
 * @example throw s3Error(error, { endpoint, bucket, key }, "lake:raw/a.csv");
 */
export function s3Error(
  error: unknown,
  where: { endpoint: string; bucket: string; key?: string },
  shown: string,
): Error {
  if (error instanceof OctoflowError) return error;
  if ((error as Error)?.name === "AbortError") return error as Error;
  const found = classifyS3Error(error, where);
  const options = { hint: found.hint, cause: error, details: { stage: found.stage } };
  const message = `${shown}: ${found.message}`;
  return found.retriable
    ? new OctoflowError("STEP_FAILED", message, options)
    : new NonRetriableError(message, options);
}

function problem(stage: Stage, message: string, hint: string, retriable: boolean): S3Problem {
  return { stage, message, hint, retriable };
}
