/**
 * `obj.attr` and `obj[key]`: the sandbox's single gate to data. A template sees own data
 * properties of plain objects and arrays, the Python methods in methods.ts, and the attributes
 * engine objects expose; nothing else. Like Jinja2's SandboxedEnvironment, `__dunder__` names are
 * unsafe (they print as "" and fail when used), and a miss yields Undefined, not an exception.
 */
import { pyRepr } from "./format.js";
import { pyMethod, strFormat } from "./methods.js";
import {
  Callable,
  MISSING,
  Namespace,
  TemplateObject,
  Undefined,
  chars,
  dictGet,
  groupTuples,
  isDict,
  isInt,
  isTuple,
  num,
  objectTypeRepr,
  tuple,
  typeName,
} from "./values.js";
import { valueError } from "./errors.js";

/** A `[start:stop:step]` key. */
export class SliceKey {
  constructor(
    readonly start: unknown,
    readonly stop: unknown,
    readonly step: unknown,
  ) {}
}

function unsafe(obj: unknown, name: string): Undefined {
  return new Undefined(
    `access to attribute '${name}' of '${typeName(obj)}' object is unsafe.`,
    "SecurityError",
  );
}

function missingAttribute(obj: unknown, name: unknown): Undefined {
  const what = typeof name === "string" ? "attribute" : "element";
  return new Undefined(`'${objectTypeRepr(obj)}' has no ${what} ${pyRepr(name)}`);
}

const DUNDER = /^__.*__$/s;
/** Attributes every Python object has: on Undefined they are unsafe, other dunders fail. */
const OBJECT_DUNDERS = new Set(
  "class doc init dict module repr str eq ne lt le gt ge hash dir format new reduce reduce_ex sizeof getattribute setattr delattr subclasshook init_subclass"
    .split(" ")
    .map((name) => `__${name}__`),
);

/** Attributes proper (methods, engine attributes), without the item fallback. */
export function getAttrOnly(obj: unknown, name: string): unknown {
  if (obj instanceof Undefined && !OBJECT_DUNDERS.has(name)) obj.fail();
  if (DUNDER.test(name)) return unsafe(obj, name);
  if (typeof obj === "string" && name === "format") {
    return new Callable("format", (args, kwargs) => strFormat(obj, args, kwargs, formatField));
  }
  const method = pyMethod(obj, name, isTuple(obj));
  if (method !== undefined) return method;
  if (obj instanceof TemplateObject) {
    const value = obj.attr(name);
    if (value !== MISSING) return value;
  } else if (obj instanceof Namespace) {
    if (obj.attrs.has(name)) return obj.attrs.get(name);
  } else if (Array.isArray(obj) && groupTuples.has(obj) && (name === "grouper" || name === "list")) {
    return obj[name === "grouper" ? 0 : 1];
  }
  return MISSING;
}

/** `obj.name`: Jinja2 tries the attribute first, then the item. */
export function getAttr(obj: unknown, name: string): unknown {
  const value = getAttrOnly(obj, name);
  if (value !== MISSING) return value;
  if (isDict(obj)) {
    const item = dictGet(obj, name);
    if (item !== MISSING) return item;
  }
  return missingAttribute(obj, name);
}

/** `obj[key]`: Jinja2 tries the item first, then (for string keys) the attribute. */
export function getItem(obj: unknown, key: unknown): unknown {
  if (obj instanceof Undefined) obj.fail();
  if (key instanceof SliceKey) return slice(obj, key);
  if (isDict(obj)) {
    const item = dictGet(obj, key);
    if (item !== MISSING) return item;
  } else if ((Array.isArray(obj) || typeof obj === "string") && (isInt(key) || typeof key === "boolean")) {
    const items = typeof obj === "string" ? chars(obj) : obj;
    const index = num(key);
    const at = index < 0 ? items.length + index : index;
    if (at >= 0 && at < items.length) return items[at];
  }
  if (typeof key === "string") {
    const value = getAttrOnly(obj, key);
    if (value !== MISSING) return value;
  }
  return missingAttribute(obj, key);
}

function sliceIndex(value: unknown, what: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (isInt(value) || typeof value === "boolean") return num(value);
  throw valueError(`slice ${what} must be an integer or None, not ${typeName(value)}`);
}

/** Python slicing of lists, tuples and strings. */
export function slice(obj: unknown, key: SliceKey): unknown {
  const items = typeof obj === "string" ? chars(obj) : Array.isArray(obj) ? obj : undefined;
  if (items === undefined) return missingAttribute(obj, "slice");
  const step = sliceIndex(key.step, "step") ?? 1;
  if (step === 0) throw valueError("slice step cannot be zero");
  const length = items.length;
  const clamp = (value: number | undefined, fallback: number, low: number, high: number): number => {
    if (value === undefined) return fallback;
    const index = value < 0 ? value + length : value;
    return Math.min(Math.max(index, low), high);
  };
  const out: unknown[] = [];
  if (step > 0) {
    const start = clamp(sliceIndex(key.start, "start"), 0, 0, length);
    const stop = clamp(sliceIndex(key.stop, "stop"), length, 0, length);
    for (let index = start; index < stop; index += step) out.push(items[index]);
  } else {
    const start = clamp(sliceIndex(key.start, "start"), length - 1, -1, length - 1);
    const stop = clamp(sliceIndex(key.stop, "stop"), -1, -1, length - 1);
    for (let index = start; index > stop; index += step) out.push(items[index]);
  }
  if (typeof obj === "string") return out.join("");
  return isTuple(obj) ? tuple(out) : out;
}

/** `{0.attr}` / `{0[key]}` in `str.format`, through the same gate. */
function formatField(value: unknown, field: string, isIndex: boolean): unknown {
  if (!isIndex) return getAttr(value, field);
  return getItem(value, /^\d+$/.test(field) ? Number(field) : field);
}
