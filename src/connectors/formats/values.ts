import type { ColumnType } from "../connector.js";

/**
 * Values of the connector contract (see `Row` in connector.ts) to and from the text of CSV and
 * JSON, and `canonical`, which turns what a producer hands over (a number for an int64, an ISO
 * string for a timestamp) into the one representation the binary writers expect.
 */

/** A JSON number too long for a float64, kept as its text (see json-text.ts). */
export class NumberText {
  constructor(readonly text: string) {}
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TRUE = new Set(["true", "t", "yes", "y", "1"]);
const FALSE = new Set(["false", "f", "no", "n", "0"]);
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

/**
 * The value of `text` as `type`; throws an Error saying why when it is not one.
 *
 * @example parseText("2024-03-01T10:00:00+02:00", { kind: "timestamptz" }) // Date 08:00Z
 */
export function parseText(text: string, type: ColumnType): unknown {
  const trimmed = type.kind === "text" ? text : text.trim();
  switch (type.kind) {
    case "text":
      return text;
    case "boolean": {
      const lower = trimmed.toLowerCase();
      if (TRUE.has(lower)) return true;
      if (FALSE.has(lower)) return false;
      break;
    }
    case "int32":
      if (/^[+-]?\d+$/.test(trimmed)) {
        const value = Number(trimmed);
        if (value >= INT32_MIN && value <= INT32_MAX) return value;
      }
      break;
    case "int64":
      if (/^[+-]?\d+$/.test(trimmed)) {
        const value = BigInt(trimmed);
        if (value >= INT64_MIN && value <= INT64_MAX) return value;
      }
      break;
    case "float64": {
      if (/^(nan|[+-]?inf(inity)?)$/i.test(trimmed))
        return /nan/i.test(trimmed) ? NaN : trimmed.startsWith("-") ? -Infinity : Infinity;
      const value = Number(trimmed);
      if (trimmed !== "" && !Number.isNaN(value)) return value;
      break;
    }
    case "decimal":
      return decimalText(trimmed, type.precision, type.scale);
    case "uuid":
      if (UUID.test(trimmed)) return formatUuid(trimmed);
      break;
    case "date":
    case "timestamp":
    case "timestamptz": {
      const date = parseDateTime(trimmed, type.kind);
      if (date) return date;
      break;
    }
    case "time": {
      const match = TIME.exec(trimmed);
      if (match) return `${match[1]}:${match[2]}:${match[3] ?? "00"}${match[4] ? `.${match[4]}` : ""}`;
      break;
    }
    case "json":
      return JSON.parse(text);
    case "binary":
      if (/^[A-Za-z0-9+/=\s]*$/.test(trimmed)) return new Uint8Array(Buffer.from(trimmed, "base64"));
      break;
  }
  throw new Error(`"${text.length > 40 ? `${text.slice(0, 40)}…` : text}" is not a ${describeType(type)}`);
}

/** The text of a canonical value in a CSV cell. */
export function formatText(value: unknown, type: ColumnType): string {
  if (value === null || value === undefined) return "";
  switch (type.kind) {
    case "date":
      return (value as Date).toISOString().slice(0, 10);
    case "timestamp":
      return (value as Date).toISOString().slice(0, -1);
    case "timestamptz":
      return (value as Date).toISOString();
    case "json":
      return jsonStringify(value);
    case "binary":
      return Buffer.from(value as Uint8Array).toString("base64");
    default:
      return String(value);
  }
}

/** The JSON text of a canonical value: int64 and decimal as exact number literals. */
export function toJsonText(value: unknown, type: ColumnType): string {
  if (value === null || value === undefined) return "null";
  switch (type.kind) {
    case "boolean":
    case "int32":
    case "int64":
    case "decimal":
      return String(value);
    case "float64":
      return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
    case "json":
      return jsonStringify(value);
    default:
      return JSON.stringify(formatText(value, type));
  }
}

/** A parsed JSON value (numbers too long for a float64 as NumberText) as `type`. */
export function fromJson(value: unknown, type: ColumnType): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof NumberText) {
    if (type.kind === "json") return Number(value.text);
    return type.kind === "text" ? value.text : parseText(value.text, type);
  }
  if (type.kind === "json") return value;
  if (type.kind === "text" && typeof value === "object") return JSON.stringify(value);
  return canonical(value, type);
}

/**
 * The one JavaScript representation of a value of `type` (connector.ts `Row`): numbers for int64,
 * texts for timestamps and so on are converted; throws an Error saying why when it cannot be.
 *
 * @example canonical(42, { kind: "int64" }) // 42n
 */
