import { z } from "zod";
import { sleep } from "../model/abort.js";
import { durationSchema, formatDuration } from "../model/duration.js";
import type { OptionProblem } from "../plugins/step-type.js";
import { defineStepType } from "../plugins/step-type.js";
import type { Exchange } from "./http/exchange.js";
import { ConnectionError, exchange } from "./http/exchange.js";
import { HTTP_METHODS, parseUrl, prepareRequest } from "./http/request.js";
import { headersRecord, parseBody, statusError } from "./http/response.js";
import { MAX_RETRY_WAIT_MS, backoffDelay, isRetriableStatus, parseRetryAfter } from "./http/retry.js";

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const restOptions = z.strictObject({
  uri: z
    .string()
    .min(1)
    .meta({ description: 'The URL; a template, e.g. "https://jira.example.com/rest/api/2/search".' }),
  method: z
    .string()
    .transform((method) => method.toUpperCase())
    .pipe(z.enum(HTTP_METHODS))
    .default("GET")
    .meta({ description: "GET (default), POST, PUT, DELETE or PATCH; any case." }),
  headers: z
    .record(z.string(), scalar)
    .optional()
    .meta({ description: "Request headers, e.g. { X-Api-Version: 2 }." }),
  query: z
    .record(z.string(), z.union([scalar, z.null(), z.array(scalar)]))
    .optional()
    .meta({
      description:
        "Query parameters, encoded and added to the URL; a list repeats the name, null leaves it out.",
    }),
  body: z
    .unknown()
    .optional()
    .meta({ description: "A JSON value sent as the body (content-type application/json)." }),
  data_key: z.string().optional().meta({
    description: "The key of the run's data sent as the body; it takes precedence over `body` (seed 003).",
  }),
  auth: z
    .strictObject({
      secret: z
        .string()
        .min(1)
        .meta({ description: "The name of a secret (secrets.yml or OCTOFLOW_SECRET_*)." }),
      type: z.enum(["basic", "bearer"]).optional().meta({
        description: "basic needs a credential secret, bearer a token; default: from the secret's type.",
      }),
    })
    .optional()
    .meta({ description: "Authentication: Basic for a credential secret, Bearer for a token secret." }),
  timeout: durationSchema
    .default(30_000)
    .meta({ description: 'Longest time for one request and its answer (default "30s").' }),
  retries: z.int().min(0).max(20).default(3).meta({
    description: "Tries after the first on connection errors, timeouts, 408, 429 and 5xx (default 3).",
  }),
  retry_delay: durationSchema.default(1000).meta({
    description: 'First wait of the exponential backoff when there is no Retry-After (default "1s").',
  }),
  response: z.enum(["auto", "json", "text"]).default("auto").meta({
    description: "auto (default): JSON when the content-type says so, else text; json or text force it.",
  }),
  max_response_bytes: z
    .int()
    .positive()
    .default(50 * 1024 * 1024)
    .meta({
      description: "Larger answers fail the step instead of filling memory (default 52428800, 50 MB).",
    }),
  allow_status: z
    .array(z.int().min(100).max(599))
    .default([])
    .meta({ description: "Statuses besides 2xx that are not errors, e.g. [404]; their body is the output." }),
  include: z
    .array(z.enum(["status", "headers"]))
    .default([])
    .meta({
      description: "Also give the status and/or headers: the output becomes { status, headers, body }.",
    }),
});

/** The options block of a rest step, after defaults. */
export type RestOptions = z.output<typeof restOptions>;

