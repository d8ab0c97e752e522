/**
 * The Python methods a template may call on strings, lists and dicts (`s.upper()`,
 * `d.items()`, `l.append(x)`). This table is the whole surface: nothing of JavaScript's own
 * String/Array/Object prototypes is reachable from a template.
 */
import { TemplateError, typeError, valueError } from "./errors.js";
import { pyRepr, pyStr } from "./format.js";
import { formatSpec } from "./pyformat.js";
import {
  Callable,
  MISSING,
  chars,
  dictEntries,
  dictGet,
  dictKeys,
  dictSet,
  isDict,
  isInt,
  pyBool,
  pyCompare,
  pyEq,
  pyIter,
  tuple,
  typeName,
} from "./values.js";
import type { Kwargs, PyDict } from "./values.js";

type Method<T> = (self: T, args: unknown[], kwargs: Kwargs) => unknown;

/** Positional argument `index`, else keyword `name`, else `fallback`. */
export function arg(
  args: readonly unknown[],
  kwargs: Kwargs,
  index: number,
  name: string,
  fallback?: unknown,
): unknown {
  if (index < args.length) return args[index];
  if (kwargs.has(name)) return kwargs.get(name);
  return fallback;
}

export const PY_SPACE =
  "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const SPACE_RUN = new RegExp(`[${PY_SPACE}]+`);

function escapeClass(text: string): string {
  return text.replace(/[\\\]^-]/g, "\\$&");
}

export function pyStrip(text: string, chars: unknown, side: "both" | "left" | "right" = "both"): string {
  const set = chars === undefined || chars === null ? PY_SPACE : escapeClass(pyStr(chars));
  if (set === "") return text;
  let out = text;
  if (side !== "right") out = out.replace(new RegExp(`^[${set}]+`, "u"), "");
  if (side !== "left") out = out.replace(new RegExp(`[${set}]+$`, "u"), "");
  return out;
}

export function pySplit(text: string, sep: unknown, maxsplit: number): string[] {
  if (sep === undefined || sep === null) {
    const parts: string[] = [];
    let rest = pyStrip(text, null, "left");
    while (rest.length > 0) {
      const match = SPACE_RUN.exec(rest);
      if (match === null || (maxsplit >= 0 && parts.length === maxsplit)) {
        parts.push(rest);
        break;
      }
      parts.push(rest.slice(0, match.index));
      rest = rest.slice(match.index + match[0].length);
    }
    return parts;
  }
  const separator = pyStr(sep);
  if (separator === "") throw valueError("empty separator");
  const parts = text.split(separator);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(separator)];
}

function pyRsplit(text: string, sep: unknown, maxsplit: number): string[] {
  if (maxsplit < 0) return pySplit(text, sep, -1);
  if (sep === undefined || sep === null) {
    const reversed = pySplit([...text].reverse().join(""), null, maxsplit);
    return reversed.map((part) => [...part].reverse().join("")).reverse();
  }
  const separator = pyStr(sep);
  const parts = pySplit(text, separator, -1);
  if (parts.length <= maxsplit + 1) return parts;
  return [parts.slice(0, parts.length - maxsplit).join(separator), ...parts.slice(parts.length - maxsplit)];
}

export function pyReplace(text: string, old: string, replacement: string, count: number): string {
  if (count < 0) {
    if (old === "") return replacement + chars(text).join(replacement) + (text === "" ? "" : replacement);
    return text.split(old).join(replacement);
  }
  let out = "";
  let rest = text;
  for (let done = 0; done < count; done++) {
    const at = old === "" ? (done === 0 ? 0 : Math.min(1, rest.length)) : rest.indexOf(old);
    if (at < 0 || (old === "" && done > 0 && rest.length === 0)) break;
    out += rest.slice(0, at) + replacement;
    rest = rest.slice(at + old.length);
  }
  return out + rest;
}

