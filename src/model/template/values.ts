/**
 * Python's value model on top of JavaScript values, so templates print and compare like Jinja2.
 *
 * - None is `null`; bool, str, list and dict are JS booleans, strings, arrays and plain objects
 *   (context data) or `Map`s (dicts a template builds, which keep non-string keys and order).
 * - int is an integral JS number; float is a non-integral number or, when its value is integral
 *   (`1.0`, `4 / 2`), a `PyFloat` box, so that it still prints as `1.0`.
 * - A tuple is an array registered in `tuples`; Jinja2's Undefined is the `Undefined` class.
 */
import { TemplateError, typeError } from "./errors.js";

export class PyFloat {
  constructor(readonly value: number) {}
}

/** Jinja2's default Undefined: prints as "", is falsy and empty, fails on any other use. */
export class Undefined {
  constructor(
    readonly message: string,
    readonly kind: "UndefinedError" | "SecurityError" = "UndefinedError",
  ) {}
  fail(): never {
    throw new TemplateError(this.kind, this.message);
  }
}

export type Kwargs = Map<string, unknown>;

/** An engine object with attributes a template may read (loop, cycler, imported module…). */
export abstract class TemplateObject {
  abstract readonly pyType: string;
  /** The attribute's value, or MISSING. */
  attr(_name: string): unknown {
    return MISSING;
  }
}

/** Anything a template may call: globals, bound methods, macros, `loop`, `caller`, `super`. */
export class Callable extends TemplateObject {
  readonly pyType: string = "function";
  constructor(
    readonly name: string,
    readonly fn: (args: unknown[], kwargs: Kwargs) => unknown,
  ) {
    super();
  }
  call(args: unknown[], kwargs: Kwargs): unknown {
    return this.fn(args, kwargs);
  }
}

/** The object `namespace()` returns: the one thing `{% set ns.attr = … %}` may change. */
export class Namespace {
  readonly attrs = new Map<string, unknown>();
}

export const tuples = new WeakSet<readonly unknown[]>();
/** groupby's results: tuples that also answer to `.grouper` and `.list`. */
export const groupTuples = new WeakSet<readonly unknown[]>();

export function tuple<T extends unknown[]>(items: T): T {
  tuples.add(items);
  return items;
}

/** The marker for "no such key" in dict look-ups (distinct from a stored None). */
export const MISSING: unique symbol = Symbol("missing");

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isList(value: unknown): value is unknown[] {
  return Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype;
}

export function isTuple(value: unknown): boolean {
  return Array.isArray(value) && tuples.has(value);
}

export type PyDict = Map<unknown, unknown> | Record<string, unknown>;

export function isDict(value: unknown): value is PyDict {
  return value instanceof Map || isPlainObject(value);
}

/** An own data property of a plain object; getters and inherited properties are invisible. */
export function ownValue(object: object, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(object, key);
  if (descriptor === undefined || !("value" in descriptor) || descriptor.value === undefined) return MISSING;
  return descriptor.value;
}

export function dictGet(dict: PyDict, key: unknown): unknown {
  if (dict instanceof Map) {
    const normal = key instanceof PyFloat ? key.value : key;
    return dict.has(normal) ? dict.get(normal) : MISSING;
  }
  return typeof key === "string" ? ownValue(dict, key) : MISSING;
}

export function dictKeys(dict: PyDict): unknown[] {
  if (dict instanceof Map) return [...dict.keys()];
  return Object.keys(dict).filter((key) => ownValue(dict, key) !== MISSING);
}

export function dictEntries(dict: PyDict): [unknown, unknown][] {
  if (dict instanceof Map) return [...dict.entries()];
  const entries: [unknown, unknown][] = [];
  for (const key of Object.keys(dict)) {
    const value = ownValue(dict, key);
    if (value !== MISSING) entries.push([key, value]);
  }
  return entries;
}

export function dictSet(dict: PyDict, key: unknown, value: unknown): void {
  if (dict instanceof Map) dict.set(key instanceof PyFloat ? key.value : key, value);
  else if (typeof key === "string")
    Object.defineProperty(dict, key, { value, writable: true, enumerable: true, configurable: true });
  else throw typeError("keys of this dict must be strings");
}

export function isNumber(value: unknown): value is number | boolean | PyFloat {
  return typeof value === "number" || typeof value === "boolean" || value instanceof PyFloat;
}

