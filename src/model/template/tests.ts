/** Jinja2's builtin tests (`x is defined`, `n is divisibleby 3`, …). */
import { compare } from "./operators.js";
import { pyStr } from "./format.js";
import type { PyFloat } from "./values.js";
import {
  Callable,
  Undefined,
  isDict,
  isFloat,
  isInt,
  isNumber,
  num,
  pyIter,
  pyLen,
  type Kwargs,
} from "./values.js";
import { binary } from "./operators.js";

export type TestFunction = (value: unknown, args: unknown[], kwargs: Kwargs) => boolean;

function comparing(op: string): TestFunction {
  return (value, args) => compare(op, value, args[0]);
}

function succeeds(action: () => unknown): boolean {
  try {
    action();
    return true;
  } catch {
    return false;
  }
}

const isCased = (text: string): boolean => text.toLowerCase() !== text.toUpperCase();

/** Filled in by filters.ts, which knows the filter names (avoids an import cycle). */
export const knownFilterNames = new Set<string>();

export const TESTS: Record<string, TestFunction> = {
  defined: (value) => !(value instanceof Undefined),
  undefined: (value) => value instanceof Undefined,
  none: (value) => value === null,
  boolean: (value) => typeof value === "boolean",
  false: (value) => value === false,
  true: (value) => value === true,
  integer: (value) => isInt(value),
  float: (value) => isFloat(value),
  number: (value) => isNumber(value),
  string: (value) => typeof value === "string",
  mapping: (value) => isDict(value),
  sequence: (value) =>
    succeeds(() => pyLen(value)) && (typeof value === "string" || Array.isArray(value) || isDict(value)),
  iterable: (value) => succeeds(() => pyIter(value)),
  callable: (value) => value instanceof Callable,
  odd: (value) => num(binary("%", value, 2) as number) === 1,
  even: (value) => num(binary("%", value, 2) as number) === 0,
  divisibleby: (value, args) => num(binary("%", value, args[0]) as number | PyFloat) === 0,
  lower: (value) => {
    const text = pyStr(value);
    return text.toLowerCase() === text && isCased(text);
  },
  upper: (value) => {
    const text = pyStr(value);
    return text.toUpperCase() === text && isCased(text);
  },
  sameas: (value, args) => value === args[0],
  escaped: () => false,
  in: (value, args) => compare("in", value, args[0]),
  eq: comparing("=="),
  equalto: comparing("=="),
  "==": comparing("=="),
  ne: comparing("!="),
  "!=": comparing("!="),
  lt: comparing("<"),
  lessthan: comparing("<"),
  "<": comparing("<"),
  le: comparing("<="),
  "<=": comparing("<="),
  gt: comparing(">"),
  greaterthan: comparing(">"),
  ">": comparing(">"),
  ge: comparing(">="),
  ">=": comparing(">="),
  filter: (value) => typeof value === "string" && knownFilterNames.has(value),
  test: (value) => typeof value === "string" && Object.hasOwn(TESTS, value),
};

export const TEST_NAMES: ReadonlySet<string> = new Set(Object.keys(TESTS));