/** Python's line boundaries include the ASCII file, group and record separators. */
const SEPARATORS = "\\x1c-\\x1e";
const LINE_BREAK = new RegExp(`\\r\\n|[\\n\\r\\v\\f${SEPARATORS}\\x85\\u2028\\u2029]`, "gu");

/** Python's `str.splitlines()`. */
export function splitLines(text: string, keepends: boolean): string[] {
  const lines: string[] = [];
  let start = 0;
  for (const match of text.matchAll(LINE_BREAK)) {
    const end = match.index + match[0].length;
    lines.push(text.slice(start, keepends ? end : match.index));
    start = end;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

function isCased(ch: string): boolean {
  return ch.toLowerCase() !== ch.toUpperCase();
}

export function pyTitle(text: string): string {
  let out = "";
  let previousCased = false;
  for (const ch of text) {
    const cased = isCased(ch);
    out += cased ? (previousCased ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    previousCased = cased;
  }
  return out;
}

export function pyCapitalize(text: string): string {
  const [first = "", ...rest] = chars(text);
  return first.toUpperCase() + rest.join("").toLowerCase();
}

export function pyCenter(text: string, width: number, fill = " "): string {
  const padding = width - chars(text).length;
  if (padding <= 0) return text;
  const left = Math.floor(padding / 2) + (padding & width & 1);
  return fill.repeat(left) + text + fill.repeat(padding - left);
}

function prefixes(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((item) => pyStr(item));
  if (typeof value !== "string")
    throw typeError(`startswith first arg must be str or a tuple of str, not ${typeName(value)}`);
  return [value];
}

function findIn(text: string, args: unknown[], fromRight: boolean): number {
  const sub = pyStr(args[0]);
  const start = isInt(args[1]) ? args[1] : 0;
  const slice = isInt(args[2]) ? text.slice(0, args[2]) : text;
  const at = fromRight ? slice.lastIndexOf(sub) : slice.indexOf(sub, start);
  return at >= start ? at : -1;
}

function predicate(test: (text: string) => boolean): Method<string> {
  return (self) => self.length > 0 && test(self);
}

const STRING_METHODS: Record<string, Method<string>> = {
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  casefold: (s) => s.toLowerCase(),
  swapcase: (s) =>
    [...s].map((ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase())).join(""),
  title: (s) => pyTitle(s),
  capitalize: (s) => pyCapitalize(s),
  strip: (s, a, k) => pyStrip(s, arg(a, k, 0, "chars")),
  lstrip: (s, a, k) => pyStrip(s, arg(a, k, 0, "chars"), "left"),
  rstrip: (s, a, k) => pyStrip(s, arg(a, k, 0, "chars"), "right"),
  split: (s, a, k) => pySplit(s, arg(a, k, 0, "sep"), Number(arg(a, k, 1, "maxsplit", -1))),
  rsplit: (s, a, k) => pyRsplit(s, arg(a, k, 0, "sep"), Number(arg(a, k, 1, "maxsplit", -1))),
  splitlines: (s, a, k) => splitLines(s, pyBool(arg(a, k, 0, "keepends", false))),
  startswith: (s, a) => prefixes(a[0]).some((prefix) => s.startsWith(prefix, isInt(a[1]) ? a[1] : 0)),
  endswith: (s, a) => prefixes(a[0]).some((suffix) => s.endsWith(suffix)),
  replace: (s, a, k) => pyReplace(s, pyStr(a[0]), pyStr(a[1]), Number(arg(a, k, 2, "count", -1))),
  find: (s, a) => findIn(s, a, false),
  rfind: (s, a) => findIn(s, a, true),
  index: (s, a) => {
    const at = findIn(s, a, false);
    if (at < 0) throw valueError("substring not found");
    return at;
  },
  count: (s, a) => {
    const sub = pyStr(a[0]);
    return sub === "" ? chars(s).length + 1 : s.split(sub).length - 1;
  },
  join: (s, a) =>
    pyIter(a[0])
      .map((item, index) => {
        if (typeof item !== "string")
          throw typeError(`sequence item ${index}: expected str instance, ${typeName(item)} found`);
        return item;
      })
      .join(s),
  format: (s, a, k) => strFormat(s, a, k),
  zfill: (s, a) => {
    const width = Number(a[0]);
    const sign = /^[+-]/.test(s) ? (s[0] ?? "") : "";
    const body = s.slice(sign.length);
    return sign + body.padStart(width - sign.length, "0");
  },
  center: (s, a) => pyCenter(s, Number(a[0]), a[1] === undefined ? " " : pyStr(a[1])),
  ljust: (s, a) => s.padEnd(Number(a[0]), a[1] === undefined ? " " : pyStr(a[1])),
  rjust: (s, a) => s.padStart(Number(a[0]), a[1] === undefined ? " " : pyStr(a[1])),
  isdigit: predicate((s) => /^\p{Nd}+$/u.test(s)),
  isdecimal: predicate((s) => /^\p{Nd}+$/u.test(s)),
  isnumeric: predicate((s) => /^\p{N}+$/u.test(s)),
  isalpha: predicate((s) => /^\p{L}+$/u.test(s)),
  isalnum: predicate((s) => /^[\p{L}\p{N}]+$/u.test(s)),
  isspace: predicate((s) => new RegExp(`^[${PY_SPACE}]+$`).test(s)),
  islower: (s) => s.toLowerCase() === s && s.toUpperCase() !== s,
  isupper: (s) => s.toUpperCase() === s && s.toLowerCase() !== s,
  partition: (s, a) => {
    const sep = pyStr(a[0]);
    const at = s.indexOf(sep);
    return tuple(at < 0 ? [s, "", ""] : [s.slice(0, at), sep, s.slice(at + sep.length)]);
  },
  rpartition: (s, a) => {
    const sep = pyStr(a[0]);
    const at = s.lastIndexOf(sep);
    return tuple(at < 0 ? ["", "", s] : [s.slice(0, at), sep, s.slice(at + sep.length)]);
  },
};

function indexOf(list: unknown[], item: unknown): number {
  const at = list.findIndex((element) => pyEq(element, item));
  if (at < 0) throw valueError(`${pyRepr(item)} is not in list`);
  return at;
}

const TUPLE_METHODS: Record<string, Method<unknown[]>> = {
  index: (l, a) => indexOf(l, a[0]),
  count: (l, a) => l.filter((element) => pyEq(element, a[0])).length,
};

const LIST_METHODS: Record<string, Method<unknown[]>> = {
  ...TUPLE_METHODS,
  append: (l, a) => {
    l.push(a[0]);
    return null;
  },
  extend: (l, a) => {
    l.push(...pyIter(a[0]));
    return null;
  },
  insert: (l, a) => {
    const at = Number(a[0]);
    l.splice(at < 0 ? Math.max(0, l.length + at) : at, 0, a[1]);
    return null;
  },
  pop: (l, a) => {
    if (l.length === 0) throw new TemplateError("TemplateRuntimeError", "pop from empty list");
    const at = a.length > 0 ? Number(a[0]) : -1;
    const index = at < 0 ? l.length + at : at;
    if (index < 0 || index >= l.length)
      throw new TemplateError("TemplateRuntimeError", "pop index out of range");
    return l.splice(index, 1)[0];
  },
  remove: (l, a) => {
    l.splice(indexOf(l, a[0]), 1);
    return null;
  },
  copy: (l) => l.slice(),
  reverse: (l) => {
    l.reverse();
    return null;
  },
  sort: (l, a, k) => {
    l.sort((x, y) => pyCompare(x, y));
    if (arg(a, k, 1, "reverse", false)) l.reverse();
    return null;
  },
  clear: (l) => {
    l.length = 0;
    return null;
  },
};

function dictDelete(dict: PyDict, key: unknown): void {
  if (dict instanceof Map) dict.delete(key);
  else if (typeof key === "string") delete dict[key];
}

const DICT_METHODS: Record<string, Method<PyDict>> = {
  keys: (d) => dictKeys(d),
  values: (d) => dictEntries(d).map(([, value]) => value),
  items: (d) => dictEntries(d).map((entry) => tuple(entry)),
  get: (d, a, k) => {
    const value = dictGet(d, a[0]);
    return value === MISSING ? arg(a, k, 1, "default", null) : value;
  },
  copy: (d) => new Map(dictEntries(d)),
  pop: (d, a) => {
    const value = dictGet(d, a[0]);
    if (value === MISSING) {
      if (a.length > 1) return a[1];
      throw new TemplateError("TemplateRuntimeError", `KeyError: ${pyRepr(a[0])}`);
    }
    dictDelete(d, a[0]);
    return value;
  },
  setdefault: (d, a) => {
    const value = dictGet(d, a[0]);
    if (value !== MISSING) return value;
    dictSet(d, a[0], a[1] ?? null);
    return a[1] ?? null;
  },
  update: (d, a, k) => {
    const other = a[0];
    if (isDict(other)) for (const [key, value] of dictEntries(other)) dictSet(d, key, value);
    else if (other !== undefined)
      for (const pair of pyIter(other)) dictSet(d, (pair as unknown[])[0], (pair as unknown[])[1]);
    for (const [key, value] of k) dictSet(d, key, value);
    return null;
  },
  clear: (d) => {
    for (const key of dictKeys(d)) dictDelete(d, key);
    return null;
  },
};

function bind<T>(table: Record<string, Method<T>>, self: T, name: string): Callable | undefined {
  if (!Object.hasOwn(table, name)) return undefined;
  const method = table[name] as Method<T>;
  return new Callable(name, (args, kwargs) => method(self, args, kwargs));
}

/** The bound Python method `name` of `value`, if a template may call it. */
export function pyMethod(value: unknown, name: string, isTupleValue: boolean): Callable | undefined {
  if (typeof value === "string") return bind(STRING_METHODS, value, name);
  if (Array.isArray(value)) return bind(isTupleValue ? TUPLE_METHODS : LIST_METHODS, value, name);
  if (isDict(value)) return bind(DICT_METHODS, value, name);
  return undefined;
}

export type FieldLookup = (value: unknown, field: string, isIndex: boolean) => unknown;

/** Python's `str.format`: `{}`, `{0}`, `{name}`, `{0.attr}`, `{0[key]}`, `!r`, `:spec`. */
export function strFormat(format: string, args: unknown[], kwargs: Kwargs, lookup?: FieldLookup): string {
  let auto = 0;
  let manual = false;
  return format.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (whole, field: string | undefined) => {
    if (whole === "{{") return "{";
    if (whole === "}}") return "}";
    const match = /^([^!:.[]*)((?:\.[^!:.[]+|\[[^\]]*\])*)(?:!([rsa]))?(?::(.*))?$/s.exec(field ?? "");
    if (!match) throw valueError(`invalid format field '${field ?? ""}'`);
    const [, head = "", path = "", conversion, spec = ""] = match;
    let value: unknown;
    if (head === "" || /^\d+$/.test(head)) {
      const numbering = head === "" ? "automatic" : "manual";
      if ((numbering === "automatic" && manual) || (numbering === "manual" && auto > 0)) {
        throw valueError("cannot switch from manual field specification to automatic field numbering");
      }
      manual ||= numbering === "manual";
      value = args[head === "" ? auto++ : Number(head)];
    } else value = kwargs.has(head) ? kwargs.get(head) : undefined;
    if (value === undefined)
      throw new TemplateError("TemplateRuntimeError", `format field '${head}' has no value`);
    for (const part of path.match(/\.[^.[]+|\[[^\]]*\]/g) ?? []) {
      if (!lookup) throw valueError("attribute access in format fields is not supported here");
      value = part.startsWith(".")
        ? lookup(value, part.slice(1), false)
        : lookup(value, part.slice(1, -1), true);
    }
    const text =
      conversion === "r" || conversion === "a" ? pyRepr(value) : conversion === "s" ? pyStr(value) : value;
    return formatSpec(text, spec);
  });
}
