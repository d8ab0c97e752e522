import type { ConnectionTestResult } from "../connector.js";

type Stage = Extract<ConnectionTestResult, { ok: false }>["stage"];

/** What went wrong on the way to a server, in terms a person can act on. */
export interface NetworkProblem {
  readonly stage: Stage;
  readonly message: string;
  readonly hint: string;
  /** Whether trying again later may help. */
  readonly retriable: boolean;
}

const TLS_CODES = new Set([
  "EPROTO",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_SSL_WRONG_VERSION_NUMBER",
]);

/**
 * Sorts a failure below HTTP into dns, refused, timeout or tls; undefined when the server
 * answered (or the error is not a network one). Shared by the http and s3 connectors.
 *
 * @example classifyNetworkError(error, "http://127.0.0.1:9000")?.stage // "refused"
 */
export function classifyNetworkError(error: unknown, server: string): NetworkProblem | undefined {
  const name = (error as { name?: string })?.name ?? "";
  const code = networkCode(error);
  const detail = (error as Error)?.message ?? String(error);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return {
      stage: "dns",
      message: `the name of ${server} does not resolve (${code})`,
      hint: "check the host name and the DNS",
      retriable: code === "EAI_AGAIN",
    };
  if (code === "ECONNREFUSED")
    return {
      stage: "refused",
      message: `${server} refused the connection: nothing listens there`,
      hint: "check the host and port, and that the server runs",
      retriable: true,
    };
  if (
    code === "ETIMEDOUT" ||
    code === "ECONNRESET" ||
    code === "UND_ERR_CONNECT_TIMEOUT" ||
    name === "TimeoutError" ||
    name === "RequestTimeout"
  )
    return {
      stage: "timeout",
      message: `${server} did not answer in time (${code ?? name})`,
      hint: "check the network path to the server (firewall, proxy), or raise the timeout",
      retriable: true,
    };
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if ((code && TLS_CODES.has(code)) || (/ssl|tls|certificate/i.test(detail) && !status))
    return {
      stage: "tls",
      message: `TLS with ${server} failed: ${innermost(error)}`,
      hint: "check http:// versus https://, and the server's certificate",
      retriable: false,
    };
  return undefined;
}

/** The errno-like code of a network error, looking through causes and aggregated errors. */
export function networkCode(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== "object" || depth > 4) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && /^[A-Z_]+$/.test(code)) return code;
  for (const inner of (error as { errors?: unknown[] }).errors ?? []) {
    const found = networkCode(inner, depth + 1);
    if (found) return found;
  }
  return networkCode((error as { cause?: unknown }).cause, depth + 1);
}

function innermost(error: unknown): string {
  let current = error as { message?: string; cause?: unknown } | undefined;
  while (current?.cause && typeof current.cause === "object") current = current.cause as typeof current;
  return current?.message ?? String(error);
}
