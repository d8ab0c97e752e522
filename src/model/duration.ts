import { z } from "zod";

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_TEXT = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;

/**
 * Parses a duration: a number of seconds, or text such as "500ms", "30s", "5m", "2h", "1d".
 * Returns milliseconds, or undefined when the text is not a duration.
 *
 * @example parseDuration("5m") // 300000
 */
export function parseDuration(value: number | string): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  const match = DURATION_TEXT.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
}

/** A duration field of a flow file: seconds as a number, or text like "30s". Parsed to milliseconds. */
export const durationSchema = z
  .union([z.number(), z.string()])
  .meta({ description: 'Seconds as a number, or text such as "500ms", "30s", "5m", "2h".' })
  .transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `"${String(value)}" is not a duration; write seconds as a number or text like "30s", "5m", "500ms"`,
      });
      return z.NEVER;
    }
    return ms;
  });

/** Formats milliseconds for people: 0.8s, 12.3s, 4m05s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, "0")}s`;
}