export function num(value: number | boolean | PyFloat): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  return value.value;
}

export function isFloat(value: unknown): boolean {
  return value instanceof PyFloat || (typeof value === "number" && !Number.isInteger(value));
}

export function isInt(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value);
}

/** A float result: boxed when integral so it keeps printing as a float. */
export function mkFloat(value: number): number | PyFloat {
  return Number.isInteger(value) ? new PyFloat(value) : value;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** A string's characters as Python counts them (code points). */
export function chars(text: string): string[] {
  return SURROGATE.test(text) ? Array.from(text) : text.split("");
}

export function strLen(text: string): number {
  return SURROGATE.test(text) ? Array.from(text).length : text.length;
}

export function typeName(value: unknown): string {
  if (value === null || value === undefined) return "NoneType";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "string") return "str";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (value instanceof PyFloat) return "float";
  if (value instanceof Undefined) return "Undefined";
  if (Array.isArray(value)) return tuples.has(value) ? "tuple" : "list";
  if (isDict(value)) return "dict";
  if (value instanceof Namespace) return "Namespace";
  if (value instanceof TemplateObject) return value.pyType;
  return "object";
}

/** Jinja2's `object_type_repr`, used in "'dict object' has no attribute 'x'". */
export function objectTypeRepr(value: unknown): string {
  return value === null || value === undefined ? "None" : `${typeName(value)} object`;
}

export function pyBool(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false;
  if (value === true) return true;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return value.length > 0;
  if (value instanceof PyFloat) return value.value !== 0;
  if (value instanceof Undefined) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map) return value.size > 0;
  if (isPlainObject(value)) {
    for (const key in value) if (ownValue(value, key) !== MISSING) return true;
    return false;
  }
  return true;
}

/** Python's `len()`. */
export function pyLen(value: unknown): number {
  if (typeof value === "string") return strLen(value);
  if (Array.isArray(value)) return value.length;
  if (value instanceof Map) return value.size;
  if (isPlainObject(value)) return dictKeys(value).length;
  if (value instanceof Undefined) return 0;
  throw typeError(`object of type '${typeName(value)}' has no len()`);
}

/** Python's `iter()`, materialised: lists, tuples, dict keys, a string's characters. */
export function pyIter(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.slice();
  if (typeof value === "string") return chars(value);
  if (isDict(value)) return dictKeys(value);
  if (value instanceof Undefined) return [];
  throw typeError(`'${typeName(value)}' object is not iterable`);
}

export function pyEq(a: unknown, b: unknown): boolean {
  if (a === b) return !(typeof a === "number" && Number.isNaN(a));
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (isNumber(a) && isNumber(b)) return num(a) === num(b);
  if (a instanceof Undefined || b instanceof Undefined)
    return a instanceof Undefined && b instanceof Undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (tuples.has(a) !== tuples.has(b) || a.length !== b.length) return false;
    return a.every((item, index) => pyEq(item, b[index]));
  }
  if (isDict(a) && isDict(b)) {
    const entries = dictEntries(a);
    if (entries.length !== dictKeys(b).length) return false;
    return entries.every(([key, value]) => {
      const other = dictGet(b, key);
      return other !== MISSING && pyEq(value, other);
    });
  }
  return false;
}

/** Python's ordering: negative, zero or positive (NaN when unordered); TypeError across types. */
export function pyCompare(a: unknown, b: unknown, op = "<"): number {
  if (isNumber(a) && isNumber(b)) {
    const x = num(a);
    const y = num(b);
    return x < y ? -1 : x > y ? 1 : x === y ? 0 : Number.NaN;
  }
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b) && tuples.has(a) === tuples.has(b)) {
    const shared = Math.min(a.length, b.length);
    for (let index = 0; index < shared; index++) {
      if (!pyEq(a[index], b[index])) return pyCompare(a[index], b[index], op);
    }
    return a.length - b.length;
  }
  if (a instanceof Undefined) a.fail();
  if (b instanceof Undefined) b.fail();
  throw typeError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/** `in`: substring, list membership or dict key. */
export function pyContains(container: unknown, item: unknown): boolean {
  if (typeof container === "string") {
    if (typeof item !== "string")
      throw typeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((element) => pyEq(element, item));
  if (isDict(container)) return dictGet(container, item) !== MISSING;
  if (container instanceof Undefined) return false;
  throw typeError(`argument of type '${typeName(container)}' is not iterable`);
}
