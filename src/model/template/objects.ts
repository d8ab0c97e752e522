/**
 * The engine objects a template can touch besides data: `loop`, `cycler`, `joiner`, `namespace`,
 * `range`, `dict`, imported template modules. Each exposes only the attributes Jinja2 documents.
 */
import { securityError, typeError } from "./errors.js";
import { pyStr } from "./format.js";
import { arg } from "./methods.js";
import {
  Callable,
  MISSING,
  Namespace,
  TemplateObject,
  Undefined,
  dictEntries,
  dictSet,
  isDict,
  isInt,
  num,
  pyEq,
  pyIter,
} from "./values.js";
import type { Kwargs } from "./values.js";

/** Jinja2's sandbox refuses ranges longer than this. */
export const MAX_RANGE = 100_000;

export class LoopContext extends Callable {
  override readonly pyType = "LoopContext";
  index0 = -1;
  private lastChanged: unknown[] | undefined;

  constructor(
    private readonly items: readonly unknown[],
    readonly depth0: number,
    recurse: ((items: unknown) => string) | undefined,
  ) {
    super("loop", (args) => {
      if (!recurse) throw typeError("The loop must have the 'recursive' marker to be called recursively.");
      return recurse(args[0]);
    });
  }

  override attr(name: string): unknown {
    const { index0, items } = this;
    switch (name) {
      case "index":
        return index0 + 1;
      case "index0":
        return index0;
      case "revindex":
        return items.length - index0;
      case "revindex0":
        return items.length - index0 - 1;
      case "first":
        return index0 === 0;
      case "last":
        return index0 === items.length - 1;
      case "length":
        return items.length;
      case "depth":
        return this.depth0 + 1;
      case "depth0":
        return this.depth0;
      case "previtem":
        return index0 > 0 ? items[index0 - 1] : new Undefined("there is no previous item");
      case "nextitem":
        return index0 < items.length - 1 ? items[index0 + 1] : new Undefined("there is no next item");
      case "cycle":
        return new Callable("cycle", (args) => {
          if (args.length === 0) throw typeError("no items for cycling given");
          return args[index0 % args.length];
        });
      case "changed":
        return new Callable("changed", (args) => {
          if (this.lastChanged !== undefined && pyEq(this.lastChanged, args)) return false;
          this.lastChanged = args;
          return true;
        });
      default:
        return MISSING;
    }
  }
}

class Cycler extends TemplateObject {
  readonly pyType = "Cycler";
  private position = 0;

  constructor(private readonly items: readonly unknown[]) {
    super();
  }

  override attr(name: string): unknown {
    if (name === "current") return this.items[this.position];
    if (name === "next") {
      return new Callable("next", () => {
        const item = this.items[this.position];
        this.position = (this.position + 1) % this.items.length;
        return item;
      });
    }
    if (name === "reset") {
      return new Callable("reset", () => {
        this.position = 0;
        return null;
      });
    }
    return MISSING;
  }
}

/** What `{% import %}` binds: the exported top-level names of a template. */
export class TemplateModule extends TemplateObject {
  readonly pyType = "TemplateModule";
  constructor(
    readonly templateName: string,
    private readonly exports: ReadonlyMap<string, unknown>,
  ) {
    super();
  }
  override attr(name: string): unknown {
    return !name.startsWith("_") && this.exports.has(name) ? this.exports.get(name) : MISSING;
  }
}

function range(args: unknown[]): unknown[] {
  if (args.length === 0 || args.length > 3)
    throw typeError(`range expected 1 to 3 arguments, got ${args.length}`);
  for (const value of args) {
    if (!isInt(value) && typeof value !== "boolean")
      throw typeError(`'${pyStr(value)}' object cannot be interpreted as an integer`);
  }
  const numbers = args.map((value) => num(value as number));
  const [start, stop, step] =
    numbers.length === 1
      ? [0, numbers[0] as number, 1]
      : [numbers[0] as number, numbers[1] as number, numbers[2] ?? 1];
  if (step === 0) throw typeError("range() arg 3 must not be zero");
  const length = Math.max(0, Math.ceil((stop - start) / step));
  if (length > MAX_RANGE) {
    throw securityError(`Range too big. The sandbox blocks ranges larger than MAX_RANGE (${MAX_RANGE}).`);
  }
  return Array.from({ length }, (_, index) => start + index * step);
}

function fillDict(target: Map<unknown, unknown> | Namespace, args: unknown[], kwargs: Kwargs): void {
  const set = (key: unknown, value: unknown): void => {
    if (target instanceof Namespace) target.attrs.set(pyStr(key), value);
    else dictSet(target, key, value);
  };
  const source = args[0];
  if (isDict(source)) for (const [key, value] of dictEntries(source)) set(key, value);
  else if (source !== undefined) {
    for (const pair of pyIter(source)) {
      const items = pyIter(pair);
      if (items.length !== 2) throw typeError("dictionary update sequence element has wrong length");
      set(items[0], items[1]);
    }
  }
  for (const [key, value] of kwargs) set(key, value);
}

function joiner(args: unknown[], kwargs: Kwargs): Callable {
  const separator = pyStr(arg(args, kwargs, 0, "sep", ", "));
  let used = false;
  return new Callable("joiner", () => {
    if (used) return separator;
    used = true;
    return "";
  });
}

/** The global functions of Jinja2's default environment (lipsum excepted). */
export const GLOBALS: ReadonlyMap<string, Callable> = new Map([
  ["range", new Callable("range", (args) => range(args))],
  [
    "dict",
    new Callable("dict", (args, kwargs) => {
      const dict = new Map<unknown, unknown>();
      fillDict(dict, args, kwargs);
      return dict;
    }),
  ],
  [
    "namespace",
    new Callable("namespace", (args, kwargs) => {
      const namespace = new Namespace();
      fillDict(namespace, args, kwargs);
      return namespace;
    }),
  ],
  ["cycler", new Callable("cycler", (args) => new Cycler(args))],
  ["joiner", new Callable("joiner", joiner)],
]);
