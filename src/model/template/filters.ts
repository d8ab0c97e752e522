/** Jinja2's builtin filters on sequences and mappings, and the registry of all filters. */
import { getAttrOnly, getItem } from "./access.js";
import { runtimeError, typeError, valueError } from "./errors.js";
import { TEXT_FILTERS } from "./filters-text.js";
import type { FilterFunction } from "./filters-text.js";
import { pyRepr, pyStr } from "./format.js";
import { arg } from "./methods.js";
import { binary } from "./operators.js";
import { TESTS, knownFilterNames } from "./tests.js";
import {
  MISSING,
  Undefined,
  dictEntries,
  groupTuples,
  isDict,
  isNumber,
  isTuple,
  num,
  objectTypeRepr,
  pyBool,
  pyCompare,
  pyIter,
  pyLen,
  tuple,
  typeName,
} from "./values.js";
import type { Kwargs } from "./values.js";

export type { FilterFunction };
type Getter = (item: unknown) => unknown;

function attributeParts(attribute: unknown): unknown[] {
  if (attribute === undefined || attribute === null) return [];
  if (typeof attribute !== "string") return [attribute];
  return attribute.split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

const ignoreCase = (value: unknown): unknown => (typeof value === "string" ? value.toLowerCase() : value);

/** Jinja2's make_attrgetter: "a.b.0" walks items; `default` replaces an Undefined result. */
function attrGetter(attribute: unknown, postprocess?: Getter, fallback?: unknown): Getter {
  const parts = attributeParts(attribute);
  return (item) => {
    let value = item;
    for (const part of parts) {
      value = getItem(value, part);
      if (fallback !== undefined && fallback !== null && value instanceof Undefined) value = fallback;
    }
    return postprocess ? postprocess(value) : value;
  };
}

function multiAttrGetter(attribute: unknown, postprocess?: Getter): Getter {
  const getters = (typeof attribute === "string" ? attribute.split(",") : [attribute]).map((part) =>
    attrGetter(part, postprocess),
  );
  return (item) => getters.map((getter) => getter(item));
}

function caseGetter(attribute: unknown, caseSensitive: unknown, fallback?: unknown): Getter {
  return attrGetter(attribute, caseSensitive ? undefined : ignoreCase, fallback);
}

function sortBy<T>(items: T[], key: (item: T) => unknown, reverse: boolean): T[] {
  const keyed = items.map((item) => ({ item, key: key(item) }));
  keyed.sort((a, b) => (reverse ? -1 : 1) * (pyCompare(a.key, b.key) || 0));
  return keyed.map(({ item }) => item);
}

/** A hashable key for `unique`, so that 1, 1.0 and True collide as they do in Python. */
function hashKey(value: unknown): string {
  if (value === null) return "None";
  if (isNumber(value)) return `n:${num(value)}`;
  if (typeof value === "string") return `s:${value}`;
  if (isTuple(value)) return `t:(${(value as unknown[]).map(hashKey).join(",")})`;
  if (value instanceof Undefined) return "Undefined";
  throw typeError(`unhashable type: '${typeName(value)}'`);
}

export function callFilter(name: string, value: unknown, args: unknown[], kwargs: Kwargs): unknown {
  if (!Object.hasOwn(FILTERS, name)) throw runtimeError(`No filter named '${name}'.`);
  return (FILTERS[name] as FilterFunction)(value, args, kwargs);
}

export function callTest(name: string, value: unknown, args: unknown[], kwargs: Kwargs): boolean {
  if (!Object.hasOwn(TESTS, name)) throw runtimeError(`No test named '${name}'.`);
  return (TESTS[name] as (value: unknown, args: unknown[], kwargs: Kwargs) => boolean)(value, args, kwargs);
}

function mapper(args: unknown[], kwargs: Kwargs): Getter {
  if (args.length === 0 && kwargs.has("attribute")) {
    const rest = [...kwargs.keys()].filter((key) => key !== "attribute" && key !== "default");
    if (rest.length > 0) throw runtimeError(`Unexpected keyword argument '${rest[0]}'`);
    return attrGetter(kwargs.get("attribute"), undefined, kwargs.get("default"));
  }
  if (args.length === 0) throw runtimeError("map requires a filter argument");
  const [name, ...rest] = args;
  return (item) => callFilter(pyStr(name), item, rest, kwargs);
}

function selector(
  args: unknown[],
  kwargs: Kwargs,
  byAttribute: boolean,
  keep: boolean,
): (item: unknown) => boolean {
  let transform: Getter = (item) => item;
  let offset = 0;
  if (byAttribute) {
    if (args.length === 0) throw runtimeError("Missing parameter for attribute name");
    transform = attrGetter(args[0]);
    offset = 1;
  }
  const testName = args[offset];
  const testArgs = args.slice(offset + 1);
  const test =
    testName === undefined
      ? pyBool
      : (value: unknown): boolean => callTest(pyStr(testName), value, testArgs, kwargs);
  return (item) => test(transform(item)) === keep;
}

function minOrMax(value: unknown, args: unknown[], kwargs: Kwargs, sign: 1 | -1): unknown {
  const items = pyIter(value);
  if (items.length === 0) return new Undefined("No aggregated item, sequence was empty.");
  const key = caseGetter(arg(args, kwargs, 1, "attribute"), arg(args, kwargs, 0, "case_sensitive", false));
  let best = items[0];
  let bestKey = key(best);
  for (const item of items.slice(1)) {
    const itemKey = key(item);
    if (sign * pyCompare(itemKey, bestKey) < 0) {
      best = item;
      bestKey = itemKey;
    }
  }
  return best;
}

function groupby(value: unknown, args: unknown[], kwargs: Kwargs): unknown[] {
  const attribute = arg(args, kwargs, 0, "attribute");
  const fallback = arg(args, kwargs, 1, "default");
  const caseSensitive = arg(args, kwargs, 2, "case_sensitive", false);
  const key = caseGetter(attribute, caseSensitive, fallback);
  const sorted = sortBy(pyIter(value), key, false);
  const groups: [unknown, unknown[]][] = [];
  for (const item of sorted) {
    const itemKey = key(item);
    const last = groups.at(-1);
    if (last && pyCompare(last[0], itemKey) === 0) last[1].push(item);
    else groups.push([itemKey, [item]]);
  }
  const realKey = attrGetter(attribute, undefined, fallback);
  return groups.map(([groupKey, items]) => {
    const group = tuple([caseSensitive ? groupKey : realKey(items[0]), items]);
    groupTuples.add(group);
    return group;
  });
}

function batch(value: unknown, size: number, fill: unknown): unknown[][] {
  const out: unknown[][] = [];
  let current: unknown[] = [];
  for (const item of pyIter(value)) {
    if (current.length === size) {
      out.push(current);
      current = [];
    }
    current.push(item);
  }
  if (current.length > 0) {
    if (fill !== undefined && fill !== null) while (current.length < size) current.push(fill);
    out.push(current);
  }
  return out;
}

function sliceInto(value: unknown, slices: number, fill: unknown): unknown[][] {
  const items = pyIter(value);
  const perSlice = Math.floor(items.length / slices);
  const withExtra = items.length % slices;
  const out: unknown[][] = [];
  let offset = 0;
  for (let index = 0; index < slices; index++) {
    const start = offset + index * perSlice;
    if (index < withExtra) offset++;
    const part = items.slice(start, offset + (index + 1) * perSlice);
    if (fill !== undefined && fill !== null && index >= withExtra) part.push(fill);
    out.push(part);
  }
  return out;
}

const SEQUENCE_FILTERS: Record<string, FilterFunction> = {
  default: (value, args, kwargs) => {
    const fallback = arg(args, kwargs, 0, "default_value", "");
    const boolean = arg(args, kwargs, 1, "boolean", false);
    return value instanceof Undefined || (pyBool(boolean) && !pyBool(value)) ? fallback : value;
  },
  length: (value) => pyLen(value),
  list: (value) => pyIter(value),
  first: (value) => {
    const items = pyIter(value);
    return items.length > 0 ? items[0] : new Undefined("No first item, sequence was empty.");
  },
  last: (value) => {
    const items = pyIter(value);
    return items.length > 0 ? items[items.length - 1] : new Undefined("No last item, sequence was empty.");
  },
  join: (value, args, kwargs) => {
    const attribute = arg(args, kwargs, 1, "attribute");
    const items = pyIter(value);
    const mapped = attribute === undefined || attribute === null ? items : items.map(attrGetter(attribute));
    return mapped.map((item) => pyStr(item)).join(pyStr(arg(args, kwargs, 0, "d", "")));
  },
  sum: (value, args, kwargs) => {
    const attribute = arg(args, kwargs, 0, "attribute");
    const items = pyIter(value);
    const mapped = attribute === undefined || attribute === null ? items : items.map(attrGetter(attribute));
    return mapped.reduce((total, item) => binary("+", total, item), arg(args, kwargs, 1, "start", 0));
  },
  min: (value, args, kwargs) => minOrMax(value, args, kwargs, 1),
  max: (value, args, kwargs) => minOrMax(value, args, kwargs, -1),
  sort: (value, args, kwargs) => {
    const reverse = pyBool(arg(args, kwargs, 0, "reverse", false));
    const caseSensitive = arg(args, kwargs, 1, "case_sensitive", false);
    const key = multiAttrGetter(arg(args, kwargs, 2, "attribute"), caseSensitive ? undefined : ignoreCase);
    return sortBy(pyIter(value), key, reverse);
  },
  unique: (value, args, kwargs) => {
    const key = caseGetter(arg(args, kwargs, 1, "attribute"), arg(args, kwargs, 0, "case_sensitive", false));
    const seen = new Set<string>();
    return pyIter(value).filter((item) => {
      const itemKey = hashKey(key(item));
      if (seen.has(itemKey)) return false;
      seen.add(itemKey);
      return true;
    });
  },
  reverse: (value) => {
    if (typeof value === "string") return [...value].reverse().join("");
    return pyIter(value).reverse();
  },
  dictsort: (value, args, kwargs) => {
    if (value instanceof Undefined) value.fail();
    if (!isDict(value)) throw typeError(`'${objectTypeRepr(value)}' has no attribute 'items'`);
    const caseSensitive = arg(args, kwargs, 0, "case_sensitive", false);
    const by = arg(args, kwargs, 1, "by", "key");
    if (by !== "key" && by !== "value") throw runtimeError('You can only sort by either "key" or "value"');
    const position = by === "key" ? 0 : 1;
    const key = ([itemKey, itemValue]: [unknown, unknown]): unknown => {
      const chosen = position === 0 ? itemKey : itemValue;
      return caseSensitive ? chosen : ignoreCase(chosen);
    };
    return sortBy(dictEntries(value), key, pyBool(arg(args, kwargs, 2, "reverse", false))).map((entry) =>
      tuple(entry),
    );
  },
  items: (value) => {
    if (value instanceof Undefined) return [];
    if (!isDict(value)) throw typeError("Can only get item pairs from a mapping.");
    return dictEntries(value).map((entry) => tuple(entry));
  },
  groupby,
  batch: (value, args, kwargs) =>
    batch(value, num(arg(args, kwargs, 0, "linecount") as number), arg(args, kwargs, 1, "fill_with")),
  slice: (value, args, kwargs) =>
    sliceInto(value, num(arg(args, kwargs, 0, "slices") as number), arg(args, kwargs, 1, "fill_with")),
  map: (value, args, kwargs) => pyIter(value).map(mapper(args, kwargs)),
  select: (value, args, kwargs) => pyIter(value).filter(selector(args, kwargs, false, true)),
  reject: (value, args, kwargs) => pyIter(value).filter(selector(args, kwargs, false, false)),
  selectattr: (value, args, kwargs) => pyIter(value).filter(selector(args, kwargs, true, true)),
  rejectattr: (value, args, kwargs) => pyIter(value).filter(selector(args, kwargs, true, false)),
  attr: (value, args) => {
    const name = pyStr(args[0]);
    const found = getAttrOnly(value, name);
    return found === MISSING
      ? new Undefined(`'${objectTypeRepr(value)}' has no attribute ${pyRepr(name)}`)
      : found;
  },
  random: (value) => {
    const items = pyIter(value);
    if (items.length === 0) throw valueError("Cannot choose from an empty sequence");
    return items[Math.floor(Math.random() * items.length)];
  },
};

export const FILTERS: Record<string, FilterFunction> = {
  ...TEXT_FILTERS,
  ...SEQUENCE_FILTERS,
  d: SEQUENCE_FILTERS.default as FilterFunction,
  count: SEQUENCE_FILTERS.length as FilterFunction,
};

for (const name of Object.keys(FILTERS)) knownFilterNames.add(name);
export const FILTER_NAMES: ReadonlySet<string> = knownFilterNames;
