import { Cron } from "croner";
import type { ScheduleRecord } from "../store/store.js";

/** Ticks older than this are not caught up after a downtime. */
const MAX_CATCH_UP_MS = 366 * 24 * 3600_000;

/** When an entry fires, as far as the tick arithmetic is concerned. */
export type ScheduleTimes = Pick<ScheduleRecord, "cron" | "everySeconds" | "timezone" | "createdUtc">;

/**
 * The first tick strictly after `after`, or null when there is none (a cron that never matches again).
 *
 * @example nextFireTime({ cron: "0 6 * * *", everySeconds: null, timezone: "Europe/Paris", createdUtc }, new Date("2024-01-15T00:00:00Z"))
 * // 2024-01-15T05:00:00.000Z
 */
export function nextFireTime(times: ScheduleTimes, after: Date): Date | null {
  if (times.cron !== null) return cronOf(times.cron, times.timezone).nextRun(after);
  const period = periodMs(times);
  const created = Date.parse(times.createdUtc);
  const k = Math.max(1, Math.floor((after.getTime() - created) / period) + 1);
  return new Date(created + k * period);
}

/**
 * The newest tick in (from, now], or null when none fell in it: the one tick a scheduler fires
 * after missing several. Cron ticks are found by bisection, since croner only counts forwards.
 */
export function latestDueTime(times: ScheduleTimes, from: Date, now: Date): Date | null {
  const start = Math.max(from.getTime(), now.getTime() - MAX_CATCH_UP_MS);
  if (times.cron === null) {
    const period = periodMs(times);
    const created = Date.parse(times.createdUtc);
    const k = Math.floor((now.getTime() - created) / period);
    const tick = created + k * period;
    return k >= 1 && tick > start ? new Date(tick) : null;
  }
  const cron = cronOf(times.cron, times.timezone);
  const first = cron.nextRun(new Date(start));
  if (!first || first > now) return null;
  const second = cron.nextRun(first);
  if (!second || second > now) return first;
  // Invariant: a tick follows `low` at or before now, none follows `high` by then. Cron ticks are
  // whole seconds, so once the two are a second apart, the tick after `low` is the newest.
  let low = first.getTime();
  let high = now.getTime();
  while (high - low > 1000) {
    const middle = Math.floor((low + high) / 2);
    const tick = cron.nextRun(new Date(middle));
    if (tick && tick <= now) low = middle;
    else high = middle;
  }
  return cron.nextRun(new Date(low));
}

function periodMs(times: ScheduleTimes): number {
  return Math.max(1, Math.round((times.everySeconds as number) * 1000));
}

const crons = new Map<string, Cron>();

function cronOf(pattern: string, timezone: string): Cron {
  const key = `${timezone} ${pattern}`;
  let cron = crons.get(key);
  if (!cron) {
    cron = new Cron(pattern, { timezone });
    crons.set(key, cron);
  }
  return cron;
}
