/** The longest wait between two tries inside one step; a longer Retry-After ends the step instead. */
export const MAX_RETRY_WAIT_MS = 60_000;

/**
 * Statuses worth another try: request timeout, too many requests, and server errors.
 *
 * @example isRetriableStatus(503) // true
 */
export function isRetriableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Milliseconds a Retry-After header asks to wait: seconds ("120") or an HTTP date; undefined when
 * absent or unreadable.
 *
 * @example parseRetryAfter("2") // 2000
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Exponential backoff with jitter: about `base`, 2×`base`, 4×`base`… (each between half and all
 * of it, so that many items of a for_each do not come back at the same instant), capped.
 *
 * @example backoffDelay(1000, 3) // between 2000 and 4000
 */
export function backoffDelay(base: number, attempt: number): number {
  const full = Math.min(base * 2 ** (attempt - 1), MAX_RETRY_WAIT_MS);
  return Math.round(full / 2 + (Math.random() * full) / 2);
}
