/** Jinja2's builtin filters on strings and numbers, ported from jinja2/filters.py. */
import { valueError } from "./errors.js";
import { pyRepr, pyStr, toJson } from "./format.js";
import { arg, PY_SPACE, pyCapitalize, pyCenter, pyReplace, pyStrip, splitLines } from "./methods.js";
import { formatFixed, percentFormat, roundHalfEven } from "./pyformat.js";
import {
  PyFloat,
  Undefined,
  chars,
  dictEntries,
  dictGet,
  isDict,
  isFloat,
  isNumber,
  isTuple,
  mkFloat,
  num,
  pyIter,
  tuple,
  MISSING,
} from "./values.js";
import type { Kwargs } from "./values.js";

export type FilterFunction = (value: unknown, args: unknown[], kwargs: Kwargs) => unknown;

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&#34;",
  "'": "&#39;",
};

export function htmlEscape(value: unknown): string {
  return pyStr(value).replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] as string);
}

const HTML_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
};

function htmlUnescape(text: string): string {
  return text.replace(/&(#\d+|#x[\da-f]+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith("#x") || entity.startsWith("#X"))
      return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith("#")) return String.fromCodePoint(Number(entity.slice(1)));
    return HTML_ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

function stripTags(text: string): string {
  let value = text;
  for (let start = value.indexOf("<!--"); start >= 0; start = value.indexOf("<!--")) {
    const end = value.indexOf("-->", start);
    if (end < 0) break;
    value = value.slice(0, start) + value.slice(end + 3);
  }
  for (let start = value.indexOf("<"); start >= 0; start = value.indexOf("<")) {
    const end = value.indexOf(">", start);
    if (end < 0) break;
    value = value.slice(0, start) + value.slice(end + 1);
  }
  return htmlUnescape(
    value
      .split(new RegExp(`[${PY_SPACE}]+`))
      .filter(Boolean)
      .join(" "),
  );
}

function urlQuote(value: unknown, forQuery: boolean): string {
  const bytes = new TextEncoder().encode(pyStr(value));
  let out = "";
  for (const byte of bytes) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.\-~]/.test(ch) || (!forQuery && ch === "/")) out += ch;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return forQuery ? out.replace(/%20/g, "+") : out;
}

function urlencode(value: unknown): string {
  if (typeof value === "string" || isNumber(value) || value === null) return urlQuote(value, false);
  const pairs = isDict(value) ? dictEntries(value) : (pyIter(value) as [unknown, unknown][]);
  return pairs.map(([key, item]) => `${urlQuote(key, true)}=${urlQuote(item, true)}`).join("&");
}

const INT_LITERAL: Record<number, RegExp> = {
  2: /^[01](_?[01])*$/,
  8: /^[0-7](_?[0-7])*$/,
  10: /^\d(_?\d)*$/,
  16: /^[\da-f](_?[\da-f])*$/i,
};
const PREFIXES: Record<string, number> = { "0x": 16, "0o": 8, "0b": 2 };

/** Python's `int(text, base)`; throws ValueError on anything Python would refuse. */
function parseIntText(text: string, base: number): number {
  let body = pyStrip(text, null);
  const sign = body.startsWith("-") ? -1 : 1;
  body = body.replace(/^[+-]/, "");
  let radix = base;
  const prefix = PREFIXES[body.slice(0, 2).toLowerCase()];
  if (prefix !== undefined && (base === 0 || base === prefix)) {
    radix = prefix;
    body = body.slice(2).replace(/^_/, "");
  } else if (base === 0) radix = 10;
  const pattern =
    INT_LITERAL[radix] ?? new RegExp(`^[${"0123456789abcdefghijklmnopqrstuvwxyz".slice(0, radix)}]+$`, "i");
  if (!pattern.test(body)) throw valueError(`invalid literal for int() with base ${base}: ${pyRepr(text)}`);
  return sign * parseInt(body.replace(/_/g, ""), radix);
}

const FLOAT_LITERAL = /^[+-]?(((\d(_?\d)*)?\.\d(_?\d)*|\d(_?\d)*\.?)(e[+-]?\d(_?\d)*)?|inf(inity)?|nan)$/i;

