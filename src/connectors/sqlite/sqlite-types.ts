import type { ColumnType } from "../connector.js";

/**
 * SQLite has five storage classes and keeps declared type names as written, so octoflow writes
 * names it can read back: `BIGINT`, `DECIMAL TEXT(38, 10)` (TEXT affinity: digits stay exact),
 * `TIMESTAMPTZ` (ISO 8601 text in UTC), `BOOLEAN` (0/1), `JSON` (text), `BLOB`.
 */
export function sqliteType(type: ColumnType): string {
  switch (type.kind) {
    case "boolean":
      return "BOOLEAN";
    case "int32":
      return "INT";
    case "int64":
      return "BIGINT";
    case "float64":
      return "DOUBLE";
    case "decimal":
      return `DECIMAL TEXT(${type.precision}, ${type.scale})`;
    case "text":
      return "TEXT";
    case "uuid":
      return "UUID TEXT";
    case "date":
      return "DATE";
    case "time":
      return "TIME TEXT";
    case "timestamp":
      return "TIMESTAMP";
    case "timestamptz":
      return "TIMESTAMPTZ";
    case "json":
      return "JSON";
    case "binary":
      return "BLOB";
  }
}

/** The portable type of a declared SQLite type; undefined when there is none (an expression). */
export function columnTypeOfDeclared(declared: string | null | undefined): ColumnType | undefined {
  if (!declared) return undefined;
  const text = declared.toUpperCase();
  const decimal = /^(DECIMAL|NUMERIC)\b[^(]*\((\d+)\s*(?:,\s*(\d+))?\)/.exec(text);
  if (decimal) return { kind: "decimal", precision: Number(decimal[2]), scale: Number(decimal[3] ?? 0) };
  const word = /^[A-Z]+/.exec(text)?.[0] ?? "";
  if (word === "BOOLEAN" || word === "BOOL") return { kind: "boolean" };
  if (word === "BIGINT" || word === "INT8" || word === "INTEGER") return { kind: "int64" };
  if (text.includes("INT")) return { kind: "int32" };
  if (/REAL|FLOA|DOUB/.test(text)) return { kind: "float64" };
  if (word === "UUID") return { kind: "uuid" };
  if (word === "DATE") return { kind: "date" };
  if (word === "TIME") return { kind: "time" };
  if (word === "TIMESTAMPTZ") return { kind: "timestamptz" };
  if (word === "TIMESTAMP" || word === "DATETIME") return { kind: "timestamp" };
  if (word === "JSON" || word === "JSONB") return { kind: "json" };
  if (text.includes("BLOB")) return { kind: "binary" };
  return { kind: "text" };
}

/** A type guessed from a value, for result columns that have no declared type. */
export function columnTypeOfValue(value: unknown): ColumnType {
  if (typeof value === "bigint") return { kind: "int64" };
  if (typeof value === "number") return { kind: "float64" };
  if (value instanceof Uint8Array) return { kind: "binary" };
  return { kind: "text" };
}

/** A value as SQLite stores it for a column of the given type. */
export function toSqlite(value: unknown, type?: ColumnType): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date)
    return type?.kind === "date" ? value.toISOString().slice(0, 10) : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.isBuffer(value) ? value : Buffer.from(value);
  if (typeof value === "object") return JSON.stringify(value);
  if (type?.kind === "decimal" && typeof value === "number") return String(value);
  return value;
}

/** A stored value as the contract's JavaScript type (integers arrive as bigint). */
export function fromSqlite(value: unknown, type: ColumnType): unknown {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case "boolean":
      return typeof value === "string" ? value === "true" || value === "1" : Number(value) !== 0;
    case "int32":
    case "float64":
      return Number(value);
    case "int64":
      return typeof value === "bigint" ? value : BigInt(Math.trunc(Number(value)));
    case "decimal":
    case "text":
    case "uuid":
    case "time":
      return typeof value === "string" ? value : String(value);
    case "date":
    case "timestamp":
    case "timestamptz":
      return typeof value === "string" ? parseTimestamp(value) : new Date(Number(value));
    case "json":
      return typeof value === "string" ? JSON.parse(value) : value;
    case "binary":
      return value;
  }
}

function parseTimestamp(text: string): Date {
  const iso = text.includes("T") ? text : text.replace(" ", "T");
  return new Date(/(Z|[+-]\d\d:?\d\d)$/i.test(iso) || iso.length === 10 ? iso : `${iso}Z`);
}
