/** Python's arithmetic and comparison operators over the value model in values.ts. */
import { TemplateError, typeError } from "./errors.js";
import { pyStr } from "./format.js";
import { percentFormat } from "./pyformat.js";
import { getItem } from "./access.js";
import type { PyFloat } from "./values.js";
import {
  Undefined,
  isFloat,
  isInt,
  isNumber,
  isTuple,
  mkFloat,
  num,
  pyCompare,
  pyContains,
  pyEq,
  tuple,
  typeName,
} from "./values.js";

function unsupported(op: string, left: unknown, right: unknown): TemplateError {
  return typeError(`unsupported operand type(s) for ${op}: '${typeName(left)}' and '${typeName(right)}'`);
}

function zeroDivision(message: string): TemplateError {
  return new TemplateError("ZeroDivisionError", message);
}

function numeric(left: unknown, right: unknown, float: boolean, value: number): number | PyFloat {
  return float || isFloat(left) || isFloat(right) ? mkFloat(value) : value;
}

function repeat(sequence: unknown, times: unknown): unknown {
  const count = Math.max(0, num(times as number));
  if (typeof sequence === "string") return sequence.repeat(count);
  const list = sequence as unknown[];
  const out: unknown[] = [];
  for (let index = 0; index < count; index++) out.push(...list);
  return isTuple(list) ? tuple(out) : out;
}

function isIntLike(value: unknown): boolean {
  return isInt(value) || typeof value === "boolean";
}

export function binary(op: string, left: unknown, right: unknown): unknown {
  if (op === "~") return pyStr(left) + pyStr(right);
  if (left instanceof Undefined) left.fail();
  if (right instanceof Undefined) right.fail();
  const numbers = isNumber(left) && isNumber(right);
  switch (op) {
    case "+":
      if (numbers) return numeric(left, right, false, num(left) + num(right));
      if (typeof left === "string" && typeof right === "string") return left + right;
      if (Array.isArray(left) && Array.isArray(right) && isTuple(left) === isTuple(right)) {
        return isTuple(left) ? tuple([...left, ...right]) : [...left, ...right];
      }
      if (typeof left === "string")
        throw typeError(`can only concatenate str (not "${typeName(right)}") to str`);
      throw unsupported("+", left, right);
    case "-":
      if (numbers) return numeric(left, right, false, num(left) - num(right));
      throw unsupported("-", left, right);
    case "*":
      if (numbers) return numeric(left, right, false, num(left) * num(right));
      if ((typeof left === "string" || Array.isArray(left)) && isIntLike(right)) return repeat(left, right);
      if ((typeof right === "string" || Array.isArray(right)) && isIntLike(left)) return repeat(right, left);
      throw unsupported("*", left, right);
    case "/":
      if (!numbers) throw unsupported("/", left, right);
      if (num(right) === 0) throw zeroDivision("division by zero");
      return mkFloat(num(left) / num(right));
    case "//":
      if (!numbers) throw unsupported("//", left, right);
      if (num(right) === 0) throw zeroDivision("integer division or modulo by zero");
      return numeric(left, right, false, Math.floor(num(left) / num(right)));
    case "%":
      if (typeof left === "string") return percentFormat(left, right, (key) => getItem(right, key));
      if (!numbers) throw unsupported("%", left, right);
      if (num(right) === 0) throw zeroDivision("integer division or modulo by zero");
      return numeric(left, right, false, pyMod(num(left), num(right)));
    case "**": {
      if (!numbers) throw unsupported("** or pow()", left, right);
      const exponent = num(right);
      if (num(left) === 0 && exponent < 0) throw zeroDivision("0.0 cannot be raised to a negative power");
      return numeric(left, right, exponent < 0, num(left) ** exponent);
    }
    default:
      throw typeError(`unknown operator ${op}`);
  }
}

function pyMod(a: number, b: number): number {
  const rest = a % b;
  return rest !== 0 && rest < 0 !== b < 0 ? rest + b : rest;
}

export function unary(op: "-" | "+", operand: unknown): unknown {
  if (operand instanceof Undefined) operand.fail();
  if (!isNumber(operand)) throw typeError(`bad operand type for unary ${op}: '${typeName(operand)}'`);
  const value = op === "-" ? -num(operand) : num(operand);
  return isFloat(operand) ? mkFloat(value) : value === 0 ? 0 : value;
}

export function compare(op: string, left: unknown, right: unknown): boolean {
  switch (op) {
    case "==":
      return pyEq(left, right);
    case "!=":
      return !pyEq(left, right);
    case "<":
      return pyCompare(left, right, op) < 0;
    case "<=":
      return pyCompare(left, right, op) <= 0;
    case ">":
      return pyCompare(left, right, op) > 0;
    case ">=":
      return pyCompare(left, right, op) >= 0;
    case "in":
      return pyContains(right, left);
    case "not in":
      return !pyContains(right, left);
    default:
      throw typeError(`unknown comparison ${op}`);
  }
}
