import type { RetryPolicy } from "../model/flow-schema.js";
import { NonRetriableError, RetryAfterError, isCancellation } from "../model/errors.js";

/**
 * How long to wait before attempt `attempt + 1`, or undefined when no attempt is left or the
 * error says another try cannot help.
 *
 * @example retryDelay({ attempts: 3, backoff: "exponential", delay: 1000, max_delay: 60000 }, 2, err) // 2000
 */
export function retryDelay(
  policy: RetryPolicy | undefined,
  attempt: number,
  error: unknown,
): number | undefined {
  if (!policy || attempt >= policy.attempts) return undefined;
  if (error instanceof NonRetriableError || isCancellation(error)) return undefined;
  if (error instanceof RetryAfterError) return Math.min(error.retryAfterMs, policy.max_delay);
  const base = policy.backoff === "exponential" ? policy.delay * 2 ** (attempt - 1) : policy.delay;
  return Math.min(base, policy.max_delay);
}
