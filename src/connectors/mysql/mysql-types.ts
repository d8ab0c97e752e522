import type { ColumnType } from "../connector.js";

/**
 * MySQL and MariaDB types ↔ portable column types. Neither keeps a time zone with a timestamp:
 * octoflow stores instants as DATETIME(6) in UTC (sessions run with time_zone '+00:00'), so a
 * timestamptz reads back as a timestamp holding the same instant.
 */
export function mysqlType(type: ColumnType): string {
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
      return `DECIMAL(${Math.min(type.precision, 65)}, ${Math.min(type.scale, 30)})`;
    case "text":
      return "LONGTEXT";
    case "uuid":
      return "CHAR(36)";
    case "date":
      return "DATE";
    case "time":
      return "TIME(6)";
    case "timestamp":
    case "timestamptz":
      return "DATETIME(6)";
    case "json":
      return "JSON";
    case "binary":
      return "LONGBLOB";
  }
}

/** Key columns must be indexable: bounded text and bytes. */
export function mysqlKeyType(type: ColumnType): string {
  if (type.kind === "text") return "VARCHAR(255)";
  if (type.kind === "binary") return "VARBINARY(255)";
  return mysqlType(type);
}

/** The portable type of an information_schema column. */
export function columnTypeOfInfo(
  dataType: string,
  columnType: string,
  precision: number | null,
  scale: number | null,
  isJson: boolean,
): ColumnType {
  const unsigned = /unsigned/i.test(columnType);
  switch (dataType.toLowerCase()) {
    case "tinyint":
      return /^tinyint\(1\)/i.test(columnType) ? { kind: "boolean" } : { kind: "int32" };
    case "smallint":
    case "mediumint":
    case "year":
      return { kind: "int32" };
    case "int":
      return unsigned ? { kind: "int64" } : { kind: "int32" };
    case "bigint":
      return unsigned ? { kind: "decimal", precision: 20, scale: 0 } : { kind: "int64" };
    case "float":
    case "double":
      return { kind: "float64" };
    case "decimal":
      return { kind: "decimal", precision: precision ?? 10, scale: scale ?? 0 };
    case "date":
      return { kind: "date" };
    case "time":
      return { kind: "time" };
    case "datetime":
    case "timestamp":
      return { kind: "timestamp" };
    case "json":
      return { kind: "json" };
    case "uuid":
      return { kind: "uuid" };
    case "tinyblob":
    case "blob":
    case "mediumblob":
    case "longblob":
    case "binary":
    case "varbinary":
      return { kind: "binary" };
    default:
      return isJson ? { kind: "json" } : { kind: "text" };
  }
}

/** Field metadata of a result (mysql2's column definition packets). */
export interface FieldInfo {
  readonly columnType?: number;
  readonly columnLength?: number;
  readonly decimals?: number;
  readonly flags?: number | readonly string[];
  readonly characterSet?: number;
}

const UNSIGNED = 32;
const BINARY_CHARSET = 63;

/** The portable type of a result field from its protocol type code. */
export function columnTypeOfField(field: FieldInfo): ColumnType {
  const unsigned =
    typeof field.flags === "number"
      ? (field.flags & UNSIGNED) !== 0
      : (field.flags ?? []).includes("UNSIGNED");
  switch (field.columnType) {
    case 1:
      return field.columnLength === 1 ? { kind: "boolean" } : { kind: "int32" };
    case 2:
    case 9:
    case 13:
      return { kind: "int32" };
    case 3:
      return unsigned ? { kind: "int64" } : { kind: "int32" };
    case 8:
      return unsigned ? { kind: "decimal", precision: 20, scale: 0 } : { kind: "int64" };
    case 4:
    case 5:
      return { kind: "float64" };
    case 0:
    case 246: {
      const scale = field.decimals ?? 0;
      const precision = (field.columnLength ?? 11) - (scale > 0 ? 1 : 0) - (unsigned ? 0 : 1);
      return { kind: "decimal", precision, scale };
    }
    case 10:
      return { kind: "date" };
    case 11:
      return { kind: "time" };
    case 7:
    case 12:
      return { kind: "timestamp" };
    case 245:
      return { kind: "json" };
    default:
      return field.characterSet === BINARY_CHARSET && (field.columnType ?? 0) >= 249
        ? { kind: "binary" }
        : { kind: "text" };
  }
}

/**
 * A value as the driver gives it (big numbers and dates as strings, see the pool settings) turned
 * into the contract's JavaScript value.
 */
export function fromMysql(value: unknown, type: ColumnType): unknown {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case "boolean":
      return Number(value) !== 0;
    case "int32":
    case "float64":
      return Number(value);
    case "int64":
      return BigInt(String(value));
    case "date":
      return new Date(`${String(value)}T00:00:00Z`);
    case "timestamp":
    case "timestamptz":
      return new Date(`${String(value).replace(" ", "T")}Z`);
    case "json":
      return typeof value === "string" ? JSON.parse(value) : value;
    case "binary":
      return value;
    default:
      return Buffer.isBuffer(value) ? value.toString("utf8") : String(value);
  }
}

/** A value as a bound parameter: instants as UTC DATETIME text, JSON as text. */
export function toMysql(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString().replace("T", " ").replace("Z", "");
  if (value instanceof Uint8Array) return Buffer.isBuffer(value) ? value : Buffer.from(value);
  if (typeof value === "object") return JSON.stringify(value);
  return value;
}