export function canonical(value: unknown, type: ColumnType): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" && type.kind !== "json") return parseText(value, type);
  switch (type.kind) {
    case "boolean":
      if (typeof value === "boolean") return value;
      if (value === 0 || value === 1) return value === 1;
      break;
    case "int32":
      if (typeof value === "bigint") value = Number(value);
      if (Number.isInteger(value) && (value as number) >= INT32_MIN && (value as number) <= INT32_MAX)
        return value;
      break;
    case "int64":
      if (typeof value === "bigint" && value >= INT64_MIN && value <= INT64_MAX) return value;
      if (Number.isInteger(value)) return BigInt(value as number);
      break;
    case "float64":
      if (typeof value === "number") return value;
      if (typeof value === "bigint") return Number(value);
      break;
    case "decimal":
      if (typeof value === "number" && Number.isFinite(value))
        return decimalText(numberText(value, type.scale), type.precision, type.scale);
      if (typeof value === "bigint") return decimalText(String(value), type.precision, type.scale);
      break;
    case "text":
      if (value instanceof Date) return value.toISOString();
      return typeof value === "object" ? jsonStringify(value) : String(value);
    case "date":
    case "timestamp":
    case "timestamptz":
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
      if (typeof value === "number") return new Date(value);
      break;
    case "json":
      return value;
    case "binary":
      if (value instanceof Uint8Array) return value;
      break;
    default:
      break;
  }
  throw new Error(`${describeValue(value)} is not a ${describeType(type)}`);
}

/**
 * A decimal's exact text: sign, no leading zeros, exactly `scale` fraction digits when the scale
 * is known. Throws when the value has more digits than the type holds.
 *
 * @example decimalText("+007.5", 10, 2) // "7.50"
 */
export function decimalText(text: string, precision?: number, scale?: number): string {
  const match = DECIMAL.exec(text);
  if (!match || (match[2] === "" && (match[3] ?? "") === ""))
    throw new Error(`"${text}" is not a decimal number`);
  let whole = match[2]!.replace(/^0+(?=\d)/, "") || "0";
  let fraction = match[3] ?? "";
  if (scale !== undefined) {
    const kept = fraction.slice(0, scale);
    if (/[1-9]/.test(fraction.slice(scale)))
      throw new Error(`"${text}" has more than ${scale} digits after the point`);
    fraction = kept.padEnd(scale, "0");
  }
  if (precision !== undefined && (whole === "0" ? 0 : whole.length) + fraction.length > precision) {
    throw new Error(`"${text}" has more than ${precision} digits`);
  }
  whole = whole === "" ? "0" : whole;
  const negative = match[1] === "-" && /[1-9]/.test(whole + fraction);
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** The unscaled integer of a decimal's text at `scale`: "12.50" at 2 → 1250n. */
export function unscaledDecimal(text: string, scale: number): bigint {
  const exact = decimalText(text, undefined, scale);
  return BigInt(exact.replace(".", ""));
}

/** The text of an unscaled decimal: 1250n at scale 2 → "12.50". */
export function scaledDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, "0");
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/** Microseconds since midnight of a time's text: "01:02:03.5" → 3723500000n. */
export function timeMicros(text: string): bigint {
  const [hours, minutes, rest] = text.split(":");
  const [seconds, fraction = ""] = (rest ?? "0").split(".");
  const whole = (Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds)) * 1_000_000;
  return BigInt(whole) + BigInt(fraction.slice(0, 6).padEnd(6, "0"));
}

/** The text of a time of day counted in units of 10^-digits seconds: (3723500n, 3) → "01:02:03.5". */
export function timeText(value: bigint, digits: number): string {
  const perSecond = 10n ** BigInt(digits);
  const seconds = value / perSecond;
  const fraction = value % perSecond;
  const pad = (n: bigint) => n.toString().padStart(2, "0");
  const base = `${pad(seconds / 3600n)}:${pad((seconds / 60n) % 60n)}:${pad(seconds % 60n)}`;
  return fraction === 0n ? base : `${base}.${fraction.toString().padStart(digits, "0").replace(/0+$/, "")}`;
}

/** JSON text of any value; bigints become number literals. */
export function jsonStringify(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === "bigint"
      ? Number.isSafeInteger(Number(inner))
        ? Number(inner)
        : inner.toString()
      : inner instanceof Uint8Array
        ? Buffer.from(inner).toString("base64")
        : inner,
  );
}

export function describeType(type: ColumnType): string {
  return type.kind === "decimal" ? `decimal(${type.precision},${type.scale})` : type.kind;
}

function describeValue(value: unknown): string {
  if (typeof value === "object")
    return value instanceof Date ? "an invalid date" : `a ${value?.constructor?.name ?? "value"}`;
  return `${typeof value} ${String(value)}`;
}

function numberText(value: number, scale: number): string {
  const text = String(value);
  return /e/i.test(text) ? value.toFixed(Math.min(scale, 100)) : text;
}

function formatUuid(text: string): string {
  const hex = text.replaceAll("-", "").toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function parseDateTime(text: string, kind: "date" | "timestamp" | "timestamptz"): Date | undefined {
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  if (kind === "date" && hour !== undefined) return undefined;
  const millis = Number((fraction ?? "").slice(0, 3).padEnd(3, "0"));
  let time = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour ?? 0),
    Number(minute ?? 0),
    Number(second ?? 0),
    millis,
  );
  // Date.UTC rolls 2024-02-30 over to March: a day that moved was not a real one.
  if (Number.isNaN(time) || new Date(time).getUTCDate() !== Number(day)) return undefined;
  if (zone && zone.toUpperCase() !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    time -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0)) * 60_000;
  }
  return new Date(time);
}