function parseFloatText(text: string): number {
  const body = pyStrip(text, null);
  if (!FLOAT_LITERAL.test(body)) throw valueError(`could not convert string to float: ${pyRepr(text)}`);
  const clean = body.replace(/_/g, "").toLowerCase();
  if (clean.endsWith("inf") || clean.endsWith("infinity"))
    return clean.startsWith("-") ? -Infinity : Infinity;
  if (clean.endsWith("nan")) return Number.NaN;
  return Number(clean);
}

/** Python's `float(value)`, as a number (throws ValueError/TypeError like Python). */
export function toFloat(value: unknown): number {
  if (value instanceof Undefined) value.fail();
  if (isNumber(value)) return num(value);
  if (typeof value === "string") return parseFloatText(value);
  throw valueError("float() argument must be a string or a real number");
}

function toInt(value: unknown, fallback: unknown, base: number): unknown {
  if (value instanceof Undefined) value.fail();
  if (typeof value === "string") {
    try {
      return parseIntText(value, base);
    } catch {
      try {
        const parsed = parseFloatText(value);
        return Number.isFinite(parsed) ? Math.trunc(parsed) : fallback;
      } catch {
        return fallback;
      }
    }
  }
  if (isNumber(value)) {
    const n = num(value);
    return Number.isFinite(n) ? Math.trunc(n) || 0 : fallback;
  }
  return fallback;
}

function round(value: unknown, precision: number, method: string): unknown {
  if (value instanceof Undefined) value.fail();
  if (!isNumber(value)) throw valueError(`type ${pyRepr(value)} doesn't define __round__ method`);
  if (method !== "common" && method !== "ceil" && method !== "floor") {
    throw valueError("method must be common, ceil or floor");
  }
  const n = num(value);
  if (method === "common") {
    if (!isFloat(value)) return precision >= 0 ? n : roundHalfEven(n, precision);
    return mkFloat(roundHalfEven(n, precision));
  }
  const factor = 10 ** precision;
  return mkFloat((method === "ceil" ? Math.ceil(n * factor) : Math.floor(n * factor)) / factor);
}

function truncate(value: unknown, args: unknown[], kwargs: Kwargs): string {
  const text = chars(pyStr(value));
  const length = Number(arg(args, kwargs, 0, "length", 255));
  const killwords = arg(args, kwargs, 1, "killwords", false);
  const end = pyStr(arg(args, kwargs, 2, "end", "..."));
  const leeway = Number(arg(args, kwargs, 3, "leeway", 5) ?? 5);
  const endLength = chars(end).length;
  if (length < endLength) throw valueError(`expected length >= ${endLength}, got ${length}`);
  if (text.length <= length + leeway) return text.join("");
  const head = text.slice(0, length - endLength).join("");
  if (killwords) return head + end;
  const space = head.lastIndexOf(" ");
  return (space < 0 ? head : head.slice(0, space)) + end;
}

function indent(value: unknown, args: unknown[], kwargs: Kwargs): string {
  const width = arg(args, kwargs, 0, "width", 4);
  const first = arg(args, kwargs, 1, "first", false);
  const blank = arg(args, kwargs, 2, "blank", false);
  const indention = typeof width === "string" ? width : " ".repeat(num(width as number));
  const lines = splitLines(`${pyStr(value)}\n`, false);
  let out: string;
  if (blank) out = lines.join(`\n${indention}`);
  else {
    const [head = "", ...rest] = lines;
    out = head + rest.map((line) => `\n${line ? indention + line : line}`).join("");
  }
  return first ? indention + out : out;
}

function fileSizeFormat(value: unknown, binary: boolean): string {
  const bytes = toFloat(value);
  const base = binary ? 1024 : 1000;
  const prefixes = binary
    ? ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"]
    : ["kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
  if (bytes === 1) return "1 Byte";
  if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
  let unit = base;
  for (const [index, prefix] of prefixes.entries()) {
    unit = base ** (index + 2);
    if (bytes < unit || index === prefixes.length - 1)
      return `${formatFixed((base * bytes) / unit, 1)} ${prefix}`;
  }
  return "";
}

function xmlattr(value: unknown, autospace: unknown): string {
  if (!isDict(value)) throw valueError("xmlattr expects a mapping");
  const items: string[] = [];
  for (const [key, item] of dictEntries(value)) {
    if (item === null || item instanceof Undefined) continue;
    if (/[\s/>=]/.test(pyStr(key))) throw valueError(`Invalid character in attribute name: ${pyRepr(key)}`);
    items.push(`${htmlEscape(key)}="${htmlEscape(item)}"`);
  }
  const out = items.join(" ");
  return autospace !== false && out ? ` ${out}` : out;
}

function sortedForPrint(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(sortedForPrint);
    return isTuple(value) ? tuple(items) : items;
  }
  if (isDict(value)) {
    const entries = dictEntries(value).map(([key, item]): [unknown, unknown] => [key, sortedForPrint(item)]);
    entries.sort(([a], [b]) => (pyStr(a) < pyStr(b) ? -1 : pyStr(a) > pyStr(b) ? 1 : 0));
    return new Map(entries);
  }
  return value;
}

