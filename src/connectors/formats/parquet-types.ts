import type { SchemaElement } from "hyparquet";
import type { Column, ColumnType } from "../connector.js";
import { scaledDecimal, timeMicros, timeText, unscaledDecimal } from "./values.js";

/**
 * How each column type is stored in Parquet, and back. Written: int64 as INT64, decimal as
 * DECIMAL (INT64 up to 18 digits, else a 16-byte FIXED_LEN_BYTE_ARRAY), timestamps as INT64
 * TIMESTAMP(MICROS) with isAdjustedToUTC for timestamptz, date as DATE, time as TIME(MICROS),
 * uuid as UUID, json as JSON, binary as plain BYTE_ARRAY. Read: every flat Parquet type maps to
 * the nearest column type; nested groups (lists, maps, structs) become json.
 */

/** The Parquet schema element of a column. */
export function parquetElement(column: Column): SchemaElement {
  const base = { name: column.name, repetition_type: column.nullable ? "OPTIONAL" : "REQUIRED" } as const;
  const type = column.type;
  switch (type.kind) {
    case "boolean":
      return { ...base, type: "BOOLEAN" };
    case "int32":
      return { ...base, type: "INT32" };
    case "int64":
      return { ...base, type: "INT64" };
    case "float64":
      return { ...base, type: "DOUBLE" };
    case "decimal": {
      const decimal = { converted_type: "DECIMAL", precision: type.precision, scale: type.scale } as const;
      const logical = { type: "DECIMAL", precision: type.precision, scale: type.scale } as const;
      return type.precision <= 18
        ? { ...base, type: "INT64", ...decimal, logical_type: logical }
        : { ...base, type: "FIXED_LEN_BYTE_ARRAY", type_length: 16, ...decimal, logical_type: logical };
    }
    case "text":
      return { ...base, type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } };
    case "uuid":
      return { ...base, type: "FIXED_LEN_BYTE_ARRAY", type_length: 16, logical_type: { type: "UUID" } };
    case "date":
      return { ...base, type: "INT32", converted_type: "DATE", logical_type: { type: "DATE" } };
    case "time":
      return {
        ...base,
        type: "INT64",
        converted_type: "TIME_MICROS",
        logical_type: { type: "TIME", isAdjustedToUTC: false, unit: "MICROS" },
      };
    case "timestamp":
    case "timestamptz":
      return {
        ...base,
        type: "INT64",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: type.kind === "timestamptz", unit: "MICROS" },
      };
    case "json":
      return { ...base, type: "BYTE_ARRAY", converted_type: "JSON", logical_type: { type: "JSON" } };
    case "binary":
      return { ...base, type: "BYTE_ARRAY" };
  }
}

/** What hyparquet-writer takes for a canonical value of `type`. */
export function toParquetValue(value: unknown, type: ColumnType): unknown {
  if (value === null) return null;
  switch (type.kind) {
    case "decimal":
      return unscaledDecimal(value as string, type.scale);
    case "time":
      return timeMicros(value as string);
    default:
      return value;
  }
}

/** The column type of a flat Parquet element (a leaf of the root). */
export function columnTypeOf(element: SchemaElement): ColumnType {
  const { type, converted_type: converted, logical_type: logical } = element;
  if (converted === "DECIMAL" || logical?.type === "DECIMAL") {
    return { kind: "decimal", precision: element.precision ?? 38, scale: element.scale ?? 0 };
  }
  if (logical?.type === "TIMESTAMP") return { kind: logical.isAdjustedToUTC ? "timestamptz" : "timestamp" };
  if (converted === "TIMESTAMP_MILLIS" || converted === "TIMESTAMP_MICROS") return { kind: "timestamptz" };
  if (type === "INT96") return { kind: "timestamp" };
  if (converted === "DATE" || logical?.type === "DATE") return { kind: "date" };
  if (logical?.type === "TIME" || converted === "TIME_MILLIS" || converted === "TIME_MICROS")
    return { kind: "time" };
  if (logical?.type === "UUID") return { kind: "uuid" };
  if (converted === "JSON" || logical?.type === "JSON") return { kind: "json" };
  if (converted === "UTF8" || converted === "ENUM" || logical?.type === "STRING" || logical?.type === "ENUM")
    return { kind: "text" };
  if (converted === "UINT_32" || converted === "UINT_64") return { kind: "int64" };
  if (logical?.type === "INTEGER")
    return { kind: logical.bitWidth <= 32 && logical.isSigned ? "int32" : "int64" };
  switch (type) {
    case "BOOLEAN":
      return { kind: "boolean" };
    case "INT32":
      return { kind: "int32" };
    case "INT64":
      return { kind: "int64" };
    case "FLOAT":
    case "DOUBLE":
      return { kind: "float64" };
    default:
      return { kind: "binary" };
  }
}

/**
 * Turns what hyparquet gives for a column (read with decimal annotations removed, so that it
 * hands over the exact unscaled integers) into the canonical value.
 */
export function fromParquetValue(element: SchemaElement, type: ColumnType): (value: unknown) => unknown {
  switch (type.kind) {
    case "decimal":
      return (value) =>
        value === null || value === undefined ? null : scaledDecimal(unscaledOf(value), type.scale);
    case "time": {
      const unit = element.logical_type?.type === "TIME" ? element.logical_type.unit : undefined;
      const digits =
        unit === "NANOS" ? 9 : unit === "MILLIS" || element.converted_type === "TIME_MILLIS" ? 3 : 6;
      return (value) =>
        value === null || value === undefined ? null : timeText(BigInt(value as number), digits);
    }
    case "int64":
      return (value) => (value === null || value === undefined ? null : BigInt(value as number));
    case "float64":
      return (value) => (value === null || value === undefined ? null : Number(value));
    case "json":
      return (value) => (value === undefined ? null : value);
    default:
      return (value) => (value === undefined ? null : value);
  }
}

/** Elements whose decimal annotation is removed before reading: hyparquet would give floats. */
export function withoutDecimalAnnotations(schema: readonly SchemaElement[]): SchemaElement[] {
  return schema.map((element) => {
    if (element.converted_type !== "DECIMAL" && element.logical_type?.type !== "DECIMAL") return element;
    const { converted_type: _converted, logical_type: _logical, ...rest } = element;
    return rest;
  });
}

function unscaledOf(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return BigInt(value);
  const bytes = value as Uint8Array;
  if (bytes.length === 0) return 0n;
  let result = 0n;
  for (const byte of bytes) result = (result << 8n) | BigInt(byte);
  // Two's complement: a set top bit means a negative number.
  return (bytes[0]! & 0x80) !== 0 ? result - (1n << BigInt(bytes.length * 8)) : result;
}
