/**
 * Turns template values back into plain data for callers: floats to numbers, Undefined to
 * undefined, dicts built in templates (Maps) and namespaces to plain objects, tuples to arrays.
 * Engine objects (macros, loop, bound methods) have no data form and become undefined.
 */
import { pyStr } from "./format.js";
import {
  Namespace,
  PyFloat,
  TemplateObject,
  Undefined,
  dictEntries,
  isPlainObject,
  tuples,
} from "./values.js";

function plainObject(entries: Iterable<[unknown, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(out, pyStr(key), {
      value: toNative(value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

export function toNative(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof PyFloat) return value.value;
  if (value instanceof Undefined || value instanceof TemplateObject) return undefined;
  if (value instanceof Map) return plainObject(value.entries());
  if (value instanceof Namespace) return plainObject(value.attrs.entries());
  if (Array.isArray(value)) {
    let changed = tuples.has(value);
    const items = value.map((item) => {
      const native = toNative(item);
      if (native !== item) changed = true;
      return native;
    });
    return changed ? items : value;
  }
  if (isPlainObject(value)) {
    const entries = dictEntries(value);
    const changed = entries.some(([, item]) => toNative(item) !== item);
    return changed ? plainObject(entries) : value;
  }
  return value;
}
