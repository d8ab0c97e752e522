import {
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBListValue,
  DuckDBStructValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
} from "@duckdb/node-api";
import type { DuckDBType, DuckDBValue } from "@duckdb/node-api";
import type { ColumnType } from "../connector.js";

/** DuckDB types ↔ portable column types, and DuckDB values → the contract's JavaScript values. */

export function duckdbType(type: ColumnType): string {
  switch (type.kind) {
    case "boolean":
      return "BOOLEAN";
    case "int32":
      return "INTEGER";
    case "int64":
      return "BIGINT";
    case "float64":
      return "DOUBLE";
    case "decimal":
      return `DECIMAL(${type.precision}, ${type.scale})`;
    case "text":
      return "VARCHAR";
    case "uuid":
      return "UUID";
    case "date":
      return "DATE";
    case "time":
      return "TIME";
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

/** The portable type of a result or table column. */
export function columnTypeOfDuckdb(type: DuckDBType): ColumnType {
  if (type.alias === "JSON") return { kind: "json" };
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return { kind: "boolean" };
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
      return { kind: "int32" };
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
      return { kind: "int64" };
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT:
      return { kind: "decimal", precision: 38, scale: 0 };
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return { kind: "float64" };
    case DuckDBTypeId.DECIMAL: {
      const decimal = type as unknown as { width: number; scale: number };
      return { kind: "decimal", precision: decimal.width, scale: decimal.scale };
    }
    case DuckDBTypeId.UUID:
      return { kind: "uuid" };
    case DuckDBTypeId.DATE:
      return { kind: "date" };
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_TZ:
      return { kind: "time" };
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return { kind: "timestamp" };
    case DuckDBTypeId.TIMESTAMP_TZ:
      return { kind: "timestamptz" };
    case DuckDBTypeId.BLOB:
      return { kind: "binary" };
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
    case DuckDBTypeId.STRUCT:
    case DuckDBTypeId.MAP:
      return { kind: "json" };
    default:
      return { kind: "text" };
  }
}

/** A DuckDB value as the contract's JavaScript value for its column type. */
export function fromDuckdb(value: DuckDBValue, type: ColumnType): unknown {
  if (value === null) return null;
  if (value instanceof DuckDBTimestampTZValue || value instanceof DuckDBTimestampValue) {
    return new Date(Number(value.micros / 1000n));
  }
  if (value instanceof DuckDBDateValue) return new Date(value.days * 86_400_000);
  if (value instanceof DuckDBBlobValue) return Buffer.from(value.bytes);
  if (type.kind === "json") return typeof value === "string" ? JSON.parse(value) : toJson(value);
  if (type.kind === "int32" || type.kind === "float64") return Number(value);
  if (type.kind === "int64") return typeof value === "bigint" ? value : BigInt(String(value));
  if (typeof value === "object") return String(value);
  if (type.kind === "decimal" && typeof value !== "string") return String(value);
  return value;
}

function toJson(value: DuckDBValue): unknown {
  if (value instanceof DuckDBListValue) return value.items.map(toJson);
  if (value instanceof DuckDBStructValue) {
    return Object.fromEntries(Object.entries(value.entries).map(([key, item]) => [key, toJson(item)]));
  }
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (value === null || typeof value !== "object") return value;
  return String(value);
}

/** A JavaScript value as a bound parameter DuckDB accepts. */
export function toDuckdbParam(value: unknown): DuckDBValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return new DuckDBBlobValue(value);
  if (typeof value === "object") return JSON.stringify(value);
  return value as DuckDBValue;
}
