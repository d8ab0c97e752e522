import type { ColumnType } from "../connector.js";

/**
 * PostgreSQL types ↔ portable column types, and values ↔ the text PostgreSQL reads and writes.
 * Type names are `udt_name`s (information_schema) or OIDs (result fields).
 */

const BY_NAME: Readonly<Record<string, ColumnType>> = {
  bool: { kind: "boolean" },
  int2: { kind: "int32" },
  int4: { kind: "int32" },
  int8: { kind: "int64" },
  float4: { kind: "float64" },
  float8: { kind: "float64" },
  text: { kind: "text" },
  varchar: { kind: "text" },
  bpchar: { kind: "text" },
  name: { kind: "text" },
  citext: { kind: "text" },
  uuid: { kind: "uuid" },
  date: { kind: "date" },
  time: { kind: "time" },
  timetz: { kind: "time" },
  timestamp: { kind: "timestamp" },
  timestamptz: { kind: "timestamptz" },
  json: { kind: "json" },
  jsonb: { kind: "json" },
  bytea: { kind: "binary" },
};

const NAME_BY_OID: Readonly<Record<number, string>> = {
  16: "bool",
  17: "bytea",
  19: "name",
  20: "int8",
  21: "int2",
  23: "int4",
  25: "text",
  114: "json",
  700: "float4",
  701: "float8",
  1042: "bpchar",
  1043: "varchar",
  1082: "date",
  1083: "time",
  1114: "timestamp",
  1184: "timestamptz",
  1266: "timetz",
  1700: "numeric",
  2950: "uuid",
  3802: "jsonb",
};

/** An unconstrained `numeric` becomes decimal(38,10) elsewhere. */
const UNCONSTRAINED_DECIMAL: ColumnType = { kind: "decimal", precision: 38, scale: 10 };

/** The portable type of a column from its udt_name; arrays and other types travel as JSON or text. */
export function columnTypeOfName(
  udtName: string,
  precision?: number | null,
  scale?: number | null,
): ColumnType {
  if (udtName === "numeric") {
    return precision ? { kind: "decimal", precision, scale: scale ?? 0 } : UNCONSTRAINED_DECIMAL;
  }
  if (udtName.startsWith("_")) return { kind: "json" };
  return BY_NAME[udtName] ?? { kind: "text" };
}

/** The portable type of a result field from its OID and type modifier. */
export function columnTypeOfOid(oid: number, typeModifier: number): ColumnType {
  const name = NAME_BY_OID[oid];
  if (name === "numeric" && typeModifier >= 4) {
    const modifier = typeModifier - 4;
    return { kind: "decimal", precision: (modifier >> 16) & 0xffff, scale: modifier & 0xffff };
  }
  return name ? columnTypeOfName(name) : { kind: "text" };
}

/** The PostgreSQL type written in CREATE TABLE. */
export function postgresType(type: ColumnType): string {
  switch (type.kind) {
    case "boolean":
      return "boolean";
    case "int32":
      return "integer";
    case "int64":
      return "bigint";
    case "float64":
      return "double precision";
    case "decimal":
      return `numeric(${type.precision}, ${type.scale})`;
    case "text":
      return "text";
    case "uuid":
      return "uuid";
    case "date":
      return "date";
    case "time":
      return "time";
    case "timestamp":
      return "timestamp";
    case "timestamptz":
      return "timestamptz";
    case "json":
      return "jsonb";
    case "binary":
      return "bytea";
  }
}

/** Parsers for pg's result text so that values arrive as the contract's JavaScript types. */
export const PARSERS: Readonly<Record<number, (text: string) => unknown>> = {
  20: (text) => BigInt(text),
  1082: (text) => new Date(`${text}T00:00:00Z`),
  // timestamp without time zone: read as UTC, never as the process's local time.
  1114: (text) => new Date(`${text.replace(" ", "T")}Z`),
};

const ESCAPES: Readonly<Record<string, string>> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** One value in COPY's text format: `\N` for NULL, backslash escapes, bytea as `\\x…`. */
export function copyText(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  switch (typeof value) {
    case "string":
      return escapeCopy(value);
    case "number":
    case "bigint":
      return String(value);
    case "boolean":
      return value ? "t" : "f";
    default:
      if (value instanceof Date) return value.toISOString();
      if (value instanceof Uint8Array) return `\\\\x${Buffer.from(value).toString("hex")}`;
      return escapeCopy(JSON.stringify(value));
  }
}

function escapeCopy(text: string): string {
  return /[\\\n\r\t]/.test(text) ? text.replace(/[\\\n\r\t]/g, (c) => ESCAPES[c] as string) : text;
}