export const TEXT_FILTERS: Record<string, FilterFunction> = {
  string: (value) => pyStr(value),
  lower: (value) => pyStr(value).toLowerCase(),
  upper: (value) => pyStr(value).toUpperCase(),
  capitalize: (value) => pyCapitalize(pyStr(value)),
  title: (value) =>
    pyStr(value)
      .split(/([-\s({[<]+)/u)
      .filter(Boolean)
      .map((item) => {
        const [first = "", ...rest] = chars(item);
        return first.toUpperCase() + rest.join("").toLowerCase();
      })
      .join(""),
  trim: (value, args, kwargs) => pyStrip(pyStr(value), arg(args, kwargs, 0, "chars")),
  replace: (value, args, kwargs) =>
    pyReplace(pyStr(value), pyStr(args[0]), pyStr(args[1]), Number(arg(args, kwargs, 2, "count", -1) ?? -1)),
  truncate,
  indent,
  center: (value, args, kwargs) => pyCenter(pyStr(value), Number(arg(args, kwargs, 0, "width", 80))),
  wordcount: (value) => (pyStr(value).match(/[\p{L}\p{N}_]+/gu) ?? []).length,
  escape: (value) => htmlEscape(value),
  e: (value) => htmlEscape(value),
  forceescape: (value) => htmlEscape(value),
  safe: (value) => pyStr(value),
  striptags: (value) => stripTags(pyStr(value)),
  urlencode: (value) => urlencode(value),
  xmlattr: (value, args, kwargs) => xmlattr(value, arg(args, kwargs, 0, "autospace", true)),
  format: (value, args, kwargs) => {
    if (args.length > 0 && kwargs.size > 0)
      throw valueError("can't handle positional and keyword arguments at the same time");
    const values = kwargs.size > 0 ? new Map<unknown, unknown>(kwargs) : tuple(args);
    return percentFormat(pyStr(value), values, (key) => {
      const item = values instanceof Map ? dictGet(values, key) : MISSING;
      if (item === MISSING) throw valueError(`KeyError: ${pyRepr(key)}`);
      return item;
    });
  },
  tojson: (value, args, kwargs) => {
    const indentArg = arg(args, kwargs, 0, "indent", null);
    const indentText =
      indentArg === null
        ? undefined
        : typeof indentArg === "string"
          ? indentArg
          : " ".repeat(num(indentArg as number));
    return toJson(value, indentText);
  },
  pprint: (value) => pyRepr(sortedForPrint(value)),
  int: (value, args, kwargs) =>
    toInt(value, arg(args, kwargs, 0, "default", 0), Number(arg(args, kwargs, 1, "base", 10))),
  float: (value, args, kwargs) => {
    try {
      return mkFloat(toFloat(value));
    } catch (error) {
      if (value instanceof Undefined) throw error;
      return arg(args, kwargs, 0, "default", new PyFloat(0));
    }
  },
  round: (value, args, kwargs) =>
    round(
      value,
      Number(arg(args, kwargs, 0, "precision", 0)),
      pyStr(arg(args, kwargs, 1, "method", "common")),
    ),
  abs: (value) => {
    if (value instanceof Undefined) value.fail();
    if (!isNumber(value)) throw valueError(`bad operand type for abs(): '${pyRepr(value)}'`);
    const n = Math.abs(num(value));
    return isFloat(value) ? mkFloat(n) : n;
  },
  filesizeformat: (value, args, kwargs) =>
    fileSizeFormat(value, arg(args, kwargs, 0, "binary", false) === true),
};
