/**
 * How Python spells values: `str()` and `repr()` (True, None, ['a', 1], {'a': 1}, 1.0, 1e+16),
 * and Jinja2's `tojson` (json.dumps with sorted keys, ASCII-only, HTML-safe).
 */
import { typeError } from "./errors.js";
import {
  Callable,
  Namespace,
  PyFloat,
  Undefined,
  dictEntries,
  isDict,
  isFloat,
  num,
  pyCompare,
  tuples,
  typeName,
} from "./values.js";

/**
 * An int as Python prints it. JavaScript keeps integers exactly only up to 2^53; beyond that we
 * print what JSON.stringify would (the digits a JSON round trip gives Python), and from 1e21 on
 * Python would have parsed that JSON as a float, so it prints as one.
 */
export function intStr(value: number): string {
  if (Object.is(value, -0)) return "0";
  return Math.abs(value) < 1e21 ? String(value) : floatRepr(value);
}

/** Python's float repr: the shortest round-tripping digits, exponent outside 1e-4 ≤ |x| < 1e16. */
export function floatRepr(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const [mantissa = "", exponentText = "0"] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  const sign = value < 0 ? "-" : "";
  const digits = mantissa.replace("-", "").replace(".", "");
  if (exponent < -4 || exponent >= 16) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${body}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return `${sign}${digits}${"0".repeat(exponent + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

export function numberStr(value: number | PyFloat): string {
  return isFloat(value) ? floatRepr(num(value)) : intStr(num(value));
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's `repr()` of a str: single quotes unless the text has ' and no ". */
export function stringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch !== " " && NON_PRINTABLE.test(ch)) {
      const code = ch.codePointAt(0) ?? 0;
      if (code < 0x100) out += `\\x${code.toString(16).padStart(2, "0")}`;
      else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, "0")}`;
      else out += `\\U${code.toString(16).padStart(8, "0")}`;
    } else out += ch;
  }
  return out + quote;
}

/** Python's `str()`: what `{{ value }}` prints. */
export function pyStr(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Undefined) return "";
  return pyRepr(value);
}

/** Python's `repr()`: how values print inside lists and dicts. */
export function pyRepr(value: unknown, seen: Set<unknown> = new Set()): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "string") return stringRepr(value);
  if (typeof value === "number" || value instanceof PyFloat) return numberStr(value);
  if (value instanceof Undefined) return "Undefined";
  if (value instanceof Callable) return `<function ${value.name}>`;
  if (value instanceof Namespace) return `<Namespace ${pyRepr(new Map(value.attrs), seen)}>`;
  if (Array.isArray(value) || isDict(value)) {
    if (seen.has(value)) return Array.isArray(value) ? "[...]" : "{...}";
    seen.add(value);
    try {
      if (Array.isArray(value)) {
        const items = value.map((item) => pyRepr(item, seen));
        if (!tuples.has(value)) return `[${items.join(", ")}]`;
        return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
      }
      const entries = dictEntries(value).map(([key, item]) => `${pyRepr(key, seen)}: ${pyRepr(item, seen)}`);
      return `{${entries.join(", ")}}`;
    } finally {
      seen.delete(value);
    }
  }
  if (value instanceof Date) return value.toISOString();
  return `<${typeName(value)}>`;
}

/** Jinja2's `tojson`: `json.dumps(value, sort_keys=True, indent=…)` made safe for HTML. */
export function toJson(value: unknown, indent?: string): string {
  const text = jsonDump(value, indent, "", new Set());
  return text.replace(/[<>&']/g, (ch) => `\\u00${ch.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

function jsonString(text: string): string {
  let out = '"';
  for (let index = 0; index < text.length; index++) {
    const ch = text[index] as string;
    const code = text.charCodeAt(index);
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

function jsonKey(key: unknown): string {
  if (typeof key === "string") return key;
  if (key === null) return "null";
  if (typeof key === "boolean") return key ? "true" : "false";
  if (typeof key === "number" || key instanceof PyFloat) return numberStr(key);
  throw typeError(`keys must be str, int, float, bool or None, not ${typeName(key)}`);
}

function jsonDump(value: unknown, indent: string | undefined, prefix: string, seen: Set<unknown>): string {
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "string") return jsonString(value);
  if (typeof value === "number" || value instanceof PyFloat) {
    const n = num(value);
    if (Number.isNaN(n)) return "NaN";
    if (!Number.isFinite(n)) return n > 0 ? "Infinity" : "-Infinity";
    return numberStr(value);
  }
  const isArray = Array.isArray(value);
  if (!isArray && !isDict(value)) {
    throw typeError(`Object of type ${typeName(value)} is not JSON serializable`);
  }
  if (seen.has(value)) throw typeError("Circular reference detected");
  const items: string[] = [];
  seen.add(value);
  const inner = indent === undefined ? "" : prefix + indent;
  if (isArray) {
    for (const item of value) items.push(jsonDump(item, indent, inner, seen));
  } else {
    const entries = dictEntries(value).sort(([a], [b]) => pyCompare(a, b));
    for (const [key, item] of entries)
      items.push(`${jsonString(jsonKey(key))}: ${jsonDump(item, indent, inner, seen)}`);
  }
  seen.delete(value);
  const [open, close] = isArray ? ["[", "]"] : ["{", "}"];
  if (items.length === 0) return open + close;
  if (indent === undefined) return open + items.join(", ") + close;
  return `${open}\n${inner}${items.join(`,\n${inner}`)}\n${prefix}${close}`;
}
