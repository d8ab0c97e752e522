import type { ColumnType } from "../connector.js";
import { NumberText, parseText } from "./values.js";

/** Rows a reader looks at before it decides the types of columns it was not told. */
export const INFER_SAMPLE_ROWS = 1000;

/** Candidates for text cells, narrowest first; the first that parses every sampled value wins. */
const TEXT_CANDIDATES: readonly ColumnType[] = [
  { kind: "boolean" },
  { kind: "int64" },
  { kind: "float64" },
  { kind: "date" },
  { kind: "timestamptz" },
  { kind: "timestamp" },
];

/**
 * The type of a column of text cells (CSV): boolean (true/false), int64, float64, date,
 * timestamptz (ISO 8601 with Z or an offset), timestamp (ISO 8601 without zone), else text.
 * Nulls are ignored; a column of nulls only is text. Integers with a leading zero ("007") are
 * codes, not numbers, and stay text.
 *
 * @example inferTextType(["1", "2", null]) // { kind: "int64" }
 */
export function inferTextType(values: readonly (string | null)[]): ColumnType {
  const present = values.filter((value): value is string => value !== null);
  if (present.length === 0) return { kind: "text" };
  if (present.some((value) => /^[+-]?0\d/.test(value.trim()))) return { kind: "text" };
  for (const candidate of TEXT_CANDIDATES) {
    if (candidate.kind === "boolean" && !present.every((value) => /^(true|false)$/i.test(value.trim())))
      continue;
    if (
      candidate.kind === "timestamptz" &&
      !present.every((value) => /(z|[+-]\d{2}(:?\d{2})?)$/i.test(value))
    )
      continue;
    if (present.every((value) => parses(value, candidate))) return candidate;
  }
  return { kind: "text" };
}

/**
 * The type of a column of JSON values: boolean, int64 (integers), float64 (any other number),
 * text (strings), else json (objects, arrays, and columns that mix kinds).
 *
 * @example inferJsonType([1, 2.5]) // { kind: "float64" }
 */
export function inferJsonType(values: readonly unknown[]): ColumnType {
  const kinds = new Set<string>();
  for (const value of values) {
    if (value === null || value === undefined) continue;
    if (value instanceof NumberText) kinds.add(fitsInt64(value.text) ? "int64" : "float64");
    else if (typeof value === "number") kinds.add(Number.isInteger(value) ? "int64" : "float64");
    else if (typeof value === "boolean") kinds.add("boolean");
    else if (typeof value === "string") kinds.add("text");
    else kinds.add("json");
  }
  if (kinds.size === 0) return { kind: "text" };
  if (kinds.size === 2 && kinds.has("int64") && kinds.has("float64")) return { kind: "float64" };
  if (kinds.size > 1) return { kind: "json" };
  return { kind: [...kinds][0] as "boolean" | "int64" | "float64" | "text" | "json" };
}

function fitsInt64(text: string): boolean {
  return /^-?\d+$/.test(text) && BigInt(text) >= -(2n ** 63n) && BigInt(text) < 2n ** 63n;
}

function parses(value: string, type: ColumnType): boolean {
  try {
    parseText(value, type);
    return true;
  } catch {
    return false;
  }
}
