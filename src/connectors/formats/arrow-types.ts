import type { DataType, Vector } from "apache-arrow";
import {
  Binary,
  Bool,
  DateDay,
  Decimal,
  Field,
  FixedSizeBinary,
  Float64,
  Int32,
  Int64,
  makeData,
  makeVector,
  TimeMicrosecond,
  TimestampMicrosecond,
  Type,
  Utf8,
  vectorFromArray,
} from "apache-arrow";
import type { Column, ColumnType } from "../connector.js";
import { scaledDecimal, timeMicros, timeText, unscaledDecimal } from "./values.js";

/**
 * How each column type is stored in Arrow, and back: int64 as Int64, decimal as Decimal128,
 * timestamptz as Timestamp(MICROSECOND, "UTC"), timestamp without a zone, date as Date(DAY), time
 * as Time(MICROSECOND), uuid and json as the canonical extension types arrow.uuid
 * (FixedSizeBinary(16)) and arrow.json (Utf8), binary as Binary.
 */

const EXTENSION = "ARROW:extension:name";

export function arrowField(column: Column): Field {
  const type = column.type;
  const extension = type.kind === "uuid" ? "arrow.uuid" : type.kind === "json" ? "arrow.json" : undefined;
  return new Field(
    column.name,
    arrowType(type),
    column.nullable,
    extension ? new Map([[EXTENSION, extension]]) : null,
  );
}

function arrowType(type: ColumnType): DataType {
  switch (type.kind) {
    case "boolean":
      return new Bool();
    case "int32":
      return new Int32();
    case "int64":
      return new Int64();
    case "float64":
      return new Float64();
    case "decimal":
      return new Decimal(type.scale, type.precision, 128);
    case "text":
    case "json":
      return new Utf8();
    case "uuid":
      return new FixedSizeBinary(16);
    case "date":
      return new DateDay();
    case "time":
      return new TimeMicrosecond();
    case "timestamp":
      return new TimestampMicrosecond();
    case "timestamptz":
      return new TimestampMicrosecond("UTC");
    case "binary":
      return new Binary();
  }
}

/** An Arrow vector of canonical values of one column. */
export function arrowVector(field: Field, type: ColumnType, values: unknown[]): Vector {
  switch (type.kind) {
    case "decimal":
      return decimalVector(field.type as Decimal, type.scale, values);
    case "uuid":
      return vectorFromArray(
        values.map((value) => (value === null ? null : uuidBytes(value as string))),
        field.type,
      );
    case "json":
      return vectorFromArray(
        values.map((value) => (value === null ? null : JSON.stringify(value))),
        field.type,
      );
    case "time":
      return vectorFromArray(
        values.map((value) => (value === null ? null : timeMicros(value as string))),
        field.type,
      );
    default:
      return vectorFromArray(values, field.type);
  }
}

function decimalVector(type: Decimal, scale: number, values: unknown[]): Vector {
  const words = new Uint32Array(values.length * 4);
  const validity = new Uint8Array(Math.ceil(values.length / 8));
  let nulls = 0;
  values.forEach((value, index) => {
    if (value === null) {
      nulls++;
      return;
    }
    validity[index >> 3]! |= 1 << (index & 7);
    let unscaled = BigInt.asUintN(128, unscaledDecimal(value as string, scale));
    for (let word = 0; word < 4; word++) {
      words[index * 4 + word] = Number(unscaled & 0xffffffffn);
      unscaled >>= 32n;
    }
  });
  return makeVector(
    makeData({
      type,
      length: values.length,
      nullCount: nulls,
      nullBitmap: nulls ? validity : null,
      data: words,
    }),
  );
}

/** The column type of an Arrow field; nested types become json. */
export function columnTypeOfField(field: Field): ColumnType {
  const extension = field.metadata.get(EXTENSION);
  if (extension === "arrow.json") return { kind: "json" };
  if (extension === "arrow.uuid") return { kind: "uuid" };
  const type = field.type as DataType;
  switch (type.typeId) {
    case Type.Bool:
      return { kind: "boolean" };
    case Type.Int: {
      const { bitWidth, isSigned } = type as unknown as { bitWidth: number; isSigned: boolean };
      return bitWidth < 32 || (bitWidth === 32 && isSigned) ? { kind: "int32" } : { kind: "int64" };
    }
    case Type.Float:
      return { kind: "float64" };
    case Type.Decimal: {
      const { scale, precision } = type as Decimal;
      return { kind: "decimal", precision, scale };
    }
    case Type.Utf8:
    case Type.LargeUtf8:
      return { kind: "text" };
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return { kind: "binary" };
    case Type.Date:
      return { kind: "date" };
    case Type.Time:
      return { kind: "time" };
    case Type.Timestamp:
      return { kind: (type as TimestampMicrosecond).timezone ? "timestamptz" : "timestamp" };
    case Type.Dictionary:
      return columnTypeOfField(
        new Field(field.name, (type as unknown as { dictionary: DataType }).dictionary),
      );
    case Type.Null:
      return { kind: "text" };
    default:
      return { kind: "json" };
  }
}

/** Reads the canonical value at `index` of a vector of `type`. */
export function arrowReader(vector: Vector, type: ColumnType): (index: number) => unknown {
  const typeId = (vector.type as DataType).typeId;
  const get = (index: number): unknown => vector.get(index);
  switch (type.kind) {
    case "int64":
      return (index) => nullOr(get(index), (value) => BigInt(value as number));
    case "float64":
      return (index) => nullOr(get(index), Number);
    case "decimal": {
      const scale = type.scale;
      return (index) => nullOr(get(index), (words) => scaledDecimal(decimalOf(words as Uint32Array), scale));
    }
    case "date":
    case "timestamp":
    case "timestamptz":
      return (index) => nullOr(get(index), (value) => new Date(Math.floor(Number(value))));
    case "time": {
      // Arrow's TimeUnit: 0 seconds, 1 milliseconds, 2 microseconds, 3 nanoseconds.
      const unit = (vector.type as unknown as { unit: number }).unit;
      return (index) => nullOr(get(index), (value) => timeText(BigInt(value as number), unit * 3));
    }
    case "uuid":
      return (index) => nullOr(get(index), (bytes) => uuidText(bytes as Uint8Array));
    case "json":
      if (typeId === Type.Utf8 || typeId === Type.LargeUtf8)
        return (index) => nullOr(get(index), (text) => JSON.parse(text as string) as unknown);
      return (index) =>
        nullOr(get(index), (value) => JSON.parse(JSON.stringify(value, bigintAsNumber)) as unknown);
    case "binary":
      return (index) => nullOr(get(index), (bytes) => (bytes as Uint8Array).slice());
    default:
      return (index) => nullOr(get(index), (value) => value);
  }
}

function nullOr(value: unknown, convert: (value: unknown) => unknown): unknown {
  return value === null || value === undefined ? null : convert(value);
}

function bigintAsNumber(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? Number(value) : value;
}

function decimalOf(words: Uint32Array): bigint {
  let value = 0n;
  for (let word = words.length - 1; word >= 0; word--) value = (value << 32n) | BigInt(words[word]!);
  return BigInt.asIntN(words.length * 32, value);
}

function uuidBytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replaceAll("-", ""), "hex"));
}

function uuidText(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
