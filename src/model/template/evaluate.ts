/** Evaluates expressions: names through the frame chain, operators, calls, filters, tests. */
import { SliceKey, getAttr, getItem } from "./access.js";
import type { CallArgs, Expr } from "./ast.js";
import { TemplateError, typeError } from "./errors.js";
import { callFilter, callTest } from "./filters.js";
import { GLOBALS } from "./objects.js";
import { binary, compare, unary } from "./operators.js";
import {
  Callable,
  MISSING,
  PyFloat,
  Undefined,
  dictEntries,
  isDict,
  isTuple,
  ownValue,
  pyBool,
  pyIter,
  tuple,
  typeName,
} from "./values.js";
import type { Kwargs } from "./values.js";

/** One scope: a template's top level, a loop iteration, a macro call, a block, a `with`. */
export class Frame {
  readonly vars = new Map<string, unknown>();

  constructor(
    readonly parent: Frame | undefined,
    /** The render context, read through own data properties only. */
    readonly context?: Readonly<Record<string, unknown>>,
  ) {}

  lookup(name: string): unknown {
    if (this.vars.has(name)) return this.vars.get(name);
    if (this.context) {
      const value = ownValue(this.context, name);
      if (value !== MISSING) return value;
    }
    if (this.parent) return this.parent.lookup(name);
    return GLOBALS.get(name) ?? new Undefined(`'${name}' is undefined`);
  }
}

function hashableKey(key: unknown): unknown {
  if (Array.isArray(key) && !isTuple(key)) throw typeError("unhashable type: 'list'");
  if (isDict(key)) throw typeError("unhashable type: 'dict'");
  return key instanceof PyFloat ? key.value : key;
}

export class Evaluator {
  constructor(readonly templateName: string) {}

  eval(expr: Expr, frame: Frame): unknown {
    switch (expr.type) {
      case "const":
        return expr.value;
      case "name":
        return frame.lookup(expr.name);
      case "list":
        return expr.items.map((item) => this.eval(item, frame));
      case "tuple":
        return tuple(expr.items.map((item) => this.eval(item, frame)));
      case "dict": {
        const dict = new Map<unknown, unknown>();
        for (const [key, value] of expr.pairs)
          dict.set(hashableKey(this.eval(key, frame)), this.eval(value, frame));
        return dict;
      }
      case "getattr":
        return getAttr(this.eval(expr.object, frame), expr.attr);
      case "getitem":
        return getItem(this.eval(expr.object, frame), this.eval(expr.key, frame));
      case "slice": {
        const part = (node: Expr | undefined): unknown => (node ? this.eval(node, frame) : null);
        return new SliceKey(part(expr.start), part(expr.stop), part(expr.step));
      }
      case "call":
        return this.evalCall(expr, frame, undefined);
      case "filter":
        return this.applyFilters(expr, undefined, frame);
      case "test": {
        const [args, kwargs] = this.callArgs(expr, frame);
        return this.located(expr.line, () =>
          callTest(expr.name, this.eval(expr.operand, frame), args, kwargs),
        );
      }
      case "binary":
        return binary(expr.op, this.eval(expr.left, frame), this.eval(expr.right, frame));
      case "unary":
        if (expr.op === "not") return !pyBool(this.eval(expr.operand, frame));
        return unary(expr.op, this.eval(expr.operand, frame));
      case "and": {
        const left = this.eval(expr.left, frame);
        return pyBool(left) ? this.eval(expr.right, frame) : left;
      }
      case "or": {
        const left = this.eval(expr.left, frame);
        return pyBool(left) ? left : this.eval(expr.right, frame);
      }
      case "compare": {
        let left = this.eval(expr.first, frame);
        for (const [op, node] of expr.ops) {
          const right = this.eval(node, frame);
          if (!compare(op, left, right)) return false;
          left = right;
        }
        return true;
      }
      case "condexpr":
        if (pyBool(this.eval(expr.test, frame))) return this.eval(expr.then, frame);
        if (expr.otherwise) return this.eval(expr.otherwise, frame);
        return new Undefined(
          `the inline if-expression on line ${expr.line} evaluated to false and no else section was defined.`,
        );
    }
  }

  /** A call; `caller` is the body of a `{% call %}` block, passed as the `caller` keyword. */
  evalCall(expr: Expr, frame: Frame, caller: Callable | undefined): unknown {
    if (expr.type !== "call") throw typeError("expected a call");
    const callee = this.eval(expr.callee, frame);
    const [args, kwargs] = this.callArgs(expr, frame);
    if (caller) kwargs.set("caller", caller);
    if (callee instanceof Undefined) callee.fail();
    if (!(callee instanceof Callable)) throw typeError(`'${typeName(callee)}' object is not callable`);
    return this.located(expr.line, () => callee.call(args, kwargs));
  }

  /** A filter chain; a chain whose innermost operand is missing (filter blocks) starts at `input`. */
  applyFilters(expr: Expr, input: unknown, frame: Frame): unknown {
    if (expr.type !== "filter") return this.eval(expr, frame);
    const value = expr.operand ? this.applyFilters(expr.operand, input, frame) : input;
    const [args, kwargs] = this.callArgs(expr, frame);
    return this.located(expr.line, () => callFilter(expr.name, value, args, kwargs));
  }

  private callArgs(call: CallArgs, frame: Frame): [unknown[], Kwargs] {
    const args = call.args.map((arg) => this.eval(arg, frame));
    if (call.starArgs) args.push(...pyIter(this.eval(call.starArgs, frame)));
    const kwargs: Kwargs = new Map();
    for (const [name, value] of call.kwargs) kwargs.set(name, this.eval(value, frame));
    if (call.starKwargs) {
      const extra = this.eval(call.starKwargs, frame);
      if (!isDict(extra)) throw typeError(`argument after ** must be a mapping, not ${typeName(extra)}`);
      for (const [key, value] of dictEntries(extra)) kwargs.set(String(key), value);
    }
    return [args, kwargs];
  }

  /** Runs `action`, attributing an error it raises to `line` of this template. */
  protected located<T>(line: number, action: () => T): T {
    try {
      return action();
    } catch (error) {
      if (error instanceof TemplateError) throw error.at(line, this.templateName);
      throw error;
    }
  }
}