/**
 * Calls an HTTP API (seed 003's rest step). The output is the answer's body, parsed as JSON when
 * its content-type says JSON (see `response`); with `include: [status, headers]` it is
 * `{ status, headers, body }` instead. The body sent is the data_key's value, else `body`, as JSON.
 * Connection errors, timeouts, 408, 429 and 5xx are tried again up to `retries` times, waiting what
 * Retry-After says (seconds or a date; past 60s the step fails with that delay so that the step's
 * `retry` may take over) or else an exponential backoff from `retry_delay`. Other answers outside
 * 2xx and `allow_status` fail the step with the method, URL, status and start of the body; 4xx
 * (but 408 and 429) are not retried at all. Secrets never appear in logs or errors; cancelling the
 * run aborts the request at once. Each request logs one line: method, URL, status and duration.
 *
 * @example
 * - name: issues
 *   type: rest
 *   rest:
 *     uri: "https://jira.example.com/rest/api/2/search"
 *     query: { jql: "{{ jql }}", maxResults: 100 }
 *     auth: { secret: jira }
 */
export const restStep = defineStepType({
  name: "rest",
  description: "Calls an HTTP API (GET, POST, PUT, DELETE, PATCH) and gives its answer.",
  options: restOptions,
  check: (options) => checkUri(options.uri),
  run: async ({ options, input, context }) => {
    const request = prepareRequest(
      { ...options, body: input !== undefined ? input : options.body, auth: options.auth },
      context.secrets,
    );
    const accepted = (status: number): boolean =>
      (status >= 200 && status < 300) || options.allow_status.includes(status);
    const limits = {
      timeoutMs: options.timeout,
      maxBytes: options.max_response_bytes,
      isError: (s: number) => !accepted(s),
    };
    const fields = { method: request.method, url: request.shownUrl };
    for (let attempt = 1; ; attempt++) {
      const canRetry = attempt <= options.retries;
      let answer: Exchange;
      try {
        answer = await exchange(request, limits, context.signal);
      } catch (error) {
        if (!(error instanceof ConnectionError)) throw error;
        context.log.warn(error.message, { ...fields, attempt });
        if (!canRetry) throw triedTimes(error, attempt);
        await wait(backoffDelay(options.retry_delay, attempt), attempt, options.retries, context);
        continue;
      }
      const { status, ms } = answer;
      context.log.info(`${request.method} ${request.shownUrl} → ${status} in ${ms} ms`, {
        ...fields,
        status,
        ms,
        attempt,
      });
      if (accepted(status))
        return output(answer, parseBody(answer, options.response, request), options.include);
      const retryAfter = parseRetryAfter(answer.headers.get("retry-after"));
      const error = statusError(answer, request, retryAfter);
      // A Retry-After beyond the cap ends the step with a RetryAfterError: the step's `retry` decides.
      if (!isRetriableStatus(status) || !canRetry || (retryAfter ?? 0) > MAX_RETRY_WAIT_MS) {
        throw attempt > 1 ? triedTimes(error, attempt) : error;
      }
      await wait(retryAfter ?? backoffDelay(options.retry_delay, attempt), attempt, options.retries, context);
    }
  },
});

async function wait(
  ms: number,
  attempt: number,
  retries: number,
  context: { log: { info(message: string): void }; signal: AbortSignal },
): Promise<void> {
  context.log.info(`trying again in ${formatDuration(ms)} (retry ${attempt} of ${retries})`);
  await sleep(ms, context.signal);
}

function output(answer: Exchange, body: unknown, include: RestOptions["include"]): unknown {
  if (include.length === 0) return body;
  return {
    ...(include.includes("status") ? { status: answer.status } : {}),
    ...(include.includes("headers") ? { headers: headersRecord(answer.headers) } : {}),
    body,
  };
}

function triedTimes<E extends Error>(error: E, attempts: number): E {
  error.message = `${error.message} (tried ${attempts} times)`;
  return error;
}

/** Refuses, when the flow is loaded, a URI without templates that can never be sent. */
function checkUri(uri: string): OptionProblem[] {
  if (uri.includes("{{") || uri.includes("{%")) return [];
  try {
    parseUrl(uri);
    return [];
  } catch (error) {
    const hint = (error as { hint?: string }).hint;
    return [{ path: ["uri"], message: (error as Error).message, ...(hint ? { hint } : {}) }];
  }
}
